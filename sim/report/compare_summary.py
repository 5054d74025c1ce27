"""The terminal tables of a comparison: shares, paired differences and runs that changed class.

Shares carry their 95 % Wilson intervals; each scenario after the first carries its difference
from the first in percentage points with the 95 % interval for paired runs, marked when it
excludes zero, or "identical in every run" when no paired run differs. The transition table
counts runs by primary class in the first scenario and in each other.

Every table takes the first layout that fits the width: full scenario names as headings, or
letters (A, B…, named above the table), with values beside or over their intervals, and last one
row per outcome and scenario. Column widths never go below the longest word they hold, so words
are never split.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sim.analysis.comparison import Comparison, Difference, Transitions
from sim.report.fitting import fits, longest_word
from sim.report.summary import plain_text

LABEL_WIDTH = 20
"""Labels wrap at spaces down to this width (or their longest word) before layouts change."""
MARK = "*"
"""Suffix of a difference whose 95 % interval excludes zero."""
IDENTICAL = "identical in every run"
"""What a difference cell says when no paired run differs."""


@dataclass(frozen=True)
class Layout:
    """How the cells of a comparison table are laid out for a given width."""

    names: bool
    """Scenario names as column headings (else letters, named above the table)."""
    compact: bool
    """Value and interval on two lines instead of one."""
    stacked: bool = False
    """One row per outcome and scenario instead of one row per outcome."""


LAYOUTS = (
    Layout(names=True, compact=False),
    Layout(names=False, compact=False),
    Layout(names=True, compact=True),
    Layout(names=False, compact=True),
    Layout(names=False, compact=False, stacked=True),
)
"""Layouts tried in turn; the first that fits is used, else the last, stacked and compact."""
NARROWEST = Layout(names=False, compact=True, stacked=True)


def letter(index: int) -> str:
    """Short name of scenario *index* in narrow tables: A, B, … Z, then A2, B2 and so on."""
    letters = string.ascii_uppercase
    return letters[index % 26] + (str(index // 26 + 1) if index >= 26 else "")


def share_cell(comparison: Comparison, outcome: str, index: int, layout: Layout) -> Text:
    """Share of *outcome* in scenario *index* with its 95 % interval, in percent."""
    results = comparison.results[index]
    low, high = results.interval(outcome)
    sep = "\n" if layout.compact else " "
    return Text(f"{100 * results.share(outcome):.1f} %{sep}({100 * low:.1f}–{100 * high:.1f})")


def points(share: float) -> str:
    """A difference of shares in signed percentage points, one decimal (two when it would read 0).

    Why: a bound of -0.04 points excludes zero, and "-0.0" would hide that.
    """
    text = f"{100 * share:+.1f}"
    return f"{100 * share:+.2f}" if share != 0 and float(text) == 0 else text


def difference_text(diff: Difference, sep: str = " ") -> str:
    """A difference in points with its interval, marked when it excludes 0; or identical."""
    if diff.identical:
        return IDENTICAL
    mark = f" {MARK}" if diff.excludes_zero else ""
    return f"{points(diff.value)} pp{mark}{sep}({points(diff.low)} to {points(diff.high)})"


def difference_cell(diff: Difference, layout: Layout) -> Text:
    """:func:`difference_text` as a cell: bold when the interval excludes zero."""
    text = difference_text(diff, "\n" if layout.compact else " ")
    return Text(text, style="bold" if diff.excludes_zero else "")


def _heading(comparison: Comparison, index: int, layout: Layout) -> str:
    return comparison.names[index] if layout.names else letter(index)


def _difference_heading(comparison: Comparison, index: int, layout: Layout) -> str:
    first, this = _heading(comparison, 0, layout), _heading(comparison, index, layout)
    return f"{this}\n− {first}" if layout.names else f"{this} − {first}"


def _label_width(heading: str, labels: list[str]) -> int:
    return max(longest_word(heading, *labels), min(LABEL_WIDTH, max(map(len, labels), default=1)))


def _wrapping_column(
    table: Table, heading: str | Text, least: int, capped: bool, **kw: Any
) -> None:
    """A column that wraps at spaces; *capped* (for measuring) holds it at *least* wide.

    Why no ``min_width`` when rendering: rich applies it after shrinking the other columns, so
    a table can end up wider than the console. Rich never wraps a column below its longest word
    while the table fits, which :func:`~sim.report.fitting.fits` checks.
    """
    table.add_column(heading, max_width=least if capped else None, **kw)


@dataclass(frozen=True)
class _Shares:
    """A share table: one row per outcome (or primary class) under *heading*, in any layout."""

    comparison: Comparison
    heading: str
    outcomes: tuple[str, ...]

    def table(self, layout: Layout, capped: bool = False) -> Table:
        """The table in *layout*; *capped* for measuring (see :func:`_wrapping_column`)."""
        table = Table(box=box.SIMPLE_HEAD)
        labels = [self.comparison.label(o) for o in self.outcomes]
        _wrapping_column(table, self.heading, _label_width(self.heading, labels), capped)
        (self._stacked if layout.stacked else self._wide)(table, layout, capped)
        return table

    def _wide(self, table: Table, layout: Layout, capped: bool) -> None:
        comparison, count = self.comparison, len(self.comparison.results)
        for index in range(count):
            name = _heading(comparison, index, layout)
            table.add_column(Text(name), justify="right", no_wrap=True)
        for index in range(1, count):
            name = _difference_heading(comparison, index, layout)
            table.add_column(Text(name), justify="right", no_wrap=True)
        for outcome in self.outcomes:
            shares = [share_cell(comparison, outcome, i, layout) for i in range(count)]
            diffs = [
                difference_cell(comparison.difference(outcome, i), layout) for i in range(1, count)
            ]
            table.add_row(Text(comparison.label(outcome)), *shares, *diffs)

    def _stacked(self, table: Table, layout: Layout, capped: bool) -> None:
        comparison = self.comparison
        table.add_column("", no_wrap=True)
        table.add_column("share", justify="right", no_wrap=True)
        _wrapping_column(table, "− A", longest_word(IDENTICAL, "(+100.0"), capped, justify="right")
        for outcome in self.outcomes:
            for index in range(len(comparison.results)):
                label = Text(comparison.label(outcome)) if index == 0 else Text("")
                diff = (
                    difference_cell(comparison.difference(outcome, index), layout) if index else ""
                )
                share = share_cell(comparison, outcome, index, layout)
                table.add_row(label, letter(index), share, diff)


def _transition_table(
    comparison: Comparison, index: int, layout: Layout, capped: bool = False
) -> Table:
    moves = comparison.transitions(index)
    first_labels = [comparison.label(c) for c in moves.first]
    this_labels = [comparison.label(c, index) for c in moves.this]
    corner = f"{_heading(comparison, 0, layout)} ↓ {_heading(comparison, index, layout)} →"
    table = Table(box=box.SIMPLE_HEAD)
    _wrapping_column(table, Text(corner), _label_width(corner, first_labels), capped)
    for label in this_labels:
        least = longest_word(label, str(moves.runs))
        _wrapping_column(table, Text(label), least, capped, justify="right")
    for label, row, class_id in zip(first_labels, moves.counts, moves.first, strict=True):
        cells = [
            Text(str(n), style="" if moves.this[j] == class_id else "bold")
            for j, n in enumerate(row)
        ]
        table.add_row(Text(label), *cells)
    return table


def _move_lines(comparison: Comparison, index: int, moves: Transitions) -> list[Text]:
    return [
        Text(f"  {n} runs: {comparison.label(a)} → {comparison.label(b, index)}")
        for a, b, n in moves.moves()
    ]


def _transitions(comparison: Comparison, width: int, layout: Layout) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for index in range(1, len(comparison.results)):
        moves = comparison.transitions(index)
        first, this = comparison.names[0], comparison.names[index]
        parts.append(
            Text(
                f"\nRuns by primary class, {first} (rows) against {this} (columns), run k paired "
                f"with run k: {moves.moved} of {moves.runs} runs changed class."
            )
        )
        if moves.moved == 0:
            continue
        if fits(_transition_table(comparison, index, layout, capped=True), width):
            parts.append(_transition_table(comparison, index, layout))
        else:
            parts += _move_lines(comparison, index, moves)
    return parts


def choose_layout(build: Callable[[Layout], Table], width: int) -> Layout:
    """The first of :data:`LAYOUTS` whose capped table fits *width* (see :func:`fits`)."""
    for layout in LAYOUTS:
        if fits(build(layout), width):
            return layout
    return NARROWEST


def _legend(comparison: Comparison, layout: Layout) -> list[Text]:
    """Each scenario's title, after its name (and its letter, when headings are letters)."""
    return [
        Text(f"  {name if layout.names else f'{letter(i)} = {name}'}: {r.scenario.scenario.title}")
        for i, (name, r) in enumerate(zip(comparison.names, comparison.results, strict=True))
    ]


