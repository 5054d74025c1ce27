"""Agreements in time: reply venues, ratification, compromise settlements, stakes, sticky moves."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import scenarios
from uncertain_tiny import tiny_data

from sim.analysis.streams import run_generator
from sim.engine.negotiation import settle
from sim.engine.policy import EscalationChoice, EscalationView, ModelPolicy, ProposalView
from sim.engine.ratification import conclude, ratify
from sim.engine.record import Agreement, Basis, Reason, RunRecord
from sim.engine.reply import reply
from sim.engine.run import run_once
from sim.engine.sampling import ScenarioArrays, compile_scenario, sample_parameters
from sim.engine.state import RunState, new_state
from sim.model.bargaining import force_value, package_utility, stakes_share, war_value
from sim.scenario.loader import scenario_from_data

TOLL, DAM = 0, 1
NORTH, SOUTH, EAST = 0, 1, 2


class Watching(ModelPolicy):
    """The model's policy, noting every participant's position each time a table is shown."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, int, int, float]] = []

    def respond(self, view: ProposalView) -> float:
        for actor, position in view.table:
            self.seen.append((view.day, actor, view.issue, position))
        return view.proposed

    def escalate(self, view: EscalationView) -> EscalationChoice:
        return view.model_choice


def _arrays(change: Any = None) -> ScenarioArrays:
    data = tiny_data()
    if change is not None:
        change(data)
    return compile_scenario(scenario_from_data(data))


def _state(arrays: ScenarioArrays, seed: int = 0) -> RunState:
    rng = run_generator(seed, 0)
    return new_state(arrays, sample_parameters(arrays, rng), rng, ModelPolicy())


def _run(arrays: ScenarioArrays, seed: int, index: int) -> RunRecord:
    rng = run_generator(seed, index)
    return run_once(arrays, sample_parameters(arrays, rng), rng, index)


# --- reply venues --------------------------------------------------------------------------


def _as_reply(data: dict[str, Any]) -> None:
    data["venues"][1].update(kind="reply", authors=["north", "east"])


def test_a_reply_venue_never_runs_rounds() -> None:
    arrays = _arrays(_as_reply)
    for k in range(40):
        record = _run(arrays, 3, k)
        assert not any(e.venue == 1 for e in record.events)
        for g in (*record.agreements, *record.voided):
            if g is not None and g.venue == 1:
                assert g.basis is Basis.REPLY


def test_a_reply_is_accepted_only_as_the_consent_rules_allow() -> None:
    arrays = _arrays(_as_reply)
    state = _state(arrays)
    state.position[:, TOLL] = [20.0, 70.0, 40.0]
    state.ideal[SOUTH, DAM] = 100.0
    state.position[[NORTH, EAST], DAM] = 90.0  # inside south's red line (80–100), written
    reply(state, 1, 30.0, [TOLL, DAM])
    assert all(g is not None and g.basis is Basis.REPLY for g in state.agreements)
    # The same text with the dam below south's red line is rejected as a whole package.
    state = _state(arrays)
    state.position[[NORTH, EAST], DAM] = 60.0
    reply(state, 1, 30.0, [TOLL, DAM])
    assert all(g is None for g in state.agreements)
    assert {(b.issue, b.reason, b.actor) for b in state.blocked} == {
        (TOLL, Reason.RED_LINE, SOUTH),
        (DAM, Reason.RED_LINE, SOUTH),
    }


def test_a_reply_worse_than_the_status_quo_for_a_recipient_is_rejected() -> None:
    def toll_at_ten(data: dict[str, Any]) -> None:
        _as_reply(data)
        data["issues"][0]["status_quo"]["position"] = 10.0

    for dam_salience, accepted in ((0.9, True), (0.0, False)):
        state = _state(_arrays(toll_at_ten))
        state.ideal[SOUTH] = [70.0, 100.0]
        state.salience[SOUTH] = [0.5, dam_salience]
        state.position[[NORTH, EAST], TOLL] = 0.0  # worse for south than the toll of 10
        state.position[[NORTH, EAST], DAM] = 80.0  # better for south than the weir at 20
        reply(state, 1, 30.0, [TOLL, DAM])
        assert all((g is not None) == accepted for g in state.agreements)
        if not accepted:
            assert {b.reason for b in state.blocked} == {Reason.STATUS_QUO}


# --- ratification --------------------------------------------------------------------------


