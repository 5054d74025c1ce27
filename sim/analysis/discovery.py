"""Scenario discovery: PRIM boxes of input values where an outcome concentrates.

The Patient Rule Induction Method (Friedman & Fisher 1999) as the EMA Workbench implements it
(Kwakkel 2017; the only module that imports it). PRIM peels the input space from its edges,
keeping the box where the outcome is densest, down to a minimum mass. Of the boxes along that
peeling trajectory we report the densest one that still holds at least half the runs with the
outcome (coverage ≥ 0.5), then drop each restriction whose quasi-p value exceeds 0.05 (the
one-sided binomial test of Bryant & Lempert 2010), so that a rule is not noise.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
MIN_COVERAGE = 0.5
"""The reported box keeps at least this share of the runs with the outcome."""
MASS_MIN = 0.05
SIGNIFICANCE = 0.05
"""A restriction whose quasi-p value (Bryant & Lempert 2010) exceeds this is dropped."""
PEEL_ALPHA = 0.05


@dataclass(frozen=True)
class Restriction:
    """One side of a box: *name* between *low* and *high* (None where the box is open)."""

    name: str
    low: float | None
    high: float | None

    def rule(self) -> str:
        """The restriction as a readable rule, e.g. ``<actor>.prevail ≥ 0.63``."""
        if self.low is not None and self.high is not None:
            return f"{self.low:.3g} ≤ {self.name} ≤ {self.high:.3g}"
        if self.low is not None:
            return f"{self.name} ≥ {self.low:.3g}"
        return f"{self.name} ≤ {self.high:.3g}"


@dataclass(frozen=True)
class Box:
    """A PRIM box for an outcome: its restrictions and how well it captures the outcome."""

    outcome: str
    restrictions: tuple[Restriction, ...]
    coverage: float
    """Share of the runs with the outcome that fall in the box."""
    density: float
    """Share of the runs in the box that have the outcome."""
    mass: float
    """Share of all runs in the box."""
    base_rate: float
    """Share of all runs with the outcome."""

    def rules(self) -> str:
        """The box as one line of rules joined by "and"."""
        return " and ".join(r.rule() for r in self.restrictions) or (
            "no restriction passes the quasi-p test: the outcome does not concentrate in a box"
        )


def prim_box(
    outcome: str, names: tuple[str, ...], x: FloatArray, hit: npt.NDArray[np.bool_]
) -> Box | None:
    """The PRIM box where *outcome* concentrates over runs × inputs *x*; None: nothing to find."""
    y = np.asarray(hit, dtype=np.int64)
    varying = [j for j in range(x.shape[1]) if np.ptp(x[:, j]) > 0]
    if not varying or y.sum() in (0, len(y)):
        return None
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("EMA").setLevel(logging.ERROR)
        from ema_workbench.analysis import prim

        frame = pd.DataFrame({names[j]: x[:, j].astype(np.float64) for j in varying})
        finder = prim.Prim(
            frame, y, threshold=float(y.mean()), peel_alpha=PEEL_ALPHA, mass_min=MASS_MIN
        )
        box = finder.find_box()
        trajectory = box.peeling_trajectory
        kept = trajectory[trajectory.coverage >= MIN_COVERAGE]
        row = int(kept.density.idxmax()) if len(kept) else 0
        box.select(row)
        weak = [
            name
            for name, values in sorted(box.qp[row].items())
            if min((v for v in values if v >= 0), default=1.0) > SIGNIFICANCE
        ]
        for name in weak:
            box.drop_restriction(name)
        trajectory = box.peeling_trajectory
        row = len(trajectory) - 1 if weak else row
    limits, initial = box.box_lims[row], finder.box_init
    restrictions = []
    for name in limits.columns:
        low, high = float(limits[name].iloc[0]), float(limits[name].iloc[1])
        open_low = low <= float(initial[name].iloc[0])
        open_high = high >= float(initial[name].iloc[1])
        if not (open_low and open_high):
            restrictions.append(
                Restriction(str(name), None if open_low else low, None if open_high else high)
            )
    stats = trajectory.loc[row]
    return Box(
        outcome,
        tuple(restrictions),
        float(stats.coverage),
        float(stats.density),
        float(stats.mass),
        float(y.mean()),
    )
