from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from variant_pair import write_pair

from sim.analysis.comparison import (
    compare,
    compare_scenarios,
    newcombe_difference,
    paired_difference,
)
from sim.analysis.montecarlo import simulate
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario


def test_a_scenario_compared_with_itself_differs_by_zero_on_every_outcome(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=200, seed=2, keep_runs=True)
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
        compare(
            [
                simulate(scenario, runs=50, seed=1, keep_runs=True),
                simulate(scenario, runs=60, seed=1, keep_runs=True),
            ]
        )


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Scenario]:
    base, variant = write_pair(tmp_path_factory.mktemp("pair"))
    return load_scenario(base), load_scenario(variant)


def test_compare_scenarios_equals_comparing_their_results_at_the_same_seed(
    pair: tuple[Scenario, Scenario],
) -> None:
    direct = compare_scenarios(pair, runs=60, seed=4)
    by_hand = compare([simulate(s, runs=60, seed=4, keep_runs=True) for s in pair])
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
    results = simulate(load_scenario(tiny_path), runs=10, seed=0, keep_runs=True)
    comparison = compare([results, results, results])
    assert comparison.names == ("tiny", "tiny (2)", "tiny (3)")
    assert comparison.scenario_ids == ("tiny", "tiny", "tiny")


def test_an_issue_missing_from_one_scenario_is_not_shared(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=10, seed=0, keep_runs=True)
    s = results.scenario
    without_toll = dataclasses.replace(
        results, scenario=s.model_copy(update={"issues": s.issues[1:]})
    )
    assert compare([results, results]).shared_issues == ("toll", "dam")
    assert compare([results, without_toll]).shared_issues == ("dam",)


def _paired(both: int, this_only: int, first_only: int, neither: int) -> tuple[Any, Any]:
    this = np.array([True] * both + [True] * this_only + [False] * (first_only + neither))
    first = np.array([True] * both + [False] * this_only + [True] * first_only + [False] * neither)
    return this, first


def test_paired_interval_matches_the_published_example() -> None:
    # Fagerland, Lydersen & Laake (2017), Table 8.1 (Cavo et al., 2012): [[59, 6], [16, 80]];
    # Newcombe's square-and-add interval for p1+ − p+1 is −0.0621 (−0.1186 to −0.0046).
    diff = paired_difference(*_paired(59, 6, 16, 80))
    assert diff.value == pytest.approx(-0.0621, abs=5e-5)
    assert (diff.low, diff.high) == pytest.approx((-0.1186, -0.0046), abs=5e-5)
    assert (diff.this_only, diff.first_only) == (6, 16)
    assert diff.p_value == pytest.approx(0.0525, abs=5e-4)  # exact McNemar, 6 vs 16
    assert diff.excludes_zero and not diff.identical


def test_runs_that_never_disagree_are_identical_with_a_narrow_interval() -> None:
    diff = paired_difference(*_paired(300, 0, 0, 700))
    assert diff.identical and diff.value == 0.0 and diff.p_value == 1.0
    assert diff.high - diff.low < 0.006  # independent samples would give about ±4 points
    independent = newcombe_difference(300, 1000, 300, 1000)
    assert independent.high - independent.low > 0.07


@given(
    st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)
)  # fmt: skip
def test_a_paired_interval_holds_its_difference_and_stays_in_range(
    both: int, this_only: int, first_only: int, neither: int
) -> None:
    assume(both + this_only + first_only + neither > 0)
    diff = paired_difference(*_paired(both, this_only, first_only, neither))
    assert -1.0 <= diff.low <= diff.value <= diff.high <= 1.0
    assert diff.identical == (this_only == first_only == 0)
    assert diff.value == pytest.approx(
        (this_only - first_only) / (both + this_only + first_only + neither)
    )


def test_a_scenario_compared_with_itself_moves_no_run(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=120, seed=2, keep_runs=True)
    comparison = compare([results, results])
    moves = comparison.transitions(1)
    assert moves.moved == 0 and moves.moves() == []
    assert [
        moves.counts[i][i] for i in range(len(moves.first))
    ] == results.primary_counts().tolist()
    assert all(comparison.difference(o, 1).identical for o in comparison.shared)
    assert comparison.to_dict()["transitions"]["tiny (2)"]["moved"] == 0


def test_transitions_count_each_paired_run_once_by_its_two_classes(
    pair: tuple[Scenario, Scenario],
) -> None:
    comparison = compare_scenarios(pair, runs=80, seed=3)
    moves = comparison.transitions(1)
    first, this = comparison.results
    counts = np.array(moves.counts)
    assert counts.sum() == moves.runs == 80
    assert counts.sum(axis=1).tolist() == first.primary_counts().tolist()
    assert counts.sum(axis=0).tolist() == this.primary_counts().tolist()
    expected = int((np.array(first.primary_ids)[first.table.primary]
                    != np.array(this.primary_ids)[this.table.primary]).sum())  # fmt: skip
    assert moves.moved == expected
    data = comparison.to_dict()
    assert data["transitions"]["tiny-soft"]["counts"] == counts.tolist()
    assert "Newcombe (1998) method 10" in data["method"]["differences"]
    row = data["outcomes"]["war"][1]
    assert row["runs_first_only"] == comparison.difference("war", 1).first_only