def test_a_pending_agreement_counts_only_once_ratified() -> None:
    arrays = _arrays()
    state = _state(arrays)
    state.ideal[NORTH, TOLL] = 20.0
    deal = Agreement(TOLL, 25.0, 0, 0, 9.0)
    arrays.venue_participants.setflags(write=True)
    arrays.venue_participants[0, NORTH] = False
    conclude(state, deal)
    assert state.agreements[TOLL] is None and state.pending[TOLL] == deal
    ratify(state, SOUTH, 1, 31.0)  # not a holder of the veto on the toll: nothing happens
    assert state.agreements[TOLL] is None
    ratify(state, NORTH, 1, 31.0)
    assert state.agreements[TOLL] == deal and state.pending[TOLL] is None
    assert state.ratified == [(TOLL, 31.0)]


def test_a_pending_agreement_the_holder_refuses_is_recorded_as_rejected() -> None:
    arrays = _arrays()
    arrays.venue_participants.setflags(write=True)
    arrays.venue_participants[0, NORTH] = False
    state = _state(arrays)
    state.ideal[NORTH, TOLL] = 20.0
    deal = Agreement(TOLL, 50.0, 0, 0, 9.0)  # worse for north than no toll at all
    conclude(state, deal)
    ratify(state, NORTH, 1, 31.0)
    assert state.agreements[TOLL] is None and state.pending[TOLL] is None
    assert state.rejected == [deal]
    refusal = state.blocked[-1]
    assert refusal.ratification and refusal.reason is Reason.STATUS_QUO
    assert refusal.actor == NORTH


def test_without_a_later_venue_for_the_holder_the_agreement_stays_pending() -> None:
    def absent(data: dict[str, Any]) -> None:
        for venue in data["venues"]:
            venue["participants"] = ["south", "east"]

    arrays = _arrays(absent)
    records = [_run(arrays, 1, k) for k in range(40)]
    assert any(r.pending for r in records)
    for r in records:
        assert r.agreements[TOLL] is None
        assert all(g.issue == TOLL or g.issue == DAM for g in r.pending)


# --- compromise settlements ----------------------------------------------------------------


def _apart(state: RunState) -> None:
    state.position[:, DAM] = [30.0, 100.0, 60.0]
    state.position[:, TOLL] = [20.0, 70.0, 40.0]


def test_a_last_round_settles_at_the_compromise_point_inside_the_zone() -> None:
    arrays = _arrays(lambda d: d["venues"][1].update(participants=["north", "south", "east"]))
    state = _state(arrays)
    _apart(state)
    state.ideal[:] = state.position
    left = settle(state, 1, 31.0, [TOLL], final=True)
    agreement = state.agreements[TOLL]
    assert left == [] and agreement is not None and agreement.basis is Basis.COMPROMISE
    assert 0.0 <= agreement.position <= 50.0  # north's red line bounds the zone
    # Not before the last round, and not when the model forbids it.
    state = _state(arrays)
    _apart(state)
    assert settle(state, 1, 31.0, [TOLL], final=False) == [TOLL]
    data = tiny_data()
    data["model"] = {"compromise": False}
    state = _state(compile_scenario(scenario_from_data(data)))
    _apart(state)
    assert settle(state, 1, 31.0, [TOLL], final=True) == [TOLL]


def test_no_compromise_when_the_zone_is_empty_or_the_package_test_fails() -> None:
    arrays = _arrays()
    state = _state(arrays)
    _apart(state)
    state.ideal[:] = state.position
    arrays.consent_low.setflags(write=True)
    arrays.consent_low[SOUTH, TOLL] = 60.0  # south now needs at least 60, north at most 50
    assert settle(state, 1, 31.0, [TOLL], final=True) == [TOLL]
    assert state.blocked[-1].reason is Reason.RED_LINE
    state = _state(_arrays())
    _apart(state)
    state.ideal[:] = state.position
    state.ideal[NORTH, TOLL] = 0.0  # any toll is worse for north than none
    assert settle(state, 1, 31.0, [TOLL], final=True) == [TOLL]
    assert state.blocked[-1].reason is Reason.STATUS_QUO


# --- consent against the value of force -------------------------------------------------


def _stakes(issues: list[str]) -> Any:
    return lambda d: d["escalation"]["options"][0].update(stakes=issues)


def _confident(state: RunState) -> None:
    """South certain to prevail and war free: force beats any settlement short of its ideal."""
    state.prevail[:] = 1.0
    state.costs[:] = 0.0
    state.position[:, DAM] = [40.0, 60.0, 50.0]
    state.position[:, TOLL] = [40.0, 60.0, 50.0]
    state.ideal[:] = state.position
    state.ideal[SOUTH] = [100.0, 100.0]


