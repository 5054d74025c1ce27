"""Who takes an actor's decisions: the model, or a person playing that actor (``negsim play``).

The engine asks a :class:`Policy` at each decision point and records what it answered. The
:class:`ModelPolicy` answers as the model does; a player's policy may answer otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class EscalationChoice(StrEnum):
    """What an actor with an escalation option does at a review of its rung."""

    CLIMB = "escalate"
    HOLD = "hold"
    DESCEND = "de-escalate"


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposal as the target sees it: who asks it to move where, and its own limits."""

    day: float
    venue: int
    round: int
    issue: int
    proposer: int
    target: int
    kind: str
    """BDM offer kind: conflict, compromise or capitulate."""
    start: float
    """The target's current position."""
    proposed: float
    """Where the model's choice would move the target (accepting the proposal)."""
    red_low: float
    red_high: float
    resist_utility: float
    """The target's expected utility of resisting, as the EU model computes it."""
    table: tuple[tuple[int, float], ...]
    """(actor, position) of every participant on this issue."""


@dataclass(frozen=True, slots=True)
class EscalationView:
    """An escalation decision as the actor sees it, with the values that drive the model."""

    day: float
    actor: int
    level: int
    climb: float
    """Value of climbing one rung: war's value when marching to war, else a costly signal."""
    stay: float
    """Value of staying: the talks less the cost of standing on this rung."""
    descend: float
    """Value of descending toward peace: the talks (−inf on the first rung)."""
    war: float
    """Fearon's expected value of force at the top rung."""
    talks: float
    """Expected value of talks after the opponents' offer."""
    p_up: float
    p_down: float
    concession: float
    """How far the opponents just moved toward the actor (0–1)."""
    model_choice: EscalationChoice
    venue: int = -1
    """The venue met last (-1 before the first meeting)."""
    held: float = 0.0
    """Days the ladder has stood on this rung."""
    after_meeting: bool = True
    """True when the review follows a meeting, False when the decision clock prompted it."""


class Policy(Protocol):
    """Answers the engine's questions for the actors it speaks for."""

    def respond(self, view: ProposalView) -> float:
        """The target's new position: ``view.proposed`` to accept, ``view.start`` to refuse."""

    def escalate(self, view: EscalationView) -> EscalationChoice:
        """Climb, hold or descend."""


class ModelPolicy:
    """Every actor follows the model: accept the EU model's chosen move, escalate by the logit."""

    def respond(self, view: ProposalView) -> float:
        """Accept the model's chosen move (the engine then clips it to the red line)."""
        return view.proposed

    def escalate(self, view: EscalationView) -> EscalationChoice:
        """Take the choice the model drew."""
        return view.model_choice
