"""The proposers' turn: the policy chooses each proposer's demands; the model answers players'."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.analysis.montecarlo import run_generator, simulate_run
from sim.engine.policy import Demand, DemandView, EscalationChoice, EscalationView, ProposalView
from sim.engine.run import run_once
from sim.engine.sampling import ScenarioArrays, compile_scenario, sample_parameters
from sim.engine.venue_round import answer_to_demand, concession, propose
from sim.scenario.loader import load_scenario

position = st.floats(0.0, 100.0, allow_nan=False)


class Scripted:
    """The model everywhere, except that *actor*'s demands come from *demands*."""

    def __init__(self, actor: int, demands: object) -> None:
        self.actor = actor
        self.demands = demands
        self.views: list[DemandView] = []
        self.answers: list[ProposalView] = []

    def propose(self, view: DemandView) -> tuple[Demand, ...]:
        self.views.append(view)
        if view.proposer != self.actor:
            return view.model
        assert callable(self.demands)
        return tuple(self.demands(view))

    def respond(self, view: ProposalView) -> float:
        self.answers.append(view)
        return view.model_answer

    def escalate(self, view: EscalationView) -> EscalationChoice:
        return view.model_choice


def _run(arrays: ScenarioArrays, policy: Scripted, seed: int = 0, run: int = 0) -> object:
    rng = run_generator(seed, run)
    return run_once(arrays, sample_parameters(arrays, rng), rng, run, policy)


def test_the_model_keeping_its_demands_is_the_model_run(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))
    policy = Scripted(0, lambda view: view.model)
    for run in range(4):
        assert _run(arrays, policy, 3, run) == simulate_run(arrays, 3, run)[1]


def test_every_participant_is_asked_at_every_round(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))
    policy = Scripted(0, lambda view: view.model)
    _run(arrays, policy)
    asked = {(v.venue, v.round, v.proposer) for v in policy.views}
    rounds = {(v.venue, v.round) for v in policy.views}
    assert asked == {(venue, rnd, p) for venue, rnd in rounds for p in range(3)}


def test_a_proposer_that_asks_nothing_makes_no_proposal(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))
    record = _run(arrays, Scripted(1, lambda view: ()))
    model = simulate_run(arrays, 0, 0)[1]
    assert any(e.proposer == 1 for e in model.events)
    assert not any(e.proposer == 1 for e in record.events)  # type: ignore[attr-defined]


def test_a_players_demand_is_put_and_answered_by_the_models_concession(tiny_path: Path) -> None:
    arrays = compile_scenario(load_scenario(tiny_path))

    def ask_everyone_for_everything(view: DemandView) -> list[Demand]:
        return [
            Demand(t, k, 100.0) for t in view.members if t != view.proposer for k in view.issues
        ]

    policy = Scripted(1, ask_everyone_for_everything)
    record = _run(arrays, policy)
    mine = [v for v in policy.answers if v.proposer == 1]
    assert mine and all(v.proposed == 100.0 for v in mine)
    assert any(v.model_end is not None for v in mine)  # not only the model's own offers
    events = [e for e in record.events if e.proposer == 1]  # type: ignore[attr-defined]
    assert len(events) == len(mine)
    for view, event in zip(mine, events, strict=True):
        assert event.proposed == 100.0
        assert view.start <= event.end <= 100.0  # concedes toward the demand, never away
        limit = min(max(view.model_answer, view.red_low), view.red_high)
        assert event.end == (limit if event.accepted else view.start)


def test_the_models_offer_is_the_concession_of_its_dyad(flagship_path: Path) -> None:
    """Kernel and reference agree: each chosen move is the target's concession to its proposer."""
    arrays = compile_scenario(load_scenario(flagship_path))
    params = sample_parameters(arrays, run_generator(2022, 0))
    members = np.flatnonzero(arrays.venue_participants[0])
    issues = np.flatnonzero(arrays.venue_table[0])
    x = params.position[members][:, issues]
    s = params.salience[members][:, issues]
    c = arrays.capability[members]
    offers = propose(x, c, s, arrays.q)
    assert offers
    for o in offers:
        dyad = concession(x[:, o.column], c, s[:, o.column], arrays.q, o.target, o.proposer)
        assert dyad.kind == o.kind
        assert abs(dyad.end - o.end) < 1e-9
        assert abs(dyad.resist_utility - o.resist_utility) < 1e-9


@given(position, position, position)
def test_the_answer_to_a_demand_concedes_toward_it_no_further_than_the_offer(
    start: float, demanded: float, limit: float
) -> None:
    end = answer_to_demand(start, demanded, limit)
    assert min(start, demanded) <= end <= max(start, demanded)
    assert abs(end - start) <= abs(limit - start) + 1e-12
    if (demanded > start) != (limit > start) or start in (demanded, limit):
        assert end == start
    if min(start, limit) <= demanded <= max(start, limit):
        assert end == demanded
