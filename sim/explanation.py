"""Why runs turn out as they do: one run's story, and what separates runs with an outcome.

:func:`explain_run` re-simulates run *K* exactly as :func:`sim.simulate` did and returns its
timeline. :func:`explain_outcome` compares runs with an outcome against the others on every
shock, sampled parameter and venue agreement, ranked by standardised difference.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.comparison import newcombe_difference
from sim.errors import SimulationError
from sim.montecarlo import simulate_run
from sim.outcomes import classify, outcome_rules
from sim.record import Reason, RunRecord
from sim.sampling import RunParameters, ScenarioArrays, compile_scenario
from sim.scenario import Scenario
from sim.vocabulary import FORM_NAMES

FORMS = FORM_NAMES
Z95 = 1.959964


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a run's story."""

    day: float
    date: dt.date
    venue: str
    """Venue id, or "" outside meetings."""
    text: str


@dataclass(frozen=True)
class RunStory:
    """A run's record, its timeline and what it satisfied."""

    run_index: int
    record: RunRecord
    parameters: RunParameters
    timeline: tuple[TimelineEntry, ...]
    outcomes: tuple[str, ...]
    primary: str
    peak_rung: str


def _date(scenario: Scenario, day: float) -> dt.date:
    return scenario.scenario.as_of + dt.timedelta(days=math.floor(day))


def _reason_text(reason: Reason) -> str:
    return {
        Reason.EXPECTED_UTILITY: "expected utility",
        Reason.RED_LINE: "red line",
        Reason.VETO: "veto",
        Reason.FORM: "form of agreement",
        Reason.STATUS_QUO: "status quo preferred",
        Reason.NOT_CONVERGED: "positions too far apart",
    }[reason]


def timeline(scenario: Scenario, arrays: ScenarioArrays, record: RunRecord) -> list[TimelineEntry]:
    """The run's events in time order, in words, with the values that drove each decision."""
    actor, issue = arrays.actor_ids, arrays.issue_ids
    rungs = arrays.rung_ids
    entries: list[tuple[float, int, TimelineEntry]] = []

    def add(day: float, order: int, venue: str, text: str) -> None:
        entries.append((day, order, TimelineEntry(day, _date(scenario, day), venue, text)))

    for e in record.events:
        venue = arrays.venue_ids[e.venue]
        verdict = "accepted" if e.accepted else "refused"
        moved = f", moving {e.start:.1f} → {e.end:.1f}" if e.accepted else ""
        add(
            e.day,
            1,
            venue,
            f"round {e.round}: {actor[e.proposer]} proposes that {actor[e.target]} move on "
            f"{issue[e.issue]} from {e.start:.1f} to {e.proposed:.1f} ({e.kind}); {verdict}"
            f"{moved} [{_reason_text(e.reason)}; E(U) of resisting {e.expected_utility:+.3f}]",
        )
    for b in record.blocked:
        who = f" ({actor[b.actor]})" if b.actor >= 0 else ""
        add(
            b.day,
            2,
            arrays.venue_ids[b.venue],
            f"no agreement on {issue[b.issue]}: {_reason_text(b.reason)}{who}",
        )
    for g in record.agreements:
        if g is not None:
            add(
                g.day,
                3,
                arrays.venue_ids[g.venue],
                f"AGREEMENT on {issue[g.issue]} at {g.position:.1f} ({FORMS[g.form]})",
            )
    for shock, day in record.shocks:
        add(day, 0, "", f"SHOCK {arrays.shock_ids[shock]}")
    for s in record.escalation:
        if s.actor < 0:
            add(s.day, 4, "", f"ESCALATION to {rungs[s.level]} (shock)")
            continue
        add(
            s.day,
            4,
            "",
            f"ESCALATION: {actor[s.actor]} moves to {rungs[s.level]} "
            f"[force {s.force_value:.3f} vs talks {s.talks_value:.3f}; p = {s.probability:.2f}; "
            f"opponents' offer {s.concession:.0%} of the way]",
        )
    entries.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in entries]


