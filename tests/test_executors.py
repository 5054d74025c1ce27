from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from dask_cluster import local_cluster, requires_dask
from typer.testing import CliRunner

from sim.analysis import executors
from sim.analysis.executors import in_order, open_executor
from sim.analysis.montecarlo import simulate
from sim.cli import app
from sim.errors import NegsimError
from sim.scenario.loader import load_scenario

runner = CliRunner()
RUNS = 90


@pytest.fixture
def workdir(tmp_path: Path, tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(tiny_path, tmp_path / "tiny.yaml")
    shutil.copy(tiny_path.parent / "source.txt", tmp_path / "source.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _export(workdir: Path, name: str, *options: str) -> str:
    args = ["run", "tiny.yaml", "--runs", str(RUNS), "--seed", "5", "--export", f"{name}.csv"]
    result = runner.invoke(app, [*args, "--output", f"{name}.html", *options])
    assert result.exit_code == 0, result.output
    return (workdir / f"{name}.csv").read_text()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    yield from local_cluster()


def test_results_come_back_in_task_order_whatever_finishes_first() -> None:
    import time

    def slow_first(task: int) -> int:
        time.sleep(0.05 if task == 0 else 0.0)
        return task * task

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(in_order(slow_first, range(20), pool, window=3)) == [t * t for t in range(20)]


def test_no_more_than_the_window_is_ever_submitted_ahead() -> None:
    submitted: list[int] = []
    waited: list[int] = []

    class Recording(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            submitted.append(args[0])
            # the window, plus the result being handed over while its successor is submitted
            assert len(submitted) - len(waited) <= 3 + 1
            return super().submit(fn, *args, **kwargs)

    with Recording(max_workers=2) as pool:
        for result in in_order(lambda t: t, range(10), pool, window=3):
            waited.append(result)
    assert waited == list(range(10))


@pytest.mark.parametrize("options", [["--workers", "2"], ["--workers", "4"]])
def test_the_export_is_byte_identical_for_any_worker_count(
    workdir: Path, options: list[str]
) -> None:
    assert _export(workdir, "one", "--workers", "1") == _export(workdir, "many", *options)


@pytest.mark.parametrize("size", ["1", "7"])
def test_the_export_is_byte_identical_for_any_chunk_size(workdir: Path, size: str) -> None:
    default = _export(workdir, "default", "--workers", "2")
    assert default == _export(workdir, f"chunk{size}", "--workers", "2", "--chunk-size", size)


def test_any_executor_gives_the_same_results_as_the_local_pool(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    local = simulate(scenario, runs=RUNS, seed=3, workers=1, keep_runs=True)
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = simulate(
            scenario, runs=RUNS, seed=3, executor=pool, chunk_size=7, keep_runs=True
        )
    assert threaded.to_json() == local.to_json()
    assert threaded.to_csv() == local.to_csv()


@requires_dask
def test_a_dask_cluster_gives_byte_identical_results(cluster: Any, tiny_path: Path) -> None:
    from distributed import Client

    scenario = load_scenario(tiny_path)
    local = simulate(scenario, runs=RUNS, seed=3, workers=1, keep_runs=True)
    with Client(cluster) as client:  # type: ignore[no-untyped-call]
        # pure=True (the default): Dask would merge identical calls
        dask: Executor = client.get_executor()
        first = simulate(scenario, runs=RUNS, seed=3, executor=dask, chunk_size=7, keep_runs=True)
        again = simulate(scenario, runs=RUNS, seed=3, executor=dask, keep_runs=True)
    assert first.to_csv() == again.to_csv() == local.to_csv()
    assert first.to_json() == local.to_json()


@requires_dask
def test_the_cli_runs_on_a_dask_scheduler_by_address(cluster: Any, workdir: Path) -> None:
    address = cluster.scheduler_address.removeprefix("tcp://")
    local = _export(workdir, "local", "--workers", "1")
    assert local == _export(workdir, "dask", "--executor", f"dask://{address}")


def test_an_unknown_executor_is_refused_with_exit_2(workdir: Path) -> None:
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", "5", "--executor", "ray://x"])
    assert result.exit_code == 2
    assert "expected 'local' or 'dask://HOST:PORT'" in result.output
    assert not list(workdir.glob("reports/*"))


def test_dask_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with (
        pytest.raises(NegsimError, match=r"pip install 'negsim\[dask\]'"),
        open_executor("dask://127.0.0.1:8786"),
    ):
        pass


@requires_dask
def test_an_unreachable_scheduler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    with (
        pytest.raises(NegsimError, match="cannot reach the Dask scheduler"),
        open_executor(f"dask://127.0.0.1:{port}"),
    ):
        pass


def test_local_means_the_pool_of_simulate() -> None:
    with open_executor("local") as chosen:
        assert chosen is None


def test_an_export_cut_short_by_an_error_leaves_no_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.report import html

    def broken(*args: object, **kwargs: object) -> Path:
        raise NegsimError("reports/tiny.html: cannot write")

    monkeypatch.setattr(html, "render_report", broken)
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", "30", "--export", "runs.csv"])
    assert result.exit_code == 2
    assert not (workdir / "runs.csv").exists()
    assert not [p for p in workdir.rglob(".*") if p.name.startswith((".runs.csv", ".negsim-"))]
