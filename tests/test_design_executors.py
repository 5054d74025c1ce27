"""Design points (the input spread, sensitivity designs) run wherever ``negsim run``'s runs do.

They go through the same executor path: the local pool of ``--workers``, any
``concurrent.futures.Executor``, or a Dask cluster; and their shares are byte-identical
whatever the executor, the worker count and the chunk size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dask_cluster import local_cluster, requires_dask
from typer.testing import CliRunner
from uncertain_tiny import tiny_data, uncertain

from sim.analysis.comparison import compare_scenarios
from sim.analysis.design import evaluate_points, run_point_chunk
from sim.analysis.montecarlo import run_chunk, simulate
from sim.analysis.sensitivity import sensitivity
from sim.cli.app import app
from sim.scenario.format import Scenario
from sim.scenario.loader import scenario_from_data

RUNS = 15
POINTS = [
    (float(p), float(q)) for p, q in zip(np.linspace(0.05, 0.95, 6), (0.5, 1.0) * 3, strict=True)
]


def _data() -> dict[str, Any]:
    data = tiny_data()
    data["uncertainties"] = [
        uncertain("south.prevail", 0.05, 0.95),
        uncertain("north.trust.binding", 0.5, 1.0),
    ]
    return data


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return scenario_from_data(_data())


@pytest.fixture(scope="module")
def reference(scenario: Scenario) -> bytes:
    """The shares computed in this process, one worker, default chunks."""
    return evaluate_points(scenario, POINTS, RUNS, seed=5, workers=1).shares.tobytes()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    yield from local_cluster()


class Recording(ThreadPoolExecutor):
    """A thread pool that notes the name of every function submitted to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=3)
        self.functions: list[str] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.functions.append(fn.__name__)
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize(("workers", "chunk_size"), [(2, None), (2, 1), (2, 7), (1, 7), (1, 1000)])
def test_design_shares_are_byte_identical_for_any_worker_count_and_chunk_size(
    scenario: Scenario, reference: bytes, workers: int, chunk_size: int | None
) -> None:
    shares = evaluate_points(scenario, POINTS, RUNS, 5, workers, chunk_size=chunk_size)
    assert shares.shares.tobytes() == reference


