"""Ladder reviews of a batch: war and the talks valued for every run that reviews at one moment.

Fearon's bargaining model of war (docs/model.md §4): the opponents offer what makes talks worth
as much as the war the actor is feared to fight; the actor weighs war, a costly signal, holding
and descending with a logit. The values are the equations of :mod:`sim.model.bargaining` with a
run axis in front: every array here is runs × issues (or runs × actors × issues), and each
run's numbers are computed with the same operations, in the same order, as for that run alone.
Only the logit draw and the policy's answer are taken run by run, from each run's generator.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from sim.engine.batch import Batch
from sim.engine.policy import EscalationChoice, EscalationView, ModelPolicy
from sim.engine.record import EscalationStep
from sim.engine.sampling import BoolArray, FloatArray, IntArray, ScenarioArrays
from sim.engine.state import EPS, RunState
from sim.model.bargaining import choice_probability, issue_utility

TOLERANCE = 1e-6
"""Width at which the search for the smallest sufficient concession stops (as
:func:`sim.model.bargaining.smallest_sufficient_step`)."""


def _halvings(tolerance: float) -> int:
    width, count = 1.0, 0
    while width > tolerance:
        width, count = width / 2, count + 1
    return count


HALVINGS = _halvings(TOLERANCE)
"""Halvings of [0, 1] until the bracket is no wider than :data:`TOLERANCE` (20)."""


def weighted_means(position: FloatArray, weights: FloatArray) -> FloatArray:
    """Per run and issue, the *weights*-weighted mean of *position* over axis 1 (actors).

    Where the weights of an issue sum to zero, the plain mean (as :func:`weighted_mean`).
    """
    total = weights.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    means = np.where(total > 0, (weights * position).sum(axis=1) / safe, position.mean(axis=1))
    return np.asarray(means, dtype=np.float64)


@lru_cache(maxsize=4)
def remaining_forms(a: ScenarioArrays) -> IntArray:
    """Per venue and issue, the strongest form still ahead on the calendar (verbal if none).

    Row *v* + 1 holds what is ahead after venue *v*; row 0, before the first venue.
    """
    rows = []
    for venue in range(-1, len(a.venue_ids)):
        ahead = slice(venue + 1, None)
        forms = np.where(a.venue_table[ahead], a.venue_form[ahead, None], 0)
        rows.append(forms.max(axis=0, initial=0))
    return np.asarray(rows, dtype=np.int64)


@dataclass(frozen=True)
class Agreements:
    """The agreements in force of a set of runs, as runs × issues arrays."""

    agreed: BoolArray
    position: FloatArray
    form: IntArray
    venue: IntArray

    @staticmethod
    def of(states: list[RunState], n_issues: int) -> Agreements:
        """The agreements of *states*, one row per state."""
        n = len(states)
        agreed = np.zeros((n, n_issues), dtype=bool)
        position = np.zeros((n, n_issues))
        form = np.zeros((n, n_issues), dtype=np.int64)
        venue = np.zeros((n, n_issues), dtype=np.int64)
        for row, state in enumerate(states):
            for k, g in enumerate(state.agreements):
                if g is not None:
                    agreed[row, k] = True
                    position[row, k], form[row, k], venue[row, k] = g.position, g.form, g.venue
        return Agreements(agreed, position, form, venue)


@dataclass(frozen=True)
class Valuation:
    """What war and the talks after the opponents' offer are worth to one option's actor, per run.

    The run-axis form of the per-run equations (docs/model.md §4): expected settlement ŷ and its
    trust τ per issue, the settlement zone [low, high], the offer's target (the actor's ideal on
    the stakes), the talks' curve and war's curve.
    """

    expected: FloatArray
    trust: FloatArray
    target: FloatArray
    low: FloatArray
    high: FloatArray
    ideal: FloatArray
    salience: FloatArray
    total: FloatArray
    """The actor's total salience per run (0: nothing matters, every value constant)."""
    reverted: FloatArray
    if_lost: FloatArray
    negotiated: FloatArray
    stakes: BoolArray
    share: FloatArray
    """σ_S per run: the stakes' share of the actor's salience."""
    rung_costs: FloatArray
    """Runs × rungs: each rung's cost on the stakes' scale (before σ_S)."""

    def cost(self, rung: IntArray) -> FloatArray:
        """Each run's cost of standing on *rung* (its own rung per run), on the package scale."""
        return np.asarray(
            self.rung_costs[np.arange(len(rung)), rung] * self.share, dtype=np.float64
        )

    def settlement(self, step: FloatArray) -> FloatArray:
        """Expected settlement after the opponents move *step* of the way toward the actor."""
        moved = self.expected + step[:, None] * (self.target - self.expected)
        return np.minimum(np.maximum(moved, self.low), self.high)

    def talks(self, step: FloatArray) -> FloatArray:
        """The talks' value after the opponents move *step* of the way (EV_talks, §4)."""
        utility = self.trust * issue_utility(self.settlement(step), self.ideal) + self.reverted
        value = (self.salience * utility).sum(axis=1) / self.divisor
        return np.where(self.total > 0.0, value, 1.0)

    def war(self, prevail: FloatArray) -> FloatArray:
        """War's value for each run's belief of prevailing (EV_war with stakes, §4)."""
        p = prevail[:, None]
        per_issue = np.where(self.stakes, p + (1.0 - p) * self.if_lost, self.negotiated)
        top = self.rung_costs[:, -1] * self.share
        value = (self.salience * per_issue).sum(axis=1) / self.divisor - top
        return np.where(self.total > 0.0, value, 1.0 - top)

    @property
    def divisor(self) -> FloatArray:
        """The total salience where it is positive, else 1 (those runs' values are constants)."""
        return np.where(self.total > 0.0, self.total, 1.0)

    def of_runs(self, rows: IntArray) -> Valuation:
        """The valuation of some of the runs only (positions in this valuation's run order)."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return Valuation(**{k: v if k == "stakes" else v[rows] for k, v in fields.items()})

    def at(self, belief: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(talks after the smallest offer that makes them worth war at *belief*, that offer).

        The smallest t in [0, 1] with talks(t) ≥ war(belief), by bisection until the bracket is
        no wider than :data:`TOLERANCE` (:data:`HALVINGS` halvings for every run, as the
        brackets are dyadic); 0 when no step suffices or none is needed.
        """
        goal = self.war(belief)
        n = len(belief)
        none = self.talks(np.zeros(n))
        step = np.zeros(n)
        search = np.flatnonzero((self.talks(np.ones(n)) >= goal) & (none < goal))
        if not search.size:
            return none, step
        part, aim = self.of_runs(search), goal[search]
        low, high = np.zeros(search.size), np.ones(search.size)
        for _ in range(HALVINGS):
            middle = (low + high) / 2
            up = part.talks(middle) >= aim
            high = np.where(up, middle, high)
            low = np.where(up, low, middle)
        step[search] = high
        return np.where(step > 0.0, self.talks(step), none), step


