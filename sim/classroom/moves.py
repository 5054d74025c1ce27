"""The moves a player types in ``negsim play``: their grammar, parsing, and what each does.

Moves are short lines of text (see :data:`HELP`); :func:`parse_move` reads one and raises
:class:`MoveError` with the reason when it does not fit; :func:`answer_for` turns a move into what
the engine is told, and :func:`answer_text` says in words what an answer does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from sim.engine.policy import DemandView, EscalationChoice, EscalationView, ProposalView

HELP = """\
Answering a proposal (someone asks you to move on an issue):
  accept          move where you are asked (a)
  refuse          stay where you are (r)
  counter X       move to X on the 0–100 scale instead, inside your red line (c X, or just X)
  concede F       move the fraction F of the way toward the proposal: 0.5 or 50% (f F)
Moving on the escalation ladder (after each meeting, if your actor can escalate):
  escalate        climb one rung (e)
  hold            stay on this rung
  de-escalate     step down one rung (d)
At any decision:
  model           take the model's move (m)
  rest            let the model take this and every remaining decision
  help            this list (?)
  quit            stop the game (q)"""
"""The move grammar, shown by ``help``."""

EPS = 1e-9
Answer = float | EscalationChoice
"""What the engine is told: a new position for a proposal, a ladder move for escalation."""
View = ProposalView | EscalationView


class MoveKind(StrEnum):
    """The moves a player can type."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    COUNTER = "counter"
    CONCEDE = "concede"
    ESCALATE = "escalate"
    HOLD = "hold"
    DE_ESCALATE = "de-escalate"
    MODEL = "model"
    REST = "rest"
    HELP = "help"
    QUIT = "quit"


_ALIASES = {
    "a": MoveKind.ACCEPT,
    "r": MoveKind.REFUSE,
    "c": MoveKind.COUNTER,
    "f": MoveKind.CONCEDE,
    "e": MoveKind.ESCALATE,
    "climb": MoveKind.ESCALATE,
    "stay": MoveKind.HOLD,
    "d": MoveKind.DE_ESCALATE,
    "descend": MoveKind.DE_ESCALATE,
    "deescalate": MoveKind.DE_ESCALATE,
    "m": MoveKind.MODEL,
    "?": MoveKind.HELP,
    "q": MoveKind.QUIT,
    "exit": MoveKind.QUIT,
} | {kind.value: kind for kind in MoveKind}
_PROPOSAL_MOVES = (MoveKind.ACCEPT, MoveKind.REFUSE, MoveKind.COUNTER, MoveKind.CONCEDE)
_LADDER_MOVES = (MoveKind.ESCALATE, MoveKind.HOLD, MoveKind.DE_ESCALATE)
_CHOICE = {
    MoveKind.ESCALATE: EscalationChoice.CLIMB,
    MoveKind.HOLD: EscalationChoice.HOLD,
    MoveKind.DE_ESCALATE: EscalationChoice.DESCEND,
}


class MoveError(ValueError):
    """A move that cannot be taken at this decision; the message says why and what fits."""


@dataclass(frozen=True)
class Move:
    """A parsed move: its kind and, for ``counter`` and ``concede``, its number."""

    kind: MoveKind
    value: float | None = None

    def __str__(self) -> str:
        return self.kind.value if self.value is None else f"{self.kind.value} {self.value:g}"


