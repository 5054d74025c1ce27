"""Who takes an actor's decisions: the model, or a person playing that actor (``negsim play``).

The engine asks a :class:`Policy` at each decision point and records what it answered: each
proposer's demands at a round (:class:`DemandView`), each target's answer to a proposal
(:class:`ProposalView`) and each escalation move (:class:`EscalationView`). The
:class:`ModelPolicy` answers as the model does; a player's policy may answer otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt


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
    model_end: float | None = None
    """Where the model would answer a demand it did not make itself (a player's demand): how far
    the target concedes toward the proposer (docs/model.md §2, demands). None for the model's own
    offer, which the model accepts."""

    @property
    def model_answer(self) -> float:
        """The target's new position if the model answers: the offer, or the concession."""
        return self.proposed if self.model_end is None else self.model_end


@dataclass(frozen=True, slots=True)
class Demand:
    """A proposal an actor makes at a round: it asks *target* to move on *issue* to *position*."""

    target: int
    issue: int
    position: float


@dataclass(frozen=True, slots=True)
class DemandView:
    """A proposer's turn at a round: whom it may ask to move, on what, and what the model asks.

    Arrays are the round's start, participants (``members`` order) × open issues (``issues``
    order); they are shared by every proposer of the round and must not be changed.
    """

    day: float
    venue: int
    round: int
    proposer: int
    members: tuple[int, ...]
    """Actor indices of the participants."""
    issues: tuple[int, ...]
    """Issue indices on the table and not yet settled in this form."""
    position: npt.NDArray[np.float64] = field(compare=False)
    capability: npt.NDArray[np.float64] = field(compare=False)
    salience: npt.NDArray[np.float64] = field(compare=False)
    q: float
    """BDM's probability that the status quo holds, for the EU model's view of each dyad."""
    model: tuple[Demand, ...]
    """The proposals the model makes for this proposer: each target's chosen move toward it."""


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

    def propose(self, view: DemandView) -> tuple[Demand, ...]:
        """The proposer's demands this round: ``view.model`` for the model's, or its own."""

    def respond(self, view: ProposalView) -> float:
        """The target's new position: ``view.proposed`` to accept, ``view.start`` to refuse."""

    def escalate(self, view: EscalationView) -> EscalationChoice:
        """Climb, hold or descend."""


class ModelPolicy:
    """Every actor follows the model: accept the EU model's chosen move, escalate by the logit."""

    def propose(self, view: DemandView) -> tuple[Demand, ...]:
        """Ask each target for the move the EU model chose for it toward this proposer."""
        return view.model

    def respond(self, view: ProposalView) -> float:
        """Accept the model's offer, or concede to a player's demand (clipped at red lines)."""
        return view.model_answer

    def escalate(self, view: EscalationView) -> EscalationChoice:
        """Take the choice the model drew."""
        return view.model_choice
