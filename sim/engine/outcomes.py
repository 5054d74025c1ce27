"""Classify a run: the scenario outcomes its end state satisfies, and its primary class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.engine.record import RunRecord
from sim.scenario.conditions import (
    AgreementCount,
    AllOf,
    AnyOf,
    Condition,
    FinalPosition,
    HasAgreement,
    NoAgreement,
    NotOf,
    PeakEscalation,
    ShockFired,
)
from sim.scenario.format import Scenario

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class OutcomeRules:
    """The scenario's outcome and primary-class conditions with the ids they name resolved."""

    outcome_ids: tuple[str, ...]
    outcome_labels: tuple[str, ...]
    primary_ids: tuple[str, ...]
    primary_labels: tuple[str, ...]
    conditions: tuple[Condition, ...]
    primary_conditions: tuple[Condition | None, ...]
    issues: dict[str, int]
    actors: dict[str, int]
    rungs: dict[str, int]
    shocks: dict[str, int]


def outcome_rules(scenario: Scenario) -> OutcomeRules:
    """Prepare a scenario's outcome conditions for classifying runs."""
    rungs = scenario.escalation.ladder if scenario.escalation else ()
    return OutcomeRules(
        outcome_ids=tuple(o.id for o in scenario.outcomes),
        outcome_labels=tuple(o.label for o in scenario.outcomes),
        primary_ids=tuple(p.id for p in scenario.primary),
        primary_labels=tuple(p.label for p in scenario.primary),
        conditions=tuple(o.condition for o in scenario.outcomes),
        primary_conditions=tuple(p.condition for p in scenario.primary),
        issues={i.id: k for k, i in enumerate(scenario.issues)},
        actors={a.id: k for k, a in enumerate(scenario.actors)},
        rungs={r.id: k for k, r in enumerate(rungs)},
        shocks={s.id: k for k, s in enumerate(scenario.shocks)},
    )


def _within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def holds(condition: Condition, record: RunRecord, rules: OutcomeRules) -> bool:
    """Whether *condition* holds for the end state of *record*."""
    c = condition
    if isinstance(c, AllOf):
        return all(holds(part, record, rules) for part in c.all)
    if isinstance(c, AnyOf):
        return any(holds(part, record, rules) for part in c.any)
    if isinstance(c, NotOf):
        return not holds(c.not_, record, rules)
    if isinstance(c, HasAgreement):
        test = c.agreement
        issue = rules.issues[test.issue]
        if test.voided:
            voided = [g for g in record.voided if g.issue == issue]
            agreement = voided[-1] if voided else None
        else:
            agreement = record.agreements[issue]
        return (
            agreement is not None
            and _within(agreement.position, test.min, test.max)
            and (test.form is None or agreement.form >= test.form.rank)
        )
    if isinstance(c, NoAgreement):
        return record.agreements[rules.issues[c.no_agreement]] is None
    if isinstance(c, PeakEscalation):
        low = rules.rungs[c.escalation.min] if c.escalation.min else None
        high = rules.rungs[c.escalation.max] if c.escalation.max else None
        return _within(record.peak_level, low, high)
    if isinstance(c, FinalPosition):
        test_p = c.position
        value = record.final_positions[rules.actors[test_p.actor]][rules.issues[test_p.issue]]
        return _within(value, test_p.min, test_p.max)
    if isinstance(c, AgreementCount):
        return _within(record.agreement_count, c.agreements.min, c.agreements.max)
    if isinstance(c, ShockFired):
        index = rules.shocks[c.shock]
        return any(fired == index for fired, _ in record.shocks)
    raise TypeError(f"unknown condition {type(c).__name__}")  # pragma: no cover


def classify(record: RunRecord, rules: OutcomeRules) -> tuple[BoolArray, int]:
    """The outcomes a run satisfies (one flag per outcome) and the index of its primary class.

    The primary class is the first whose condition holds; the last class has no condition, so
    every run has exactly one.
    """
    satisfied = np.array([holds(c, record, rules) for c in rules.conditions], dtype=bool)
    primary = next(
        i for i, c in enumerate(rules.primary_conditions) if c is None or holds(c, record, rules)
    )
    return satisfied, primary
