"""A seat's role brief, in words, generated from the scenario: goals, red lines, fears, quotes.

Goals come from the actor's stances read on each issue's waypoints; red lines from its stated
ranges and forms; fears from what can hurt it (counter-measures aimed at it, shocks that move its
parameters, rivals who can climb the ladder against it, the status quo if talks fail); and every
sentence that rests on a source carries its verbatim quote.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.analysis.story import effect_text, waypoint_label
from sim.scenario.format import Actor, Citation, Evidenced, Issue, Scenario


@dataclass(frozen=True)
class Quote:
    """A verbatim quote and where it is from."""

    text: str
    source: str
    """Title, outlet and date of the source."""


@dataclass(frozen=True)
class Point:
    """One line of the brief and the evidence behind it."""

    text: str
    quotes: tuple[Quote, ...] = ()
    assumption: str = ""


@dataclass(frozen=True)
class RoleBrief:
    """What a student reads before playing an actor."""

    actor_id: str
    name: str
    situation: str
    goals: tuple[Point, ...]
    red_lines: tuple[Point, ...]
    fears: tuple[Point, ...]
    powers: tuple[Point, ...]
    """Vetoes and escalation options the actor holds."""


def _priority(salience: float) -> str:
    if salience >= 0.7:
        return "a top priority"
    if salience >= 0.4:
        return "important"
    return "a minor concern"


def _quotes(scenario: Scenario, evidence: Evidenced | None) -> tuple[Quote, ...]:
    if evidence is None:
        return ()
    sources = {s.id: s for s in scenario.scenario.sources}

    def where(c: Citation) -> str:
        s = sources.get(c.source)
        return f"{s.title}, {s.outlet}, {s.date}" if s else c.source

    return tuple(Quote(c.quote, where(c)) for c in evidence.cites)


def _point(scenario: Scenario, text: str, evidence: Evidenced | None) -> Point:
    assumption = (evidence.assumption or "") if evidence is not None else ""
    return Point(text, _quotes(scenario, evidence), assumption)


def _goal(scenario: Scenario, actor: Actor, issue: Issue) -> Point:
    stance = actor.stances[issue.id]
    text = (
        f"{issue.name}: you want about {stance.position:g} on a scale from “{issue.low}” (0) to "
        f"“{issue.high}” (100), near “{waypoint_label(issue, stance.position)}”. "
        f"It is {_priority(stance.salience)} for you (salience {stance.salience:g})."
    )
    return _point(scenario, text, stance)


def _red_line(scenario: Scenario, actor: Actor, issue: Issue) -> Point | None:
    red = actor.stances[issue.id].red_line
    if red is None:
        return None
    parts = []
    if red.min is not None:
        parts.append(f"nothing below {red.min:g} (“{waypoint_label(issue, red.min)}”)")
    if red.max is not None:
        parts.append(f"nothing above {red.max:g} (“{waypoint_label(issue, red.max)}”)")
    if red.form is not None:
        parts.append(f"only an agreement in {red.form.value} form or stronger counts")
    return _point(scenario, f"{issue.name}: {'; '.join(parts)}.", red)


def _fears(scenario: Scenario, actor: Actor) -> list[Point]:
    fears: list[Point] = []
    ladder = scenario.escalation
    if ladder is not None:
        rungs = {r.id: r.label for r in ladder.ladder}
        for response in ladder.responses:
            if response.target == actor.id:
                text = (
                    f"If the crisis reaches “{rungs[response.from_]}”, {response.actor} answers "
                    f"with {response.id.replace('-', ' ')} (a cost of {response.cost:g} to you)."
                )
                fears.append(_point(scenario, text, response))
        for option in ladder.options:
            if actor.id in option.opponents:
                text = (
                    f"{option.actor} can climb the escalation ladder against you; it believes it "
                    f"would prevail by force with probability {option.prevail:g}."
                )
                fears.append(_point(scenario, text, option))
    for shock in scenario.shocks:
        mine = [e for e in shock.effects if e.actor == actor.id]
        if mine:
            effects = ", ".join(effect_text(e) for e in mine)
            text = (
                f"{shock.description} (probability {shock.probability:g} between "
                f"{shock.window.start} and {shock.window.end}: {effects})."
            )
            fears.append(_point(scenario, text, shock))
    for issue in scenario.issues:
        stance = actor.stances[issue.id]
        sq = issue.status_quo
        if abs(sq.position - stance.position) >= 30 and stance.salience >= 0.4:
            text = (
                f"If nothing is agreed on {issue.name}, it stays at {sq.position:g} "
                f"(“{waypoint_label(issue, sq.position)}”), far from what you want."
            )
            fears.append(_point(scenario, text, sq))
    return fears


def _powers(scenario: Scenario, actor: Actor) -> list[Point]:
    powers: list[Point] = []
    names = {i.id: i.name for i in scenario.issues}
    for veto in scenario.vetoes:
        if veto.actor == actor.id:
            issues = ", ".join(names[i] for i in veto.issues)
            powers.append(_point(scenario, f"No agreement on {issues} holds without you.", veto))
    ladder = scenario.escalation
    for option in ladder.options if ladder else ():
        if option.actor == actor.id:
            text = (
                f"You can climb the escalation ladder against {', '.join(option.opponents)}; "
                f"you believe you would prevail by force with probability {option.prevail:g}."
            )
            powers.append(_point(scenario, text, option))
    return powers


def role_brief(scenario: Scenario, actor_id: str) -> RoleBrief:
    """The brief of *actor_id* in *scenario*: goals by priority, red lines, fears, powers."""
    actor = next(a for a in scenario.actors if a.id == actor_id)
    by_priority = sorted(scenario.issues, key=lambda i: -actor.stances[i.id].salience)
    others = ", ".join(a.name for a in scenario.actors if a.id != actor_id)
    situation = (
        f"{scenario.scenario.title}, as of {scenario.scenario.as_of}. You are {actor.name}; "
        f"across the table: {others}. {scenario.scenario.description}".strip()
    )
    red_lines = [_red_line(scenario, actor, i) for i in scenario.issues]
    return RoleBrief(
        actor.id,
        actor.name,
        situation,
        tuple(_goal(scenario, actor, i) for i in by_priority),
        tuple(p for p in red_lines if p is not None),
        tuple(_fears(scenario, actor)),
        tuple(_powers(scenario, actor)),
    )