def parse_move(text: str) -> Move:
    """Read one move typed by the player; raise :class:`MoveError` saying what is wrong."""
    words = text.strip().lower().split()
    if not words:
        raise MoveError("type a move (accept, refuse, counter X, concede F, …) or help")
    head, args = words[0], words[1:]
    if re.fullmatch(r"[-+]?\d+(\.\d*)?|[-+]?\.\d+", head) and not args:
        head, args = "counter", words
    kind = _ALIASES.get(head)
    if kind is None:
        raise MoveError(f"unknown move {head!r}; type help for the list of moves")
    if kind not in (MoveKind.COUNTER, MoveKind.CONCEDE):
        if args:
            raise MoveError(f"{kind.value} takes no number (got {' '.join(args)!r})")
        return Move(kind)
    if len(args) != 1:
        example = "counter 42.5" if kind is MoveKind.COUNTER else "concede 0.5 (or 50%)"
        raise MoveError(f"{kind.value} needs one number, e.g. {example}")
    raw = args[0]
    percent = kind is MoveKind.CONCEDE and raw.endswith("%")
    try:
        value = float(raw[:-1] if percent else raw)
    except ValueError:
        raise MoveError(f"{kind.value}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise MoveError(f"{kind.value}: {raw!r} is not a finite number")
    return Move(kind, value / 100.0 if percent else value)


def accept_position(view: ProposalView) -> float:
    """Where accepting takes the target: the proposal, stopped at the target's red line."""
    return min(max(view.proposed, view.red_low), view.red_high)


def answer_for(move: Move, view: View) -> Answer:
    """The engine's answer for *move* at *view*, or :class:`MoveError` when it does not fit.

    ``accept`` and ``model`` return the proposal itself, which the engine stops at the red line
    as it does for the model; a number the player types (``counter``, ``concede``) that would
    cross the red line is refused with the furthest move allowed.
    """
    if move.kind is MoveKind.MODEL:
        return view.model_answer if isinstance(view, ProposalView) else view.model_choice
    if isinstance(view, EscalationView):
        if move.kind not in _LADDER_MOVES:
            raise MoveError(
                f"{move.kind.value} answers a proposal; this is an escalation decision: "
                "escalate, hold or de-escalate"
            )
        if move.kind is MoveKind.DE_ESCALATE and view.level == 0:
            raise MoveError("you are on the lowest rung already: escalate or hold")
        if move.kind is MoveKind.ESCALATE and view.climb == -math.inf:
            raise MoveError(
                "you cannot climb yet: a rung is held one decision interval before the next "
                f"climb (this one for {view.held:.0f} days so far): hold or de-escalate"
            )
        return _CHOICE[move.kind]
    if move.kind not in _PROPOSAL_MOVES:
        raise MoveError(
            f"{move.kind.value} is an escalation move; this is a proposal: "
            "accept, refuse, counter X or concede F"
        )
    if move.kind is MoveKind.ACCEPT:
        return view.proposed
    if move.kind is MoveKind.REFUSE:
        return view.start
    value = float(move.value or 0.0)
    if move.kind is MoveKind.COUNTER:
        if not 0.0 <= value <= 100.0:
            raise MoveError(f"counter {value:g} is off the issue's 0–100 scale")
        end = value
    else:
        if not 0.0 <= value <= 1.0:
            raise MoveError(f"concede takes a fraction from 0 to 1 (or 0% to 100%), not {value:g}")
        end = view.start + value * (view.proposed - view.start)
    if not view.red_low - EPS <= end <= view.red_high + EPS:
        bound = view.red_low if end < view.red_low else view.red_high
        most = (bound - view.start) / (view.proposed - view.start)
        instead = f"counter {bound:g}" + ("" if most < 0 else f" or concede {most:.2f}")
        raise MoveError(
            f"{move} would take you to {end:.1f}, across your red line "
            f"({view.red_low:g}–{view.red_high:g}): go no further than {bound:g} ({instead})"
        )
    return end


def model_move(view: View | DemandView) -> str:
    """The model's move at *view*, as a player would type it (``model`` for proposals to make)."""
    if isinstance(view, ProposalView):
        return MoveKind.ACCEPT.value
    if isinstance(view, EscalationView):
        return {v: k for k, v in _CHOICE.items()}[view.model_choice].value
    return MoveKind.MODEL.value


def answer_text(view: View, answer: Answer, rungs: tuple[str, ...]) -> str:
    """What an answer does, in words: where the actor ends up, or where the ladder goes."""
    if isinstance(view, EscalationView):
        if answer is EscalationChoice.HOLD:
            return f"hold on {rungs[view.level]}" if rungs else "hold"
        step = 1 if answer is EscalationChoice.CLIMB else -1
        verb = "escalate" if step > 0 else "de-escalate"
        level = max(0, min(view.level + step, len(rungs) - 1))
        return f"{verb} to {rungs[level]}" if rungs else verb
    end = min(max(float(answer), view.red_low), view.red_high)
    stopped = " (red line)" if abs(end - float(answer)) > EPS else ""
    if abs(end - view.start) <= EPS:
        return f"stay at {end:.1f}{stopped}" if stopped else f"refuse: stay at {end:.1f}"
    if abs(end - accept_position(view)) <= EPS:
        return f"accept → {end:.1f}{stopped}"
    share = (end - view.start) / (view.proposed - view.start)
    if share < 0.0:
        return f"harden → {end:.1f}"
    if share > 1.0:
        return f"go further → {end:.1f}"
    return f"concede → {end:.1f} ({100 * share:.0f} %){stopped}"
