from __future__ import annotations

from pathlib import Path

import pytest

from sim.comparison import compare, newcombe_difference
from sim.errors import SimulationError
from sim.loader import load_scenario
from sim.montecarlo import simulate


def test_a_scenario_compared_with_itself_differs_by_zero_on_every_outcome(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=200, seed=2)
    comparison = compare([results, results])
    for outcome in comparison.shared + comparison.shared_primary:
        diff = comparison.difference(outcome, 1)
        assert diff.value == 0.0
        assert diff.low <= 0.0 <= diff.high
        assert not diff.excludes_zero


def test_newcombe_interval_matches_the_published_example() -> None:
    # Newcombe (1998), example (a): 56/70 vs 48/80 gives 0.0524 to 0.3339.
    diff = newcombe_difference(56, 70, 48, 80)
    assert diff.value == pytest.approx(0.2)
    assert (diff.low, diff.high) == pytest.approx((0.0524, 0.3339), abs=5e-4)
    assert diff.excludes_zero


def test_comparing_runs_of_different_lengths_is_refused(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    with pytest.raises(SimulationError):
        compare([simulate(scenario, runs=50, seed=1), simulate(scenario, runs=60, seed=1)])
