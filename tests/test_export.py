from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from uncertain_tiny import tiny_data, uncertain

from sim.analysis.export import export_columns, parquet_bytes, write_export
from sim.analysis.montecarlo import simulate
from sim.analysis.streams import simulate_run
from sim.engine.sampling import compile_scenario
from sim.scenario.format import Scenario
from sim.scenario.loader import scenario_from_data


def _scenario_with_every_kind_of_draw() -> dict[str, Any]:
    data = tiny_data()
    data["uncertainties"] = [
        uncertain("south.prevail", 0.3, 0.5),
        uncertain("north.capability", 0.4, 0.6, distribution="triangular", mode=0.5),
        uncertain("shock.drought.probability", 0.2, 0.8, distribution="normal", mean=0.5, sd=0.2),
    ]
    toll = data["actors"][0]["stances"]["toll"]
    toll["red_line"].update(credibility=0.5, fallback={"max": 70, "assumption": "test"})
    return data


def test_every_sampled_quantity_is_a_column_of_the_export_named_by_its_id_path() -> None:
    scenario = scenario_from_data(_scenario_with_every_kind_of_draw())
    results = simulate(scenario, runs=40, seed=4, input_points=0, keep_runs=True)
    rows = list(csv.DictReader(io.StringIO(results.to_csv())))
    header = list(rows[0])
    expected = [
        "south.prevail",
        "north.capability",
        "shock.drought.probability",
        "redline.north.toll.real",
        "north.toll.position",
        "south.dam.position",
        "north.toll.salience",
        "south.belief",
        "shock.drought.drawn",
        "shock.drought.day",
    ]
    assert [name for name in header if name in expected] == expected
    arrays = compile_scenario(scenario)
    for run in (0, 13, 39):
        params, record = simulate_run(arrays, 4, run)
        row = rows[run]
        for name, value in zip(results.input_names, record.inputs, strict=True):
            assert float(row[name]) == float(f"{value:.6g}")
        assert float(row["south.belief"]) == float(f"{params.prevail[0]:.6g}")
        assert float(row["north.toll.position"]) == float(f"{params.position[0, 0]:.6g}")
        assert int(float(row["shock.drought.drawn"])) == int(params.shock_fired[0])


def test_a_column_that_varies_in_the_scenario_varies_in_the_export() -> None:
    scenario = scenario_from_data(_scenario_with_every_kind_of_draw())
    results = simulate(scenario, runs=60, seed=4, input_points=0, keep_runs=True)
    assert np.all(results.table.inputs.std(axis=0) > 0)
    assert np.all(results.table.draws.std(axis=0) > 0)


