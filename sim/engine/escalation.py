"""Escalation: each escalating actor climbs, holds or descends the ladder after every meeting.

Fearon's bargaining model of war (docs/model.md §4): the opponents offer what makes talks worth
as much as the war the actor is feared to fight; the actor weighs war, a costly signal, holding
and descending with a logit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import simpy

from sim.engine.policy import EscalationChoice, EscalationView
from sim.engine.record import EscalationStep
from sim.engine.sampling import BoolArray, FloatArray, IntArray
from sim.engine.state import Process, RunState
from sim.model.bargaining import (
    choice_probability,
    issue_talks_values,
    smallest_sufficient_step,
    stakes_share,
    talks_curve,
    talks_value,
    war_curve,
    war_value,
)


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


def _remaining_form(state: RunState) -> IntArray:
    """Per issue, the strongest form still ahead on the calendar (verbal if none)."""
    a = state.arrays
    ahead = slice(state.venue + 1, None)  # the venues after the current one
    forms = np.where(a.venue_table[ahead], a.venue_form[ahead, None], 0)
    return np.asarray(forms.max(axis=0, initial=0))


def _settlement_zones(state: RunState, opponents: BoolArray) -> tuple[FloatArray, FloatArray]:
    """Per issue, where a settlement can lie: inside the red lines of all who must consent.

    That is the veto holders and the opponents, and for an agreement in force also the actors who
    consented to it at its venue; a renegotiation that cannot satisfy them all leaves it as it is.
    """
    a = state.arrays
    needed = a.veto | opponents[:, None]
    fallback = a.status_quo.copy()
    for k, agreement in enumerate(state.agreements):
        if agreement is not None:
            needed[:, k] |= a.venue_participants[agreement.venue]
            fallback[k] = agreement.position
    low = np.where(needed, a.red_low, -np.inf).max(axis=0)
    high = np.where(needed, a.red_high, np.inf).min(axis=0)
    empty = low > high
    return np.where(empty, fallback, low), np.where(empty, fallback, high)


def _weighted_means(position: FloatArray, weights: FloatArray) -> FloatArray:
    """Column-wise :func:`weighted_mean` of actors × issues."""
    total = weights.sum(axis=0)
    if (total > 0).all():  # the usual case, without the fallback's mean
        return np.asarray((weights * position).sum(axis=0) / total, dtype=np.float64)
    safe = np.where(total > 0, total, 1.0)
    means = np.where(total > 0, (weights * position).sum(axis=0) / safe, position.mean(axis=0))
    return np.asarray(means, dtype=np.float64)


def _expected_settlement(state: RunState, actor: int) -> tuple[FloatArray, FloatArray]:
    """Each issue's expected settlement and the trust *actor* places in it (docs/model.md §4)."""
    expected = _weighted_means(state.position, state.capability[:, None] * state.salience)
    trust = state.trust[actor, _remaining_form(state)]
    for k, agreement in enumerate(state.agreements):
        if agreement is not None:
            expected[k], trust[k] = agreement.position, state.trust[actor, agreement.form]
    return expected, trust


@dataclass(frozen=True)
class _Offer:
    """The opponents' Fearon offer to an escalating actor, as a function of how far they go."""

    expected: FloatArray
    trust: FloatArray
    target: FloatArray
    low: FloatArray
    high: FloatArray

    def settlement(self, step: float) -> FloatArray:
        """Expected settlement after moving *step* of the way toward the actor's ideal."""
        moved = self.expected + step * (self.target - self.expected)
        return np.minimum(np.maximum(moved, self.low), self.high)  # np.clip, without its wrappers


def _offer(state: RunState, option: int) -> _Offer:
    a = state.arrays
    actor = int(a.option_actor[option])
    expected, trust = _expected_settlement(state, actor)
    low, high = _settlement_zones(state, a.option_opponents[option])
    target = np.where(a.option_stakes[option], state.ideal[actor], expected)
    return _Offer(expected, trust, target, low, high)


@dataclass(frozen=True)
class _Valuation:
    """What war and the talks after the opponents' offer are worth to an escalating actor."""

    war_at: Callable[[float], float]
    """War's value for a belief of prevailing."""
    talks: Callable[[float], float]
    """The talks' value after the opponents move a step of the way toward the actor."""
    offer: _Offer

    def at(self, belief: float) -> tuple[float, float]:
        """(the talks after the offer that makes them worth war at *belief*, its step)."""
        step = smallest_sufficient_step(self.talks, self.war_at(belief)) or 0.0
        return self.talks(step), step


