"""Outcome conditions in words, with the scenario's names for issues, actors and rungs.

The handout prints every outcome's condition this way, so a student reads what a run must do to
meet it without reading the condition grammar.
"""

from __future__ import annotations

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
from sim.vocabulary import Form


def _forms(form: Form | None) -> str:
    return " or ".join(f.value for f in Form if form is None or f.rank >= form.rank)


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"at {low:g}" if low == high else f"between {low:g} and {high:g}"
    if low is not None:
        return f"at {low:g} or more"
    return f"at {high:g} or less" if high is not None else "anywhere"


def condition_text(condition: Condition, scenario: Scenario) -> str:
    """An outcome condition in words, with the scenario's names for issues, actors and rungs."""
    issues = {i.id: i.name for i in scenario.issues}
    rungs = {r.id: r.label for r in (scenario.escalation.ladder if scenario.escalation else ())}
    c = condition

    def part(sub: Condition) -> str:
        text = condition_text(sub, scenario)
        return f"({text})" if isinstance(sub, AllOf | AnyOf) else text

    if isinstance(c, AllOf):
        return " and ".join(part(p) for p in c.all)
    if isinstance(c, AnyOf):
        return " or ".join(part(p) for p in c.any)
    if isinstance(c, NotOf):
        return _negated(c.not_, scenario, rungs)
    if isinstance(c, HasAgreement):
        a = c.agreement
        where = "" if a.min is None and a.max is None else f" {_range(a.min, a.max)}"
        form = f", {_forms(a.form)}" if a.form is not None else ", in any form"
        voided = ", voided by war" if a.voided else ""
        return f"an agreement on “{issues[a.issue]}”{where}{form}{voided}"
    if isinstance(c, NoAgreement):
        return f"no agreement on “{issues[c.no_agreement]}”"
    if isinstance(c, PeakEscalation):
        low, high = c.escalation.min, c.escalation.max
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
    if isinstance(c, FinalPosition):
        p = c.position
        return f"{p.actor}'s final position on “{issues[p.issue]}” lies {_range(p.min, p.max)}"
    if isinstance(c, AgreementCount):
        least, most = c.agreements.min, c.agreements.max
        if least is not None and most is not None:
            count = f"exactly {least}" if least == most else f"between {least} and {most}"
        else:
            count = f"at least {least}" if least is not None else f"at most {most}"
        return f"agreements on {count} issue{'' if count.endswith(' 1') else 's'}"
    if isinstance(c, ShockFired):
        return f"the shock {c.shock} fires"
    raise TypeError(f"unknown condition {type(c).__name__}")  # pragma: no cover


def _negated(condition: Condition, scenario: Scenario, rungs: dict[str, str]) -> str:
    c = condition
    if isinstance(c, HasAgreement):
        return "no " + condition_text(c, scenario).removeprefix("an ")
    if isinstance(c, NoAgreement):
        return condition_text(
            HasAgreement.model_validate({"agreement": {"issue": c.no_agreement}}), scenario
        )
    if isinstance(c, PeakEscalation) and not (c.escalation.min and c.escalation.max):
        low, high = c.escalation.min, c.escalation.max
        return (
            f"escalation stays below “{rungs[low]}”"
            if low
            else f"escalation rises above “{rungs[high or '']}”"
        )
    if isinstance(c, ShockFired):
        return f"the shock {c.shock} does not fire"
    return f"not ({condition_text(c, scenario)})"