def _rung_costs(batch: Batch, rows: IntArray, option: int) -> FloatArray:
    """Runs × rungs: the cost of each rung of *option* per run, responses included above rung 0."""
    a = batch.arrays
    actor = a.option_actor[option]
    costs = batch.grids["costs"][rows, option]
    out = np.array(costs, copy=True)
    response = np.array([batch.states[r].arrays.response_cost for r in rows.tolist()])
    for rung in range(1, costs.shape[1]):
        chosen = (a.response_target == actor) & (a.response_from <= rung)
        if response.size:
            out[:, rung] = costs[:, rung] + response[:, chosen].sum(axis=1)
        else:
            out[:, rung] = costs[:, rung] + 0.0
    return out


def valuation(batch: Batch, rows: IntArray, option: int, forms: IntArray) -> Valuation:
    """The valuation of *option* for the runs *rows* in their state as it is now."""
    a = batch.arrays
    g = batch.grids
    states = [batch.states[r] for r in rows.tolist()]
    actor = int(a.option_actor[option])
    opponents = a.option_opponents[option]
    stakes = a.option_stakes[option]
    position, ideal, salience = g["position"][rows], g["ideal"][rows], g["salience"][rows]
    capability, trust = g["capability"][rows], g["trust"][rows, actor]
    agreements = Agreements.of(states, a.n_issues)
    # the expected settlement and the trust the actor places in it
    expected = weighted_means(position, capability[:, :, None] * salience)
    venue = np.array([s.venue for s in states], dtype=np.int64)
    ahead = forms[venue + 1]
    trusted = np.take_along_axis(trust, ahead, axis=1)
    expected = np.where(agreements.agreed, agreements.position, expected)
    in_force = np.take_along_axis(trust, agreements.form, axis=1)
    trusted = np.where(agreements.agreed, in_force, trusted)
    # the settlement zone: veto holders, opponents and, for an agreement, its venue's consenters
    needed = np.broadcast_to(a.veto | opponents[:, None], (len(rows), *a.veto.shape)).copy()
    signed = np.transpose(a.venue_participants[agreements.venue], (0, 2, 1))
    needed |= signed & agreements.agreed[:, None, :]
    fallback = np.where(agreements.agreed, agreements.position, a.status_quo)
    low = np.where(needed, a.red_low, -np.inf).max(axis=1)
    high = np.where(needed, a.red_high, np.inf).min(axis=1)
    empty = low > high
    low, high = np.where(empty, fallback, low), np.where(empty, fallback, high)
    # war: what the actor loses to (its opponents' weighted ideal) and what talks leave elsewhere
    own_ideal, own_salience = ideal[:, actor], salience[:, actor]
    weights = capability[:, opponents][:, :, None] * salience[:, opponents]
    lost = weighted_means(ideal[:, opponents], weights)
    negotiated = trusted * issue_utility(expected, own_ideal) + (1.0 - trusted) * issue_utility(
        a.status_quo, own_ideal
    )
    total = own_salience.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total <= 0.0, 1.0, own_salience[:, stakes].sum(axis=1) / total)
    return Valuation(
        expected=expected,
        trust=trusted,
        target=np.where(stakes, own_ideal, expected),
        low=low,
        high=high,
        ideal=own_ideal,
        salience=own_salience,
        total=total,
        reverted=(1.0 - trusted) * issue_utility(a.status_quo, own_ideal),
        if_lost=issue_utility(lost, own_ideal),
        negotiated=negotiated,
        stakes=stakes,
        share=share,
        rung_costs=_rung_costs(batch, rows, option),
    )


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
    if type(state.policy) is ModelPolicy:  # the model takes the choice it drew: not asked
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
