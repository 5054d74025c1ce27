from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.analysis.montecarlo import simulate
from sim.analysis.results import Results
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario


def _exported(scenario: Scenario, runs: int, seed: int, **options: Any) -> tuple[Results, str]:
    stream = io.StringIO()
    return simulate(scenario, runs=runs, seed=seed, export=stream, **options), stream.getvalue()


def test_results_are_byte_identical_for_any_worker_count(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    one, one_csv = _exported(scenario, 300, 1, workers=1)
    two, two_csv = _exported(scenario, 300, 1, workers=2)
    assert one.to_json() == two.to_json()
    assert one_csv == two_csv


def test_the_streamed_export_is_the_table_of_every_run(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    _, streamed = _exported(scenario, 120, 6, workers=2, chunk_size=7)
    kept = simulate(scenario, runs=120, seed=6, keep_runs=True)
    assert streamed == kept.to_csv()
    assert len(streamed.splitlines()) == 1 + 120


def test_the_per_run_rows_are_not_kept_unless_asked(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=50, seed=1)
    assert results.kept_runs is None
    with pytest.raises(SimulationError, match="keep_runs=True"):
        _ = results.table


def test_a_different_seed_gives_different_runs(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    assert _exported(scenario, 200, 1)[1] != _exported(scenario, 200, 2)[1]


def test_run_k_of_100_is_run_k_of_1000(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    short = _exported(scenario, 100, 4, input_points=0)[1].splitlines()
    long = _exported(scenario, 1000, 4, input_points=0)[1].splitlines()
    assert long[: 1 + 100] == short


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
