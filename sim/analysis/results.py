"""Aggregated Monte Carlo results: counts, shares and 95 % Wilson intervals, from the tally."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.analysis.runs import RunCsv, RunTable
from sim.analysis.tally import Tally
from sim.errors import SimulationError
from sim.scenario.format import Scenario

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CONFIDENCE = 0.95


def wilson_interval(count: IntArray | int, runs: int) -> tuple[FloatArray, FloatArray]:
    """95 % Wilson score interval for count/runs (statsmodels' ``proportion_confint``).

    Why the import is here: statsmodels (with scipy and pandas) takes over a second to import,
    and ``negsim --help`` or ``validate`` must not pay for it.
    """
    from statsmodels.stats.proportion import proportion_confint

    share = np.asarray(count, dtype=float) / runs
    low, high = proportion_confint(np.asarray(count), runs, alpha=1 - CONFIDENCE, method="wilson")
    # At a share of exactly 0 or 1 the bound equals the share; rounding must not cross it.
    return (
        np.clip(np.minimum(np.asarray(low, dtype=float), share), 0.0, 1.0),
        np.clip(np.maximum(np.asarray(high, dtype=float), share), 0.0, 1.0),
    )


@dataclass(frozen=True)
class InputSpread:
    """Each share across draws of the uncertain inputs: the spread input uncertainty makes.

    ``points`` input draws, each simulated with the same ``runs_per_point`` runs (common random
    numbers); ``low`` and ``high`` are the 10th and 90th percentiles of the share across them.
    """

    points: int
    runs_per_point: int
    low: dict[str, float]
    high: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "points": self.points,
            "runs_per_point": self.runs_per_point,
            "percentiles": [10, 90],
            "low": {k: _r(v) for k, v in self.low.items()},
            "high": {k: _r(v) for k, v in self.high.items()},
        }


@dataclass(frozen=True, eq=False)
class Results:
    """What :func:`sim.simulate` returns: a scenario's outcome distribution with its evidence."""

    scenario: Scenario
    runs: int
    seed: int
    tally: Tally
    """Counts over every run; its size does not depend on the number of runs."""
    weeks: tuple[float, ...]
    """Day of each row of ``tally.level_by_week``."""
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)
    """Issue id → {"median", "mean", "expected_utility"} deterministic forecasts."""
    input_names: tuple[str, ...] = ()
    """Id paths of the uncertain inputs, the columns of ``table.inputs``."""
    draw_names: tuple[str, ...] = ()
    """Id paths of the runs' own draws, the columns of ``table.draws``."""
    structural_zeros: dict[str, str] = field(default_factory=dict)
    """Outcome or class id → why no run can reach it (proved before running)."""
    input_spread: InputSpread | None = None
    """How far each share moves across draws of the uncertain inputs (None: none declared)."""
    kept_runs: RunTable | None = None
    """Every run's row, when simulated with ``keep_runs=True`` (see :attr:`table`)."""

    @property
    def table(self) -> RunTable:
        """One row per run; kept only on request, since it grows with the number of runs.

        Raises:
            SimulationError: unless simulated with ``keep_runs=True``.
        """
        if self.kept_runs is None:
            raise SimulationError(
                "the per-run rows were not kept: simulate(..., keep_runs=True), or stream them "
                "with simulate(..., export=stream)"
            )
        return self.kept_runs

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        """Outcome ids in scenario order."""
        return tuple(o.id for o in self.scenario.outcomes)

    @property
    def primary_ids(self) -> tuple[str, ...]:
        """Primary class ids in scenario order."""
        return tuple(p.id for p in self.scenario.primary)

    def counts(self) -> IntArray:
        """Runs satisfying each outcome."""
        return self.tally.outcomes.copy()

    def primary_counts(self) -> IntArray:
        """Runs in each primary class."""
        return self.tally.primary.copy()

    def share(self, outcome: str) -> float:
        """Share of runs satisfying *outcome* (an outcome or a primary-class id)."""
        return float(self.count(outcome)) / self.runs

    def interval(self, outcome: str) -> tuple[float, float]:
        """95 % Wilson interval of :meth:`share`."""
        low, high = wilson_interval(self.count(outcome), self.runs)
        return float(low), float(high)

    def count(self, outcome: str) -> int:
        """Runs satisfying *outcome* (an outcome or a primary-class id)."""
        if outcome in self.outcome_ids:
            return int(self.counts()[self.outcome_ids.index(outcome)])
        if outcome in self.primary_ids:
            return int(self.primary_counts()[self.primary_ids.index(outcome)])
        known = ", ".join(self.outcome_ids + self.primary_ids)
        raise KeyError(f"unknown outcome {outcome!r}; known: {known}")

    def convergence(self) -> tuple[IntArray, FloatArray]:
        """Running share of each outcome as runs accumulate: (run counts, counts × outcomes)."""
        marks = self.tally.marks
        return marks, self.tally.running / marks[:, None]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: counts, shares, intervals, per-issue agreement summaries."""
        counts, primary = self.counts(), self.primary_counts()
        low, high = wilson_interval(counts, self.runs)
        plow, phigh = wilson_interval(primary, self.runs)
        issues = [i.id for i in self.scenario.issues]
        tally = self.tally
        return {
            "scenario": self.scenario.id,
            "runs": self.runs,
            "seed": self.seed,
            "outcomes": {
                o: {"count": int(c), "share": _r(c / self.runs), "low": _r(lo), "high": _r(hi)}
                for o, c, lo, hi in zip(self.outcome_ids, counts, low, high, strict=True)
            },
            "primary": {
                p: {"count": int(c), "share": _r(c / self.runs), "low": _r(lo), "high": _r(hi)}
                for p, c, lo, hi in zip(self.primary_ids, primary, plow, phigh, strict=True)
            },
            "issues": {
                issue: {
                    "agreed": tally.agreed(k),
                    "mean_position": _r_or_none(tally.mean_position(k)),
                    "forms": tally.form_counts(k).tolist(),
                }
                for k, issue in enumerate(issues)
            },
            "peak_levels": tally.peak_level.tolist(),
            "shocks": dict(
                zip(
                    (s.id for s in self.scenario.shocks),
                    (int(n) for n in tally.shocks),
                    strict=True,
                )
            ),
            "baselines": {k: {m: _r(v) for m, v in b.items()} for k, b in self.baselines.items()},
            "interval": "95 % Wilson interval: Monte Carlo simulation noise only",
            "cannot_occur": dict(sorted(self.structural_zeros.items())),
            "input_spread": None if self.input_spread is None else self.input_spread.to_dict(),
        }

    def to_json(self) -> str:
        """Deterministic JSON of :meth:`to_dict` (sorted keys, rounded floats)."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def to_csv(self) -> str:
        """The per-run table as CSV, one row per run (needs ``keep_runs=True``; see :attr:`table`).

        ``simulate(..., export=stream)`` writes the same text while the runs finish.
        """
        buffer = io.StringIO()
        RunCsv(self.scenario, self.input_names, self.draw_names, buffer).write(0, self.table)
        return buffer.getvalue()


def _r(value: float | np.floating[Any]) -> float:
    return round(float(value), 6)


def _r_or_none(value: float | None) -> float | None:
    return None if value is None else _r(value)