def test_a_parquet_export_holds_the_csv_s_columns_and_values(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    results = simulate(
        scenario_from_data(_scenario_with_every_kind_of_draw()),
        runs=30,
        seed=4,
        input_points=0,
        keep_runs=True,
    )
    path = write_export(results, tmp_path / "runs.parquet")
    table = pq.read_table(path).to_pydict()
    rows = list(csv.DictReader(io.StringIO(results.to_csv())))
    assert list(table) == list(rows[0])
    for name in ("south.prevail", "redline.north.toll.real", "south.belief"):
        assert [float(f"{v:.6g}") for v in table[name]] == [float(r[name]) for r in rows]
    assert table["primary"] == [r["primary"] for r in rows]


def test_a_csv_export_is_the_per_run_table(tmp_path: Path) -> None:
    results = simulate(
        scenario_from_data(tiny_data()), runs=10, seed=4, input_points=0, keep_runs=True
    )
    path = write_export(results, tmp_path / "runs.csv")
    assert path.read_text(encoding="utf-8") == results.to_csv()


def _parquet(scenario: Scenario, runs: int, **options: Any) -> bytes:
    buffer = io.BytesIO()
    simulate(scenario, runs=runs, seed=4, input_points=0, parquet=buffer, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "options",
    [
        {"workers": 1, "chunk_size": 1},
        {"workers": 1, "chunk_size": 7},
        {"workers": 2},
        {"workers": 2, "chunk_size": 16},
        {"workers": 2, "chunk_size": 33},
    ],
)
def test_a_streamed_parquet_export_is_byte_identical_whatever_the_chunks(
    monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from sim.analysis import export

    monkeypatch.setattr(export, "ROWS_PER_GROUP", 16)
    scenario = scenario_from_data(_scenario_with_every_kind_of_draw())
    reference = _parquet(scenario, 90, workers=1)
    assert _parquet(scenario, 90, **options) == reference
    meta = pq.read_metadata(io.BytesIO(reference))
    assert meta.num_rows == 90
    assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [16] * 5 + [10]


def test_a_streamed_parquet_export_is_the_kept_table_s_file() -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    scenario = scenario_from_data(_scenario_with_every_kind_of_draw())
    buffer = io.BytesIO()
    results = simulate(scenario, runs=50, seed=4, input_points=0, parquet=buffer, keep_runs=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = _parquet(scenario, 50, executor=pool, chunk_size=3)
    assert buffer.getvalue() == parquet_bytes(results) == threaded
    table = pq.read_table(io.BytesIO(threaded)).to_pydict()
    assert table == export_columns(results)


def _held(scenario: Scenario, runs: int, keep_runs: bool = False, heap: bool = False) -> list[int]:
    """The memory held after each chunk of 25 runs: the Arrow pool's, or the Python heap's.

    Tracing the heap slows the runs; it holds what the parent keeps, after garbage collection.
    """
    import gc
    import tracemalloc

    import pyarrow as pa

    held: list[int] = []

    def sample(done: int) -> None:
        if heap:
            gc.collect()  # finished runs' cycles: garbage, not held
            held.append(tracemalloc.get_traced_memory()[0])
        else:
            held.append(pa.total_allocated_bytes())

    with Path(os.devnull).open("wb") as sink:
        if heap:
            tracemalloc.start()
        try:
            simulate(
                scenario, runs=runs, seed=4, input_points=0, workers=1, chunk_size=25,
                parquet=sink, keep_runs=keep_runs, progress=sample,
            )  # fmt: skip
        finally:
            tracemalloc.stop()
    return held


def _row_bytes(scenario: Scenario) -> int:
    """Bytes of one run's row in the parent's table (what keeping a run costs at least)."""
    kept = simulate(scenario, runs=4, seed=4, input_points=0, keep_runs=True).table
    return int(sum(getattr(kept, f.name).nbytes for f in dataclasses.fields(kept))) // 4


@pytest.fixture(scope="module")
def every_draw() -> Scenario:
    pytest.importorskip("pyarrow")
    scenario = scenario_from_data(_scenario_with_every_kind_of_draw())
    _held(scenario, 40)  # first calls: imports, caches, the kernel
    return scenario


def test_a_streamed_parquet_export_holds_one_row_group_of_arrow_memory(
    monkeypatch: pytest.MonkeyPatch, every_draw: Scenario
) -> None:
    from sim.analysis import export

    row = _row_bytes(every_draw)
    monkeypatch.setattr(export, "ROWS_PER_GROUP", 25)
    assert max(_held(every_draw, 500)) <= max(_held(every_draw, 100)) + 25 * row
    # the measure sees rows held where they are: one row group of every run
    monkeypatch.setattr(export, "ROWS_PER_GROUP", 10**6)
    grown = _held(every_draw, 500)
    assert grown[-1] - grown[3] > 350 * row


def test_the_parent_s_heap_does_not_grow_with_the_runs_streamed(
    monkeypatch: pytest.MonkeyPatch, every_draw: Scenario
) -> None:
    from sim.analysis import export

    row = _row_bytes(every_draw)
    monkeypatch.setattr(export, "ROWS_PER_GROUP", 25)
    streamed = _held(every_draw, 600, heap=True)
    kept = _held(every_draw, 600, keep_runs=True, heap=True)
    # from run 200 (caches and free lists warm) to run 600
    assert kept[-1] - kept[7] > 400 * row  # keeping the rows: the measure sees them
    assert streamed[-1] - streamed[7] < 0.25 * (kept[-1] - kept[7])


def test_negsim_run_streams_a_parquet_export_identical_for_any_workers(
    tmp_path: Path, tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    from typer.testing import CliRunner

    from sim.cli.app import app

    shutil.copy(tiny_path, tmp_path / "tiny.yaml")
    shutil.copy(tiny_path.parent / "source.txt", tmp_path / "source.txt")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for name, options in (
        ("one", ["--workers", "1"]),
        ("two", ["--workers", "2", "--chunk-size", "7"]),
    ):
        args = ["run", "tiny.yaml", "--runs", "60", "--seed", "2", "--export", f"{name}.parquet"]
        result = runner.invoke(app, [*args, "--output", f"{name}.html", *options])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "two.parquet").read_bytes()
    assert not list(tmp_path.glob(".negsim-*"))
