"""A group's game in words: what happened so far, and the one-line reply to a seat's move.

Lines come from the replayed state: the questions the engine asked and their answers (the log),
and, from the run's record, the shocks, agreements and counter-measures that took effect
before the pending turn.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sim.analysis.story import waypoint_label
from sim.classroom.moves import answer_text
from sim.classroom.replay import Entry, GroupState
from sim.engine.policy import DemandView, EscalationChoice, EscalationView, ProposalView
from sim.engine.record import EscalationStep
from sim.vocabulary import FORM_NAMES


@dataclass(frozen=True)
class Line:
    """One event of the game."""

    day: float
    kind: str
    """demand, proposal, ladder, shock, agreement, response."""
    text: str
    actors: tuple[int, ...]
    """Actors the line concerns (for a seat's own view)."""


def date_of(state: GroupState, day: float) -> dt.date:
    """The calendar date of simulation day *day*."""
    return state.table.scenario.scenario.as_of + dt.timedelta(days=math.floor(day))


def _rung(state: GroupState, level: int) -> str:
    ladder = state.table.scenario.escalation
    return ladder.ladder[level].label if ladder else ""


def past_steps(state: GroupState) -> list[EscalationStep]:
    """The ladder moves made before the pending turn.

    As many actors' steps as the log's past climbs and descents (the record lists them in the
    same order), and the moves of earlier shocks.
    """
    moved = sum(
        isinstance(e.view, EscalationView) and e.choice is not EscalationChoice.HOLD
        for e in state.log
    )
    steps: list[EscalationStep] = []
    for step in state.record.escalation:
        if step.actor >= 0 and moved > 0:
            steps.append(step)
            moved -= 1
        elif step.actor < 0 and (state.finished or step.day < state.now):
            steps.append(step)
    return steps


def ladder_level(state: GroupState) -> int:
    """The rung the crisis stands on at the pending turn."""
    steps = past_steps(state)
    return steps[-1].level if steps else state.record.start_level


def demands_text(state: GroupState, view: DemandView, demands: object) -> str:
    """A proposer's demands in words."""
    a = state.table.arrays
    assert isinstance(demands, tuple)
    if not demands:
        return f"{a.actor_ids[view.proposer]} asks nobody to move"
    asks = "; ".join(
        f"{a.actor_ids[d.target]} to {d.position:.1f} on {a.issue_ids[d.issue]}" for d in demands
    )
    return f"{a.actor_ids[view.proposer]} asks {asks}"


def proposal_text(state: GroupState, view: ProposalView, answer: float) -> str:
    """A proposal and its answer in words."""
    a = state.table.arrays
    issue = state.table.scenario.issues[view.issue]
    said = answer_text(view, answer, a.rung_ids)
    return (
        f"{a.actor_ids[view.proposer]} asks {a.actor_ids[view.target]} to move on {issue.id} "
        f"from {view.start:.1f} to {view.proposed:.1f} (“{waypoint_label(issue, view.proposed)}”)"
        f": {a.actor_ids[view.target]} answers {said}"
    )


def entry_line(state: GroupState, entry: Entry) -> Line | None:
    """The line of one logged question, or None for the model's silent ones."""
    a = state.table.arrays
    view = entry.view
    if isinstance(view, DemandView):
        if not entry.number:
            return None
        return Line(view.day, "demand", demands_text(state, view, entry.choice), (view.proposer,))
    if isinstance(view, ProposalView):
        assert isinstance(entry.choice, float)
        text = proposal_text(state, view, entry.choice)
        return Line(view.day, "proposal", text, (view.proposer, view.target))
    assert isinstance(entry.choice, EscalationChoice)
    if entry.choice is EscalationChoice.HOLD and not entry.number:
        return None
    said = answer_text(view, entry.choice, a.rung_ids)
    return Line(view.day, "ladder", f"{a.actor_ids[view.actor]} chose to {said}", (view.actor,))


def record_lines(state: GroupState) -> list[Line]:
    """Shocks, agreements and counter-measures of the run that happened before the pending turn."""
    s, a, record = state.table.scenario, state.table.arrays, state.record
    lines: list[Line] = []
    for index, day in record.shocks:
        if state.past(day):
            shock = s.shocks[index]
            lines.append(Line(day, "shock", f"Shock: {shock.description}", ()))
    for agreement in record.agreements:
        if agreement is not None and state.past(agreement.day):
            issue = s.issues[agreement.issue]
            text = (
                f"Agreement on {issue.name} at {agreement.position:.1f} "
                f"(“{waypoint_label(issue, agreement.position)}”), "
                f"{FORM_NAMES[agreement.form]}, at {a.venue_ids[agreement.venue]}"
            )
            lines.append(Line(agreement.day, "agreement", text, ()))
    ladder = s.escalation
    if ladder is not None:
        rungs = [r.id for r in ladder.ladder]
        level, reached = record.start_level, {record.start_level: 0.0}
        for step in past_steps(state):
            for rung in range(level + 1, step.level + 1):
                reached.setdefault(rung, step.day)
            level = step.level
        for response in ladder.responses:
            start = rungs.index(response.from_)
            days = [d for r, d in reached.items() if r >= start]
            if days:
                day = min(days)
                target = a.actor_ids.index(response.target)
                text = (
                    f"Response: {response.actor} answers the climb to “{_rung(state, start)}” "
                    f"with {response.id.replace('-', ' ')} against {response.target} "
                    f"(cost {response.cost:g})"
                )
                lines.append(Line(day, "response", text, (target,)))
    return lines


def story(state: GroupState) -> list[Line]:
    """Everything that happened before the pending turn, in order."""
    lines = [line for e in state.log if (line := entry_line(state, e)) is not None]
    lines += record_lines(state)
    return sorted(lines, key=lambda line: line.day)


def reply(state: GroupState, actor: int) -> str:
    """The one-line reply to *actor*'s last decision ("" before its first)."""
    mine = [i for i, e in enumerate(state.log) if e.number and e.actor == actor]
    if not mine:
        return ""
    index = mine[-1]
    entry, after = state.log[index], state.log[index + 1 :]
    a = state.table.arrays
    view = entry.view
    if isinstance(view, DemandView):
        assert isinstance(entry.choice, tuple)
        if not entry.choice:
            return "You asked nobody to move this round."
        answers = [
            e
            for e in after
            if isinstance(e.view, ProposalView)
            and e.view.proposer == actor
            and (e.view.venue, e.view.round) == (view.venue, view.round)
        ]
        parts = [
            f"{a.actor_ids[e.view.target]} "
            f"{answer_text(e.view, float(e.choice), a.rung_ids)} on {a.issue_ids[e.view.issue]}"  # type: ignore[arg-type]
            for e in answers
            if isinstance(e.view, ProposalView)
        ]
        waiting = len(entry.choice) - len(answers)
        if waiting > 0 and state.pending is not None:
            parts.append(f"waiting for {a.actor_ids[state.pending.actor]} to answer")
        return "Answers to your proposals: " + ("; ".join(parts) or "none yet") + "."
    if isinstance(view, ProposalView):
        assert isinstance(entry.choice, float)
        k, proposer = view.issue, view.proposer
        members = [m for m, _ in view.table]
        spread = [float(state.known[m, k]) for m in members]
        return (
            f"You {answer_text(view, entry.choice, a.rung_ids)} on {a.issue_ids[k]}; "
            f"{a.actor_ids[proposer]} stands at {state.known[proposer, k]:.1f} and the table "
            f"spans {min(spread):.1f}–{max(spread):.1f} (an agreement needs them within "
            f"{a.convergence:g})."
        )
    assert isinstance(view, EscalationView) and isinstance(entry.choice, EscalationChoice)
    others = [
        f"{a.actor_ids[e.actor]} chose to {answer_text(e.view, e.choice, a.rung_ids)}"  # type: ignore[arg-type]
        for e in after
        if isinstance(e.view, EscalationView) and e.choice is not EscalationChoice.HOLD
    ]
    rung = f" The ladder stands on “{_rung(state, ladder_level(state))}”."
    said = answer_text(view, entry.choice, a.rung_ids)
    return f"You chose to {said}." + (f" Then {'; '.join(others)}." if others else "") + rung
