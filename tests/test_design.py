from __future__ import annotations

import json

import numpy as np
from uncertain_tiny import tiny_data, uncertain

from sim.analysis.design import evaluate_points, input_spread
from sim.analysis.montecarlo import simulate
from sim.report.summary import format_table
from sim.scenario.loader import scenario_from_data


def _uncertain_tiny() -> dict[str, object]:
    data = tiny_data()
    data["uncertainties"] = [uncertain("south.prevail", 0.05, 0.95)]
    return data


def test_a_point_at_the_stated_values_is_the_plain_simulation_of_its_runs() -> None:
    scenario = scenario_from_data(_uncertain_tiny())
    plain = simulate(scenario_from_data(tiny_data()), runs=40, seed=5, input_points=0)
    shares = evaluate_points(scenario, [(0.4,)], runs_per_point=40, seed=5)
    expected = [plain.share(k) for k in plain.outcome_ids + plain.primary_ids]
    assert shares.shares[0].tolist() == expected


def test_points_are_evaluated_in_order_whatever_the_worker_count() -> None:
    scenario = scenario_from_data(_uncertain_tiny())
    points = [(p,) for p in np.linspace(0.05, 0.95, 9)]
    one = evaluate_points(scenario, points, runs_per_point=10, seed=5, workers=1)
    two = evaluate_points(scenario, points, runs_per_point=10, seed=5, workers=2)
    assert (one.shares == two.shares).all()


def test_the_input_spread_is_reported_beside_the_simulation_noise() -> None:
    scenario = scenario_from_data(_uncertain_tiny())
    results = simulate(scenario, runs=100, seed=5)
    spread = results.input_spread
    assert spread is not None and spread.points == 16 and spread.runs_per_point == 100
    assert spread == input_spread(scenario, 5, runs_per_point=100)
    for key in results.outcome_ids + results.primary_ids:
        assert 0.0 <= spread.low[key] <= spread.high[key] <= 1.0
    table = format_table(results)
    assert "input spread" in table and "simulation noise only" in table
    data = json.loads(results.to_json())
    assert data["input_spread"]["points"] == 16
    assert "simulation noise" in data["interval"]


def test_a_scenario_without_uncertain_inputs_has_no_input_spread() -> None:
    results = simulate(scenario_from_data(tiny_data()), runs=20, seed=5)
    assert results.input_spread is None
    assert "input spread" not in format_table(results)
