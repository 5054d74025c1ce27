"""The SimPy event loop of one run: the venue calendar, negotiation rounds, escalation, shocks.

This is the only module that imports simpy. Processes are plain generator functions over one
``simpy.Environment`` per run; the state they share lives in :class:`RunState`; the equations
live in :mod:`sim.bargaining` and :mod:`sim.expected_utility`; decisions go through a
:class:`Policy`, so a person can take one actor's decisions (``negsim play``).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.bargaining import (
    choice_probability,
    consenting_package,
    force_value,
    package_utility,
    smallest_sufficient_step,
    talks_value,
    weighted_mean,
    zone_of_agreement,
)
from sim.policy import EscalationChoice, EscalationView, ModelPolicy, Policy, ProposalView
from sim.record import Agreement, Blocked, EscalationStep, Reason, RoundEvent, RunRecord
from sim.sampling import BoolArray, FloatArray, IntArray, RunParameters, ScenarioArrays
from sim.venue_round import propose

Process = Generator[simpy.Event, object, None]
_EPS = 1e-9


@dataclass
class RunState:
    """What changes during one run (engine-internal, mutable)."""

    arrays: ScenarioArrays
    position: FloatArray
    """Current negotiating positions, actors × issues."""
    ideal: FloatArray
    """Ideal points, actors × issues (moved only by shocks)."""
    salience: FloatArray
    capability: FloatArray
    trust: FloatArray
    costs: FloatArray
    prevail: FloatArray
    """Each escalating actor's private belief of prevailing."""
    public_prevail: FloatArray
    """The opponents' estimate of that belief, updated by costly signals."""
    rng: np.random.Generator
    policy: Policy
    level: int = 0
    peak: int = 0
    venue: int = -1
    agreements: list[Agreement | None] = field(default_factory=list)
    events: list[RoundEvent] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    steps: list[EscalationStep] = field(default_factory=list)
    shocks: list[tuple[int, float]] = field(default_factory=list)

    @property
    def top(self) -> int:
        """Index of the top rung (the run ends there)."""
        return len(self.arrays.rung_ids) - 1


def _new_state(
    arrays: ScenarioArrays, params: RunParameters, rng: np.random.Generator, policy: Policy
) -> RunState:
    return RunState(
        arrays=arrays,
        position=params.position.copy(),
        ideal=params.position.copy(),
        salience=params.salience.copy(),
        capability=arrays.capability.copy(),
        trust=arrays.trust.copy(),
        costs=arrays.option_costs.copy(),
        prevail=params.prevail.copy(),
        public_prevail=arrays.option_prevail.copy(),
        rng=rng,
        policy=policy,
        agreements=[None] * arrays.n_issues,
        level=arrays.start_level,
        peak=arrays.start_level,
    )


# --- negotiation ---------------------------------------------------------------------------


def _negotiation_round(state: RunState, venue: int, rnd: int, day: float, open_: list[int]) -> None:
    """One round at a venue: proposals on every open issue, then simultaneous concessions."""
    a = state.arrays
    members = np.flatnonzero(a.venue_participants[venue])
    moves: list[tuple[int, int, float]] = []
    table = np.array(open_)
    tables = [
        tuple(zip(members.tolist(), state.position[members, k].tolist(), strict=True))
        for k in open_
    ]
    for offer in propose(
        state.position[members][:, table],
        state.capability[members],
        state.salience[members][:, table],
        a.q,
    ):
        issue = open_[offer.column]
        target, proposer = int(members[offer.target]), int(members[offer.proposer])
        view = ProposalView(
            day=day,
            venue=venue,
            round=rnd,
            issue=issue,
            proposer=proposer,
            target=target,
            kind=offer.kind,
            start=offer.start,
            proposed=offer.end,
            red_low=float(a.red_low[target, issue]),
            red_high=float(a.red_high[target, issue]),
            resist_utility=offer.resist_utility,
            table=tables[offer.column],
        )
        end = state.policy.respond(view)
        clipped = min(max(end, view.red_low), view.red_high)
        accepted = abs(clipped - offer.start) > _EPS
        reason = Reason.EXPECTED_UTILITY
        if abs(clipped - end) > _EPS:
            reason = Reason.RED_LINE
        state.events.append(
            RoundEvent(
                day,
                venue,
                rnd,
                proposer,
                target,
                issue,
                offer.kind,
                offer.start,
                offer.end,
                clipped if accepted else offer.start,
                accepted,
                reason,
                offer.resist_utility,
            )
        )
        if accepted:
            moves.append((target, issue, clipped))
    for target, issue, end in moves:
        state.position[target, issue] = end


