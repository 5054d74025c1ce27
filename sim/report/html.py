"""Assemble the figures into one self-contained offline HTML page, written atomically.

The page is deterministic: plotly.js is inlined once in the head, every figure has a fixed
element id (plotly would otherwise draw a fresh uuid), and nothing records the clock.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sim.analysis.results import Results
from sim.analysis.stamp import Stamp
from sim.files import write_output
from sim.report.figures import issue_div_id, report_figures
from sim.report.numbers import WORD_COLUMNS, Rows, report_tables
from sim.report.redlines import redlines_div_id
from sim.report.stamp_html import stamp_paragraph
from sim.report.summary import uncertainty_note
from sim.report.tables import TABLE_CSS, html_table
from sim.scenario.format import Scenario

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#222;line-height:1.45}p.read{color:#444;background:#f6f6f6;padding:.6em .9em;"
    "border-left:3px solid #bbb}nav li{margin:.1em 0}section{margin:2.5em 0}"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}"
    "th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}"
    "th:first-child,td:first-child{text-align:left}tr.group th{background:#f6f6f6}"
    "td.excludes-zero{font-weight:bold}"
)
READING = {
    "outcomes": (
        "Outcomes",
        "Each bar is the share of runs whose end state meets the outcome's condition; the "
        "whiskers are the 95 % Wilson interval, the range the share would plausibly take with "
        "unlimited runs of this model. Outcomes may co-occur or not occur at all, so the shares "
        "need not sum to 100 %. Bars are coloured by family: orange-red for escalation, blue "
        "for a settlement, blue-green for a side deal, grey for none of these, the same on "
        "every page. A bar of no runs reads “0.0 %”, or “unreachable” when the scenario's "
        "certain inputs rule the outcome out. The table below gives every number.",
    ),
    "primary": (
        "Primary classes",
        "Every run falls in exactly one primary class (the first whose condition holds, in "
        "the scenario's order), so these shares sum to 100 %. Whiskers are 95 % Wilson intervals.",
    ),
    "escalation": (
        "Escalation over the calendar",
        "For each week, the share of runs standing on each rung of the escalation ladder at the "
        "start of the week; the bands stack to 100 %. Dotted lines mark the meetings (hover a "
        "label for its name and date). A band that widens after a meeting shows runs in which "
        "the talks failed to hold escalation back.",
    ),
    "war-dates": (
        "When the wars start",
        "For each week, the share of all runs in which the top rung of the ladder was reached "
        "that week (bars), and the share reached by the end of the week (line). Escalation is "
        "reviewed after every meeting and on the decision clock between them, so wars can start "
        "on days without a meeting. Dotted lines mark the meetings.",
    ),
    "convergence": (
        "Convergence",
        "The share of each outcome among the first runs, as runs accumulate (log scale). Lines "
        "that are flat on the right mean more runs would not change the estimates; lines still "
        "moving mean the run count is too small for the differences you care about.",
    ),
    "stances": (
        "Stances and evidence",
        "The scenario's inputs, not results: each actor's ideal position on each issue's 0–100 "
        "scale, on a colour scale that takes no side: dark blue at 0 (each issue's low end, named "
        "in its section), yellow at 100 (its high end); the number in each cell is the position. "
        "Hover a cell for the actor's salience, its red line, and "
        "the quoted evidence with its source id, or the analyst's assumption where no source "
        "speaks to the value.",
    ),
}
"""Fixed element id → (section heading, how to read the figure)."""


@dataclass(frozen=True)
class Section:
    """One section of a report page: a heading, how to read it, and its content."""

    id: str
    """Fixed element id of the content; the section itself is ``section-<id>``."""
    heading: str
    reading: str
    """How to read the content, in plain words; empty for none."""
    content: str
    """The section's HTML: a figure's div or a table."""


def figure_section(
    div_id: str, heading: str, reading: str, figure: go.Figure, after: str = ""
) -> Section:
    """A section holding *figure* under the fixed element id *div_id* (plotly.js not included).

    *after* is HTML set under the figure: the table of its numbers, so a printout has them.
    """
    content = figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id)
    return Section(div_id, heading, reading, content + after)


def render_page(title: str, kind: str, intro: Sequence[str], sections: Sequence[Section]) -> str:
    """The page every report shares: plotly.js inlined once, heading, intro, contents, sections.

    Args:
        title: page heading, plain text (escaped here).
        kind: what the page is, e.g. ``"negsim report"``; appended to the browser title.
        intro: HTML paragraphs under the heading, already escaped; empty strings are skipped.
        sections: the page's sections in order.
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)} — {e(kind)}</title>",
        f"<style>{STYLE}{TABLE_CSS}</style>",
        "<script type=\"text/javascript\">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
        f"<h1>{e(title)}</h1>",
        *intro,
        "<nav><ul>",
        *(f'<li><a href="#section-{s.id}">{e(s.heading)}</a></li>' for s in sections),
        "</ul></nav>",
    ]
    for section in sections:
        parts += [
            f'<section id="section-{section.id}">',
            f"<h2>{e(section.heading)}</h2>",
            f'<p class="read">{e(section.reading)}</p>' if section.reading else "",
            section.content,
            "</section>",
        ]
    parts.append("</body></html>\n")
    return "\n".join(p for p in parts if p)


