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

from sim.analysis.comparison import Comparison
from sim.analysis.stamp import Stamp
from sim.files import write_output
from sim.report.compare_figures import compare_figures
from sim.report.figures import issue_div_id
from sim.report.html import Section, figure_section, render_page, stamp_paragraph
from sim.report.tables import Cell, html_table

TABLE_ID = "difference-table"
"""Fixed element id of the table of differences."""
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
        "interval of the difference (Newcombe's hybrid score method). A filled marker's interval "
        "excludes zero: the scenarios differ beyond Monte Carlo noise. An open marker's interval "
        "includes zero: these runs cannot tell the scenarios apart on that outcome. Each interval "
        "stands alone: among many outcomes, about one in twenty may exclude zero by chance.",
    ),
    TABLE_ID: (
        "Table of shares and differences",
        "The numbers behind the figures above, in percent: each scenario's share with its 95 % "
        "Wilson interval, then each later scenario's difference from the first in percentage "
        "points with its 95 % Newcombe interval. Bold differences (marked *) exclude zero.",
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
    difference from the first with its interval, ending in `` *`` when the interval excludes 0.
    """
    names = comparison.names
    rows = [["outcome", *names, *(f"{name} − {names[0]}" for name in names[1:])]]
    for outcome in comparison.shared + comparison.shared_primary:
        row = [comparison.label(outcome)]
        for results in comparison.results:
            low, high = results.interval(outcome)
            row.append(f"{100 * results.share(outcome):.1f} % ({100 * low:.1f}–{100 * high:.1f})")
        for index in range(1, len(names)):
            d = comparison.difference(outcome, index)
            mark = " *" if d.excludes_zero else ""
            row.append(f"{100 * d.value:+.1f} pp ({100 * d.low:+.1f} to {100 * d.high:+.1f}){mark}")
        rows.append(row)
    return rows


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
    return html_table(header, body, table_id=TABLE_ID, groups=groups)


def compare_report_data(comparison: Comparison) -> dict[str, Any]:
    """The figures' traces keyed by element id, plus the table's rows: what golden tests compare."""
    data: dict[str, Any] = {
        div: json.loads(figure.to_json())["data"]
        for div, figure in compare_figures(comparison).items()
    }
    data[TABLE_ID] = difference_rows(comparison)
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
