from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
from uncertain_tiny import tiny_data, uncertain

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
    results = simulate(scenario, runs=40, seed=4, input_points=0)
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
    results = simulate(scenario, runs=60, seed=4, input_points=0)
    assert np.all(results.table.inputs.std(axis=0) > 0)
    assert np.all(results.table.draws.std(axis=0) > 0)