def _issue_texts(results: Results) -> dict[str, tuple[str, str]]:
    texts = {}
    for issue in results.scenario.issues:
        baselines = (
            "Dashed lines are the deterministic baseline forecasts: the capability×salience-"
            "weighted median and mean, and the expected-utility model's forecast."
            if results.baselines.get(issue.id)
            else "No baseline forecasts were attached to these results."
        )
        texts[redlines_div_id(issue.id)] = (
            f"Red lines on {issue.name}",
            f"The scenario's inputs, not results: each actor's red line as a bar over the "
            f"range it accepts (grey when the line may be a bluff), its position as a dot "
            f"(larger: more salient), and “(veto)” for an actor whose consent every agreement "
            f"needs. The green band is where some meeting could place an agreement: the overlap "
            f"of the red lines of everyone whose consent it needs. No band means no meeting can "
            f"ever agree on this issue. The dotted line is the status quo. 0 means "
            f"“{issue.low}”, 100 means “{issue.high}”.",
        )
        texts[issue_div_id(issue.id)] = (
            issue.name,
            f"Where agreements on this issue landed, among the runs that reached one: 0 means "
            f"“{issue.low}”, 100 means “{issue.high}”, and the tick labels are the scenario's "
            f"waypoints. Bars are stacked by the agreement's form (verbal, written, binding). "
            f"The dotted line is the status quo, where the issue stays without agreement. "
            f"{baselines}",
        )
    return texts


def report_data(results: Results) -> dict[str, Any]:
    """The figures' traces and the tables under them: what golden tests compare.

    Traces are keyed by element id, each table by ``<id>-numbers``.
    """
    data: dict[str, Any] = {
        div: json.loads(fig.to_json())["data"] for div, fig in report_figures(results).items()
    }
    for div, (head, rows) in report_tables(results).items():
        data[f"{div}-numbers"] = [head, *rows]
    return data


def render_report(results: Results) -> str:
    """The report as one HTML string: plotly.js inlined once, fixed element ids, no clock."""
    meta = results.scenario.scenario
    texts = READING | _issue_texts(results)
    e = html.escape
    intro = [
        f"<p>{e(meta.description)}</p>" if meta.description else "",
        f"<p>Scenario <code>{e(meta.id)}</code> · as of {meta.as_of.isoformat()} · simulated "
        f"to {results.scenario.horizon.isoformat()} · {results.runs} runs · seed "
        f"{results.seed}. The same scenario, runs and seed give the same report.</p>",
        stamp_paragraph(Stamp.of((results.scenario,), results.seed, results.runs)),
    ]
    tables = report_tables(results)
    sections = [
        figure_section(div, *texts[div], figure, _numbers(div, tables))
        for div, figure in report_figures(results).items()
    ]
    sections.insert(1, uncertainty_section(results))
    return render_page(meta.title, "negsim report", intro, sections)


def _numbers(div: str, tables: dict[str, Rows]) -> str:
    if div not in tables:
        return ""
    head, rows = tables[div]
    words = [c for c, heading in enumerate(head) if heading in WORD_COLUMNS]
    return html_table(head, rows, table_id=f"{div}-numbers", numbers=True, words=words)


def uncertainty_section(results: Results) -> Section:
    """The shares with both kinds of uncertainty apart, and the outcomes that cannot occur."""
    spread = results.input_spread
    head = ["outcome", "share", "95 % interval (simulation noise)"]
    head += ["input spread (10–90 %)"] if spread is not None else []
    rows = []
    s = results.scenario
    for key, label in [(o.id, o.label) for o in s.outcomes] + [(p.id, p.label) for p in s.primary]:
        low, high = results.interval(key)
        noise = f"{100 * low:.1f} – {100 * high:.1f} %"
        if key in results.structural_zeros:
            noise = "cannot occur: " + results.structural_zeros[key]
        cells = [label, f"{100 * results.share(key):.1f} %", noise]
        if spread is not None:
            cells.append(f"{100 * spread.low[key]:.1f} – {100 * spread.high[key]:.1f} %")
        rows.append(cells)
    table = html_table(head, rows, table_id="uncertainty")
    return Section(
        "uncertainty",
        "Two kinds of uncertainty",
        uncertainty_note(results)
        + " An outcome that cannot occur is proved unreachable from the scenario's certain "
        "inputs before any run, so its zero is not an estimate.",
        table,
    )


def default_report_path(scenario: Scenario) -> Path:
    """``reports/<scenario-id>.html``, where a report goes when no path is given."""
    return Path("reports") / f"{scenario.id}.html"


def write_report(results: Results, path: Path | None = None, *, force: bool = False) -> Path:
    """Write the report as a self-contained HTML file and return where it went.

    Args:
        results: what :func:`sim.analysis.montecarlo.simulate` returned.
        path: target file; by default ``reports/<scenario-id>.html``.
        force: replace an existing file.

    Without *force* nothing is overwritten: with no *path*, the first free name of
    ``<scenario-id>.html``, ``<scenario-id>-2.html``… is used; an explicit *path* that already
    exists raises :class:`~sim.errors.NegsimError`. The file is written atomically.
    """
    return write_output(
        path, default_report_path(results.scenario), render_report(results), force=force
    )
