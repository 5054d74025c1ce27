"""Negotiation at the venues: the calendar, each meeting's rounds, and agreements by consent.

Proposals come from the expected-utility round (:mod:`sim.engine.venue_round`); the target's
answer goes through the :class:`~sim.engine.policy.Policy`; an agreement needs every participant
and veto holder, inside their red lines and no worse off than under the status quo.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.engine.batch import Batch, OpenIssues, RoundRequest
from sim.engine.demands import round_proposals
from sim.engine.escalation import refused_by_force
from sim.engine.ratification import conclude, ratify
from sim.engine.record import Agreement, Basis, Blocked, Reason, RoundEvent
from sim.engine.reply import reply
from sim.engine.state import EPS, Process, RunState
from sim.model.bargaining import consenting_package, weighted_mean, zone_of_agreement


def answer(
    state: RunState,
    place: tuple[int, int, float],
    proposal: tuple[int, int, int, str, float, float, float],
    answered: float,
    moves: dict[tuple[int, int], float],
) -> None:
    """The target's answer to one proposal, kept inside its red line and its public concessions.

    *place* is (venue, round, day); *proposal* is (proposer, target, issue, kind, start,
    proposed, the target's E(U) of resisting); *answered* where the target would go. The
    answer is recorded; an accepted move joins *moves*, where a target that accepts two
    proposals on one issue takes the smaller move (the §6.2 rule).
    """
    a = state.arrays
    venue, rnd, day = place
    proposer, target, issue, kind, start, proposed, resist = proposal
    clipped = min(max(answered, float(a.red_low[target, issue])), float(a.red_high[target, issue]))
    reason = Reason.EXPECTED_UTILITY
    if abs(clipped - answered) > EPS:
        reason = Reason.RED_LINE
    if int(state.conceded[target, issue]) * (clipped - start) < 0:
        clipped, reason = start, Reason.AUDIENCE_COST
    accepted = abs(clipped - start) > EPS
    end = clipped if accepted else start
    state.events.append(
        RoundEvent(
            day,
            venue,
            rnd,
            proposer,
            target,
            issue,
            kind,
            start,
            proposed,
            end,
            accepted,
            reason,
            resist,
        )
    )
    earlier = moves.get((target, issue))
    if accepted and (earlier is None or abs(clipped - start) < abs(earlier - start)):
        moves[target, issue] = clipped


def concede(state: RunState, moves: dict[tuple[int, int], float]) -> None:
    """The round's accepted moves, all at once, none back across a public concession."""
    for (target, issue), end in moves.items():
        start = float(state.position[target, issue])
        state.position[target, issue] = state.sticky(target, issue, start, end)


def negotiation_round(state: RunState, venue: int, rnd: int, day: float, open_: list[int]) -> None:
    """One round at a venue: proposals on every open issue, then simultaneous concessions.

    Each target answers through the policy (a player's, or the model's, which accepts);
    without players' demands each target receives at most one proposal per issue. A batch
    takes the model's rounds together (:mod:`sim.engine.rounds`).
    """
    moves: dict[tuple[int, int], float] = {}
    model = state.model_decides  # the model accepts its own offers
    for view in round_proposals(state, venue, rnd, day, open_):
        end = view.proposed if model else state.policy.respond(view)
        proposal = (
            view.proposer,
            view.target,
            view.issue,
            view.kind,
            view.start,
            view.proposed,
            view.resist_utility,
        )
        answer(state, (venue, rnd, day), proposal, end, moves)
    concede(state, moves)


def _candidate(
    state: RunState, venue: int, issue: int, final: bool = False
) -> tuple[float | None, Reason, int]:
    """Where an agreement on *issue* would lie at *venue*, or why there is none (and who).

    Veto holders absent from the venue are not asked now (the agreement waits for their
    ratification) but their red lines bound the zone. At the last round an issue that has not
    converged may still settle at the compromise point (``model.compromise``).
    """
    a = state.arrays
    members = a.venue_participants[venue]
    needed = members | a.veto[:, issue]
    x = state.position[members, issue]
    if float(x.max() - x.min()) > a.convergence and not (final and a.compromise):
        return None, Reason.NOT_CONVERGED, -1
    form_blockers = np.flatnonzero(needed & (a.consent_form[:, issue] > a.venue_form[venue]))
    if form_blockers.size:
        return None, Reason.FORM, int(form_blockers[0])
    zone = zone_of_agreement(a.consent_low[needed, issue], a.consent_high[needed, issue])
    if zone is None:
        return None, Reason.RED_LINE, int(np.flatnonzero(needed)[0])
    weights = state.capability[members] * state.salience[members, issue]
    point = min(max(weighted_mean(x, weights), zone[0]), zone[1])
    return point, Reason.EXPECTED_UTILITY, -1


def settle(state: RunState, venue: int, day: float, open_: list[int], final: bool) -> list[int]:
    """Turn converged issues into agreements where everyone needed consents; return the rest."""
    a = state.arrays
    candidates = np.array(a.status_quo, copy=True)
    offered = np.zeros(a.n_issues, dtype=bool)
    converged = np.zeros(a.n_issues, dtype=bool)
    for issue in open_:
        x = state.position[:, issue][a.venue_participants[venue]]
        if not final and float(x.max() - x.min()) > a.convergence:
            continue
        point, reason, actor = _candidate(state, venue, issue, final)
        if point is None:
            if final:  # every issue still open at the last round says why it was not agreed
                state.blocked.append(Blocked(issue, venue, day, reason, actor))
            continue
        candidates[issue], offered[issue] = point, True
        converged[issue] = float(x.max() - x.min()) <= a.convergence
    if not offered.any():
        return open_
    needed = np.repeat(a.venue_participants[venue][:, None], a.n_issues, axis=1)
    form = int(a.venue_form[venue])
    while True:
        package = consenting_package(
            candidates, offered, a.status_quo, state.ideal, state.salience, needed
        )
        settled = {int(k): (float(candidates[k]), form) for k in np.flatnonzero(package)}
        refused, actor = refused_by_force(state, a.venue_participants[venue], settled)
        if not refused:
            break
        offered[refused] = False
        if final:
            for k in refused:
                state.blocked.append(Blocked(k, venue, day, Reason.FORCE, actor))
    for dropped in np.flatnonzero(offered & ~package):
        if final:
            state.blocked.append(Blocked(int(dropped), venue, day, Reason.STATUS_QUO, -1))
    for agreed in np.flatnonzero(package):
        basis = Basis.CONVERGENCE if converged[agreed] else Basis.COMPROMISE
        agreement = Agreement(int(agreed), float(candidates[agreed]), form, venue, day, basis)
        conclude(state, agreement)
    return [k for k in open_ if not package[k]]


def meeting(env: simpy.Environment, batch: Batch, row: int, venue: int) -> Process:
    """A venue's meeting in run *row*: its rounds on the issues not yet settled in this form.

    First every participant that holds a veto decides on the agreements waiting for its
    ratification (:func:`~sim.engine.ratification.ratify`); a reply venue then takes its one
    decision (:func:`~sim.engine.reply.reply`) instead of rounds.
    """
    state = batch.states[row]
    if not batch.live(row):
        return
    a = state.arrays
    for actor in np.flatnonzero(a.venue_participants[venue]).tolist():
        ratify(state, actor, venue, env.now)
    form = a.venue_form[venue]
    open_ = [
        int(k)
        for k in np.flatnonzero(a.venue_table[venue])
        if state.pending[k] is None
        and (state.agreements[k] is None or state.agreements[k].form < form)  # type: ignore[union-attr]
    ]
    if a.venue_reply[venue]:
        yield env.timeout(0.5)
        if open_ and batch.live(row):
            reply(state, venue, env.now, open_)
        return
    rounds = int(a.venue_rounds[venue])
    model = state.model_decides  # the batch takes the model's rounds together
    table = OpenIssues(open_)
    for rnd in range(1, rounds + 1):
        yield env.timeout(1.0 / (rounds + 1))
        if not batch.live(row) or not table.issues:
            break
        if model:
            batch.request_round(row, RoundRequest(row, venue, rnd, rnd == rounds, table))
            continue
        negotiation_round(state, venue, rnd, env.now, table.issues)
        table.issues = settle(state, venue, env.now, table.issues, final=rnd == rounds)


def calendar(env: simpy.Environment, batch: Batch, row: int, met: list[simpy.Event]) -> Process:
    """Run *row*'s calendar: each venue meets on its date; after each, escalation is weighed."""
    a = batch.arrays
    for venue, day in enumerate(a.venue_day):
        if day > env.now:
            yield env.timeout(float(day) - env.now)
        if not batch.live(row):
            return
        batch.states[row].venue = venue
        yield env.process(meeting(env, batch, row, venue))
        if batch.finished[row]:
            return
        met[venue].succeed()
    if a.horizon_day > env.now:
        yield env.timeout(a.horizon_day - env.now)
    batch.end(row)
