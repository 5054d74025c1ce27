"""Outcome families: escalation, settlement, side deal or none.

An outcome or primary class has the family the scenario gives it, else the one its condition
implies.

The reports colour every outcome by its family, the same way on every page. A scenario names
side deals itself (``family: side-deal``): whether an agreement settles the crisis or only a
side issue is the analyst's judgement, not something a condition shows.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.scenario.conditions import (
    AgreementCount,
    AllOf,
    AnyOf,
    Condition,
    HasAgreement,
    PeakEscalation,
)
from sim.scenario.format import Outcome, PrimaryClass, Scenario
from sim.vocabulary import Family


def requires(condition: Condition, leaf: Callable[[Condition], bool]) -> bool:
    """True when every run meeting *condition* meets a leaf for which *leaf* is true.

    ``all`` requires it when one part does, ``any`` when every part does; ``not`` never does.
    """
    if isinstance(condition, AllOf):
        return any(requires(c, leaf) for c in condition.all)
    if isinstance(condition, AnyOf):
        return all(requires(c, leaf) for c in condition.any)
    return leaf(condition)


def implied_family(condition: Condition | None, scenario: Scenario) -> Family:
    """The family a condition implies.

    Escalation when it requires a rung above the start, settlement when it requires an
    agreement, none otherwise.
    """
    if condition is None:
        return Family.NONE
    escalation = scenario.escalation
    rungs = [r.id for r in escalation.ladder] if escalation else []
    start = rungs.index(escalation.start.rung) if escalation and escalation.start else 0

    def climbs(leaf: Condition) -> bool:
        low = leaf.escalation.min if isinstance(leaf, PeakEscalation) else None
        return low is not None and low in rungs and rungs.index(low) > start

    def agrees(leaf: Condition) -> bool:
        if isinstance(leaf, AgreementCount):
            return (leaf.agreements.min or 0) >= 1
        return isinstance(leaf, HasAgreement)

    if requires(condition, climbs):
        return Family.ESCALATION
    if requires(condition, agrees):
        return Family.SETTLEMENT
    return Family.NONE


def family(item: Outcome | PrimaryClass, scenario: Scenario) -> Family:
    """The family of an outcome or primary class: its own, else the one its condition implies."""
    return item.family or implied_family(item.condition, scenario)
