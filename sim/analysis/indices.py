"""Sensitivity designs and indices from SALib (the only module that imports it).

Designs are drawn on the unit cube, one dimension per factor; each point's values are the
factors' quantiles at those coordinates (:meth:`~sim.engine.inputs.InputSpace.values`), so
every factor keeps its declared distribution. Morris elementary effects are therefore measured
per unit of cumulative probability: a factor's μ* is the mean absolute change of an outcome's
share over a step of two thirds of its distribution, comparable across factors of any unit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
MORRIS_LEVELS = 4
"""Grid levels of the Morris design (Morris 1991; Campolongo et al. 2007 use 4)."""
RESAMPLES = 1000
"""Bootstrap resamples behind every confidence interval."""
CONFIDENCE = 0.95


def _problem(names: tuple[str, ...]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def morris_design(names: tuple[str, ...], trajectories: int, seed: int) -> FloatArray:
    """A Morris design of *trajectories* × (factors + 1) unit-cube points."""
    from SALib.sample import morris

    design = morris.sample(_problem(names), trajectories, num_levels=MORRIS_LEVELS, seed=seed)
    return np.asarray(design, dtype=np.float64)


def sobol_design(names: tuple[str, ...], base: int, seed: int) -> FloatArray:
    """Saltelli's design for first-order and total indices: *base* × (factors + 2) points."""
    from SALib.sample import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns when *base* is not a power of 2
        design = sobol.sample(_problem(names), base, calc_second_order=False, seed=seed)
    return np.asarray(design, dtype=np.float64)


@dataclass(frozen=True)
class MorrisIndices:
    """Morris screening of one outcome: μ*, its 95 % bootstrap interval half-width, σ, μ."""

    mu_star: FloatArray
    mu_star_conf: FloatArray
    sigma: FloatArray
    mu: FloatArray


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol' indices of one outcome, with 95 % interval half-widths."""

    s1: FloatArray
    s1_conf: FloatArray
    st: FloatArray
    st_conf: FloatArray


def morris_indices(
    names: tuple[str, ...], design: FloatArray, shares: FloatArray, seed: int
) -> MorrisIndices:
    """Morris indices of one outcome's shares over a :func:`morris_design`."""
    from SALib.analyze import morris

    result = morris.analyze(
        _problem(names),
        design,
        np.asarray(shares, dtype=np.float64),
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        num_levels=MORRIS_LEVELS,
        seed=seed,
    )
    return MorrisIndices(
        *(
            np.nan_to_num(np.asarray(result[k], dtype=np.float64))
            for k in ("mu_star", "mu_star_conf", "sigma", "mu")
        )
    )


def sobol_indices(names: tuple[str, ...], shares: FloatArray, seed: int) -> SobolIndices:
    """Sobol' indices of one outcome's shares over a :func:`sobol_design`.

    An outcome whose share never varies has no variance to decompose: every index is 0.
    """
    if float(np.var(shares)) <= 0.0:
        zero = np.zeros(len(names))
        return SobolIndices(zero, zero, zero, zero)
    from SALib.analyze import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sobol.analyze(
            _problem(names),
            np.asarray(shares, dtype=np.float64),
            calc_second_order=False,
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            seed=seed,
        )
    return SobolIndices(
        *(
            np.nan_to_num(np.asarray(result[k], dtype=np.float64))
            for k in ("S1", "S1_conf", "ST", "ST_conf")
        )
    )