def _not_compared(comparison: Comparison) -> list[Text]:
    if not comparison.unshared:
        return []
    lines = [Text("\nNot compared, because only some scenarios define them:")]
    for index, (results, name) in enumerate(zip(comparison.results, comparison.names, strict=True)):
        ids = comparison.unshared.get(results.scenario.id, ())
        if ids:
            labels = ", ".join(f"{comparison.label(o, index)} ({o})" for o in ids)
            lines.append(Text(f"  {name}: {labels}"))
    return lines


def comparison_renderables(comparison: Comparison, width: int = 100) -> Group:
    """The comparison as rich renderables: header, outcome and class tables, footnote, moves.

    One layout serves every table, the first of :data:`LAYOUTS` in which all of them fit *width*.
    """
    first = comparison.results[0]
    outcomes = _Shares(comparison, "outcome", comparison.shared)
    classes = _Shares(comparison, "primary class", comparison.shared_primary)

    def build_all(layout: Layout) -> Table:
        grid = Table.grid()
        for shares in (outcomes, classes):
            grid.add_row(shares.table(layout, capped=True))
        return grid

    layout = choose_layout(build_all, width)
    header: list[RenderableType] = [
        Text(
            f"Comparing {len(comparison.results)} scenarios: {first.runs} runs each, seed "
            f"{first.seed}, run k of every scenario on the same seed; differences are from the "
            f"first, {comparison.names[0]}."
        ),
        *_legend(comparison, layout),
    ]
    footnote = Text(
        f"Shares in % with 95 % Wilson intervals; differences in percentage points with 95 % "
        f"intervals for paired runs (Newcombe's method 10). {MARK} the interval excludes zero: "
        f"the scenarios differ on this beyond Monte Carlo noise; “{IDENTICAL}”: no run had the "
        f"outcome in one scenario and not the other. Each interval stands alone: among many "
        f"outcomes, about one in twenty may be marked by chance."
    )
    return Group(
        *header,
        Text("\nOutcomes: a run may satisfy several or none."),
        outcomes.table(layout),
        Text("Primary classes: one per run; they sum to 100 %."),
        classes.table(layout),
        footnote,
        *_transitions(comparison, width, layout),
        *_not_compared(comparison),
    )


def format_comparison(comparison: Comparison, width: int = 100) -> str:
    """The comparison as plain text, byte-stable for a given *width*."""
    return plain_text(comparison_renderables(comparison, width), width)