def _candidate(state: RunState, venue: int, issue: int) -> tuple[float | None, Reason, int]:
    """Where an agreement on *issue* would lie at *venue*, or why there is none (and who)."""
    a = state.arrays
    members = a.venue_participants[venue]
    needed = members | a.veto[:, issue]
    absent = np.flatnonzero(a.veto[:, issue] & ~members)
    if absent.size:
        return None, Reason.VETO, int(absent[0])
    x = state.position[members, issue]
    if float(x.max() - x.min()) > a.convergence:
        return None, Reason.NOT_CONVERGED, -1
    form_blockers = np.flatnonzero(needed & (a.red_form[:, issue] > a.venue_form[venue]))
    if form_blockers.size:
        return None, Reason.FORM, int(form_blockers[0])
    zone = zone_of_agreement(a.red_low[needed, issue], a.red_high[needed, issue])
    if zone is None:
        return None, Reason.RED_LINE, int(np.flatnonzero(needed)[0])
    weights = state.capability[members] * state.salience[members, issue]
    point = min(max(weighted_mean(x, weights), zone[0]), zone[1])
    return point, Reason.EXPECTED_UTILITY, -1


def _agree(state: RunState, venue: int, day: float, open_: list[int], final: bool) -> list[int]:
    """Turn converged issues into agreements where everyone needed consents; return the rest."""
    a = state.arrays
    candidates = np.array(a.status_quo, copy=True)
    offered = np.zeros(a.n_issues, dtype=bool)
    for issue in open_:
        x = state.position[:, issue][a.venue_participants[venue]]
        if not final and float(x.max() - x.min()) > a.convergence:
            continue
        point, reason, actor = _candidate(state, venue, issue)
        if point is None:
            if final and reason is not Reason.NOT_CONVERGED:
                state.blocked.append(Blocked(issue, venue, day, reason, actor))
            continue
        candidates[issue], offered[issue] = point, True
    if not offered.any():
        return open_
    needed = a.venue_participants[venue][:, None] | a.veto
    package = consenting_package(
        candidates, offered, a.status_quo, state.ideal, state.salience, needed
    )
    for dropped in np.flatnonzero(offered & ~package):
        if final:
            state.blocked.append(Blocked(int(dropped), venue, day, Reason.STATUS_QUO, -1))
    for agreed in np.flatnonzero(package):
        state.agreements[agreed] = Agreement(
            int(agreed), float(candidates[agreed]), int(a.venue_form[venue]), venue, day
        )
    return [k for k in open_ if not package[k]]


def meeting(env: simpy.Environment, state: RunState, venue: int) -> Process:
    """A venue's meeting: its rounds on the issues on the table not yet settled in this form."""
    a = state.arrays
    form = a.venue_form[venue]
    open_ = [
        int(k)
        for k in np.flatnonzero(a.venue_table[venue])
        if state.agreements[k] is None or state.agreements[k].form < form  # type: ignore[union-attr]
    ]
    rounds = int(a.venue_rounds[venue])
    for rnd in range(1, rounds + 1):
        yield env.timeout(1.0 / (rounds + 1))
        if not open_:
            break
        _negotiation_round(state, venue, rnd, env.now, open_)
        open_ = _agree(state, venue, env.now, open_, final=rnd == rounds)


def calendar(
    env: simpy.Environment, state: RunState, met: list[simpy.Event], over: simpy.Event
) -> Process:
    """The calendar: each venue meets on its date; after each, escalation is weighed."""
    a = state.arrays
    for venue, day in enumerate(a.venue_day):
        if day > env.now:
            yield env.timeout(float(day) - env.now)
        state.venue = venue
        yield env.process(meeting(env, state, venue))
        met[venue].succeed()
    if a.horizon_day > env.now:
        yield env.timeout(a.horizon_day - env.now)
    if not over.triggered:
        over.succeed()


# --- escalation ----------------------------------------------------------------------------


def _rung_cost(state: RunState, option: int, rung: int) -> float:
    a = state.arrays
    actor = a.option_actor[option]
    response = a.response_cost[(a.response_target == actor) & (a.response_from <= rung)].sum()
    return float(state.costs[option, rung] + (response if rung > 0 else 0.0))


