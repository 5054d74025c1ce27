"""The compare report: scenarios side by side on one self-contained offline HTML page.

The page shares its shell with the run report (:func:`sim.report.html.render_page`): plotly.js
inlined once, fixed element ids, nothing from the clock. Besides the figures it holds a table of
every shared outcome's share per scenario and difference from the first, with intervals.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.analysis.comparison import Comparison, Difference
from sim.analysis.stamp import Stamp
from sim.files import write_output
from sim.report.compare_figures import compare_figures
from sim.report.compare_summary import IDENTICAL, MARK, points
from sim.report.figures import issue_div_id
from sim.report.html import Section, figure_section, render_page
from sim.report.stamp_html import stamp_paragraph
from sim.report.tables import Cell, html_table

TABLE_ID = "difference-table"
"""Fixed element id of the table of differences."""
TRANSITIONS_ID = "transitions"
"""Fixed element id of the tables of runs by primary class in the first and each other scenario."""
READING = {
    "outcomes": (
        "Outcomes",
        "For each outcome every scenario defines, one bar per scenario: the share of its runs "
        "meeting the outcome's condition, with the 95 % Wilson interval as whiskers. Outcomes may "
        "co-occur or not occur at all, so the shares need not sum to 100 %.",
    ),
    "primary": (
        "Primary classes",
        "Every run falls in exactly one primary class, so each scenario's bars sum to 100 %. "
        "Whiskers are 95 % Wilson intervals.",
    ),
    "differences": (
        "Differences from the first scenario",
        "Each later scenario's share minus the first scenario's, per outcome, with the 95 % "
        "interval of the difference for paired runs (run k of every scenario uses the same seed; "
        "Newcombe's method 10). A filled marker's interval "
        "excludes zero: the scenarios differ beyond Monte Carlo noise. An open marker's interval "
        "includes zero: these runs cannot tell the scenarios apart on that outcome. Each interval "
        "stands alone: among many outcomes, about one in twenty may exclude zero by chance.",
    ),
    TABLE_ID: (
        "Table of shares and differences",
        "The numbers behind the figures above, in percent: each scenario's share with its 95 % "
        "Wilson interval, then each later scenario's difference from the first in percentage "
        "points with its 95 % interval for paired runs (Newcombe's method 10) and McNemar's exact "
        "p-value. Bold differences (marked *) exclude zero; “identical in every run” means no run "
        "had the outcome in one scenario and not in the other.",
    ),
    TRANSITIONS_ID: (
        "Runs that changed class",
        "Run k of every scenario uses the same seed, so each run of the first scenario can be "
        "followed into each other scenario: rows are the first scenario's primary classes, "
        "columns the other's, and each cell counts the runs that ended in that pair of classes. "
        "Off the diagonal are the runs the change moved from one class to another.",
    ),
    "escalation": (
        "Escalation over the calendar",
        "For each rung of the first scenario's escalation ladder above the lowest, the share of "
        "each scenario's runs standing on that rung or a higher one at the start of each week. "
        "Dotted lines mark the first scenario's meetings.",
    ),
}
"""Fixed element id → (section heading, how to read it)."""


def _issue_texts(comparison: Comparison) -> dict[str, tuple[str, str]]:
    first = comparison.results[0].scenario
    texts = {}
    for issue in first.issues:
        if issue.id in comparison.shared_issues:
            texts[issue_div_id(issue.id)] = (
                issue.name,
                f"Where agreements on this issue landed in each scenario, among the runs that "
                f"reached one (the legend gives how many): 0 means “{issue.low}”, 100 means "
                f"“{issue.high}”, and the tick labels are the first scenario's waypoints. The "
                f"histograms are overlaid, so where they overlap the colours mix. The dotted line "
                f"is the status quo, where the issue stays without agreement.",
            )
    return texts


def difference_rows(comparison: Comparison) -> list[list[str]]:
    """The table of differences as text: a header row, then one row per shared outcome and class.

    Cells are the label, each scenario's share with its interval, then each later scenario's
    paired difference from the first with its interval, ending in `` *`` when the interval
    excludes 0 (or "identical in every run"), and McNemar's p-value.
    """
    names = comparison.names
    rows = [["outcome", *names]]
    for name in names[1:]:
        rows[0] += [f"{name} − {names[0]}", f"McNemar p ({name})"]
    for outcome in comparison.shared + comparison.shared_primary:
        row = [comparison.label(outcome)]
        for results in comparison.results:
            low, high = results.interval(outcome)
            row.append(f"{100 * results.share(outcome):.1f} % ({100 * low:.1f}–{100 * high:.1f})")
        for index in range(1, len(names)):
            d = comparison.difference(outcome, index)
            row += [_trailing_mark(d), _p(d)]
        rows.append(row)
    return rows


def _trailing_mark(d: Difference) -> str:
    if d.identical:
        return IDENTICAL
    mark = f" {MARK}" if d.excludes_zero else ""
    return f"{points(d.value)} pp ({points(d.low)} to {points(d.high)}){mark}"


def _p(d: Difference) -> str:
    if d.p_value is None:
        return "—"
    return "<0.001" if d.p_value < 0.001 else f"{d.p_value:.3f}"


def transition_rows(comparison: Comparison, index: int) -> list[list[str]]:
    """Runs by primary class in the first scenario (rows) and scenario *index* (columns), as text.

    A header row (the corner names both scenarios), then one row per class of the first.
    """
    moves = comparison.transitions(index)
    names = comparison.names
    rows = [[f"{names[0]} ↓ / {names[index]} →", *(comparison.label(c, index) for c in moves.this)]]
    for class_id, counts in zip(moves.first, moves.counts, strict=True):
        rows.append([comparison.label(class_id), *(str(n) for n in counts)])
    return rows


def transition_tables(comparison: Comparison) -> str:
    """One HTML table of runs by primary class per scenario after the first."""
    parts = []
    for index in range(1, len(comparison.results)):
        moves = comparison.transitions(index)
        header, *rows = transition_rows(comparison, index)
        parts.append(
            f"<p>{html.escape(comparison.names[index])}: {moves.moved} of {moves.runs} runs "
            f"ended in another primary class than in {html.escape(comparison.names[0])}.</p>"
        )
        parts.append(html_table(header, rows, table_id=f"{TRANSITIONS_ID}-{index}", numbers=True))
    return "".join(parts)


def difference_table(comparison: Comparison) -> str:
    """The table of differences as HTML, outcomes then primary classes, marked cells in bold."""
    header, *rows = difference_rows(comparison)
    outcomes = len(comparison.shared)
    groups = {0: "Outcomes"} if outcomes else {}
    if comparison.shared_primary:
        groups[outcomes] = "Primary classes"
    body: list[list[Cell]] = [
        [row[0], *((cell, "excludes-zero") if cell.endswith(" *") else cell for cell in row[1:])]
        for row in rows
    ]
    return html_table(header, body, table_id=TABLE_ID, groups=groups, numbers=True)


def compare_report_data(comparison: Comparison) -> dict[str, Any]:
    """The figures' traces keyed by element id, plus the table's rows: what golden tests compare."""
    data: dict[str, Any] = {
        div: json.loads(figure.to_json())["data"]
        for div, figure in compare_figures(comparison).items()
    }
    data[TABLE_ID] = difference_rows(comparison)
    data[TRANSITIONS_ID] = [
        transition_rows(comparison, i) for i in range(1, len(comparison.results))
    ]
    return data


def _intro(comparison: Comparison) -> list[str]:
    e = html.escape
    first = comparison.results[0]
    items = "".join(
        f"<li><code>{e(name)}</code>: {e(r.scenario.scenario.title)} · as of "
        f"{r.scenario.scenario.as_of.isoformat()} · simulated to "
        f"{r.scenario.horizon.isoformat()}</li>"
        for name, r in zip(comparison.names, comparison.results, strict=True)
    )
    parts = [
        f"<p>{len(comparison.results)} scenarios, {first.runs} runs each, seed {first.seed}; "
        f"differences are from the first, <code>{e(comparison.names[0])}</code>. The same "
        f"scenarios, runs and seed give the same report.</p>",
        f"<ul>{items}</ul>",
        stamp_paragraph(
            Stamp.of(tuple(r.scenario for r in comparison.results), first.seed, first.runs)
        ),
    ]
    if comparison.unshared:
        leftovers = "".join(
            f"<li><code>{e(name)}</code>: "
            + e(", ".join(f"{comparison.label(o, i)} ({o})" for o in ids))
            + "</li>"
            for i, (name, r) in enumerate(zip(comparison.names, comparison.results, strict=True))
            if (ids := comparison.unshared.get(r.scenario.id, ()))
        )
        parts.append(
            f"<p>Not compared, because only some scenarios define them:</p><ul>{leftovers}</ul>"
        )
    return parts


def render_compare_report(comparison: Comparison) -> str:
    """The compare report as one HTML string: plotly.js inlined once, fixed element ids."""
    texts = READING | _issue_texts(comparison)
    sections = []
    for div, figure in compare_figures(comparison).items():
        sections.append(figure_section(div, *texts[div], figure))
        if div == "differences":
            sections.append(Section(TABLE_ID, *texts[TABLE_ID], difference_table(comparison)))
            sections.append(
                Section(TRANSITIONS_ID, *texts[TRANSITIONS_ID], transition_tables(comparison))
            )
    title = "Comparison: " + " vs ".join(comparison.names)
    return render_page(title, "negsim compare", _intro(comparison), sections)


def default_compare_path(comparison: Comparison) -> Path:
    """``reports/compare-<id1>-vs-<id2>[-vs-…].html``."""
    return compare_path(comparison.scenario_ids)


def compare_path(scenario_ids: Sequence[str]) -> Path:
    """``reports/compare-<id1>-vs-<id2>[-vs-…].html`` for scenarios with these ids."""
    return Path("reports") / ("compare-" + "-vs-".join(scenario_ids) + ".html")


def write_compare_report(
    comparison: Comparison, path: Path | None = None, *, force: bool = False
) -> Path:
    """Write the compare report as a self-contained HTML file and return where it went.

    Args:
        comparison: what :func:`sim.analysis.comparison.compare` returned.
        path: target file; by default :func:`default_compare_path`.
        force: replace an existing file.

    Without *force* nothing is overwritten: the default name becomes ``…-2.html``, ``…-3.html``…
    when taken, and an explicit *path* that exists raises :class:`~sim.errors.NegsimError`.
    """
    html_text = render_compare_report(comparison)
    return write_output(path, default_compare_path(comparison), html_text, force=force)
