"""Cross-reference and cross-field rules of a scenario, each located at the offending key.

Pydantic checks each section on its own; these rules tie sections together: every id named
exists and is unique, every actor has a stance on every issue, positions lie inside their own
red lines, venues fall within the horizon, and only the last primary class is a catch-all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from pydantic import BaseModel

from sim.scenario.conditions import (
    AgreementTest,
    Condition,
    ConditionCases,
    CountTest,
    EscalationTest,
    PositionTest,
)
from sim.scenario.format import Citation, Scenario
from sim.scenario.inputs import resolve_path
from sim.scenario.yamlsource import KeyPath

Finding = tuple[KeyPath, str]


def _duplicates(items: Sequence[BaseModel], section: KeyPath, key: str = "id") -> Iterator[Finding]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            yield (*section, index, key), f"duplicate {key} {value!r}"
        seen.add(value)


def _unknown(value: str, known: Iterable[str], path: KeyPath, kind: str) -> Iterator[Finding]:
    names = sorted(set(known))
    if value not in names:
        yield path, f"unknown {kind} {value!r}; known: {', '.join(names) or 'none'}"


def walk_citations(model: BaseModel, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Citation]]:
    """Every citation in *model*, with its key path (used by the quote check and the handout)."""
    if isinstance(model, Citation):
        yield path, model
        return
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = field.alias or name
        children: Iterable[tuple[str | int, object]]
        if isinstance(value, tuple):
            children = enumerate(value)
        elif isinstance(value, dict):
            children = value.items()
        else:
            children = [(key, value)]
            if isinstance(value, BaseModel):
                yield from walk_citations(value, (*path, key))
            continue
        for child_key, child in children:
            if isinstance(child, BaseModel):
                yield from walk_citations(child, (*path, key, child_key))


class _ConditionChecks(ConditionCases[Iterator[Finding]]):
    """Every id a condition names exists in the scenario, and its rungs are in order."""

    def __init__(self, s: Scenario, path: KeyPath) -> None:
        self.s = s
        self.path = path
        self.issues = [i.id for i in s.issues]

    def _inner(self, part: Condition, *keys: str | int) -> Iterator[Finding]:
        return _ConditionChecks(self.s, (*self.path, *keys)).of(part)

    def all_of(self, parts: tuple[Condition, ...]) -> Iterator[Finding]:
        for index, part in enumerate(parts):
            yield from self._inner(part, "all", index)

    def any_of(self, parts: tuple[Condition, ...]) -> Iterator[Finding]:
        for index, part in enumerate(parts):
            yield from self._inner(part, "any", index)

    def not_of(self, part: Condition) -> Iterator[Finding]:
        return self._inner(part, "not")

    def agreement(self, test: AgreementTest) -> Iterator[Finding]:
        return _unknown(test.issue, self.issues, (*self.path, "agreement", "issue"), "issue")

    def no_agreement(self, issue: str) -> Iterator[Finding]:
        return _unknown(issue, self.issues, (*self.path, "no_agreement"), "issue")

    def escalation(self, test: EscalationTest) -> Iterator[Finding]:
        rungs = [r.id for r in self.s.escalation.ladder] if self.s.escalation else []
        path = (*self.path, "escalation")
        if not rungs:
            yield path, "the scenario has no escalation ladder"
        for bound in ("min", "max"):
            rung = getattr(test, bound)
            if rung is not None and rungs:
                yield from _unknown(rung, rungs, (*path, bound), "rung")
        low, high = test.min, test.max
        if low in rungs and high in rungs and rungs.index(low) > rungs.index(high):
            yield path, f"min rung {low!r} lies above max rung {high!r}"

    def position(self, test: PositionTest) -> Iterator[Finding]:
        actors = [a.id for a in self.s.actors]
        yield from _unknown(test.actor, actors, (*self.path, "position", "actor"), "actor")
        yield from _unknown(test.issue, self.issues, (*self.path, "position", "issue"), "issue")

    def agreements(self, test: CountTest) -> Iterator[Finding]:
        if (test.max or 0) > len(self.issues):
            yield (
                (*self.path, "agreements", "max"),
                f"the scenario has only {len(self.issues)} issues",
            )

    def shock(self, shock: str) -> Iterator[Finding]:
        return _unknown(shock, [k.id for k in self.s.shocks], (*self.path, "shock"), "shock")


def _condition(c: Condition, path: KeyPath, s: Scenario) -> Iterator[Finding]:
    return _ConditionChecks(s, path).of(c)


def _actors_and_stances(s: Scenario) -> Iterator[Finding]:
    issues = [i.id for i in s.issues]
    for a, actor in enumerate(s.actors):
        for issue_id, stance in actor.stances.items():
            path: KeyPath = ("actors", a, "stances", issue_id)
            yield from _unknown(issue_id, issues, path, "issue")
            red = stance.red_line
            if red is not None and not red.low <= stance.position <= red.high:
                yield (
                    (*path, "position"),
                    (
                        f"position {stance.position:g} lies outside the actor's own red line "
                        f"[{red.low:g}, {red.high:g}]"
                    ),
                )
        for issue_id in issues:
            if issue_id not in actor.stances:
                yield ("actors", a, "stances"), f"no stance on issue {issue_id!r}"


def _calendar(s: Scenario) -> Iterator[Finding]:
    actors = [a.id for a in s.actors]
    issues = [i.id for i in s.issues]
    for v, venue in enumerate(s.venues):
        for p, actor in enumerate(venue.participants):
            yield from _unknown(actor, actors, ("venues", v, "participants", p), "actor")
            if actor in venue.participants[:p]:
                yield ("venues", v, "participants", p), f"{actor!r} is listed twice"
        for k, issue in enumerate(venue.issues):
            yield from _unknown(issue, issues, ("venues", v, "issues", k), "issue")
        if venue.date < s.scenario.as_of:
            yield ("venues", v, "date"), f"before the scenario's as_of date {s.scenario.as_of}"
        if s.scenario.horizon is not None and venue.date > s.scenario.horizon:
            yield ("venues", v, "date"), f"after the scenario's horizon {s.scenario.horizon}"
        for p, author in enumerate(venue.authors):
            if author not in venue.participants:
                yield ("venues", v, "authors", p), f"{author!r} is not a participant of the venue"
        if venue.kind == "reply" and not venue.authors:
            yield ("venues", v, "kind"), "a reply needs `authors`: whose text it is"
        if venue.kind == "reply" and set(venue.participants) <= set(venue.authors):
            yield ("venues", v, "authors"), "a reply needs a participant who is not an author"
        if venue.kind == "meeting" and venue.authors:
            yield ("venues", v, "authors"), "only a venue of kind `reply` has authors"
    for v, veto in enumerate(s.vetoes):
        yield from _unknown(veto.actor, actors, ("vetoes", v, "actor"), "actor")
        day = veto.ratification
        if day is not None and not s.scenario.as_of <= day <= s.horizon:
            yield ("vetoes", v, "ratification"), "the ratification day lies outside as_of…horizon"
        for k, issue in enumerate(veto.issues):
            yield from _unknown(issue, issues, ("vetoes", v, "issues", k), "issue")


def _escalation(s: Scenario) -> Iterator[Finding]:
    if s.escalation is None:
        return
    actors = [a.id for a in s.actors]
    rungs = [r.id for r in s.escalation.ladder]
    yield from _duplicates(s.escalation.ladder, ("escalation", "ladder"))
    yield from _duplicates(s.escalation.options, ("escalation", "options"), key="actor")
    yield from _duplicates(s.escalation.responses, ("escalation", "responses"))
    if s.escalation.start is not None:
        start = s.escalation.start.rung
        yield from _unknown(start, rungs, ("escalation", "start", "rung"), "rung")
        if start == rungs[-1]:
            yield ("escalation", "start", "rung"), "a run cannot start on the top rung (ends there)"
    for o, option in enumerate(s.escalation.options):
        path: KeyPath = ("escalation", "options", o)
        yield from _unknown(option.actor, actors, (*path, "actor"), "actor")
        for p, opponent in enumerate(option.opponents):
            yield from _unknown(opponent, actors, (*path, "opponents", p), "actor")
        for rung in option.costs:
            yield from _unknown(rung, rungs, (*path, "costs", rung), "rung")
        issues = [i.id for i in s.issues]
        for k, issue in enumerate(option.stakes):
            yield from _unknown(issue, issues, (*path, "stakes", k), "issue")
    for r, response in enumerate(s.escalation.responses):
        path = ("escalation", "responses", r)
        yield from _unknown(response.actor, actors, (*path, "actor"), "actor")
        yield from _unknown(response.target, actors, (*path, "target"), "actor")
        yield from _unknown(response.from_, rungs, (*path, "from"), "rung")


def _shocks(s: Scenario) -> Iterator[Finding]:
    actors = [a.id for a in s.actors]
    issues = [i.id for i in s.issues]
    for k, shock in enumerate(s.shocks):
        if shock.window.start < s.scenario.as_of or shock.window.start > s.horizon:
            yield (
                ("shocks", k, "window", "start"),
                (f"outside the simulated period {s.scenario.as_of} to {s.horizon}"),
            )
        for e, effect in enumerate(shock.effects):
            path: KeyPath = ("shocks", k, "effects", e)
            needs_issue = effect.parameter in ("position", "salience")
            needs_actor = effect.parameter != "escalation"
            if needs_actor and effect.actor is None:
                yield (*path, "parameter"), f"a {effect.parameter} effect needs an `actor`"
            if not needs_actor and effect.actor is not None:
                yield (*path, "actor"), "an escalation effect moves the ladder; it takes no actor"
            if needs_issue and effect.issue is None:
                yield (*path, "parameter"), f"a {effect.parameter} effect needs an `issue`"
            if not needs_issue and effect.issue is not None:
                yield (*path, "issue"), f"a {effect.parameter} effect takes no `issue`"
            if effect.actor is not None:
                yield from _unknown(effect.actor, actors, (*path, "actor"), "actor")
            if effect.issue is not None:
                yield from _unknown(effect.issue, issues, (*path, "issue"), "issue")
            if (
                effect.parameter in ("cost", "prevail")
                and effect.actor is not None
                and (
                    s.escalation is None
                    or effect.actor not in {o.actor for o in s.escalation.options}
                )
            ):
                yield (*path, "actor"), f"{effect.actor!r} has no escalation option to change"


def _outcomes(s: Scenario) -> Iterator[Finding]:
    for o, outcome in enumerate(s.outcomes):
        yield from _condition(outcome.condition, ("outcomes", o, "condition"), s)
    last = len(s.primary) - 1
    for p, primary in enumerate(s.primary):
        if primary.condition is None and p != last:
            yield ("primary", p), "only the last primary class may omit `condition` (the catch-all)"
        if primary.condition is not None:
            yield from _condition(primary.condition, ("primary", p, "condition"), s)
    if s.primary[last].condition is not None:
        yield (
            ("primary", last, "condition"),
            (
                "the last primary class is the catch-all and takes no condition, "
                "so every run has exactly one class"
            ),
        )


def _uncertainties(s: Scenario) -> Iterator[Finding]:
    seen: set[str] = set()
    for u, spec in enumerate(s.uncertainties):
        path: KeyPath = ("uncertainties", u)
        if spec.input in seen:
            yield (*path, "input"), f"{spec.input!r} is declared uncertain twice"
        seen.add(spec.input)
        resolved = resolve_path(s, spec.input)
        if isinstance(resolved, str):
            yield (*path, "input"), resolved
            continue
        for key in ("low", "high"):
            value = float(getattr(spec, key))
            if not resolved.low <= value <= resolved.high:
                yield (
                    (*path, key),
                    f"{value:g} lies outside the range of {spec.input} "
                    f"[{resolved.low:g}, {resolved.high:g}]",
                )


def check_scenario(s: Scenario) -> list[Finding]:
    """Every cross-section problem in *s*, each with the key path it belongs to."""
    findings: list[Finding] = []
    for section, items in (
        ("issues", s.issues),
        ("actors", s.actors),
        ("venues", s.venues),
        ("shocks", s.shocks),
        ("outcomes", s.outcomes),
        ("primary", s.primary),
    ):
        findings.extend(_duplicates(items, (section,)))
    findings.extend(_duplicates(s.scenario.sources, ("scenario", "sources")))
    findings.extend(_actors_and_stances(s))
    findings.extend(_calendar(s))
    findings.extend(_escalation(s))
    findings.extend(_shocks(s))
    findings.extend(_outcomes(s))
    if not findings:  # id paths are read against a scenario whose references hold
        findings.extend(_uncertainties(s))
    sources = [src.id for src in s.scenario.sources]
    for path, citation in walk_citations(s):
        findings.extend(_unknown(citation.source, sources, (*path, "source"), "source"))
    if s.scenario.horizon is not None and s.scenario.horizon < s.scenario.as_of:
        findings.append((("scenario", "horizon"), "before the as_of date"))
    return findings
