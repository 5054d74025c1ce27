"""``negsim explain``: one run's story as a timeline, or what drives an outcome across runs."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from sim.analysis.drivers import Driver, driver_number, driver_reading, explain_outcome
from sim.analysis.stamp import Stamp
from sim.analysis.story import EntryKind, RunStory, TimelineEntry, explain_run, venue_conduct
from sim.cli.common import (
    Json,
    Runs,
    ScenarioFile,
    Seed,
    console,
    hang,
    print_stamped,
    run_progress,
    user_errors_exit_2,
)
from sim.engine.reachability import structural_zeros
from sim.errors import NegsimError
from sim.report.fitting import column_groups, fits, longest_word
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario
from sim.vocabulary import FORM_NAMES

MARKS = {
    EntryKind.PROPOSAL: ("·", ""),
    EntryKind.AGREEMENT: ("✔", "bold green"),
    EntryKind.RATIFIED: ("✔", "green"),
    EntryKind.BLOCKED: ("✘", "red"),
    EntryKind.SHOCK: ("⚡", "magenta"),
    EntryKind.ESCALATION: ("▲", "bold red"),
    EntryKind.DE_ESCALATION: ("▼", "bold cyan"),
}
"""Each kind of entry's mark and style."""
LEGEND = (
    "· a proposal and its answer (E(U): the target's expected utility of resisting)   "
    "✔ agreement   ✘ agreement blocked   ⚡ shock   ▲ ▼ escalation step"
)


def _labels(scenario: Scenario) -> dict[str, str]:
    labels = {p.id: p.label for p in scenario.primary}
    labels.update({o.id: o.label for o in scenario.outcomes})
    return labels


def _rung_labels(scenario: Scenario) -> dict[str, str]:
    ladder = scenario.escalation.ladder if scenario.escalation else ()
    return {r.id: f"{r.id} (“{r.label}”)" for r in ladder} | {"-": "no ladder"}


def _venue_heading(scenario: Scenario, entry: TimelineEntry) -> Text:
    venue = next(v for v in scenario.venues if v.id == entry.venue)
    heading = Text(f"{entry.date} · {venue.name} ({venue.id}), {venue.place}", style="bold")
    heading.append(
        f"\n{venue.form.value} · {venue_conduct(venue)} · {', '.join(venue.participants)} "
        f"on {', '.join(venue.issues)}",
        style="dim",
    )
    return heading


@dataclass(frozen=True)
class _Entry:
    """A timeline entry's mark and text, kept apart so a terminal can hang the text past it."""

    mark: str
    text: Text

    @classmethod
    def of(cls, entry: TimelineEntry) -> _Entry:
        mark, style = MARKS[entry.kind]
        refused = entry.kind is EntryKind.PROPOSAL and " refuses" in entry.text
        return cls(mark, Text(entry.text, style="yellow" if refused else style))


Line = tuple[int, RenderableType | _Entry]
"""A renderable and the indent it is printed at."""


def _timeline(scenario: Scenario, story: RunStory) -> list[Line]:
    """The entries under date and venue headings, with a sub-heading per round."""
    parts: list[Line] = []
    group: tuple[object, str] | None = None
    round_ = 0
    for entry in story.timeline:
        key = (entry.date, entry.venue)
        if entry.venue and key != group:
            parts += [(0, Text("")), (0, _venue_heading(scenario, entry))]
            group, round_ = key, 0
        elif not entry.venue and (group is None or group[0] != entry.date):
            parts += [(0, Text("")), (0, Text(f"{entry.date}", style="bold"))]
            group, round_ = key, 0
        if entry.venue and entry.round and entry.round != round_:
            parts.append((2, Text(f"round {entry.round}", style="italic")))
            round_ = entry.round
        parts.append((4 if entry.venue else 2, _Entry.of(entry)))
    return parts


def _parameters(scenario: Scenario, story: RunStory, width: int) -> list[RenderableType]:
    p = story.parameters

    def table(columns: Sequence[int]) -> Table:
        """Column 0: the actor; column k + 1: issue k."""
        built = Table(box=box.SIMPLE_HEAD)
        built.add_column("actor", no_wrap=True)
        for c in columns[1:]:
            built.add_column(scenario.issues[c - 1].id, justify="right", no_wrap=True)
        for a, actor in enumerate(scenario.actors):
            cells = [f"{p.position[a, c - 1]:.1f} · {p.salience[a, c - 1]:.2f}" for c in columns]
            built.add_row(actor.id, *cells[1:])
        return built

    tables = [table(g) for g in column_groups(table, len(scenario.issues) + 1, width)]
    options = scenario.escalation.options if scenario.escalation else ()
    beliefs = [
        f"{o.actor} {b:.2f} (stated {o.prevail:g})" for o, b in zip(options, p.prevail, strict=True)
    ]
    parts: list[RenderableType] = [Text("This run's sampled ideal positions · saliences:"), *tables]
    if beliefs:
        parts.append(Text(f"beliefs of prevailing by force: {'; '.join(beliefs)}"))
    return [*parts, Text(LEGEND, style="dim")]


