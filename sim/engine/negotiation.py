"""Negotiation at the venues: the calendar, each meeting's rounds, and agreements by consent.

Proposals come from the expected-utility round (:mod:`sim.engine.venue_round`); the target's
answer goes through the :class:`~sim.engine.policy.Policy`; an agreement needs every participant
and veto holder, inside their red lines and no worse off than under the status quo.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.engine.demands import round_proposals
from sim.engine.record import Agreement, Blocked, Reason, RoundEvent
from sim.engine.state import EPS, Process, RunState
from sim.model.bargaining import consenting_package, weighted_mean, zone_of_agreement


def negotiation_round(state: RunState, venue: int, rnd: int, day: float, open_: list[int]) -> None:
    """One round at a venue: proposals on every open issue, then simultaneous concessions.

    A target that accepts two proposals on one issue takes the smaller move (the §6.2 rule);
    without players' demands each target receives at most one proposal per issue.
    """
    moves: dict[tuple[int, int], float] = {}
    for view in round_proposals(state, venue, rnd, day, open_):
        target, issue = view.target, view.issue
        end = state.policy.respond(view)
        clipped = min(max(end, view.red_low), view.red_high)
        accepted = abs(clipped - view.start) > EPS
        reason = Reason.EXPECTED_UTILITY
        if abs(clipped - end) > EPS:
            reason = Reason.RED_LINE
        state.events.append(
            RoundEvent(
                day,
                venue,
                rnd,
                view.proposer,
                target,
                issue,
                view.kind,
                view.start,
                view.proposed,
                clipped if accepted else view.start,
                accepted,
                reason,
                view.resist_utility,
            )
        )
        earlier = moves.get((target, issue))
        if accepted and (earlier is None or abs(clipped - view.start) < abs(earlier - view.start)):
            moves[target, issue] = clipped
    for (target, issue), end in moves.items():
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
    form_blockers = np.flatnonzero(needed & (a.consent_form[:, issue] > a.venue_form[venue]))
    if form_blockers.size:
        return None, Reason.FORM, int(form_blockers[0])
    zone = zone_of_agreement(a.consent_low[needed, issue], a.consent_high[needed, issue])
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
            if final:  # every issue still open at the last round says why it was not agreed
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
        negotiation_round(state, venue, rnd, env.now, open_)
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
