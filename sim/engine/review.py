"""Ladder reviews of a batch: war and the talks valued for every run that reviews at one moment.

Fearon's bargaining model of war (docs/model.md §4): the opponents offer what makes talks worth
as much as the war the actor is feared to fight; the actor weighs war, a costly signal, holding
and descending with a logit. The values come with a run axis from :mod:`sim.engine.valuation`.
Only the logit draw and the policy's answer are taken run by run, from each run's generator.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.engine.batch import Batch
from sim.engine.policy import EscalationChoice, EscalationView
from sim.engine.record import EscalationStep
from sim.engine.sampling import FloatArray, IntArray
from sim.engine.state import EPS, RunState
from sim.engine.valuation import Valuation, remaining_forms, valuation
from sim.model.bargaining import choice_probability


def _apply_offers(
    batch: Batch, rows: IntArray, option: int, value: Valuation, step: FloatArray
) -> None:
    """The opponents move toward the actor where *step* > 0; agreements in force likewise.

    Each opponent stops short of taking back a public concession (:meth:`RunState.sticky`).
    """
    moving = step > 0.0
    if not moving.any():
        return
    a = batch.arrays
    g = batch.grids
    opponents = np.flatnonzero(a.option_opponents[option])
    where = rows[moving]
    index = np.ix_(where, opponents)
    start = g["position"][index]
    moved = start + step[moving, None, None] * (value.target[moving, None, :] - start)
    moved = np.clip(moved, a.red_low[opponents], a.red_high[opponents])
    direction = g["conceded"][index]
    back = direction * (moved - start) < 0
    g["position"][index] = np.where(back, start, moved)
    changed = ~back & (np.abs(moved - start) > EPS)
    g["conceded"][index] = np.where(changed, np.where(moved > start, 1, -1), direction)
    settled = value.settlement(step)
    for i in np.flatnonzero(moving).tolist():
        state = batch.states[int(rows[i])]
        for k, agreement in enumerate(state.agreements):
            if agreement is not None:
                state.agreements[k] = replace(agreement, position=float(settled[i, k]))


def _choose(
    state: RunState, option: int, values: tuple[float, ...], day: float, after_meeting: bool
) -> None:
    """One run's logit draw, the policy's answer and the move it makes on the ladder."""
    a = state.arrays
    climb, stay, descend, war, talks, step, held = values
    actor = int(a.option_actor[option])
    p_up = choice_probability(climb - max(stay, descend), a.logit_scale)
    p_down = choice_probability(descend - max(stay, climb), a.logit_scale)
    draws = state.rng.random(2)
    model_choice = (
        EscalationChoice.CLIMB
        if draws[0] < p_up
        else (EscalationChoice.DESCEND if draws[1] < p_down else EscalationChoice.HOLD)
    )
    if state.model_decides:  # the model takes the choice it drew
        choice = model_choice
    else:
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
    state.move_ladder(max(0, min(state.top, state.level + sign)), day)
    if sign > 0:  # climbing is a costly signal that raises everyone's salience
        state.salience[...] = np.clip(state.salience + a.escalation_salience, 0.0, 1.0)
        prevail = float(state.prevail[option])
        state.public_prevail[option] += a.signal_learning * (prevail - state.public_prevail[option])
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


def review_option(
    batch: Batch,
    rows: IntArray,
    option: int,
    day: float,
    after: dict[int, bool],
    forms: IntArray,
) -> None:
    """Runs *rows* review *option*'s rung: the opponents' offer, then climb, hold or descend.

    The values (docs/model.md §4): war is Fearon's value of force at the top rung; descending
    is worth the talks; staying is the talks less the cost of holding this rung one more
    interval, c_L · (1 + held / Δ); climbing is the march to war when war beats the talks (or
    the next rung is the top), else a costly signal, worth the talks after the opponents learn
    from it less the next rung's cost. A climb needs the rung held Δ days.
    """
    a = batch.arrays
    g = batch.grids
    states = [batch.states[r] for r in rows.tolist()]
    value = valuation(batch, rows, option, forms)
    public = g["public_prevail"][rows, option].copy()
    talks, step = value.at(public)
    _apply_offers(batch, rows, option, value, step)
    level = np.array([s.level for s in states], dtype=np.int64)
    held = day - np.array([s.rung_since for s in states])
    prevail = g["prevail"][rows, option].copy()
    war = value.war(prevail)
    interval = a.decision_interval
    stay = talks - value.cost(level) * (1.0 + held / interval)
    descend = np.where(level > 0, talks, -np.inf)
    top = len(a.rung_ids) - 1
    barred = (level >= top) | (held < interval)
    march = (level + 1 == top) | (war > talks)
    climb = np.where(barred, -np.inf, war)
    signal = ~barred & ~march
    if signal.any():
        # no step, no move: the state is as it was valued; else value it afresh
        fresh = valuation(batch, rows, option, forms) if (step > 0.0).any() else value
        learning = np.array([s.arrays.signal_learning for s in states])
        learned = public + learning * (prevail - public)
        after_signal = fresh.at(learned)[0] - value.cost(np.minimum(level + 1, top))
        climb = np.where(signal, np.maximum(after_signal, war), climb)
    for i, state in enumerate(states):
        values = (climb[i], stay[i], descend[i], war[i], talks[i], step[i], held[i])
        _choose(state, option, tuple(float(v) for v in values), day, after[int(rows[i])])


def review(batch: Batch, requests: list[tuple[int, bool]], day: float) -> None:
    """The ladder reviews asked at this moment: every option, in scenario order, for every run.

    A run that reaches the top rung stops reviewing and ends (war).
    """
    a = batch.arrays
    top = len(a.rung_ids) - 1
    after = dict(requests)
    forms = remaining_forms(a)
    rows = np.array([r for r, _ in requests], dtype=np.int64)
    for option in range(len(a.option_actor)):
        if not rows.size:
            return
        review_option(batch, rows, option, day, after, forms)
        at_top = np.array([batch.states[r].level == top for r in rows.tolist()], dtype=bool)
        for r in rows[at_top].tolist():
            batch.end(r)
        rows = rows[~at_top]