def _footer(scenario: Scenario, story: RunStory) -> list[RenderableType]:
    labels, rungs = _labels(scenario), _rung_labels(scenario)
    record = story.record
    satisfied = ", ".join(f"{o} ({labels[o]})" for o in story.outcomes) or "none"
    agreements = [
        f"{scenario.issues[g.issue].id} at {g.position:.1f}, {FORM_NAMES[g.form]}"
        for g in record.agreements
        if g is not None
    ]
    end = scenario.scenario.as_of + dt.timedelta(days=math.floor(record.end_day))
    return [
        Text(""),
        Text("─" * 60, style="dim"),
        Text(f"outcomes satisfied: {satisfied}"),
        Text(f"primary class: {story.primary} ({labels[story.primary]})"),
        Text(
            f"escalation: started on {rungs[story.start_rung]}, peak {rungs[story.peak_rung]}, "
            f"ended on {rungs[story.final_rung]}"
        ),
        Text(f"agreements in force at the end: {'; '.join(agreements) or 'none'}"),
        Text(f"run ended on {end}", style="dim"),
    ]


def _print_story(out: Console, scenario: Scenario, story: RunStory) -> None:
    """Print the story at the console's width, each entry's text hanging past its mark."""
    title = f"{scenario.id}, run {story.run_index} (seed {story.seed}): {scenario.scenario.title}"
    lines: list[Line] = [(0, Text(title, style="bold"))]
    lines += [(0, part) for part in _parameters(scenario, story, out.width)]
    lines += _timeline(scenario, story)
    lines += [(0, part) for part in _footer(scenario, story)]
    for indent, part in lines:
        if isinstance(part, _Entry):
            hang(out, part.text, indent, Text(part.mark, style=part.text.style))
        elif isinstance(part, Text):
            hang(out, part, indent)
        else:
            out.print(Padding(part, (0, 0, 0, indent), expand=False) if indent else part)


DRIVERS_NOTE = (
    "* the 95 % interval of the difference excludes zero. Shares: Newcombe's interval; means: "
    "Welch's. Ranked by the difference over the input's spread. Only the runs' inputs are "
    "compared (causes, not consequences), never one the outcome's own condition names; a "
    "shock's day counts only in runs where it was drawn to fire."
)


def _drivers_table(drivers: list[Driver], stacked: bool) -> Table:
    """The ranked drivers: one column per number, or (*stacked*) the numbers under the name."""
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", no_wrap=True)
    if stacked:
        table.add_column("feature: with · without · difference (95 % interval) · e.g. runs")
    else:
        table.add_column("feature")
        for name in ("with", "without", "difference", "95 % interval", "", "e.g. runs"):
            table.add_column(name, justify="right", no_wrap=True)
    for rank, d in enumerate(drivers, 1):
        points = " pts" if d.kind == "share" else ""
        cells = [
            driver_number(d, d.with_outcome),
            driver_number(d, d.without_outcome),
            driver_number(d, d.difference, signed=True) + points,
            f"{driver_number(d, d.low, True)} to {driver_number(d, d.high, True)}",
            "*" if d.excludes_zero else "",
            ", ".join(str(r) for r in d.examples),
        ]
        if stacked:
            with_, without, difference, interval, mark, examples = cells
            numbers = f"{with_} · {without} · {difference} ({interval}){mark and ' ' + mark}"
            table.add_row(str(rank), Text(f"{d.feature}\n  {numbers} · e.g. runs {examples}"))
        else:
            table.add_row(str(rank), Text(d.feature), *cells)
    return table


