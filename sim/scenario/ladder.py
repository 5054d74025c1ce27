"""The escalation ladder of a scenario file: rungs, who can climb them, and the responses.

Strict, frozen pydantic models, data only, as the rest of :mod:`sim.scenario.format`, which
re-exports them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sim.scenario.evidence import Evidenced, Strict, Text
from sim.vocabulary import Cost, Id, Number, Probability


class Rung(Strict):
    """One level of the escalation ladder."""

    id: Id
    label: Text


class EscalationOption(Evidenced):
    """An actor able to climb the ladder, with Fearon's quantities."""

    actor: Id
    opponents: Annotated[tuple[Id, ...], Field(min_length=1)]
    """Whose positions prevail if the actor loses."""
    prevail: Probability
    """The actor's estimate of its probability of prevailing by force."""
    prevail_uncertainty: Annotated[Number, Field(ge=0, le=0.5)] = 0.0
    """Standard deviation of that belief across runs (private information)."""
    costs: dict[Id, Cost]
    """Rung id → cost of standing on that rung for one decision interval (a rate), on the 0–1
    utility scale of the stakes; on the top rung, the one-off cost of war."""
    stakes: tuple[Id, ...] = ()
    """The issues force would decide; the others keep their negotiated value in the value of
    war. Empty means every issue."""


class Response(Evidenced):
    """A counter-measure that raises an escalating actor's costs once the ladder reaches a rung."""

    id: Id
    actor: Id
    target: Id
    from_: Id = Field(alias="from")
    cost: Cost


class StartRung(Evidenced):
    """The rung the crisis stands on at the scenario's as-of date."""

    rung: Id


class Escalation(Strict):
    """The graded ladder and who can climb it."""

    ladder: Annotated[tuple[Rung, ...], Field(min_length=2)]
    start: StartRung | None = None
    """Where runs start; the first rung when not given."""
    options: tuple[EscalationOption, ...] = ()
    responses: tuple[Response, ...] = ()
