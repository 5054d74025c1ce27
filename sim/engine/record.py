"""What one run produced: frozen, flat records written once by the engine and read downstream."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Why a proposal or an agreement went the way it did."""

    EXPECTED_UTILITY = "expected-utility"
    """The target's expected utility favoured yielding (accepted) or holding (refused)."""
    RED_LINE = "red-line"
    """The move or agreement would cross an actor's red line."""
    VETO = "veto"
    """A veto holder did not consent (absent, or its red line or form not met)."""
    FORM = "form"
    """An actor does not count an agreement of this form."""
    STATUS_QUO = "status-quo"
    """An actor whose consent is needed prefers the status quo to the package."""
    NOT_CONVERGED = "not-converged"
    """The participants' positions were still too far apart."""


@dataclass(frozen=True, slots=True)
class RoundEvent:
    """One proposal at a venue's round and what became of it."""

    day: float
    venue: int
    round: int
    proposer: int
    """Actor index of the challenger whose position is proposed."""
    target: int
    """Actor index asked to move."""
    issue: int
    kind: str
    """BDM offer kind: conflict, compromise or capitulate."""
    start: float
    """Target's position before."""
    proposed: float
    """Where the proposer asked the target to move."""
    end: float
    """Target's position after (equal to start when refused)."""
    accepted: bool
    reason: Reason
    expected_utility: float
    """The target's expected utility of resisting the challenge, E(U_ji) judged by the target."""


@dataclass(frozen=True, slots=True)
class Agreement:
    """An agreement reached on one issue."""

    issue: int
    position: float
    form: int
    """Form.rank: 0 verbal, 1 written, 2 binding."""
    venue: int
    day: float


@dataclass(frozen=True, slots=True)
class Blocked:
    """An issue open at a venue's last round that did not become an agreement, and why."""

    issue: int
    venue: int
    day: float
    reason: Reason
    actor: int
    """The actor whose red line, veto, form or preference blocked it (-1 when none)."""


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """A move on the escalation ladder and the values that drove it."""

    day: float
    actor: int
    """Actor index, or -1 for a shock."""
    level: int
    """Rung reached."""
    force_value: float
    """The actor's value of the move it took: climbing (war's value when marching to war, else
    the signal's) or descending (the talks)."""
    talks_value: float
    """The actor's expected value of talks."""
    probability: float
    """Probability of this step under the logit rule (1 for a shock)."""
    concession: float
    """Fraction of the way the opponents moved toward the actor just before (Fearon offer)."""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Everything one Monte Carlo run produced; the engine's only output."""

    run_index: int
    final_positions: tuple[tuple[float, ...], ...]
    """Actors × issues, scenario order."""
    agreements: tuple[Agreement | None, ...]
    """Per issue: the agreement in force at the end, or None."""
    escalation: tuple[EscalationStep, ...]
    start_level: int
    """The rung the run started on (the scenario's ``escalation.start``)."""
    peak_level: int
    final_level: int
    shocks: tuple[tuple[int, float], ...]
    """(shock index, day) of the shocks that fired, in firing order."""
    events: tuple[RoundEvent, ...]
    blocked: tuple[Blocked, ...]
    end_day: float
    """Day the run ended: the horizon, or the day the top rung was reached."""
    inputs: tuple[float, ...] = ()
    """The run's values of the scenario's uncertain inputs, in the order of its input space
    (id paths: ``ScenarioArrays.space.names``); empty when it declares none."""

    @property
    def agreement_count(self) -> int:
        """Number of issues agreed."""
        return sum(a is not None for a in self.agreements)
