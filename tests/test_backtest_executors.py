"""A backtest's engine issues run wherever ``negsim run``'s runs do, with byte-identical results.

``negsim backtest`` takes the same ``--executor local|dask://HOST:PORT`` and ``--workers`` as
``run``, ``compare`` and ``sensitivity``; ``sim.analysis.backtest`` takes any
``concurrent.futures.Executor``; and one local pool serves a whole backtest, tuning included.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from dask_cluster import local_cluster, requires_dask
from deu_files import Row, write_deu
from typer.testing import CliRunner

from sim.analysis.backtest import Backtest, backtest
from sim.cli.app import app
from sim.report.backtest_summary import backtest_payload

runner = CliRunner()
RUNS = 6
ISSUES = 6
TUNE = ("position_sd", (5.0, 15.0))
"""Two engine settings, neither the default: each runs every issue again."""


def _rows() -> list[Row]:
    return [
        Row(
            f"p{p}i{i}",
            proposal=f"p{p}",
            voting="QMV" if p < 3 else "Unan",
            positions={"com": 25.0 * p, "ep": 100 - 20.0 * i, "m01": 0, "m02": 50, "m03": 80},
            saliences={"com": 60, "ep": 40, "m01": 90, "m02": 50, "m03": 30},
            reference=0,
            outcome=30 + 10 * p - 5 * i,
        )
        for p in range(1, 4)
        for i in range(1, 3)
    ]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_deu(tmp_path / "small.tsv", _rows(), {"com": 3, "ep": 3, "m02": 2})


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    yield from local_cluster()


class Recording(ThreadPoolExecutor):
    """A thread pool that counts the calls submitted to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=3)
        self.calls = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return super().submit(fn, *args, **kwargs)


def _same(one: Backtest, other: Backtest) -> None:
    assert [r.engine.tobytes() for r in one.issues] == [r.engine.tobytes() for r in other.issues]
    assert json.dumps(backtest_payload(one)) == json.dumps(backtest_payload(other))


def test_every_engine_issue_runs_on_the_callers_executor_with_the_same_results(
    data: Path, pools_started: list[int]
) -> None:
    here = backtest(data, runs=RUNS, seed=4, workers=1, tune=TUNE, folds=2)
    with Recording() as pool:
        there = backtest(data, runs=RUNS, seed=4, workers=2, tune=TUNE, folds=2, executor=pool)
    assert pool.calls == ISSUES * (1 + len(TUNE[1]))  # the issues, then again per setting
    assert pools_started == []
    _same(here, there)


def test_one_local_pool_serves_a_whole_backtest_however_many_settings_it_tunes(
    data: Path, pools_started: list[int]
) -> None:
    here = backtest(data, runs=RUNS, seed=4, workers=1, tune=TUNE, folds=2)
    assert pools_started == []
    pooled = backtest(data, runs=RUNS, seed=4, workers=2, tune=TUNE, folds=2)
    assert pools_started == [2]
    _same(here, pooled)


def test_an_unknown_executor_is_refused_with_exit_2_before_any_report(data: Path) -> None:
    result = runner.invoke(app, ["backtest", "small.tsv", "--runs", "2", "--executor", "ray://x"])
    assert result.exit_code == 2
    assert "expected 'local' or 'dask://HOST:PORT'" in result.output
    assert "Traceback" not in result.output
    assert not (data.parent / "reports").exists()


@requires_dask
def test_negsim_backtest_on_a_dask_scheduler_prints_what_the_local_pool_prints(
    cluster: Any, data: Path
) -> None:
    args = ["backtest", "small.tsv", "--runs", str(RUNS), "--seed", "4", "--json"]
    args += ["--tune", "position_sd=5,15", "--folds", "2"]
    address = cluster.scheduler_address.removeprefix("tcp://")
    local = runner.invoke(app, [*args, "--workers", "2", "--output", "a.html"])
    dask = runner.invoke(app, [*args, "--executor", f"dask://{address}", "--output", "b.html"])
    assert local.exit_code == 0, local.output
    assert dask.exit_code == 0, dask.output
    # the same results and stamp; only the report each run was asked to write differs
    there, here = json.loads(dask.stdout), json.loads(local.stdout)
    assert there.pop("outputs") == {"--output": "b.html"}
    assert here.pop("outputs") == {"--output": "a.html"}
    assert there == here
    assert (data.parent / "a.html").read_bytes() == (data.parent / "b.html").read_bytes()