def _remaining_form(state: RunState) -> IntArray:
    """Per issue, the strongest form still ahead on the calendar (verbal if none)."""
    a = state.arrays
    ahead = (np.arange(len(a.venue_day)) > state.venue)[:, None] & a.venue_table
    return np.asarray(np.where(ahead, a.venue_form[:, None], 0).max(axis=0, initial=0))


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
        return np.clip(moved, self.low, self.high)


def _offer(state: RunState, option: int) -> _Offer:
    a = state.arrays
    actor = int(a.option_actor[option])
    expected, trust = _expected_settlement(state, actor)
    low, high = _settlement_zones(state, a.option_opponents[option])
    return _Offer(expected, trust, state.ideal[actor].copy(), low, high)


def _values(
    state: RunState, option: int, belief: float | None = None
) -> tuple[float, float, float, _Offer]:
    """(U if the actor loses, its value of talks after the offer, the offer's step, the offer)."""
    a = state.arrays
    actor = a.option_actor[option]
    opponents = a.option_opponents[option]
    ideal, salience = state.ideal[actor], state.salience[actor]
    weights = state.capability[opponents, None] * state.salience[opponents]
    lost = _weighted_means(state.ideal[opponents], weights)
    utility_lost = package_utility(lost, ideal, salience)
    offer = _offer(state, option)

    def talks(step: float) -> float:
        return talks_value(offer.settlement(step), offer.trust, a.status_quo, ideal, salience)

    public = float(state.public_prevail[option]) if belief is None else belief
    feared = force_value(public, utility_lost, _rung_cost(state, option, state.top))
    step = smallest_sufficient_step(talks, feared) or 0.0
    return utility_lost, talks(step), step, offer


def _apply_offer(state: RunState, option: int, offer: _Offer, step: float) -> None:
    """The opponents move toward the actor; agreements in force are renegotiated likewise."""
    if step <= 0.0:
        return
    a = state.arrays
    opponents = a.option_opponents[option]
    moved = state.position[opponents] + step * (offer.target - state.position[opponents])
    state.position[opponents] = np.clip(moved, a.red_low[opponents], a.red_high[opponents])
    settled = offer.settlement(step)
    for k, g in enumerate(state.agreements):
        if g is not None:
            state.agreements[k] = Agreement(k, float(settled[k]), g.form, g.venue, g.day)


def _climb(state: RunState, levels: int) -> None:
    """Move the ladder; climbing is a costly signal that raises everyone's salience."""
    a = state.arrays
    state.level = max(0, min(state.top, state.level + levels))
    state.peak = max(state.peak, state.level)
    if levels > 0:
        state.salience = np.clip(state.salience + a.escalation_salience * levels, 0.0, 1.0)


def _ladder_values(
    state: RunState, option: int, utility_lost: float, talks: float
) -> tuple[float, float, float, float]:
    """(climb, stay, descend, war): what each move on the ladder is worth to the actor.

    War is Fearon's value of force at the top rung. Descending leads back to peace, worth the
    talks. Staying is the talks less the cost of standing on this rung. Climbing is the march to
    war when war beats talks (or the next rung is the top); otherwise it is a costly signal,
    worth the talks after the opponents learn from it, less the next rung's cost (docs/model.md
    §4). Unavailable moves are worth −inf.
    """
    a = state.arrays
    prevail = float(state.prevail[option])
    war = force_value(prevail, utility_lost, _rung_cost(state, option, state.top))
    stay = talks - _rung_cost(state, option, state.level)
    descend = talks if state.level > 0 else -np.inf
    if state.level >= state.top:
        return -np.inf, stay, descend, war
    if state.level + 1 == state.top or war > talks:
        return war, stay, descend, war
    public = float(state.public_prevail[option])
    learned = public + a.signal_learning * (prevail - public)
    signal = _values(state, option, learned)[1] - _rung_cost(state, option, state.level + 1)
    return max(signal, war), stay, descend, war


