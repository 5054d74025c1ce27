"""Ratification: agreements concluded *ad referendum* wait for the veto holders who were absent.

Putnam (1988)'s two-level game: a negotiator may sign what a veto holder at home (or an ally
not at the table) must still ratify. An agreement that needs the consent of a veto holder absent
from its venue is *pending* until that holder decides, at the next venue it attends or on the
ratification day its veto declares; it counts only once every such holder has consented, and is
recorded as rejected, with the reason, when one refuses (docs/model.md §3).
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.engine.batch import Batch
from sim.engine.escalation import refused_by_force
from sim.engine.record import Agreement, Blocked, Reason
from sim.engine.state import Process, RunState
from sim.model.bargaining import issue_utility


def conclude(state: RunState, agreement: Agreement) -> None:
    """Put *agreement* in force, or pending when veto holders were absent from its venue."""
    a = state.arrays
    k = agreement.issue
    absent = a.veto[:, k] & ~a.venue_participants[agreement.venue]
    if absent.any():
        state.pending[k] = agreement
        state.pending_holders[k] = absent
    else:
        state.agreements[k] = agreement


def _refusal(state: RunState, actor: int, issues: list[int], form: list[int]) -> Reason | None:
    """Why *actor* refuses to ratify the pending agreements on *issues*, or None to consent."""
    a = state.arrays
    for k, f in zip(issues, form, strict=True):
        if a.consent_form[actor, k] > f:
            return Reason.FORM
        y = state.pending[k].position  # type: ignore[union-attr]
        if not a.consent_low[actor, k] - 1e-9 <= y <= a.consent_high[actor, k] + 1e-9:
            return Reason.RED_LINE
    agreed = np.array([state.pending[k].position for k in issues])  # type: ignore[union-attr]
    gain = state.salience[actor, issues] * (
        issue_utility(agreed, state.ideal[actor, issues])
        - issue_utility(a.status_quo[issues], state.ideal[actor, issues])
    )
    if float(gain.sum()) < -1e-12:
        return Reason.STATUS_QUO
    consenting = np.zeros(a.n_actors, dtype=bool)
    consenting[actor] = True
    settled = {k: (state.pending[k].position, f) for k, f in zip(issues, form, strict=True)}  # type: ignore[union-attr]
    refused, _ = refused_by_force(state, consenting, settled)
    return Reason.FORCE if refused else None


def ratify(state: RunState, actor: int, venue: int, day: float) -> None:
    """*actor* decides, as one package, on every pending agreement that waits for it.

    It consents when every agreement lies inside its red lines, in a form it counts, and the
    package leaves it no worse off than the status quo (the consent rules of docs/model.md §3).
    """
    issues = [
        k
        for k, g in enumerate(state.pending)
        if g is not None and bool(state.pending_holders[k][actor])
    ]
    if not issues:
        return
    forms = [state.pending[k].form for k in issues]  # type: ignore[union-attr]
    refusal = _refusal(state, actor, issues, forms)
    for k in issues:
        agreement = state.pending[k]
        assert agreement is not None
        if refusal is not None:
            where = venue if venue >= 0 else agreement.venue
            state.blocked.append(Blocked(k, where, day, refusal, actor, ratification=True))
            state.rejected.append(agreement)
            state.pending[k] = None
            continue
        state.pending_holders[k][actor] = False
        if not state.pending_holders[k].any():
            state.agreements[k] = agreement
            state.pending[k] = None
            state.ratified.append((k, day))


def ratification_day(
    env: simpy.Environment, batch: Batch, row: int, actor: int, day: float
) -> Process:
    """A ratification step the scenario declares: *actor* decides on *day* what waits for it."""
    yield env.timeout(day)
    if batch.live(row):
        ratify(batch.states[row], actor, -1, env.now)