def test_an_actor_that_prefers_force_will_not_settle_what_force_decides() -> None:
    arrays = _arrays(_stakes(["dam"]))
    state = _state(arrays)
    _confident(state)
    left = settle(state, 1, 31.0, [TOLL, DAM], final=True)
    assert state.agreements[DAM] is None and DAM in left
    assert any(b.issue == DAM and b.reason is Reason.FORCE and b.actor == SOUTH
               for b in state.blocked)  # fmt: skip
    # The toll is not at stake: war leaves its negotiated value, so south settles it.
    assert state.agreements[TOLL] is not None


def test_the_same_settlement_passes_when_war_is_worth_less_than_the_talks() -> None:
    arrays = _arrays(_stakes(["dam"]))
    state = _state(arrays)
    _confident(state)
    state.prevail[:] = 0.0  # certain defeat: war is worth less than any talks
    settle(state, 1, 31.0, [TOLL, DAM], final=True)
    assert not any(b.reason is Reason.FORCE for b in state.blocked)
    assert state.agreements[DAM] is not None


@given(st.floats(0.0, 1.0), st.floats(0.0, 0.5), st.floats(0.05, 1.0), st.floats(0.05, 1.0))
def test_adding_an_issue_outside_the_stakes_does_not_change_the_choice_of_war(
    prevail: float, cost: float, salience_at_stake: float, salience_elsewhere: float
) -> None:
    # Costs are on the scale of the stakes: EV_war − EV_talks = σ_S (stakes-only difference).
    ideal, lost, negotiated = np.array([90.0, 70.0]), np.array([20.0, 0.0]), np.array([0.5, 0.3])
    alone = (
        war_value(
            prevail,
            lost[:1],
            negotiated[:1],
            ideal[:1],
            np.array([salience_at_stake]),
            np.array([True]),
            cost,
        )
        - negotiated[0]
    )
    sal, stakes = np.array([salience_at_stake, salience_elsewhere]), np.array([True, False])
    share = stakes_share(sal, stakes)
    both = war_value(prevail, lost, negotiated, ideal, sal, stakes, cost * share)
    talks = float((sal * negotiated).sum() / sal.sum())
    assert abs((both - talks) - share * alone) < 1e-12


# --- stakes of force -----------------------------------------------------------------------


@given(
    st.floats(0.01, 0.99),
    st.lists(st.floats(0, 100), min_size=3, max_size=3),
    st.floats(0, 100),
    st.lists(st.floats(0.05, 1), min_size=3, max_size=3),
)
def test_an_issue_outside_the_stakes_does_not_change_the_value_of_war(
    prevail: float, lost: list[float], other: float, salience: list[float]
) -> None:
    ideal, sal = np.array([10.0, 50.0, 90.0]), np.array(salience)
    negotiated = np.array([0.6, 0.7, 0.8])
    stakes = np.array([True, True, False])
    lost_a = np.array(lost)
    lost_b = lost_a.copy()
    lost_b[2] = other
    value_a = war_value(prevail, lost_a, negotiated, ideal, sal, stakes, 0.1)
    value_b = war_value(prevail, lost_b, negotiated, ideal, sal, stakes, 0.1)
    assert value_a == value_b
    everything = war_value(prevail, lost_a, negotiated, ideal, sal, np.ones(3, bool), 0.1)
    expected = force_value(prevail, package_utility(lost_a, ideal, sal), 0.1)
    assert abs(everything - expected) < 1e-12


# --- sticky concessions --------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_no_position_reverses_direction_without_a_shock_to_its_ideal(
    data: dict[str, Any], seed: int
) -> None:
    # The generated scenarios' shocks never move a position, so no ideal ever moves.
    arrays = compile_scenario(scenario_from_data(data))
    for index in range(6):
        policy = Watching()
        rng = run_generator(seed, index)
        record = run_once(arrays, sample_parameters(arrays, rng), rng, index, policy)
        track: dict[tuple[int, int], list[float]] = {}
        for _, actor, issue, position in sorted(policy.seen, key=lambda s: s[0]):
            track.setdefault((actor, issue), []).append(position)
        for (actor, issue), path in track.items():
            path.append(record.final_positions[actor][issue])
            steps = np.diff(path)
            assert not ((steps > 1e-9).any() and (steps < -1e-9).any()), (actor, issue, path)
