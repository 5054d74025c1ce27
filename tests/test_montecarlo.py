from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.analysis.montecarlo import simulate
from sim.errors import SimulationError
from sim.scenario.loader import load_scenario


def test_results_are_byte_identical_for_any_worker_count(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    one = simulate(scenario, runs=300, seed=1, workers=1)
    two = simulate(scenario, runs=300, seed=1, workers=2)
    assert one.to_json() == two.to_json()
    assert one.to_csv() == two.to_csv()


def test_a_different_seed_gives_different_runs(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    first = simulate(scenario, runs=200, seed=1).to_csv()
    assert first != simulate(scenario, runs=200, seed=2).to_csv()


def test_the_first_runs_do_not_depend_on_how_many_follow(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    short = simulate(scenario, runs=60, seed=4)
    long = simulate(scenario, runs=160, seed=4)
    assert np.array_equal(short.table.outcomes, long.table.outcomes[:60])
    assert np.array_equal(short.table.primary, long.table.primary[:60])


def test_primary_shares_sum_to_one(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=250, seed=3)
    assert sum(results.share(p) for p in results.primary_ids) == pytest.approx(1.0)
    assert int(results.primary_counts().sum()) == results.runs


def test_each_interval_contains_its_share(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=250, seed=3)
    for outcome in results.outcome_ids + results.primary_ids:
        low, high = results.interval(outcome)
        assert low <= results.share(outcome) <= high


def test_progress_reports_every_run_once(tiny_path: Path) -> None:
    seen: list[int] = []
    simulate(load_scenario(tiny_path), runs=120, seed=0, progress=seen.append)
    assert seen[-1] == 120
    assert seen == sorted(seen)


def test_zero_runs_is_refused(tiny_path: Path) -> None:
    with pytest.raises(SimulationError):
        simulate(load_scenario(tiny_path), runs=0)


def test_convergence_ends_at_the_final_shares(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=200, seed=9)
    marks, shares = results.convergence()
    assert marks[-1] == 200
    final = results.counts() / results.runs
    assert np.allclose(shares[-1], final)
