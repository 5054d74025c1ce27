from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from uncertain_tiny import tiny_data, uncertain

from sim.analysis.export import write_export
from sim.analysis.montecarlo import simulate
from sim.analysis.streams import simulate_run
from sim.engine.sampling import compile_scenario
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
