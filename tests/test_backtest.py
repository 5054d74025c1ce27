from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from deu_files import Row, write_deu

import sim
from sim.analysis.backtest import backtest
from sim.analysis.backtest.models import engine_samples, point_forecasts
from sim.errors import SimulationError
from sim.report.backtest_summary import format_backtest
from sim.scenario.deudata import read_deu_tsv
from sim.scenario.deuscenario import EngineSettings, deciders, issue_actors, issue_scenario

HAND = Row(
    "p1i1",
    positions={"com": 80, "ep": 20, "m01": 0, "m02": 60},
    saliences={"com": 50, "ep": 100, "m01": 100, "m02": 50},
    reference=0,
    outcome=30,
)
"""Weights capability × salience: com 2 × .5 = 1, ep 2 × 1 = 2, m01 1 × 1 = 1, m02 3 × .5 = 1.5."""
CAPABILITY = {"com": 2, "ep": 2, "m01": 1, "m02": 3}


def test_compromise_and_weighted_median_equal_hand_computed_values(tmp_path: Path) -> None:
    data = read_deu_tsv(write_deu(tmp_path / "hand.tsv", [HAND], CAPABILITY))
    points = point_forecasts(data, data.issues[0], data.capability, rounds=8)
    # mean: (80·1 + 20·2 + 0·1 + 60·1.5) / 5.5 = 210 / 5.5
    assert points["compromise"] == pytest.approx(210 / 5.5)
    # cumulative weight from below: 0 → 1, 20 → 3 ≥ 5.5 / 2, so the median is 20
    assert points["median"] == 20
    assert points["reference"] == 0
    equal = point_forecasts(data, data.issues[0], [1.0] * 30, rounds=8)
    # weights are the saliences: (80·.5 + 20·1 + 0·1 + 60·.5) / 3
    assert equal["compromise"] == pytest.approx(90 / 3)


def test_the_expected_utility_forecast_equals_sim_forecast_on_the_same_issue(
    tmp_path: Path,
) -> None:
    data = read_deu_tsv(Path(__file__).resolve().parent.parent / "scenarios/deu/deu3-dev.tsv")
    for issue in data.issues[:12]:
        actors = issue_actors(data, issue, data.capability)
        csv = tmp_path / f"{issue.issue}.csv"
        lines = ["actor,capability,position,salience"]
        lines += [
            f"{data.actors[k]},{c!r},{x!r},{s * 100!r}"
            for k, c, x, s in zip(
                actors.index, actors.capability, actors.position, actors.salience, strict=True
            )
        ]
        csv.write_text("\n".join(lines) + "\n")
        (expected,) = sim.forecast(sim.read_bdm_csv(csv), rounds=6)
        points = point_forecasts(data, issue, data.capability, rounds=6)
        assert points["eu-median"] == float(expected.trajectory.medians[-1])
        assert points["eu-mean"] == float(expected.trajectory.means[-1])
        assert points["median"] == expected.weighted_median
        assert points["compromise"] == expected.weighted_mean


def _veto_issue(voting: str) -> Row:
    """One member state (m01) stands at the reference point with full salience; all else at 70."""
    others = dict.fromkeys(("com", *(f"m{k:02d}" for k in range(2, 11))), 70.0)
    return Row(
        "p1i1",
        voting=voting,
        positions={"m01": 0.0, **others},
        saliences={"m01": 100.0, **dict.fromkeys(others, 60.0)},
        reference=0.0,
        outcome=50.0,
    )


def _outcomes(tmp_path: Path, voting: str, settings: EngineSettings) -> np.ndarray:
    data = read_deu_tsv(write_deu(tmp_path / f"{voting}.tsv", [_veto_issue(voting)]))
    samples, _ = engine_samples(data, data.issues, data.capability, settings, 60, 7, 1)
    return samples[0]


def test_under_unanimity_a_member_state_at_the_reference_point_keeps_the_status_quo(
    tmp_path: Path,
) -> None:
    for settings in (EngineSettings(), EngineSettings(convergence=50, position_sd=20)):
        assert (_outcomes(tmp_path, "Unan", settings) == 0.0).all()


def test_the_same_issue_under_qmv_can_settle_elsewhere(tmp_path: Path) -> None:
    outcomes = _outcomes(tmp_path, "QMV", EngineSettings(convergence=50))
    assert (outcomes != 0.0).any()
    assert ((outcomes >= 0) & (outcomes <= 100)).all()


