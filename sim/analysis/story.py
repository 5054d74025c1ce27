"""One run's story: :func:`explain_run` re-simulates run *K* exactly as :func:`sim.simulate` did.

It returns the run's timeline in words: proposals, agreements, blocked issues with their reason,
escalation steps and shocks, dated on the scenario's calendar.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum

from sim.analysis.montecarlo import simulate_run
from sim.analysis.streams import run_arrays
from sim.engine.outcomes import classify, outcome_rules
from sim.engine.record import Basis, Blocked, EscalationStep, Reason, RoundEvent, RunRecord
from sim.engine.sampling import RunParameters, ScenarioArrays, compile_scenario
from sim.errors import SimulationError
from sim.scenario.format import Effect, Issue, Scenario, Venue
from sim.vocabulary import FORM_NAMES

KIND_WHY = {
    "conflict": "it expects to lose a conflict",
    "compromise": "it is behind and compromises",
    "capitulate": "it is far behind and capitulates",
}
"""Why a target accepts, per BDM offer kind (bdm.md §2.6), as the target judges the dyad."""


class EntryKind(StrEnum):
    """What a timeline entry reports."""

    PROPOSAL = "proposal"
    AGREEMENT = "agreement"
    """Concluded at a venue: in force, or ad referendum, or voided by war (the text says)."""
    RATIFIED = "ratified"
    """An agreement concluded ad referendum enters into force."""
    BLOCKED = "blocked"
    SHOCK = "shock"
    ESCALATION = "escalation"
    """A climb on the ladder (or a shock's move)."""
    DE_ESCALATION = "de-escalation"


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a run's story."""

    day: float
    date: dt.date
    venue: str
    """Venue id, or "" outside meetings (shocks, escalation)."""
    round: int
    """Round of the venue's meeting, or 0 outside rounds."""
    kind: EntryKind
    text: str


@dataclass(frozen=True)
class RunStory:
    """A run's record, its timeline and what it satisfied."""

    run_index: int
    seed: int
    record: RunRecord
    parameters: RunParameters
    timeline: tuple[TimelineEntry, ...]
    outcomes: tuple[str, ...]
    """Ids of the outcomes the run satisfies, in scenario order."""
    primary: str
    start_rung: str
    peak_rung: str
    final_rung: str


@dataclass(frozen=True)
class _Offer:
    """One issue of a decision refused as a whole, as it was offered."""

    issue: int
    form: int
    """Form.rank offered: the venue's, or for a ratification the agreement's."""
    position: float | None
    """Where the agreement lay (a ratification's), or None where the record keeps no text."""


def _packages(arrays: ScenarioArrays, record: RunRecord) -> list[tuple[_Offer, tuple[_Offer, ...]]]:
    """Per blocked entry: its issue as offered, and every issue refused with it in one decision.

    A written reply is rejected, and a ratification refused, as a whole: the engine records each
    issue of it with the one reason, which may lie in another issue of the package. A meeting
    decides issue by issue, so there the package is the issue alone.
    """
    rejected = iter(record.rejected)  # the engine records each refusal's agreement in step
    offers = []
    for b in record.blocked:
        if b.ratification:
            agreement = next(rejected)
            offers.append(_Offer(b.issue, agreement.form, agreement.position))
        else:
            offers.append(_Offer(b.issue, int(arrays.venue_form[b.venue]), None))

    def decision(b: Blocked) -> Hashable:
        if b.ratification:
            return ("ratification", b.day, b.actor, b.reason)
        if arrays.venue_reply[b.venue] and b.actor >= 0:
            return ("reply", b.venue, b.day, b.actor, b.reason)
        return None

    together: defaultdict[Hashable, list[_Offer]] = defaultdict(list)
    for b, offer in zip(record.blocked, offers, strict=True):
        together[decision(b)].append(offer)
    return [
        (offer, tuple(together[decision(b)]) if decision(b) is not None else (offer,))
        for b, offer in zip(record.blocked, offers, strict=True)
    ]


@dataclass(frozen=True)
class _Story:
    """A scenario's lookups while its run is told."""

    scenario: Scenario
    arrays: ScenarioArrays
    """The run's arrays, its uncertain inputs set: a bluffing actor's true line and form."""

    def rung(self, level: int) -> str:
        ladder = self.scenario.escalation.ladder if self.scenario.escalation else ()
        return f"{ladder[level].id} (“{ladder[level].label}”)" if ladder else "-"

    def red_line(self, actor: int, issue: int) -> str:
        low, high = self.arrays.red_low[actor, issue], self.arrays.red_high[actor, issue]
        return f"{low:g}–{high:g}"


def _date(scenario: Scenario, day: float) -> dt.date:
    return scenario.scenario.as_of + dt.timedelta(days=math.floor(day))


def _proposal(s: _Story, e: RoundEvent) -> str:
    actor, issue = s.arrays.actor_ids, s.arrays.issue_ids
    target = actor[e.target]
    ask = (
        f"{actor[e.proposer]} asks {target} to move on {issue[e.issue]} "
        f"from {e.start:.1f} to {e.proposed:.1f}: "
    )
    if e.accepted and e.reason is Reason.RED_LINE:
        answer = (
            f"{target} concedes only to {e.end:.1f}, its red line ({s.red_line(e.target, e.issue)})"
        )
    elif e.accepted:
        answer = f"{target} concedes: {KIND_WHY.get(e.kind, e.kind)}"
    elif e.reason is Reason.RED_LINE:
        answer = f"{target} refuses: its red line ({s.red_line(e.target, e.issue)}) holds it here"
    else:
        answer = f"{target} refuses"
    return f"{ask}{answer} [E(U) of resisting {e.expected_utility:+.3f}]"


def _blocked(s: _Story, b: Blocked, offer: _Offer, package: tuple[_Offer, ...]) -> str:
    """Why an issue was not agreed, refused at ratification, or rejected with a reply, in words."""
    actor = s.arrays.actor_ids[b.actor] if b.actor >= 0 else "a party"
    issue = s.arrays.issue_ids[b.issue]
    why = _why(s, b, actor, issue, offer, package)
    if b.ratification:
        return f"{actor} refuses to ratify the agreement on {issue}: {why}"
    if s.arrays.venue_reply[b.venue] and b.actor >= 0:
        return f"{actor} rejects the written reply as a whole, its text on {issue} included: {why}"
    return f"no agreement on {issue}: {why}"


def _form_refused(
    s: _Story, b: Blocked, actor: str, offer: _Offer, package: tuple[_Offer, ...]
) -> str:
    """The form *actor* counts, on the issue of the package whose form it does not count."""
    counted = s.arrays.consent_form[b.actor]
    short = [o for o in package if counted[o.issue] > o.form]
    culprit = offer if offer in short else short[0]
    on = "" if culprit is offer else f" on {s.arrays.issue_ids[culprit.issue]}"
    whose = "the agreement's" if b.ratification else "this meeting's"
    return (
        f"{actor} counts only {FORM_NAMES[int(counted[culprit.issue])]} agreements{on} or "
        f"stronger; {whose} form is {FORM_NAMES[culprit.form]}"
    )


def _line_refused(
    s: _Story, b: Blocked, actor: str, offer: _Offer, package: tuple[_Offer, ...]
) -> str:
    """The issue of a refused package whose text lies outside *actor*'s (true) red line."""
    low, high = s.arrays.consent_low[b.actor], s.arrays.consent_high[b.actor]

    def outside(o: _Offer) -> bool:
        if o.position is None:  # a reply's text is not recorded: any issue *actor* bounds
            return bool(low[o.issue] > 0.0 or high[o.issue] < 100.0)
        return not low[o.issue] - 1e-9 <= o.position <= high[o.issue] + 1e-9

    names = [s.arrays.issue_ids[o.issue] for o in package if outside(o)]
    if offer.position is not None or len(names) <= 1:  # the one known to lie outside
        name = s.arrays.issue_ids[offer.issue] if outside(offer) or not names else names[0]
        return f"the text on {name} lies outside {actor}'s red line"
    return f"the text lies outside {actor}'s red line on at least one of {', '.join(names)}"


def _why(
    s: _Story, b: Blocked, actor: str, issue: str, offer: _Offer, package: tuple[_Offer, ...]
) -> str:
    one = b.ratification or (bool(s.arrays.venue_reply[b.venue]) and b.actor >= 0)
    if b.reason is Reason.VETO:
        return f"{actor} holds a veto on it and is not at the table"
    if b.reason is Reason.FORM:
        return _form_refused(s, b, actor, offer, package)
    if b.reason is Reason.RED_LINE:
        if one:
            return _line_refused(s, b, actor, offer, package)
        return "the red lines of those whose consent it needs do not overlap"
    if b.reason is Reason.FORCE:
        return f"{actor} values war above the talks after it and will not settle what force decides"
    if b.reason is Reason.STATUS_QUO:
        if one:
            return f"{actor} prefers the status quo to the package"
        return "left out of the package, as a party whose consent it needs prefers the status quo"
    return (
        "the participants' positions were still more than "
        f"{s.arrays.convergence:g} points apart after the last round"
    )


def effect_text(effect: Effect) -> str:
    """A shock's effect in words: the parameter, whose, on which issue, and the change."""
    text: str = effect.parameter
    text += f" of {effect.actor}" if effect.actor else ""
    text += f" on {effect.issue}" if effect.issue else ""
    return f"{text} {effect.change:+g}"


def _escalation(s: _Story, step: EscalationStep, before: int) -> str:
    if step.actor < 0:
        return f"a shock moves the ladder to {s.rung(step.level)}"
    actor = s.arrays.actor_ids[step.actor]
    offered = f"its opponents had offered {100 * step.concession:.0f} % of the way to its ideal"
    if step.level > before:
        text = (
            f"{actor} climbs to {s.rung(step.level)}: climbing worth {step.force_value:.3f} "
            f"against talks worth {step.talks_value:.3f}; chosen with probability "
            f"{step.probability:.2f}; {offered}"
        )
    else:
        text = (
            f"{actor} steps down to {s.rung(step.level)}: back to talks worth "
            f"{step.talks_value:.3f}; chosen with probability {step.probability:.2f}; {offered}"
        )
    escalation = s.scenario.escalation
    rung = escalation.ladder[step.level].id if escalation else ""
    responses = [
        f"{r.id} ({r.actor}, cost {r.cost:g})"
        for r in (escalation.responses if escalation else ())
        if r.from_ == rung and r.target == actor and step.level > before
    ]
    if responses:
        text += f"; responses now in force: {', '.join(responses)}"
    if step.level == len(s.arrays.rung_ids) - 1:
        text += "; the top rung ends the run"
    return text


def timeline(scenario: Scenario, arrays: ScenarioArrays, record: RunRecord) -> list[TimelineEntry]:
    """The run's events in time order, in words, with the values that drove each decision.

    Proposals and their answers, agreements and blocked agreements carry their venue and round;
    shocks and escalation steps (taken after each meeting) carry no venue.
    """
    s = _Story(scenario, arrays)
    venue_ids = arrays.venue_ids
    rounds = {(e.venue, e.day): e.round for e in record.events}
    first = {float(d): v for v, d in reversed(list(enumerate(arrays.venue_day)))}

    def round_of(venue: int, day: float) -> int:
        """The round a venue's entry belongs to; 0 when it cannot be told."""
        if venue < 0 or arrays.venue_reply[venue] or (venue, day) in rounds:
            return rounds.get((venue, day), 0)  # a reply venue has no rounds
        start = float(arrays.venue_day[venue])
        if first[start] != venue:
            return 0
        return round((day - start) * (int(arrays.venue_rounds[venue]) + 1))

    entries: list[tuple[float, int, TimelineEntry]] = []

    def add(day: float, order: int, venue: int, kind: EntryKind, text: str) -> None:
        entry = TimelineEntry(
            day,
            _date(scenario, day),
            venue_ids[venue] if venue >= 0 else "",
            round_of(venue, day),
            kind,
            text,
        )
        entries.append((day, order, entry))

    for e in record.events:
        add(e.day, 1, e.venue, EntryKind.PROPOSAL, _proposal(s, e))
    for b, (offer, package) in zip(record.blocked, _packages(arrays, record), strict=True):
        add(b.day, 2, b.venue, EntryKind.BLOCKED, _blocked(s, b, offer, package))
    ratified = dict(record.ratified)
    fates = [
        *((g, "") for g in record.agreements if g is not None),
        *((g, "; voided by war") for g in record.voided),
        *((g, "; ratification refused") for g in record.rejected),
        *((g, "; still awaiting ratification at the end") for g in record.pending),
    ]
    for g, fate in fates:
        issue = scenario.issues[g.issue]
        referendum = g.issue in ratified or fate.startswith(("; ratif", "; still"))
        basis = "; settled by compromise at the last round" if g.basis is Basis.COMPROMISE else ""
        text = (
            f"AGREEMENT on {issue.id} ({FORM_NAMES[g.form]}"
            f"{', ad referendum' if referendum else ''}) at {g.position:.1f}, "
            f"nearest waypoint “{waypoint_label(issue, g.position)}”{basis}{fate}"
        )
        add(g.day, 3, g.venue, EntryKind.AGREEMENT, text)
    for k, day in record.ratified:
        add(day, 3, -1, EntryKind.RATIFIED, f"RATIFIED: the agreement on {arrays.issue_ids[k]} "
            "enters into force")  # fmt: skip
    for shock, day in record.shocks:
        spec = scenario.shocks[shock]
        effects = "; ".join(effect_text(e) for e in spec.effects)
        add(day, 0, -1, EntryKind.SHOCK, f"SHOCK {spec.id}: {spec.description} [{effects}]")
    level = record.start_level
    for step in record.escalation:
        kind = EntryKind.DE_ESCALATION if step.level < level else EntryKind.ESCALATION
        add(step.day, 4, -1, kind, f"{kind.value.upper()}: {_escalation(s, step, level)}")
        level = step.level
    entries.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in entries]


