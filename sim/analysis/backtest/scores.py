"""Scores of forecasts against recorded outcomes: absolute error, CRPS and calibration (PIT).

Intervals are percentile bootstraps over *proposals*, not issues: the issues of one proposal
are negotiated together, so their errors are not independent, and resampling whole proposals
keeps that dependence (a cluster bootstrap; scipy's ``bootstrap`` on per-proposal sums and
counts). The CRPS of a sample is scoringrules' energy-form estimator
``E|X − y| − ½ E|X − X'|`` over the sample's empirical distribution (Gneiting & Raftery 2007),
so the CRPS of a point forecast is its absolute error and both are on the outcome's scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

LEVEL = 0.95
"""Confidence level of every interval."""
RESAMPLES = 2000
"""Bootstrap resamples per interval."""
WITHIN = 10.0
"""A forecast within this many points of the outcome counts as close."""
PIT_BINS = 10
"""Equal-width bins of the PIT histogram on [0, 1]."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """A mean over issues with its 95 % cluster-bootstrap interval."""

    value: float
    low: float
    high: float
    n: int
    """Issues averaged."""

    @property
    def excludes_zero(self) -> bool:
        """True when the interval lies wholly on one side of 0."""
        return self.low > 0 or self.high < 0


def mean_with_interval(values: FloatArray, clusters: Sequence[str], seed: int) -> Estimate:
    """The mean of *values* and its percentile interval, resampling whole clusters.

    With one cluster (or none) the interval is the mean itself: there is nothing to resample.
    """
    from scipy.stats import bootstrap

    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    mean = float(values.mean())
    names, group = np.unique(np.asarray(clusters), return_inverse=True)
    if names.size < 2 or np.ptp(values) == 0:
        return Estimate(mean, mean, mean, int(values.size))
    sums = np.bincount(group, weights=values)
    counts = np.bincount(group).astype(np.float64)

    def ratio(s: FloatArray, c: FloatArray, axis: int = -1) -> FloatArray:
        return np.asarray(s.sum(axis=axis) / c.sum(axis=axis))

    result = bootstrap(
        (sums, counts),
        ratio,
        paired=True,
        vectorized=True,
        n_resamples=RESAMPLES,
        confidence_level=LEVEL,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    interval = result.confidence_interval
    return Estimate(mean, float(interval.low), float(interval.high), int(values.size))


def crps_samples(outcomes: FloatArray, samples: FloatArray) -> FloatArray:
    """CRPS of each row of *samples* (issues × draws) against its outcome (energy form)."""
    import scoringrules

    return np.asarray(
        scoringrules.crps_ensemble(
            np.asarray(outcomes, dtype=np.float64),
            np.asarray(samples, dtype=np.float64),
            estimator="nrg",
            backend="numpy",
        ),
        dtype=np.float64,
    )


def crps_weighted(outcome: float, members: FloatArray, weights: FloatArray) -> float:
    """CRPS of the distribution putting weight *weights* on each of *members* (energy form)."""
    import scoringrules

    value = scoringrules.crps_ensemble(
        np.array([outcome], dtype=np.float64),
        np.asarray(members, dtype=np.float64)[None, :],
        ens_w=np.asarray(weights, dtype=np.float64)[None, :],
        estimator="nrg",
        backend="numpy",
    )
    return float(np.asarray(value)[0])


def pit_values(outcomes: FloatArray, samples: FloatArray, rng: np.random.Generator) -> FloatArray:
    """The outcome's randomised probability integral transform in each row's distribution.

    PIT = F(y⁻) + V·(F(y) − F(y⁻)) with V uniform (Czado, Gneiting & Held 2009), so ties (the
    engine puts whole runs on the status quo) spread evenly over their jump; a calibrated
    forecast gives uniform PIT values.
    """
    outcomes = np.asarray(outcomes, dtype=np.float64)[:, None]
    below = (samples < outcomes).mean(axis=1)
    at_or_below = (samples <= outcomes).mean(axis=1)
    return np.asarray(below + rng.random(below.shape) * (at_or_below - below))


def pit_histogram(pit: FloatArray, bins: int = PIT_BINS) -> tuple[int, ...]:
    """Counts of PIT values in *bins* equal bins of [0, 1] (the last bin includes 1)."""
    counts, _ = np.histogram(np.asarray(pit), bins=bins, range=(0.0, 1.0))
    return tuple(int(c) for c in counts)
