"""Escalation in time: the decision clock, rung costs per unit of time, war voiding deals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import scenarios

from sim.analysis.montecarlo import run_generator, simulate
from sim.engine.escalation import holding_cost
from sim.engine.policy import EscalationChoice, EscalationView, ModelPolicy, ProposalView
from sim.engine.record import RunRecord
from sim.engine.run import run_once
from sim.engine.sampling import ScenarioArrays, compile_scenario, sample_parameters
from sim.engine.state import new_state
from sim.scenario.loader import load_scenario, scenario_from_data


class Recording(ModelPolicy):
    """The model's policy, keeping every escalation view it was shown."""

    def __init__(self) -> None:
        self.views: list[EscalationView] = []

    def respond(self, view: ProposalView) -> float:
        return view.proposed

    def escalate(self, view: EscalationView) -> EscalationChoice:
        self.views.append(view)
        return view.model_choice


def _run(
    arrays: ScenarioArrays, seed: int, index: int, policy: Recording | None = None
) -> RunRecord:
    rng = run_generator(seed, index)
    return run_once(arrays, sample_parameters(arrays, rng), rng, index, policy)


def _meeting_days(arrays: ScenarioArrays) -> set[int]:
    return {int(d) for d in arrays.venue_day}


def test_escalation_is_reviewed_on_days_without_a_meeting(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))
    policy = Recording()
    _run(arrays, 0, 0, policy)
    clock = [v for v in policy.views if not v.after_meeting]
    assert clock, "the decision clock never prompted a review"
    assert all(int(v.day) not in _meeting_days(arrays) for v in clock)
    gaps = np.diff([v.day for v in policy.views])
    assert gaps.max() <= arrays.decision_interval + 1e-9


def test_some_climb_happens_on_a_day_without_a_meeting(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))
    meetings = _meeting_days(arrays)
    steps = [s for k in range(60) for s in _run(arrays, 2, k).escalation if s.actor >= 0]
    assert any(int(s.day) not in meetings for s in steps)


@settings(max_examples=20, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_no_climb_comes_sooner_than_one_decision_interval_after_the_last_move(
    data: dict[str, Any], seed: int
) -> None:
    # A step up the ladder is prepared, taken and seen before the next (docs/model.md §4).
    arrays = compile_scenario(scenario_from_data(data))
    for index in range(6):
        record = _run(arrays, seed, index)
        moved = 0.0
        level = record.start_level
        for step in record.escalation:
            if step.actor >= 0 and step.level > level:
                assert step.day - moved >= arrays.decision_interval - 1e-9, (step, moved)
            moved, level = step.day, step.level


def test_a_player_cannot_climb_before_the_rung_is_prepared(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))
    policy = Recording()
    for k in range(30):
        _run(arrays, 0, k, policy)
    early = [v for v in policy.views if v.held < arrays.decision_interval]
    assert early and all(v.climb == -np.inf and v.p_up == 0.0 for v in early)


def test_holding_a_rung_longer_costs_more(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))
    rng = run_generator(0, 0)
    state = new_state(arrays, sample_parameters(arrays, rng), rng, ModelPolicy())
    interval = arrays.decision_interval
    for level in range(1, len(arrays.rung_ids) - 1):
        state.level = level
        costs = [holding_cost(state, 0, days) for days in (0.0, interval, 4 * interval)]
        assert costs[0] > 0.0
        assert costs[0] < costs[1] < costs[2]
        assert costs[1] == pytest.approx(2 * costs[0])


def test_the_value_of_staying_falls_with_the_time_held(tiny_path: Path) -> None:
    # Successive reviews on one rung, with nothing else changing, cost more each time.
    arrays = compile_scenario(load_scenario(tiny_path))
    seen = 0
    for k in range(40):
        policy = Recording()
        record = _run(arrays, 5, k, policy)
        for before, after in zip(policy.views, policy.views[1:], strict=False):
            same = after.level == before.level > 0 and after.held > before.held
            costly = before.talks - before.stay > 0.0
            shocked = any(before.day < day <= after.day for _, day in record.shocks)
            if same and costly and not shocked and after.talks == pytest.approx(before.talks):
                assert after.talks - after.stay > before.talks - before.stay
                seen += 1
    assert seen > 0


@settings(max_examples=30, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_a_war_run_has_no_agreement_in_force_at_the_end(data: dict[str, Any], seed: int) -> None:
    arrays = compile_scenario(scenario_from_data(data))
    top = len(arrays.rung_ids) - 1
    for index in range(8):
        record = _run(arrays, seed, index)
        if record.final_level == top:
            assert record.war_day == record.end_day
            assert record.agreement_count == 0
            assert all(g is None for g in record.agreements)
        else:
            assert record.war_day is None
            assert record.voided == ()


def test_war_voids_the_agreements_it_finds(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))
    voided = [r for k in range(300) if (r := _run(arrays, 1, k)).voided]
    assert voided, "no war run had an agreement to void"
    for record in voided:
        assert record.war_day is not None
        assert all(g.day <= record.war_day for g in record.voided)


def test_the_export_carries_the_war_day(tiny_path: Path) -> None:
    results = simulate(load_scenario(tiny_path), runs=120, seed=1, keep_runs=True)
    header, *rows = [line.split(",") for line in results.to_csv().splitlines()]
    column, peak = header.index("war_day"), header.index("peak_rung")
    assert any(row[column] for row in rows)
    for row in rows:
        assert (row[column] != "") == (row[peak] == "war")
        if row[column]:
            assert 0.0 <= float(row[column]) <= results.weeks[-1] + 7
    assert int(results.war_weeks().sum()) == sum(row[peak] == "war" for row in rows)