def explain_run(scenario: Scenario, run_index: int, seed: int = 0) -> RunStory:
    """Re-simulate run *run_index* of ``simulate(scenario, seed=seed)`` and tell its story."""
    if run_index < 0:
        raise SimulationError(f"run index must be non-negative (got {run_index})")
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    params, record = simulate_run(arrays, seed, run_index)
    flags, primary = classify(record, rules)
    rungs = arrays.rung_ids or ("-",)
    return RunStory(
        run_index=run_index,
        record=record,
        parameters=params,
        timeline=tuple(timeline(scenario, arrays, record)),
        outcomes=tuple(o for o, f in zip(rules.outcome_ids, flags, strict=True) if f),
        primary=rules.primary_ids[primary],
        peak_rung=rungs[record.peak_level],
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
    standardised: float
    """Difference divided by the pooled standard deviation (the ranking key)."""


def _features(
    arrays: ScenarioArrays, params: RunParameters, record: RunRecord
) -> tuple[list[float], list[float]]:
    flags: list[float] = [
        float(f) for f in np.isin(np.arange(len(arrays.shock_ids)), [s for s, _ in record.shocks])
    ]
    reached = np.zeros((len(arrays.venue_ids), arrays.n_issues))
    for g in record.agreements:
        if g is not None:
            reached[g.venue, g.issue] = 1.0
    flags += reached[arrays.venue_table].tolist()
    numbers = params.position.ravel().tolist() + params.salience.ravel().tolist()
    numbers += params.prevail.tolist()
    return flags, numbers


def _names(arrays: ScenarioArrays) -> tuple[list[str], list[str]]:
    flags = [f"shock fired: {s}" for s in arrays.shock_ids]
    flags += [
        f"agreement on {arrays.issue_ids[k]} at {arrays.venue_ids[v]}"
        for v, k in zip(*np.nonzero(arrays.venue_table), strict=True)
    ]
    pairs = [(a, k) for a in arrays.actor_ids for k in arrays.issue_ids]
    numbers = [f"position of {a} on {k}" for a, k in pairs]
    numbers += [f"salience of {a} on {k}" for a, k in pairs]
    numbers += [f"belief of prevailing: {arrays.actor_ids[a]}" for a in arrays.option_actor]
    return flags, numbers


def _mean_driver(name: str, x: npt.NDArray[np.float64], hit: npt.NDArray[np.bool_]) -> Driver:
    a, b = x[hit], x[~hit]
    diff = float(a.mean() - b.mean())
    se = (
        math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        if min(len(a), len(b)) > 1
        else math.inf
    )
    pooled = float(x.std(ddof=1)) if len(x) > 1 else 0.0
    return Driver(
        name,
        "mean",
        float(a.mean()),
        float(b.mean()),
        diff,
        diff - Z95 * se,
        diff + Z95 * se,
        diff / pooled if pooled > 0 else 0.0,
    )


def _share_driver(name: str, x: npt.NDArray[np.float64], hit: npt.NDArray[np.bool_]) -> Driver:
    a, b = x[hit], x[~hit]
    d = newcombe_difference(int(a.sum()), len(a), int(b.sum()), len(b))
    p = float(x.mean())
    spread = math.sqrt(p * (1 - p))
    return Driver(
        name,
        "share",
        float(a.mean()),
        float(b.mean()),
        d.value,
        d.low,
        d.high,
        d.value / spread if spread > 0 else 0.0,
    )


def explain_outcome(
    scenario: Scenario, outcome: str, runs: int = 1000, seed: int = 0, top: int = 12
) -> tuple[int, list[Driver]]:
    """Rank what separates runs with *outcome* from the others; return (runs with it, drivers).

    *outcome* may be an outcome or a primary-class id. Runs are the same as
    ``simulate(scenario, runs, seed)``.
    """
    rules = outcome_rules(scenario)
    if outcome not in rules.outcome_ids + rules.primary_ids:
        known = ", ".join(rules.outcome_ids + rules.primary_ids)
        raise SimulationError(f"unknown outcome {outcome!r}; known: {known}")
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
    count = int(hit.sum())
    if count in (0, runs):
        return count, []
    flag_names, number_names = _names(arrays)
    flags_arr, numbers_arr = np.array(flag_rows, dtype=float), np.array(number_rows, dtype=float)
    drivers = [_share_driver(n, flags_arr[:, i], hit) for i, n in enumerate(flag_names)]
    drivers += [
        _mean_driver(n, numbers_arr[:, i], hit)
        for i, n in enumerate(number_names)
        if numbers_arr[:, i].std() > 1e-9
    ]
    drivers.sort(key=lambda d: (-abs(d.standardised), d.feature))
    return count, drivers[:top]
