"""Each group's game as rows: every decision a seat took and every move the model made.

The same rows feed the debrief's "what the model would have done" tables and the transcripts
students hand in (CSV and JSON).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass

from sim.classroom.debrief import GroupResult, same_as_model
from sim.classroom.moves import answer_text
from sim.classroom.narrative import date_of, demands_text
from sim.classroom.replay import Choice, GroupState, Taken, TurnView
from sim.engine.policy import DemandView, EscalationChoice, EscalationView, ProposalView

COLUMNS = (
    "group",
    "decision",
    "date",
    "day",
    "venue",
    "round",
    "kind",
    "actor",
    "by",
    "question",
    "answer",
    "model_answer",
    "same_as_model",
)


@dataclass(frozen=True)
class Row:
    """One line of a transcript."""

    group: int
    decision: int
    """The seat decision's number, or 0 for the model's move."""
    date: str
    day: float
    venue: str
    round: int
    kind: str
    actor: str
    by: str
    """``seat`` (a student), ``seat→model`` (a student handed it over) or ``model``."""
    question: str
    answer: str
    model_answer: str
    same_as_model: bool


def _question(state: GroupState, view: TurnView) -> tuple[str, str, int]:
    a = state.table.arrays
    if isinstance(view, DemandView):
        return "demand", f"proposals at {a.venue_ids[view.venue]} round {view.round}", view.round
    if isinstance(view, ProposalView):
        text = (
            f"{a.actor_ids[view.proposer]} asks {a.actor_ids[view.target]} to move on "
            f"{a.issue_ids[view.issue]} from {view.start:.1f} to {view.proposed:.1f}"
        )
        return "proposal", text, view.round
    return "ladder", f"{a.actor_ids[view.actor]} on {a.rung_ids[view.level]}", 0


def choice_text(state: GroupState, view: TurnView, choice: Choice) -> str:
    """What a choice did, in words."""
    a = state.table.arrays
    if isinstance(view, DemandView):
        return demands_text(state, view, choice)
    if isinstance(view, ProposalView):
        assert isinstance(choice, float)
        return answer_text(view, choice, a.rung_ids)
    assert isinstance(view, EscalationView) and isinstance(choice, EscalationChoice)
    return answer_text(view, choice, a.rung_ids)


def decision_row(state: GroupState, group: int, taken: Taken) -> Row:
    """A seat's decision beside the model's."""
    view = taken.turn.view
    kind, question, rnd = _question(state, view)
    a = state.table.arrays
    return Row(
        group,
        taken.turn.number,
        str(date_of(state, view.day)),
        round(view.day, 6),
        a.venue_ids[taken.turn.venue],
        rnd,
        kind,
        a.actor_ids[taken.turn.actor],
        "seat→model" if taken.by_model else "seat",
        question,
        choice_text(state, view, taken.choice),
        choice_text(state, view, taken.model_choice),
        same_as_model(taken),
    )


def transcript(state: GroupState, group: int) -> list[Row]:
    """Every seat decision and every move of the model that did something, in order."""
    taken = {t.turn.number: t for t in state.taken}
    rows = []
    a = state.table.arrays
    for entry in state.log:
        if entry.number:
            rows.append(decision_row(state, group, taken[entry.number]))
            continue
        view = entry.view
        if isinstance(view, DemandView) and not entry.choice:
            continue
        if isinstance(view, EscalationView) and entry.choice is EscalationChoice.HOLD:
            continue
        kind, question, rnd = _question(state, view)
        venue = getattr(view, "venue", None)
        text = choice_text(state, view, entry.choice)
        rows.append(
            Row(
                group,
                0,
                str(date_of(state, view.day)),
                round(view.day, 6),
                a.venue_ids[venue] if isinstance(venue, int) else "",
                rnd,
                kind,
                a.actor_ids[entry.actor],
                "model",
                question,
                text,
                text,
                True,
            )
        )
    return rows


def transcript_csv(results: list[GroupResult]) -> str:
    """Every group's transcript as one CSV table."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        for row in transcript(result.state, result.number):
            writer.writerow(asdict(row))
    return out.getvalue()


def transcript_json(results: list[GroupResult], header: dict[str, object]) -> str:
    """Every group's result and transcript as JSON, under *header* (the session's facts)."""
    a = results[0].state.table.arrays if results else None
    groups = []
    for r in results:
        groups.append(
            {
                "group": r.number,
                "finished": r.state.finished,
                "primary": r.primary,
                "outcomes": list(r.outcomes),
                "model_primary": r.model_primary,
                "model_outcomes": list(r.model_outcomes),
                "utilities": dict(zip(a.actor_ids, r.utilities, strict=True)) if a else {},
                "model_utilities": dict(zip(a.actor_ids, r.model_utilities, strict=True))
                if a
                else {},
                "differences_from_model": r.differences,
                "transcript": [asdict(row) for row in transcript(r.state, r.number)],
            }
        )
    return json.dumps({**header, "groups": groups}, indent=2)
