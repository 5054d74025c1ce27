"""Reply venues: one side's written text, accepted or rejected as a package in one decision.

A venue of ``kind: reply`` runs no rounds. Its authors' text puts each issue on the table at the
authors' compromise point (the capability × salience-weighted mean of their current positions,
inside their own red lines); every other participant decides once, on the whole text, by the
consent rules of docs/model.md §3: each issue in a form it counts and inside its red lines, and
the package no worse than the status quo. An accepted text becomes agreements (pending where a
veto holder was absent, see :mod:`sim.engine.ratification`); a rejected one is recorded issue by
issue with the reason and the actor who rejected it.
"""

from __future__ import annotations

import numpy as np

from sim.engine.escalation import refused_by_force
from sim.engine.ratification import conclude
from sim.engine.record import Agreement, Basis, Blocked, Reason
from sim.engine.state import RunState
from sim.model.bargaining import issue_utility, weighted_mean, zone_of_agreement


def reply_text(state: RunState, venue: int, issues: list[int]) -> dict[int, float]:
    """The authors' text: issue → position, for the issues their red lines leave room on."""
    a = state.arrays
    authors = a.venue_authors[venue]
    text: dict[int, float] = {}
    for k in issues:
        zone = zone_of_agreement(a.consent_low[authors, k], a.consent_high[authors, k])
        if zone is None:
            continue
        weights = state.capability[authors] * state.salience[authors, k]
        point = weighted_mean(state.position[authors, k], weights)
        text[k] = min(max(point, zone[0]), zone[1])
    return text


def _rejection(state: RunState, venue: int, text: dict[int, float]) -> tuple[Reason, int] | None:
    """Why a recipient rejects the text (and who), or None when every recipient accepts it."""
    a = state.arrays
    form = int(a.venue_form[venue])
    recipients = np.flatnonzero(a.venue_participants[venue] & ~a.venue_authors[venue])
    issues = list(text)
    points = np.array([text[k] for k in issues])
    for actor in recipients.tolist():
        for k in issues:
            if a.consent_form[actor, k] > form:
                return Reason.FORM, actor
            if not a.consent_low[actor, k] - 1e-9 <= text[k] <= a.consent_high[actor, k] + 1e-9:
                return Reason.RED_LINE, actor
        ideal = state.ideal[actor, issues]
        trust = state.trust[actor, form]
        gain = (
            trust
            * state.salience[actor, issues]
            * (issue_utility(points, ideal) - issue_utility(a.status_quo[issues], ideal))
        )
        if float(gain.sum()) < -1e-12:
            return Reason.STATUS_QUO, actor
    settled = {k: (position, form) for k, position in text.items()}
    consenting = np.zeros_like(a.venue_authors[venue])
    consenting[recipients] = True
    refused, actor = refused_by_force(state, consenting, settled)
    return (Reason.FORCE, actor) if refused else None


def reply(state: RunState, venue: int, day: float, issues: list[int]) -> None:
    """The reply venue's single decision on the authors' text."""
    text = reply_text(state, venue, issues)
    if not text:
        return
    rejection = _rejection(state, venue, text)
    form = int(state.arrays.venue_form[venue])
    for k, position in text.items():
        if rejection is not None:
            state.blocked.append(Blocked(k, venue, day, rejection[0], rejection[1]))
        else:
            conclude(state, Agreement(k, float(position), form, venue, day, Basis.REPLY))
