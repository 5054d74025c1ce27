"""Assemble the figures into one self-contained HTML page, written atomically."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import plotly.io as pio
from plotly.offline import get_plotlyjs

from sim.files import write_output
from sim.report.figures import report_figures
from sim.results import Results

READING = {
    "outcomes": "Share of runs whose end state meets each outcome's condition; bars show 95 % "
    "Wilson intervals. Outcomes may co-occur, so shares need not sum to 100 %.",
    "primary": "Each run falls in exactly one primary class (the first whose condition holds).",
    "escalation": "For each week, the share of runs standing on each rung of the ladder. "
    "Dotted lines mark the meetings.",
    "convergence": "If the lines are flat on the right, more runs would not change the picture.",
    "stances": "The scenario's inputs. Hover a cell for the actor's salience, red line and the "
    "quoted evidence (or the analyst's assumption).",
}


def report_data(results: Results) -> dict[str, Any]:
    """The figures' data (traces only) keyed by element id: what golden tests compare."""
    return {
        key: json.loads(pio.to_json(fig))["data"] for key, fig in report_figures(results).items()
    }


def render_report(results: Results) -> str:
    """The report as one HTML string: plotly.js inlined once, fixed element ids, no timestamps."""
    s = results.scenario
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(s.scenario.title)} — negsim report</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
        "padding:0 1em;color:#222}p.read{color:#555;font-size:0.95em}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
        f"<h1>{html.escape(s.scenario.title)}</h1>",
        f"<p>{html.escape(s.scenario.description)}</p>",
        f"<p>Scenario <code>{html.escape(s.id)}</code> · {results.runs} runs · seed "
        f"{results.seed} · as of {s.scenario.as_of}</p>",
    ]
    for key, figure in report_figures(results).items():
        reading = READING.get(
            key,
            "Where agreements on this issue landed, on the issue's scale; "
            "dashed lines mark the deterministic baseline forecasts.",
        )
        parts.append(f'<section id="section-{key}">')
        parts.append(figure.to_html(full_html=False, include_plotlyjs=False, div_id=key))
        parts.append(f'<p class="read">{html.escape(reading)}</p></section>')
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(results: Results, path: Path | None = None, *, force: bool = False) -> Path:
    """Write the report to *path* (default ``reports/<scenario-id>.html``); return where.

    Never overwrites an existing file unless *force*: without a path, a free name
    (``-2``, ``-3``…) is chosen; with an explicit existing path, it raises NegsimError.
    """
    default = Path("reports") / f"{results.scenario.id}.html"
    return write_output(path, default, render_report(results), force=force)
