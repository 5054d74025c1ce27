from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.backtest.scores import (
    crps_samples,
    crps_weighted,
    mean_with_interval,
    pit_histogram,
    pit_values,
)

scale = st.floats(0, 100, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(point=scale, outcome=scale, size=st.integers(1, 30))
def test_the_crps_of_a_point_mass_is_the_absolute_error(
    point: float, outcome: float, size: int
) -> None:
    crps = crps_samples(np.array([outcome]), np.full((1, size), point))
    assert crps[0] == pytest.approx(abs(point - outcome), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(sample=st.lists(scale, min_size=1, max_size=25), outcome=scale)
def test_the_crps_of_a_sample_is_the_energy_form(sample: list[float], outcome: float) -> None:
    x = np.array(sample)
    expected = np.abs(x - outcome).mean() - 0.5 * np.abs(x[:, None] - x[None, :]).mean()
    assert crps_samples(np.array([outcome]), x[None, :])[0] == pytest.approx(expected, abs=1e-9)


def test_weights_count_members_as_repeats() -> None:
    weighted = crps_weighted(30.0, np.array([0.0, 50.0]), np.array([1.0, 3.0]))
    repeated = crps_samples(np.array([30.0]), np.array([[0.0, 50.0, 50.0, 50.0]]))[0]
    assert weighted == pytest.approx(repeated)


def test_a_spread_forecast_beats_a_far_point_forecast_in_crps() -> None:
    near = crps_samples(np.array([50.0]), np.array([np.linspace(30, 70, 41)]))[0]
    assert near < abs(20.0 - 50.0)


def test_pit_is_0_below_every_run_1_above_and_spreads_ties() -> None:
    rng = np.random.default_rng(0)
    samples = np.array([[10.0, 20.0, 30.0, 40.0]] * 3)
    pit = pit_values(np.array([5.0, 50.0, 20.0]), samples, rng)
    assert pit[0] == 0.0 and pit[1] == 1.0 and 0.25 <= pit[2] <= 0.5
    ties = pit_values(np.full(4000, 7.0), np.full((4000, 10), 7.0), rng)
    assert pit_histogram(ties) == pytest.approx([400] * 10, abs=80)


def test_a_calibrated_forecast_gives_a_flat_pit_histogram() -> None:
    rng = np.random.default_rng(1)
    samples = rng.normal(50, 10, size=(2000, 200))
    outcomes = rng.normal(50, 10, size=2000)
    counts = pit_histogram(pit_values(outcomes, samples, rng))
    assert sum(counts) == 2000 and max(counts) < 260 and min(counts) > 140


def test_the_interval_resamples_proposals_and_holds_the_mean() -> None:
    values = np.array([1.0, 2.0, 3.0, 10.0, 11.0, 12.0])
    estimate = mean_with_interval(values, ["a", "a", "a", "b", "b", "b"], seed=0)
    assert estimate.value == pytest.approx(6.5) and estimate.n == 6
    # only two clusters: a resample holds a twice, b twice, or one of each
    assert estimate.low == pytest.approx(2.0) and estimate.high == pytest.approx(11.0)
    alone = mean_with_interval(values, ["a"] * 6, seed=0)
    assert (alone.low, alone.high) == (6.5, 6.5)
