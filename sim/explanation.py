"""Why runs turn out as they do: one run's story, and what separates runs with an outcome.

:func:`explain_run` re-simulates run *K* exactly as :func:`sim.simulate` did and returns its
timeline in words. :func:`explain_outcome` compares runs with an outcome against the others on
every shock, agreement struck or blocked at a venue and sampled parameter, ranked by standardised
difference.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from sim.comparison import newcombe_difference
from sim.errors import SimulationError
from sim.montecarlo import Progress, simulate_run
from sim.outcomes import classify, outcome_rules
from sim.record import Blocked, EscalationStep, Reason, RoundEvent, RunRecord
from sim.sampling import RunParameters, ScenarioArrays, compile_scenario
from sim.scenario import Effect, Issue, Scenario
from sim.vocabulary import FORM_NAMES

Z95 = 1.959964
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
class _Story:
    """A scenario's lookups while its run is told."""

    scenario: Scenario
    arrays: ScenarioArrays

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


def _blocked(s: _Story, b: Blocked) -> str:
    actor = s.arrays.actor_ids[b.actor] if b.actor >= 0 else "a party"
    issue = s.arrays.issue_ids[b.issue]
    if b.reason is Reason.VETO:
        why = f"{actor} holds a veto on it and is not at the table"
    elif b.reason is Reason.FORM:
        stance = s.scenario.actors[b.actor].stances[issue]
        wanted = stance.red_line.form.value if stance.red_line and stance.red_line.form else "?"
        held = FORM_NAMES[int(s.arrays.venue_form[b.venue])]
        why = f"{actor} counts only {wanted} agreements or stronger; this meeting's form is {held}"
    elif b.reason is Reason.RED_LINE:
        why = "the red lines of those whose consent it needs do not overlap"
    elif b.reason is Reason.STATUS_QUO:
        why = "left out of the package, as a party whose consent it needs prefers the status quo"
    else:
        why = "positions still too far apart"
    return f"no agreement on {issue}: {why}"


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
        if venue < 0 or (venue, day) in rounds:
            return rounds.get((venue, day), 0)
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
    for b in record.blocked:
        add(b.day, 2, b.venue, EntryKind.BLOCKED, _blocked(s, b))
    for g in record.agreements:
        if g is not None:
            issue = scenario.issues[g.issue]
            text = (
                f"AGREEMENT on {issue.id} ({FORM_NAMES[g.form]}) at {g.position:.1f}, "
                f"nearest waypoint “{waypoint_label(issue, g.position)}”"
            )
            add(g.day, 3, g.venue, EntryKind.AGREEMENT, text)
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


@dataclass(frozen=True)
class Driver:
    """A feature of runs and how it differs between runs with and without an outcome."""

    feature: str
    kind: str
    """"share" for yes/no features, "mean" for sampled numbers."""
    with_outcome: float
    without_outcome: float
    difference: float
    low: float
    high: float
    """The difference's 95 % interval: Newcombe's for shares, Welch's normal one for means."""
    standardised: float
    """Difference divided by the feature's standard deviation over all runs (the ranking key)."""
    places: int = 3
    """Decimals a mean is shown with: 1 on 0–100 scales, 3 on 0–1 ones."""

    @property
    def excludes_zero(self) -> bool:
        """True when the 95 % interval lies wholly on one side of zero."""
        return self.low > 0.0 or self.high < 0.0


def _features(
    arrays: ScenarioArrays, params: RunParameters, record: RunRecord
) -> tuple[list[float], list[float]]:
    """Yes/no and numeric features of a run; NaN where a feature is not observed.

    Why: a run that reaches the top rung stops, so its later meetings never happen; counting them
    as failed would make every later meeting look like a driver of war. So an agreement blocked
    at a meeting counts only in runs that lasted to its date, and the meeting an agreement in
    force comes from (a later one may replace it) only in runs that lasted the whole calendar.
    Shocks are taken as drawn, for the same reason.
    """
    flags = params.shock_fired.astype(float).tolist()
    reached = np.zeros((len(arrays.venue_ids), arrays.n_issues))
    blocked = np.zeros_like(reached)
    for g in record.agreements:
        if g is not None:
            reached[g.venue, g.issue] = 1.0
    for b in record.blocked:
        blocked[b.venue, b.issue] = 1.0
    blocked[arrays.venue_day > record.end_day] = np.nan
    if record.end_day < arrays.venue_day.max():
        reached[:] = np.nan
    flags += reached[arrays.venue_table].tolist() + blocked[arrays.venue_table].tolist()
    numbers = params.position.ravel().tolist() + params.salience.ravel().tolist()
    numbers += params.prevail.tolist()
    return flags, numbers


def _names(arrays: ScenarioArrays) -> tuple[list[str], list[str]]:
    flags = [f"shock drawn to fire: {s}" for s in arrays.shock_ids]
    table = list(zip(*np.nonzero(arrays.venue_table), strict=True))
    flags += [
        f"agreement on {arrays.issue_ids[k]} from {arrays.venue_ids[v]} in force at the end"
        for v, k in table
    ]
    flags += [
        f"agreement on {arrays.issue_ids[k]} blocked at {arrays.venue_ids[v]}" for v, k in table
    ]
    pairs = [(a, k) for a in arrays.actor_ids for k in arrays.issue_ids]
    numbers = [f"position of {a} on {k}" for a, k in pairs]
    numbers += [f"salience of {a} on {k}" for a, k in pairs]
    numbers += [f"belief of {arrays.actor_ids[a]} in prevailing" for a in arrays.option_actor]
    return flags, numbers


