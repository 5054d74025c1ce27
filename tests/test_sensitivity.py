from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from uncertain_tiny import tiny_data, uncertain

from sim.analysis.sensitivity import Sensitivity, sensitivity
from sim.cli.app import app
from sim.errors import SimulationError
from sim.report.sensitivity import FIGURES
from sim.report.sensitivity_table import format_sensitivity
from sim.scenario.format import Scenario
from sim.scenario.loader import scenario_from_data

DECISIVE = "south.prevail"
INERT = ("north.trust.binding", "east.trust.binding", "shock.drought.cost.south")
"""Inputs the toy's outcome cannot depend on: trust in a binding form no venue offers, and the
effect of a shock that never fires."""


def _toy_data() -> dict[str, Any]:
    data = tiny_data()
    data["outcomes"].append(
        {"id": "threat", "label": "Threat", "condition": {"escalation": {"min": "threats"}}}
    )
    data["shocks"][0]["probability"] = 0.0
    # A 30-day clock: south may first climb at the second meeting (day 31), once its rung has
    # been held one interval; on a weekly clock it reaches the threats rung in nearly every run,
    # whatever its belief (95 % at belief 0.05, 100 % at 0.95, 200 runs), and the toy would have
    # no decisive input. At 30 days the threat share goes 26 % → 96 % across the belief's range.
    data["model"] = {"decision_interval": 30.0}
    data["uncertainties"] = [
        uncertain(INERT[0], 0.5, 1.0),
        uncertain(DECISIVE, 0.05, 0.95),
        uncertain(INERT[1], 0.5, 1.0),
        uncertain(INERT[2], -0.2, 0.2),
    ]
    return data


@pytest.fixture(scope="module")
def toy() -> Scenario:
    return scenario_from_data(_toy_data())


@pytest.fixture(scope="module")
def morris(toy: Scenario) -> Sensitivity:
    return sensitivity(
        toy, "morris", runs_per_point=30, seed=3, trajectories=6, outcome="threat",
        discovery_runs=0,
    )  # fmt: skip


def test_morris_ranks_the_one_input_that_matters_first_and_the_others_at_zero(
    morris: Sensitivity,
) -> None:
    i = morris.indices["threat"]
    first = morris.ranking()[0]
    assert morris.names[first] == DECISIVE
    assert i["mu_star"][first] - i["mu_star_conf"][first] > 0
    for name in INERT:
        j = morris.names.index(name)
        assert i["mu_star"][j] - i["mu_star_conf"][j] <= 0 <= i["mu_star"][j] + i["mu_star_conf"][j]


def test_sobol_ranks_the_one_input_that_matters_first_and_the_others_intervals_cover_zero(
    toy: Scenario,
) -> None:
    s = sensitivity(
        toy, "sobol", runs_per_point=20, seed=3, base=16, outcome="threat", discovery_runs=0
    )
    i = s.indices["threat"]
    first = s.ranking()[0]
    assert s.names[first] == DECISIVE
    assert i["st"][first] - i["st_conf"][first] > 0
    for name in INERT:
        j = s.names.index(name)
        for key in ("s1", "st"):
            assert abs(i[key][j]) <= i[f"{key}_conf"][j] + 1e-12


def test_one_at_a_time_moves_only_the_input_that_matters(toy: Scenario) -> None:
    s = sensitivity(toy, "oat", runs_per_point=40, seed=3, outcome="threat", discovery_runs=0)
    i = s.indices["threat"]
    assert len(s.points) == 1 + 2 * len(s.factors)
    j = s.names.index(DECISIVE)
    assert i["high"][j] > i["baseline"][j] >= i["low"][j]
    assert all(i["swing"][s.names.index(name)] == 0.0 for name in INERT)


def test_design_points_share_their_runs_so_a_point_repeated_gives_the_same_shares(
    morris: Sensitivity,
) -> None:
    shares = morris.shares.shares
    for a in range(len(morris.points)):
        for b in range(a):
            if (morris.points[a] == morris.points[b]).all():
                assert (shares[a] == shares[b]).all()


def test_prim_finds_the_box_of_the_decisive_input(toy: Scenario) -> None:
    s = sensitivity(toy, "oat", runs_per_point=5, seed=3, outcome="threat", discovery_runs=800)
    box = s.box
    assert box is not None
    assert [r.name for r in box.restrictions] == [DECISIVE]
    assert box.density > box.base_rate and box.coverage >= 0.5


def test_the_results_read_as_json_tables_and_figures(morris: Sensitivity) -> None:
    data = json.loads(morris.to_json())
    assert next(row["input"] for row in data["indices"]["threat"]) == DECISIVE
    assert set(data["indices"]["threat"][0]) == {"input", "mu", "mu_star", "mu_star_conf", "sigma"}
    assert data["runs"] == data["design_points"] * 30
    assert "south.prevail" in format_sensitivity(morris)
    figure = FIGURES["morris"](morris)
    assert list(figure.data[0].x) == [
        round(float(v), 6) for v in morris.indices["threat"]["mu_star"]
    ]


def test_a_scenario_without_uncertain_inputs_is_refused() -> None:
    with pytest.raises(SimulationError, match="declares no uncertain input"):
        sensitivity(scenario_from_data(tiny_data()), "morris")


def test_the_command_prints_json_on_stdout_and_writes_a_report_once(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(_toy_data()), encoding="utf-8")
    report = tmp_path / "sens.html"
    args = [
        "sensitivity", str(path), "--method", "morris", "--runs-per-point", "10",
        "--trajectories", "4", "--outcome", "threat", "--discovery-runs", "0", "--json",
        "--output", str(report), "--workers", "1",
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["sensitivity"]
    assert data["method"] == "morris" and data["outcome"] == "threat"
    assert report.exists()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.stderr
