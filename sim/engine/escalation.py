"""Escalation: each escalating actor reviews its rung after every meeting and on the clock.

Fearon's bargaining model of war (docs/model.md §4): the reviews themselves are valued for a
whole batch at once (:mod:`sim.engine.review`); here are the process that asks for them and the
consent rule an escalating actor applies to a settlement (§3, rule 6): no settlement of what
force would decide that is worth less than war.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.engine.batch import Batch
from sim.engine.sampling import BoolArray, FloatArray
from sim.engine.state import Process, RunState
from sim.engine.valuation import remaining_forms, weighted_means
from sim.model.bargaining import issue_talks_values, stakes_share, talks_value, war_value


def _rung_cost(state: RunState, option: int, rung: int) -> float:
    """The cost of *rung* on the package scale of the actor's values: its stakes' share of it.

    The scenario states costs on the 0–1 utility scale of the stakes (what force would decide),
    so they enter the values over every issue times σ_S, the stakes' share of the actor's
    salience (docs/model.md §4); with every issue at stake σ_S = 1.
    """
    a = state.arrays
    actor = a.option_actor[option]
    cost = float(state.costs[option, rung])
    if rung > 0:
        chosen = (a.response_target == actor) & (a.response_from <= rung)
        cost = float(state.costs[option, rung] + a.response_cost[chosen].sum())
    return cost * stakes_share(state.salience[actor], a.option_stakes[option])


def _expected_settlement(state: RunState, actor: int) -> tuple[FloatArray, FloatArray]:
    """Each issue's expected settlement and the trust *actor* places in it (docs/model.md §4)."""
    weights = state.capability[:, None] * state.salience
    expected = weighted_means(state.position[None], weights[None])[0]
    trust = state.trust[actor, remaining_forms(state.arrays)[state.venue + 1]]
    for k, agreement in enumerate(state.agreements):
        if agreement is not None:
            expected[k], trust[k] = agreement.position, state.trust[actor, agreement.form]
    return expected, trust


def prefers_force(state: RunState, actor: int, settled: dict[int, tuple[float, int]]) -> bool:
    """True when *actor* values war above the talks once the agreements *settled* hold.

    *settled* maps an issue to a candidate agreement (position, form). Fearon (1995): a state
    consents only to a settlement worth at least its expected value of war, judged by its own
    (private) belief of prevailing; the talks are valued as in a ladder review, with the
    candidates in force and trusted by their form (docs/model.md §3).
    """
    a = state.arrays
    for option in np.flatnonzero(a.option_actor == actor).tolist():
        expected, trust = _expected_settlement(state, actor)
        for k, (position, form) in settled.items():
            expected[k], trust[k] = position, state.trust[actor, form]
        opponents = a.option_opponents[option]
        ideal, salience = state.ideal[actor], state.salience[actor]
        weights = state.capability[opponents, None] * state.salience[opponents]
        lost = weighted_means(state.ideal[opponents][None], weights[None])[0]
        negotiated = issue_talks_values(expected, trust, a.status_quo, ideal)
        cost = _rung_cost(state, option, state.top)
        prevail = float(state.prevail[option])
        war = war_value(prevail, lost, negotiated, ideal, salience, a.option_stakes[option], cost)
        if war > talks_value(expected, trust, a.status_quo, ideal, salience):
            return True
    return False


def refused_by_force(
    state: RunState, consenting: BoolArray, settled: dict[int, tuple[float, int]]
) -> tuple[list[int], int]:
    """The issues of *settled* an escalating actor among *consenting* will not settle, and who.

    An actor that prefers force (:func:`prefers_force`) refuses every issue of the package that
    one of its options' force would decide (its stakes); elsewhere war leaves the negotiated value,
    so a side deal does not change its choice between war and talks. ``([], -1)`` when none.
    """
    a = state.arrays
    for actor in np.flatnonzero(consenting).tolist():
        options = a.option_actor == actor
        if not options.any():
            continue
        stakes = a.option_stakes[options].any(axis=0)
        at_stake = [k for k in settled if stakes[k]]
        if at_stake and prefers_force(state, actor, settled):
            return at_stake, actor
    return [], -1


def holding_cost(state: RunState, option: int, held: float) -> float:
    """Cost of standing on the current rung for one more decision interval, after *held* days.

    Rung costs below the top are rates per interval Δ that rise with the time the rung has been
    held (wear): c_L · (1 + held / Δ) (docs/model.md §4). A rung held longer costs more. The
    reviews of a batch compute the same with a run axis (:mod:`sim.engine.review`).
    """
    return _rung_cost(state, option, state.level) * (1.0 + held / state.arrays.decision_interval)


def escalation(env: simpy.Environment, batch: Batch, row: int, met: list[simpy.Event]) -> Process:
    """Run *row*'s escalating actors review their rungs after every meeting and on the clock.

    The process waits for the next meeting to end or for ``model.decision_interval`` days since
    the last review, whichever comes first; then it asks for the review, which the batch takes
    with the other runs' reviews of the same moment (:func:`sim.engine.review.review`: every
    option in scenario order; the top rung ends the run).
    """
    a = batch.arrays
    upcoming = 0
    while True:
        clock = env.timeout(a.decision_interval)
        waits = [clock] if upcoming >= len(met) else [met[upcoming], clock]
        yield env.any_of(waits)
        if batch.finished[row]:
            return
        after_meeting = upcoming < len(met) and met[upcoming].triggered
        if after_meeting:
            upcoming += 1
        batch.request_review(row, after_meeting)