def test_design_shares_are_byte_identical_on_a_thread_pool(
    scenario: Scenario, reference: bytes
) -> None:
    with Recording() as pool:
        shares = evaluate_points(scenario, POINTS, RUNS, 5, executor=pool, chunk_size=4)
    assert shares.shares.tobytes() == reference
    assert pool.functions == ["run_point_chunk"] * (len(POINTS) * RUNS // 4 + 1)


def test_the_shares_are_the_runs_counted_point_by_point(scenario: Scenario) -> None:
    one_chunk = evaluate_points(scenario, POINTS[:2], RUNS, 5, chunk_size=2 * RUNS)
    split = evaluate_points(scenario, POINTS[:2], RUNS, 5, chunk_size=4)
    assert (one_chunk.shares * RUNS == np.rint(one_chunk.shares * RUNS)).all()
    assert one_chunk.shares.tobytes() == split.shares.tobytes()
    assert one_chunk.shares[:, len(scenario.outcomes) :].sum(axis=1).tolist() == [1.0, 1.0]


def test_progress_counts_the_points_finished_in_order(scenario: Scenario) -> None:
    seen: list[int] = []
    evaluate_points(scenario, POINTS, RUNS, 5, progress=seen.append, chunk_size=7)
    assert seen == sorted(set(seen)) and seen[-1] == len(POINTS)


def test_the_executor_of_simulate_also_runs_its_input_spread(scenario: Scenario) -> None:
    local = simulate(scenario, runs=40, seed=5, workers=1)
    with Recording() as pool:
        elsewhere = simulate(scenario, runs=40, seed=5, executor=pool, chunk_size=9)
    assert set(pool.functions) == {"run_chunk", "run_point_chunk"}
    assert elsewhere.input_spread == local.input_spread
    assert elsewhere.to_json() == local.to_json()


def test_one_simulate_call_starts_one_local_pool_for_its_runs_and_its_input_spread(
    scenario: Scenario, pools_started: list[int]
) -> None:
    local = simulate(scenario, runs=40, seed=5, workers=1)
    assert pools_started == []
    pooled = simulate(scenario, runs=40, seed=5, workers=2, chunk_size=9)
    assert pools_started == [2]
    assert pooled.input_spread is not None
    assert pooled.to_json() == local.to_json()


def test_simulate_on_the_callers_executor_starts_no_pool_of_its_own(
    scenario: Scenario, pools_started: list[int]
) -> None:
    with Recording() as pool:
        simulate(scenario, runs=40, seed=5, workers=2, executor=pool, chunk_size=9)
    assert set(pool.functions) == {"run_chunk", "run_point_chunk"}
    assert pools_started == []


def test_one_sensitivity_call_starts_one_local_pool_for_its_design_and_discovery_runs(
    scenario: Scenario, pools_started: list[int]
) -> None:
    options: dict[str, Any] = {"runs_per_point": 8, "seed": 3, "trajectories": 3}
    local = sensitivity(scenario, "morris", workers=1, discovery_runs=60, **options)
    pooled = sensitivity(scenario, "morris", workers=2, chunk_size=5, discovery_runs=60, **options)
    assert pools_started == [2]
    assert pooled.to_json() == local.to_json()


def test_one_comparison_starts_one_local_pool_for_every_scenario(
    scenario: Scenario, pools_started: list[int]
) -> None:
    data = _data()
    data["scenario"]["id"] = "tiny-other"
    data["uncertainties"][0]["high"] = 0.5
    pair = [scenario, scenario_from_data(data)]
    local = compare_scenarios(pair, runs=40, seed=5, workers=1)
    pooled = compare_scenarios(pair, runs=40, seed=5, workers=2)
    assert pools_started == [2]
    assert pooled.to_json() == local.to_json()


def test_a_sensitivity_design_and_its_discovery_runs_use_the_executor(
    scenario: Scenario,
) -> None:
    options: dict[str, Any] = {"runs_per_point": 8, "seed": 3, "trajectories": 3}
    local = sensitivity(scenario, "morris", workers=1, discovery_runs=60, **options)
    with Recording() as pool:
        elsewhere = sensitivity(
            scenario, "morris", executor=pool, chunk_size=5, discovery_runs=60, **options
        )
    assert set(pool.functions) == {run_chunk.__name__, run_point_chunk.__name__}
    assert elsewhere.to_json() == local.to_json()


@requires_dask
def test_a_dask_cluster_gives_byte_identical_design_shares_and_spread(
    cluster: Any, scenario: Scenario, reference: bytes
) -> None:
    from distributed import Client

    local = simulate(scenario, runs=40, seed=5, workers=1)
    with Client(cluster) as client:  # type: ignore[no-untyped-call]
        dask: Executor = client.get_executor()  # pure=True: Dask merges identical calls
        shares = evaluate_points(scenario, POINTS, RUNS, 5, executor=dask, chunk_size=7)
        again = evaluate_points(scenario, POINTS, RUNS, 5, executor=dask, chunk_size=7)
        results = simulate(scenario, runs=40, seed=5, executor=dask)
    assert shares.shares.tobytes() == again.shares.tobytes() == reference
    assert results.to_json() == local.to_json()


@requires_dask
def test_negsim_sensitivity_runs_on_a_dask_scheduler_by_address(
    cluster: Any, tmp_path: Path
) -> None:
    import yaml

    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(_data()), encoding="utf-8")
    args = [
        "sensitivity", str(path), "--method", "oat", "--runs-per-point", "10",
        "--discovery-runs", "40", "--json",
    ]  # fmt: skip
    address = cluster.scheduler_address.removeprefix("tcp://")
    runner = CliRunner()
    local = runner.invoke(app, [*args, "--workers", "1", "--output", str(tmp_path / "a.html")])
    dask = runner.invoke(
        app, [*args, "--executor", f"dask://{address}", "--output", str(tmp_path / "b.html")]
    )
    assert local.exit_code == 0, local.output
    assert dask.exit_code == 0, dask.output
    # the same results and stamp; only the report each run was asked to write differs
    there, here = json.loads(dask.stdout), json.loads(local.stdout)
    assert there.pop("outputs") == {"--output": str(tmp_path / "b.html")}
    assert here.pop("outputs") == {"--output": str(tmp_path / "a.html")}
    assert there == here
    assert dask.stdout.replace("b.html", "a.html") == local.stdout