def _valuation(state: RunState, option: int) -> _Valuation:
    """War and the talks for *option*'s actor in the state as it is (see :func:`_values`)."""
    a = state.arrays
    actor = a.option_actor[option]
    opponents = a.option_opponents[option]
    ideal, salience = state.ideal[actor], state.salience[actor]
    weights = state.capability[opponents, None] * state.salience[opponents]
    lost = _weighted_means(state.ideal[opponents], weights)
    offer = _offer(state, option)
    negotiated = issue_talks_values(offer.expected, offer.trust, a.status_quo, ideal)
    stakes = a.option_stakes[option]
    cost = _rung_cost(state, option, state.top)
    curve = talks_curve(offer.trust, a.status_quo, ideal, salience)

    def talks(step: float) -> float:
        return curve(offer.settlement(step))

    return _Valuation(war_curve(lost, negotiated, ideal, salience, stakes, cost), talks, offer)


def _values(
    state: RunState, option: int, belief: float | None = None
) -> tuple[Callable[[float], float], float, float, _Offer]:
    """(war's value for a belief of prevailing, the talks after the offer, its step, the offer).

    Force decides only the option's stakes; elsewhere war leaves the negotiated value, so the
    opponents' offer moves only the issues at stake (a concession elsewhere would raise the
    talks and the war alike).
    """
    valuation = _valuation(state, option)
    public = float(state.public_prevail[option]) if belief is None else belief
    talks, step = valuation.at(public)
    return valuation.war_at, talks, step, valuation.offer


def prefers_force(state: RunState, actor: int, settled: dict[int, tuple[float, int]]) -> bool:
    """True when *actor* values war above the talks once the agreements *settled* hold.

    *settled* maps an issue to a candidate agreement (position, form). Fearon (1995): a state
    consents only to a settlement worth at least its expected value of war, judged by its own
    (private) belief of prevailing; the talks are valued as in :func:`_values`, with the
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
        lost = _weighted_means(state.ideal[opponents], weights)
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


def _apply_offer(state: RunState, option: int, offer: _Offer, step: float) -> None:
    """The opponents move toward the actor; agreements in force are renegotiated likewise."""
    if step <= 0.0:
        return
    a = state.arrays
    opponents = a.option_opponents[option]
    moved = state.position[opponents] + step * (offer.target - state.position[opponents])
    moved = np.clip(moved, a.red_low[opponents], a.red_high[opponents])
    for row, i in enumerate(np.flatnonzero(opponents).tolist()):
        for k in range(a.n_issues):
            start = float(state.position[i, k])
            state.position[i, k] = state.sticky(i, k, start, float(moved[row, k]))
    settled = offer.settlement(step)
    for k, g in enumerate(state.agreements):
        if g is not None:
            state.agreements[k] = replace(g, position=float(settled[k]))


def _climb(state: RunState, levels: int, day: float) -> None:
    """Move the ladder; climbing is a costly signal that raises everyone's salience."""
    a = state.arrays
    state.move_ladder(max(0, min(state.top, state.level + levels)), day)
    if levels > 0:
        state.salience = np.clip(state.salience + a.escalation_salience * levels, 0.0, 1.0)


def holding_cost(state: RunState, option: int, held: float) -> float:
    """Cost of standing on the current rung for one more decision interval, after *held* days.

    Rung costs below the top are rates per interval Δ that rise with the time the rung has been
    held (wear): c_L · (1 + held / Δ) (docs/model.md §4). A rung held longer costs more.
    """
    return _rung_cost(state, option, state.level) * (1.0 + held / state.arrays.decision_interval)