def venue_conduct(venue: Venue) -> str:
    """How a venue decides, in words: its rounds, or a reply's one decision on its authors' text."""
    if venue.kind == "reply":
        return f"reply (one decision on the text of {', '.join(venue.authors)})"
    return f"{venue.rounds} round{'s' if venue.rounds > 1 else ''}"


def waypoint_label(issue: Issue, value: float) -> str:
    """Label of the point nearest *value* on an issue's scale: a waypoint or either end."""
    points = [(0.0, issue.low), *((w.at, w.label) for w in issue.waypoints), (100.0, issue.high)]
    return min(points, key=lambda point: abs(point[0] - value))[1]


def explain_run(scenario: Scenario, run_index: int, seed: int = 0) -> RunStory:
    """Re-simulate run *run_index* of ``simulate(scenario, seed=seed)`` and tell its story."""
    if run_index < 0:
        raise SimulationError(f"run index must be non-negative (got {run_index})")
    if seed < 0:
        raise SimulationError(f"seed must be non-negative (got {seed})")
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    params, record = simulate_run(arrays, seed, run_index)
    arrays = run_arrays(arrays, seed, run_index)  # the lines and forms this run consented by
    flags, primary = classify(record, rules)
    rungs = arrays.rung_ids or ("-",)
    return RunStory(
        run_index=run_index,
        seed=seed,
        record=record,
        parameters=params,
        timeline=tuple(timeline(scenario, arrays, record)),
        outcomes=tuple(o for o, f in zip(rules.outcome_ids, flags, strict=True) if f),
        primary=rules.primary_ids[primary],
        start_rung=rungs[record.start_level],
        peak_rung=rungs[record.peak_level],
        final_rung=rungs[record.final_level],
    )