def _print_drivers(
    out: Console,
    scenario: Scenario,
    path: Path,
    outcome: str,
    runs: int,
    seed: int,
    count: int,
    drivers: list[Driver],
) -> None:
    label = _labels(scenario)[outcome]
    if not drivers:
        which = "none" if count == 0 else "all"
        out.print(
            f"“{label}” ({outcome}) holds in {which} of {runs} runs (seed {seed}): nothing to "
            "compare. Try more runs or another seed."
        )
        return
    title = (
        f"What separates the {count} of {runs} runs with “{label}” ({outcome}) from the "
        f"others (seed {seed})"
    )
    least = longest_word(*(d.feature for d in drivers))
    stacked = not fits(_drivers_table(drivers, stacked=False), out.width, least)
    table = _drivers_table(drivers, stacked)
    out.print(Text(title))
    out.print(table)
    out.print(Text(DRIVERS_NOTE))
    out.print(Text(driver_reading(drivers[0], label, runs)))
    first = drivers[0]
    if first.examples:
        runs_text = ", ".join(str(r) for r in first.examples)
        out.print(
            Text(
                f"e.g. runs {runs_text} — try `negsim explain {path} "
                f"--run {first.examples[0]} --seed {seed}`"
            )
        )


def _drivers_with_progress(
    scenario: Scenario, outcome: str, runs: int, seed: int, top: int
) -> tuple[int, list[Driver]]:
    with run_progress() as bar:
        task = bar.add_task(f"{scenario.id}: runs", total=runs)
        return explain_outcome(
            scenario, outcome, runs, seed, top, lambda done: bar.update(task, completed=done)
        )


def story_payload(story: RunStory) -> dict[str, Any]:
    """One run's story as plain data for ``--json``."""
    return {
        "index": story.run_index,
        "outcomes": list(story.outcomes),
        "primary": story.primary,
        "escalation": {
            "start": story.start_rung,
            "peak": story.peak_rung,
            "final": story.final_rung,
        },
        "timeline": [
            {
                "date": e.date.isoformat(),
                "venue": e.venue or None,
                "round": e.round or None,
                "kind": e.kind.value,
                "text": e.text,
            }
            for e in story.timeline
        ],
    }


def drivers_payload(outcome: str, count: int, drivers: list[Driver]) -> dict[str, Any]:
    """What separates runs with *outcome*, as plain data for ``--json``."""
    return {
        "id": outcome,
        "runs_with": count,
        "drivers": [
            {
                "feature": d.feature,
                "input": d.input,
                "kind": d.kind,
                "with": d.with_outcome,
                "without": d.without_outcome,
                "difference": d.difference,
                "low": d.low,
                "high": d.high,
                "excludes_zero": d.excludes_zero,
            }
            for d in drivers
        ],
    }


def explain(
    scenario: ScenarioFile,
    run: Annotated[
        int | None,
        typer.Option(
            min=0,
            metavar="K",
            help="Tell the story of run K (0-based, as in negsim run; below --runs).",
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(metavar="ID", help="Rank what drives this outcome (or primary class) id."),
    ] = None,
    runs: Runs = 1000,
    seed: Seed = 0,
    top: Annotated[
        int, typer.Option(min=1, max=1000, metavar="N", help="How many drivers to show.")
    ] = 12,
    json: Json = False,
) -> None:
    """Explain one run (--run K) or what separates runs with an outcome (--outcome ID)."""
    with user_errors_exit_2():
        if (run is None) == (outcome is None):
            raise NegsimError(
                "negsim explain: give exactly one of --run K (one run's story) or --outcome ID "
                "(what drives an outcome)"
            )
        if run is not None and run >= runs:
            raise NegsimError(
                f"--run {run} is outside the {runs:,} runs (0 to {runs - 1:,}); give --runs "
                f"{run + 1:,} or more, as in the negsim run the index comes from"
            )
        loaded = load_scenario(scenario)
        stamp = Stamp.of((loaded,), seed, runs)
        out = console()
        if run is not None:
            story = explain_run(loaded, run, seed)
            if json:
                print_stamped("explain", stamp, run=story_payload(story))
            else:
                _print_story(out, loaded, story)
        elif outcome is not None:
            zeros = structural_zeros(loaded)
            label = _labels(loaded).get(outcome)
            if label is not None and outcome in zeros and not json:
                out.print(Text(f"“{label}” ({outcome}) cannot occur: {zeros[outcome]}"))
                return
            count, drivers = _drivers_with_progress(loaded, outcome, runs, seed, top)
            if json:
                found = drivers_payload(outcome, count, drivers)
                print_stamped("explain", stamp, outcome=found)
            else:
                _print_drivers(out, loaded, scenario, outcome, runs, seed, count, drivers)