def escalation(
    env: simpy.Environment, state: RunState, met: list[simpy.Event], over: simpy.Event
) -> Process:
    """After each meeting, each actor with an escalation option climbs, stays or descends.

    The choice is a logit over the values of :func:`_ladder_values`: the actor climbs with the
    probability that climbing beats the better of staying and descending, else descends with the
    probability that descending beats the better of the other two.
    """
    a = state.arrays
    for venue_met in met:
        yield venue_met
        for option in range(len(a.option_actor)):
            actor = int(a.option_actor[option])
            utility_lost, talks, step, offer = _values(state, option)
            _apply_offer(state, option, offer, step)
            climb, stay, descend, war = _ladder_values(state, option, utility_lost, talks)
            p_up = choice_probability(climb - max(stay, descend), a.logit_scale)
            p_down = choice_probability(descend - max(stay, climb), a.logit_scale)
            draws = state.rng.random(2)
            model_choice = (
                EscalationChoice.CLIMB
                if draws[0] < p_up
                else (EscalationChoice.DESCEND if draws[1] < p_down else EscalationChoice.HOLD)
            )
            view = EscalationView(
                env.now,
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
            )
            choice = state.policy.escalate(view)
            if choice is EscalationChoice.HOLD:
                continue
            sign = 1 if choice is EscalationChoice.CLIMB else -1
            _climb(state, sign)
            if sign > 0:
                prevail = float(state.prevail[option])
                learning = a.signal_learning
                state.public_prevail[option] += learning * (prevail - state.public_prevail[option])
            state.steps.append(
                EscalationStep(
                    env.now,
                    actor,
                    state.level,
                    climb if sign > 0 else descend,
                    talks,
                    p_up if sign > 0 else p_down,
                    step,
                )
            )
            if state.level == state.top:
                if not over.triggered:
                    over.succeed()
                return


# --- shocks --------------------------------------------------------------------------------


def shock(env: simpy.Environment, state: RunState, index: int, day: float) -> Process:
    """A shock fires at its sampled day and changes the parameters it names."""
    yield env.timeout(day)
    a = state.arrays
    state.shocks.append((index, env.now))
    for e in a.shock_effects[index]:
        if e.parameter == 0:  # position
            for grid in (state.position, state.ideal):
                grid[e.actor, e.issue] = np.clip(
                    grid[e.actor, e.issue] + e.change,
                    a.red_low[e.actor, e.issue],
                    a.red_high[e.actor, e.issue],
                )
        elif e.parameter == 1:  # salience
            state.salience[e.actor, e.issue] = np.clip(
                state.salience[e.actor, e.issue] + e.change, 0.0, 1.0
            )
        elif e.parameter == 2:  # capability
            state.capability[e.actor] = max(state.capability[e.actor] + e.change, 1e-6)
        elif e.parameter == 3:  # cost
            rows = a.option_actor == e.actor
            state.costs[rows, 1:] = np.maximum(state.costs[rows, 1:] + e.change, 0.0)
        elif e.parameter == 4:  # prevail
            rows = a.option_actor == e.actor
            state.prevail[rows] = np.clip(state.prevail[rows] + e.change, 0.01, 0.99)
        elif e.parameter == 5:  # trust
            state.trust[e.actor] = np.clip(state.trust[e.actor] + e.change, 0.0, 1.0)
        elif e.parameter == 6 and state.top > 0:  # escalation: shocks never start the war
            before = state.level
            state.level = max(0, min(state.top - 1, state.level + round(e.change)))
            state.peak = max(state.peak, state.level)
            if state.level != before:
                state.steps.append(EscalationStep(env.now, -1, state.level, 0.0, 0.0, 1.0, 0.0))


# --- one run -------------------------------------------------------------------------------


def run_once(
    arrays: ScenarioArrays,
    params: RunParameters,
    rng: np.random.Generator,
    run_index: int = 0,
    policy: Policy | None = None,
) -> RunRecord:
    """Simulate one run of a scenario with its sampled parameters; randomness only from *rng*."""
    env = simpy.Environment()
    state = _new_state(arrays, params, rng, policy or ModelPolicy())
    met = [env.event() for _ in arrays.venue_ids]
    over = env.event()
    env.process(calendar(env, state, met, over))
    if len(arrays.rung_ids) > 1 and len(arrays.option_actor):
        env.process(escalation(env, state, met, over))
    for index in np.flatnonzero(params.shock_fired):
        env.process(shock(env, state, int(index), float(params.shock_day[index])))
    env.run(until=over)
    return RunRecord(
        run_index=run_index,
        final_positions=tuple(tuple(float(v) for v in row) for row in state.position),
        agreements=tuple(state.agreements),
        escalation=tuple(state.steps),
        start_level=arrays.start_level,
        peak_level=state.peak,
        final_level=state.level,
        shocks=tuple(state.shocks),
        events=tuple(state.events),
        blocked=tuple(state.blocked),
        end_day=float(env.now),
    )