def test_a_qualified_majority_leaves_out_the_state_that_holds_the_status_quo(
    tmp_path: Path,
) -> None:
    second = _veto_issue("Unan")
    second.issue = "p1i2"
    data = read_deu_tsv(write_deu(tmp_path / "q.tsv", [_veto_issue("QMV"), second]))
    qmv, unanimity = data.issues[0], data.issues[1]
    for issue, expected_states in ((qmv, 7), (unanimity, 10)):
        actors = issue_actors(data, issue, data.capability)
        chosen = [data.actors[actors.index[a]] for a in deciders(data, issue, actors)]
        assert len(chosen) == expected_states
        assert ("m01" in chosen) is (issue is unanimity)
        assert "com" not in chosen


def test_co_decision_needs_the_parliament_and_unanimity_makes_every_state_a_veto_holder(
    tmp_path: Path,
) -> None:
    row = _veto_issue("Unan")
    row.procedure = "COD"
    row.positions = {**row.positions, "ep": 40.0}
    row.saliences = {**row.saliences, "ep": 50.0}
    data = read_deu_tsv(write_deu(tmp_path / "c.tsv", [row]))
    scenario = issue_scenario(data, data.issues[0], data.capability, EngineSettings())
    holders = {v.actor for v in scenario.vetoes}
    assert holders == {"ep", *(f"m{k:02d}" for k in range(1, 11))}
    decision = scenario.venues[1]
    assert set(decision.participants) == holders
    assert scenario.issues[0].status_quo.position == 0.0


def test_engine_distributions_do_not_depend_on_the_worker_count(tmp_path: Path) -> None:
    rows = [_veto_issue("QMV"), HAND, _veto_issue("Unan")]
    rows[2].issue = "p2i1"
    rows[2].proposal = "p2"
    rows[0].issue = "p3i1"
    path = write_deu(tmp_path / "w.tsv", rows, CAPABILITY)
    one = backtest(path, runs=15, seed=3, workers=1, engine=EngineSettings(convergence=50))
    two = backtest(path, runs=15, seed=3, workers=2, engine=EngineSettings(convergence=50))
    assert [r.engine.tobytes() for r in one.issues] == [r.engine.tobytes() for r in two.issues]
    assert one.scores == two.scores and one.crps == two.crps and one.pit_counts == two.pit_counts


def test_issues_without_an_outcome_a_reference_point_or_two_actors_are_skipped(
    tmp_path: Path,
) -> None:
    at, weight, one = {"com": 10, "m01": 20}, {"com": 50, "m01": 50}, {"com": 50}
    rows = [
        HAND,
        Row("p1i2", positions=at, saliences=weight, reference=0),
        Row("p1i3", positions=at, saliences=one, reference=0, outcome=5),
        Row("p1i4", positions=at, saliences=weight, outcome=5),
    ]
    result = backtest(write_deu(tmp_path / "s.tsv", rows, CAPABILITY), runs=4)
    assert [r.issue for r in result.issues] == ["p1i1"]
    assert result.skipped == {"no outcome": 1, "no reference point": 1, "fewer than two actors": 1}
    assert "1 no reference point" in format_backtest(result)


def test_no_status_quo_is_assumed_where_no_reference_point_is_recorded(tmp_path: Path) -> None:
    row = Row("p1i1", positions={"com": 10, "m01": 20}, saliences={"com": 50, "m01": 50}, outcome=5)
    data = read_deu_tsv(write_deu(tmp_path / "n.tsv", [row], CAPABILITY))
    with pytest.raises(SimulationError, match="no reference point recorded"):
        issue_scenario(data, data.issues[0], data.capability, EngineSettings())
    with pytest.raises(SimulationError, match="a reference point"):
        backtest(data, runs=2)


def test_a_row_of_an_unmodelled_codebook_value_is_skipped_with_its_line(tmp_path: Path) -> None:
    rows = [
        HAND,
        Row(
            "p2i1",
            proposal="p2",
            procedure="AVC",
            positions={"com": 10, "m01": 20},
            saliences={"com": 50, "m01": 50},
            reference=0,
            outcome=5,
        ),
    ]
    path = write_deu(tmp_path / "a.tsv", rows, CAPABILITY)
    result = backtest(path, runs=4)
    assert [r.issue for r in result.issues] == ["p1i1"]
    reason = "the assent procedure (Parliament's yes/no veto) is not modelled"
    assert result.skipped[reason] == 1
    assert result.skipped_rows == (f"{path}:4: {reason}",)
    assert f"skipped {path}:4: {reason}" in format_backtest(result)
