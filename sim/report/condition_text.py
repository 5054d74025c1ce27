"""Outcome conditions in words, with the scenario's names for issues, actors and rungs.

The handout prints every outcome's condition this way, so a student reads what a run must do to
meet it without reading the condition grammar.
"""

from __future__ import annotations

from sim.scenario.conditions import (
    AgreementTest,
    AllOf,
    AnyOf,
    Condition,
    ConditionCases,
    CountTest,
    EscalationTest,
    PositionTest,
)
from sim.scenario.format import Scenario
from sim.vocabulary import Form


def _forms(form: Form | None) -> str:
    return " or ".join(f.value for f in Form if form is None or f.rank >= form.rank)


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"at {low:g}" if low == high else f"between {low:g} and {high:g}"
    if low is not None:
        return f"at {low:g} or more"
    return f"at {high:g} or less" if high is not None else "anywhere"


class _Words(ConditionCases[str]):
    """A condition in words, with the scenario's names for issues and rungs."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.issues = {i.id: i.name for i in scenario.issues}
        ladder = scenario.escalation.ladder if scenario.escalation else ()
        self.rungs = {r.id: r.label for r in ladder}

    def _part(self, sub: Condition) -> str:
        text = self.of(sub)
        return f"({text})" if isinstance(sub, AllOf | AnyOf) else text

    def all_of(self, parts: tuple[Condition, ...]) -> str:
        return " and ".join(self._part(p) for p in parts)

    def any_of(self, parts: tuple[Condition, ...]) -> str:
        return " or ".join(self._part(p) for p in parts)

    def not_of(self, part: Condition) -> str:
        return _Negated(self, part).of(part)

    def agreement(self, test: AgreementTest) -> str:
        where = "" if test.min is None and test.max is None else f" {_range(test.min, test.max)}"
        form = f", {_forms(test.form)}" if test.form is not None else ", in any form"
        voided = ", voided by war" if test.voided else ""
        return f"an agreement on “{self.issues[test.issue]}”{where}{form}{voided}"

    def no_agreement(self, issue: str) -> str:
        return f"no agreement on “{self.issues[issue]}”"

    def escalation(self, test: EscalationTest) -> str:
        low, high, rungs = test.min, test.max, self.rungs
        if low and high:
            span = (
                f"at “{rungs[low]}”"
                if low == high
                else f"between “{rungs[low]}” and “{rungs[high]}”"
            )
        else:
            span = (
                f"at “{rungs[low]}” or higher" if low else f"no higher than “{rungs[high or '']}”"
            )
        return f"escalation peaks {span}"

    def position(self, test: PositionTest) -> str:
        issue = self.issues[test.issue]
        return f"{test.actor}'s final position on “{issue}” lies {_range(test.min, test.max)}"

    def agreements(self, test: CountTest) -> str:
        least, most = test.min, test.max
        if least is not None and most is not None:
            count = f"exactly {least}" if least == most else f"between {least} and {most}"
        else:
            count = f"at least {least}" if least is not None else f"at most {most}"
        return f"agreements on {count} issue{'' if count.endswith(' 1') else 's'}"

    def shock(self, shock: str) -> str:
        return f"the shock {shock} fires"


class _Negated(ConditionCases[str]):
    """``not`` *condition* in words: said directly where that reads better than "not (…)"."""

    def __init__(self, words: _Words, condition: Condition) -> None:
        self.words = words
        self.condition = condition

    def _not(self) -> str:
        return f"not ({self.words.of(self.condition)})"

    def all_of(self, parts: tuple[Condition, ...]) -> str:
        return self._not()

    def any_of(self, parts: tuple[Condition, ...]) -> str:
        return self._not()

    def not_of(self, part: Condition) -> str:
        return self._not()

    def agreement(self, test: AgreementTest) -> str:
        return "no " + self.words.agreement(test).removeprefix("an ")

    def no_agreement(self, issue: str) -> str:
        return self.words.agreement(AgreementTest(issue=issue))

    def escalation(self, test: EscalationTest) -> str:
        low, high, rungs = test.min, test.max, self.words.rungs
        if low and high:
            return self._not()
        return (
            f"escalation stays below “{rungs[low]}”"
            if low
            else f"escalation rises above “{rungs[high or '']}”"
        )

    def position(self, test: PositionTest) -> str:
        return self._not()

    def agreements(self, test: CountTest) -> str:
        return self._not()

    def shock(self, shock: str) -> str:
        return f"the shock {shock} does not fire"


def condition_text(condition: Condition, scenario: Scenario) -> str:
    """An outcome condition in words, with the scenario's names for issues, actors and rungs."""
    return _Words(scenario).of(condition)
