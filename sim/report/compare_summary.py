"""The terminal table of a comparison: each shared outcome's share per scenario and its difference.

Shares carry their 95 % Wilson intervals; each scenario after the first carries its difference
from the first in percentage points with Newcombe's 95 % interval, marked when it excludes zero.
The table is built wide (value and interval on one line) and falls back to two lines per cell
when the wide form does not fit the width asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.console import Console, Group
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from sim.analysis.comparison import Comparison, Difference
from sim.report.summary import plain_text

MARK = "*"
"""Suffix of a difference whose 95 % interval excludes zero."""
LABEL_WIDTH = 12
"""Narrowest the outcome column may get before cells switch to two lines."""


@dataclass(frozen=True)
class Layout:
    """How the cells of a table are laid out for a given width."""

    compact: bool
    """Value and interval on two lines instead of one."""
    wrap: bool
    """Let cells wrap at spaces: the last resort of a very narrow terminal."""


LAYOUTS = (Layout(compact=False, wrap=False), Layout(compact=True, wrap=False))
"""Layouts tried in turn; the first whose natural width fits is used, else compact and wrapped."""


def share_cell(comparison: Comparison, outcome: str, index: int, layout: Layout) -> Text:
    """Share of *outcome* in scenario *index* with its 95 % interval, in percent."""
    results = comparison.results[index]
    low, high = results.interval(outcome)
    sep = "\n" if layout.compact else " "
    text = f"{100 * results.share(outcome):.1f} %{sep}({100 * low:.1f}–{100 * high:.1f})"
    return Text(text)


def difference_cell(diff: Difference, layout: Layout) -> Text:
    """A difference in percentage points with its interval; bold and marked when it excludes 0."""
    mark = f" {MARK}" if diff.excludes_zero else ""
    sep = "\n" if layout.compact else " "
    text = f"{100 * diff.value:+.1f} pp{mark}{sep}({100 * diff.low:+.1f} to {100 * diff.high:+.1f})"
    return Text(text, style="bold" if diff.excludes_zero else "")


def _table(
    comparison: Comparison,
    heading: str,
    outcomes: tuple[str, ...],
    layout: Layout,
    label_width: int | None = None,
) -> Table:
    names = comparison.names
    sep = "\n" if layout.compact else " "
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(heading, min_width=LABEL_WIDTH, max_width=label_width)
    for name in names:
        table.add_column(Text(name), justify="right", overflow="fold", no_wrap=not layout.wrap)
    for name in names[1:]:
        table.add_column(
            Text(f"{name}{sep}− {names[0]}"),
            justify="right",
            overflow="fold",
            no_wrap=not layout.wrap,
        )
    for outcome in outcomes:
        shares = [share_cell(comparison, outcome, i, layout) for i in range(len(names))]
        diffs = [
            difference_cell(comparison.difference(outcome, i), layout) for i in range(1, len(names))
        ]
        table.add_row(Text(comparison.label(outcome)), *shares, *diffs)
    return table


def _fitting_table(
    comparison: Comparison, heading: str, outcomes: tuple[str, ...], width: int
) -> Table:
    for layout in LAYOUTS:
        narrowest = _table(comparison, heading, outcomes, layout, label_width=LABEL_WIDTH)
        if _natural_width(narrowest) <= width:
            return _table(comparison, heading, outcomes, layout)
    return _table(comparison, heading, outcomes, Layout(compact=True, wrap=True))


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
    """The comparison as rich renderables: header, outcome and class tables, footnote, leftovers.

    Each table takes the first of :data:`LAYOUTS` that fits *width*.
    """
    first = comparison.results[0]
    header = [
        Text(
            f"Comparing {len(comparison.results)} scenarios: {first.runs} runs each, seed "
            f"{first.seed}; differences are from the first, {comparison.names[0]}."
        ),
        *(
            Text(f"  {name}: {r.scenario.scenario.title}")
            for name, r in zip(comparison.names, comparison.results, strict=True)
        ),
    ]
    footnote = Text(
        f"Shares in % with 95 % Wilson intervals; differences in percentage points with 95 % "
        f"Newcombe intervals. {MARK} the interval excludes zero: the scenarios differ on this "
        f"beyond Monte Carlo noise. Each interval stands alone: among many outcomes, about one in "
        f"twenty may be marked by chance."
    )
    return Group(
        *header,
        Text("\nOutcomes: a run may satisfy several or none."),
        _fitting_table(comparison, "outcome", comparison.shared, width),
        Text("Primary classes: one per run; they sum to 100 %."),
        _fitting_table(comparison, "primary class", comparison.shared_primary, width),
        footnote,
        *_not_compared(comparison),
    )


def _natural_width(table: Table) -> int:
    console = Console(width=10_000, color_system=None, legacy_windows=False)
    return Measurement.get(console, console.options, table).maximum


def format_comparison(comparison: Comparison, width: int = 100) -> str:
    """The comparison as plain text, byte-stable for a given *width*."""
    return plain_text(comparison_renderables(comparison, width), width)
