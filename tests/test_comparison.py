from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from variant_pair import write_pair

from sim.analysis.comparison import compare, compare_scenarios, newcombe_difference
from sim.analysis.montecarlo import simulate
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario


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


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Scenario]:
    base, variant = write_pair(tmp_path_factory.mktemp("pair"))
    return load_scenario(base), load_scenario(variant)


def test_compare_scenarios_equals_comparing_their_results_at_the_same_seed(
    pair: tuple[Scenario, Scenario],
) -> None:
    direct = compare_scenarios(pair, runs=60, seed=4)
    by_hand = compare([simulate(s, runs=60, seed=4) for s in pair])
    assert direct.to_json() == by_hand.to_json()
    assert [(r.runs, r.seed) for r in direct.results] == [(60, 4), (60, 4)]


def test_compare_scenarios_needs_two_scenarios(pair: tuple[Scenario, Scenario]) -> None:
    with pytest.raises(SimulationError, match="at least two"):
        compare_scenarios(pair[:1], runs=10)


def test_progress_reports_every_run_of_every_scenario(pair: tuple[Scenario, Scenario]) -> None:
    calls: list[tuple[int, int]] = []
    compare_scenarios(pair, runs=30, seed=1, progress=lambda i, done: calls.append((i, done)))
    assert {i for i, _ in calls} == {0, 1}
    assert max(done for i, done in calls if i == 0) == 30
    assert max(done for i, done in calls if i == 1) == 30


def test_different_outcome_sets_are_compared_on_the_shared_ones(
    pair: tuple[Scenario, Scenario],
) -> None:
    comparison = compare_scenarios(pair, runs=20, seed=1)
    assert comparison.shared == ("toll-deal", "high-dam")
    assert comparison.shared_primary == ("war", "agreement", "stalemate")
    assert comparison.unshared == {"tiny": ("fighting",), "tiny-soft": ("low-toll",)}
    assert set(comparison.to_dict()["outcomes"]) == {
        "toll-deal", "high-dam", "war", "agreement", "stalemate"
    }  # fmt: skip
    assert comparison.label("low-toll", 1) == "Low toll"


def test_repeated_scenarios_get_numbered_names(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=10, seed=0)
    comparison = compare([results, results, results])
    assert comparison.names == ("tiny", "tiny (2)", "tiny (3)")
    assert comparison.scenario_ids == ("tiny", "tiny", "tiny")


def test_an_issue_missing_from_one_scenario_is_not_shared(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=10, seed=0)
    s = results.scenario
    without_toll = dataclasses.replace(
        results, scenario=s.model_copy(update={"issues": s.issues[1:]})
    )
    assert compare([results, results]).shared_issues == ("toll", "dam")
    assert compare([results, without_toll]).shared_issues == ("dam",)