def _ladder_values(
    state: RunState,
    option: int,
    war_at: Callable[[float], float],
    talks: float,
    held: float,
    valuation: _Valuation | None = None,
) -> tuple[float, float, float, float]:
    """(climb, stay, descend, war): what each move on the ladder is worth to the actor.

    War is Fearon's value of force at the top rung, its cost a one-off. Descending leads back to
    peace, worth the talks. Staying is the talks less the cost of holding this rung for another
    decision interval, which rises with the days already held (:func:`holding_cost`). Climbing is
    the march to war when war beats talks (or the next rung is the top); otherwise it is a costly
    signal, worth the talks after the opponents learn from it, less the next rung's cost for one
    interval (docs/model.md §4). A climb needs the current rung held one decision interval Δ
    (a step is prepared, taken and seen before the next). Unavailable moves are worth −inf.
    *valuation*, when given, is that of the state as it still is, so the signal's talks need not
    be valued afresh.
    """
    a = state.arrays
    prevail = float(state.prevail[option])
    war = war_at(prevail)
    stay = talks - holding_cost(state, option, held)
    descend = talks if state.level > 0 else -np.inf
    if state.level >= state.top or held < state.arrays.decision_interval:
        return -np.inf, stay, descend, war  # a climb is prepared for one interval (§4)
    if state.level + 1 == state.top or war > talks:
        return war, stay, descend, war
    public = float(state.public_prevail[option])
    learned = public + a.signal_learning * (prevail - public)
    after = _values(state, option, learned)[1] if valuation is None else valuation.at(learned)[0]
    signal = after - _rung_cost(state, option, state.level + 1)
    return max(signal, war), stay, descend, war


def review(state: RunState, option: int, day: float, after_meeting: bool) -> None:
    """One escalating actor reviews its rung: the opponents' offer, then climb, hold or descend.

    The choice is a logit over the values of :func:`_ladder_values`: the actor climbs with the
    probability that climbing beats the better of staying and descending, else descends with the
    probability that descending beats the better of the other two.
    """
    a = state.arrays
    actor = int(a.option_actor[option])
    valuation = _valuation(state, option)
    talks, step = valuation.at(float(state.public_prevail[option]))
    _apply_offer(state, option, valuation.offer, step)
    held = day - state.rung_since
    # no step, no move: the state is as it was valued, and so is the signal's offer
    unchanged = valuation if step <= 0.0 else None
    climb, stay, descend, war = _ladder_values(
        state, option, valuation.war_at, talks, held, unchanged
    )
    p_up = choice_probability(climb - max(stay, descend), a.logit_scale)
    p_down = choice_probability(descend - max(stay, climb), a.logit_scale)
    draws = state.rng.random(2)
    model_choice = (
        EscalationChoice.CLIMB
        if draws[0] < p_up
        else (EscalationChoice.DESCEND if draws[1] < p_down else EscalationChoice.HOLD)
    )
    view = EscalationView(
        day,
        actor,
        state.level,
        climb,
        stay,
        descend,
        war,
        talks,
        p_up,
        p_down,
        step,
        model_choice,
        venue=state.venue,
        held=held,
        after_meeting=after_meeting,
    )
    choice = state.policy.escalate(view)
    if choice is EscalationChoice.HOLD:
        return
    sign = 1 if choice is EscalationChoice.CLIMB else -1
    _climb(state, sign, day)
    if sign > 0:
        prevail = float(state.prevail[option])
        learning = a.signal_learning
        state.public_prevail[option] += learning * (prevail - state.public_prevail[option])
    state.steps.append(
        EscalationStep(
            day,
            actor,
            state.level,
            climb if sign > 0 else descend,
            talks,
            p_up if sign > 0 else p_down,
            step,
        )
    )


def escalation(
    env: simpy.Environment, state: RunState, met: list[simpy.Event], over: simpy.Event
) -> Process:
    """Each escalating actor reviews its rung after every meeting and on the decision clock.

    The process waits for the next meeting to end or for ``model.decision_interval`` days since
    the last review, whichever comes first; then every option is reviewed in scenario order
    (:func:`review`). Reaching the top rung ends the run.
    """
    a = state.arrays
    upcoming = 0
    while True:
        clock = env.timeout(a.decision_interval)
        waits = [clock] if upcoming >= len(met) else [met[upcoming], clock]
        yield env.any_of(waits)
        after_meeting = upcoming < len(met) and met[upcoming].triggered
        if after_meeting:
            upcoming += 1
        for option in range(len(a.option_actor)):
            review(state, option, env.now, after_meeting)
            if state.level == state.top:
                if not over.triggered:
                    over.succeed()
                return