def _mean_driver(
    name: str, x: npt.NDArray[np.float64], hit: npt.NDArray[np.bool_], places: int
) -> Driver:
    a, b = x[hit], x[~hit]
    diff = float(a.mean() - b.mean())
    small = min(len(a), len(b)) < 2
    se = math.inf if small else math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    low, high, spread = diff - Z95 * se, diff + Z95 * se, float(x.std(ddof=1))
    standardised = diff / spread
    return Driver(
        name, "mean", float(a.mean()), float(b.mean()), diff, low, high, standardised, places
    )


def _share_driver(
    name: str, x: npt.NDArray[np.float64], hit: npt.NDArray[np.bool_]
) -> Driver | None:
    known = ~np.isnan(x)
    x, hit = x[known], hit[known]
    a, b = x[hit], x[~hit]
    if not (a.size and b.size and 0.0 < x.mean() < 1.0):
        return None
    d = newcombe_difference(int(a.sum()), len(a), int(b.sum()), len(b))
    p = float(x.mean())
    with_, without = float(a.mean()), float(b.mean())
    return Driver(
        name, "share", with_, without, d.value, d.low, d.high, d.value / math.sqrt(p - p * p)
    )


def explain_outcome(
    scenario: Scenario,
    outcome: str,
    runs: int = 1000,
    seed: int = 0,
    top: int = 12,
    progress: Progress | None = None,
) -> tuple[int, list[Driver]]:
    """Rank what separates runs with *outcome* from the others; return (runs with it, drivers).

    *outcome* may be an outcome or a primary-class id. Runs are the same as
    ``simulate(scenario, runs, seed)``. A meeting's features compare only the runs still going
    on its date (see :func:`_features`); features that never vary are left out. When every run
    or none has the outcome there is nothing to compare and the list is empty.
    """
    rules = outcome_rules(scenario)
    if outcome not in rules.outcome_ids + rules.primary_ids:
        known = ", ".join(rules.outcome_ids + rules.primary_ids)
        raise SimulationError(f"unknown outcome {outcome!r}; known: {known}")
    if runs < 2:
        raise SimulationError(f"runs must be at least 2 to compare runs (got {runs})")
    if seed < 0:
        raise SimulationError(f"seed must be non-negative (got {seed})")
    arrays = compile_scenario(scenario)
    hit = np.zeros(runs, dtype=bool)
    flag_rows, number_rows = [], []
    for index in range(runs):
        params, record = simulate_run(arrays, seed, index)
        flags, primary = classify(record, rules)
        if outcome in rules.outcome_ids:
            hit[index] = flags[rules.outcome_ids.index(outcome)]
        else:
            hit[index] = primary == rules.primary_ids.index(outcome)
        f, n = _features(arrays, params, record)
        flag_rows.append(f)
        number_rows.append(n)
        if progress is not None and (index + 1 == runs or (index + 1) % 25 == 0):
            progress(index + 1)
    count = int(hit.sum())
    if count in (0, runs):
        return count, []
    flag_names, number_names = _names(arrays)
    flags_arr = np.array(flag_rows, dtype=float).reshape(runs, len(flag_names))
    numbers_arr = np.array(number_rows, dtype=float).reshape(runs, len(number_names))
    shares = (_share_driver(n, flags_arr[:, i], hit) for i, n in enumerate(flag_names))
    drivers = [d for d in shares if d is not None]
    positions = arrays.position.size
    drivers += [
        _mean_driver(n, numbers_arr[:, i], hit, 1 if i < positions else 3)
        for i, n in enumerate(number_names)
        if numbers_arr[:, i].std() > 1e-9
    ]
    drivers.sort(key=lambda d: (-abs(d.standardised), d.feature))
    return count, drivers[:top]


def driver_number(driver: Driver, value: float, signed: bool = False) -> str:
    """*value* in the driver's unit: percent (points when *signed*) for shares, else a number."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if driver.kind == "share":
        return f"{100 * value:+.0f}" if signed else f"{100 * value:.0f} %"
    return f"{value:+.{driver.places}f}" if signed else f"{value:.{driver.places}f}"


def driver_reading(driver: Driver, label: str, runs: int) -> str:
    """One sentence that reads *driver* for a student: what differs, by how much, how sure."""
    d = driver
    low, high = driver_number(d, d.low, True), driver_number(d, d.high, True)
    if d.kind == "share":
        text = (
            f"“{d.feature}” holds in {driver_number(d, d.with_outcome)} of the runs with "
            f"“{label}” against {driver_number(d, d.without_outcome)} of the others "
            f"({driver_number(d, d.difference, True)} points, 95 % interval {low} to {high})"
        )
    else:
        text = (
            f"The {d.feature} averages {driver_number(d, d.with_outcome)} in the runs with "
            f"“{label}” against {driver_number(d, d.without_outcome)} in the others "
            f"({driver_number(d, d.difference, True)}, 95 % interval {low} to {high})"
        )
    if d.excludes_zero:
        return f"{text}: a real difference at {runs} runs, though an association, not a cause."
    return f"{text}: the interval includes zero, so at {runs} runs this may be chance."
