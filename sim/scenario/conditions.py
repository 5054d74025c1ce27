"""Outcome conditions: a small structured grammar over a run's end state, never ``eval``.

A condition is a one-key mapping. Leaves test the end state (``agreement``, ``no_agreement``,
``escalation``, ``position``, ``agreements``, ``shock``); ``all``, ``any`` and ``not`` combine them.

This module owns the set of kinds: whatever reads conditions (evaluation, the reachability proof,
the checks, the words) subclasses :class:`ConditionCases`, one method per kind, so a new kind is
added here and every reader that lacks it fails to type-check and to instantiate.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from sim.vocabulary import Count, Form, Id, Position


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class _Range(_Strict):
    @model_validator(mode="after")
    def _ordered(self) -> _Range:
        low, high = getattr(self, "min", None), getattr(self, "max", None)
        if low is not None and high is not None and low > high:
            raise ValueError(f"min ({low}) is greater than max ({high})")
        return self


class AgreementTest(_Range):
    """An agreement exists on ``issue``, at a position in [min, max], in at least ``form``.

    With ``voided: true`` the test is about an agreement that war voided instead of one in force.
    """

    issue: Id
    min: Position | None = None
    max: Position | None = None
    form: Form | None = None
    voided: bool = False


class EscalationTest(_Strict):
    """The run's peak escalation rung lies between ``min`` and ``max`` (rung ids, inclusive)."""

    min: Id | None = None
    max: Id | None = None


class PositionTest(_Range):
    """An actor's final position on an issue lies in [min, max]."""

    actor: Id
    issue: Id
    min: Position | None = None
    max: Position | None = None


class CountTest(_Range):
    """The number of issues agreed lies in [min, max]."""

    min: Annotated[Count, Field(ge=0)] | None = None
    max: Annotated[Count, Field(ge=0)] | None = None


class AllOf(_Strict):
    """Every sub-condition holds."""

    all: Annotated[tuple[Condition, ...], Field(min_length=1)]


class AnyOf(_Strict):
    """At least one sub-condition holds."""

    any: Annotated[tuple[Condition, ...], Field(min_length=1)]


class NotOf(_Strict):
    """The sub-condition does not hold."""

    not_: Condition = Field(alias="not")


class HasAgreement(_Strict):
    """Leaf: an agreement matching the test."""

    agreement: AgreementTest


class NoAgreement(_Strict):
    """Leaf: no agreement on the named issue."""

    no_agreement: Id


class PeakEscalation(_Strict):
    """Leaf: the peak escalation rung in a range."""

    escalation: EscalationTest


class FinalPosition(_Strict):
    """Leaf: an actor's final position in a range."""

    position: PositionTest


class AgreementCount(_Strict):
    """Leaf: how many issues were agreed."""

    agreements: CountTest


class ShockFired(_Strict):
    """Leaf: the named shock fired during the run."""

    shock: Id


CONDITION_KEYS = (
    "all",
    "any",
    "not",
    "agreement",
    "no_agreement",
    "escalation",
    "position",
    "agreements",
    "shock",
)


def _condition_key(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return _TAGS.get(type(value))
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return key if key in CONDITION_KEYS else None
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[HasAgreement, Tag("agreement")]
    | Annotated[NoAgreement, Tag("no_agreement")]
    | Annotated[PeakEscalation, Tag("escalation")]
    | Annotated[FinalPosition, Tag("position")]
    | Annotated[AgreementCount, Tag("agreements")]
    | Annotated[ShockFired, Tag("shock")],
    Discriminator(
        _condition_key,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with exactly one key, one of: "
        + ", ".join(CONDITION_KEYS),
    ),
]

_TAGS: dict[type[BaseModel], str] = {
    AllOf: "all",
    AnyOf: "any",
    NotOf: "not",
    HasAgreement: "agreement",
    NoAgreement: "no_agreement",
    PeakEscalation: "escalation",
    FinalPosition: "position",
    AgreementCount: "agreements",
    ShockFired: "shock",
}

for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()


T = TypeVar("T")


class ConditionCases(ABC, Generic[T]):
    """One method per kind of condition; :meth:`of` calls the one for a condition's kind."""

    def of(self, condition: Condition) -> T:
        """The case for *condition*'s kind, given what it holds."""
        match condition:
            case AllOf():
                return self.all_of(condition.all)
            case AnyOf():
                return self.any_of(condition.any)
            case NotOf():
                return self.not_of(condition.not_)
            case HasAgreement():
                return self.agreement(condition.agreement)
            case NoAgreement():
                return self.no_agreement(condition.no_agreement)
            case PeakEscalation():
                return self.escalation(condition.escalation)
            case FinalPosition():
                return self.position(condition.position)
            case AgreementCount():
                return self.agreements(condition.agreements)
            case ShockFired():
                return self.shock(condition.shock)
        raise TypeError(f"unknown condition {type(condition).__name__}")  # pragma: no cover

    @abstractmethod
    def all_of(self, parts: tuple[Condition, ...]) -> T:
        """``all``: every part holds."""

    @abstractmethod
    def any_of(self, parts: tuple[Condition, ...]) -> T:
        """``any``: at least one part holds."""

    @abstractmethod
    def not_of(self, part: Condition) -> T:
        """``not``: the part does not hold."""

    @abstractmethod
    def agreement(self, test: AgreementTest) -> T:
        """``agreement``: an agreement on an issue, in a range and form."""

    @abstractmethod
    def no_agreement(self, issue: str) -> T:
        """``no_agreement``: none on *issue*."""

    @abstractmethod
    def escalation(self, test: EscalationTest) -> T:
        """``escalation``: the peak rung in a range."""

    @abstractmethod
    def position(self, test: PositionTest) -> T:
        """``position``: an actor's final position in a range."""

    @abstractmethod
    def agreements(self, test: CountTest) -> T:
        """``agreements``: how many issues were agreed."""

    @abstractmethod
    def shock(self, shock: str) -> T:
        """``shock``: the named shock fired."""
