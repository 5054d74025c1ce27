"""The backtest page: forecast against outcome per model, the PIT histogram, the tables."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.backtest import MODELS, Backtest
from sim.analysis.backtest.scores import PIT_BINS, Estimate
from sim.files import write_output
from sim.report.backtest_summary import CRPS_LABELS
from sim.report.html import Section, figure_section, render_page
from sim.report.stamp_html import stamp_paragraph
from sim.report.tables import Cell, html_table
from sim.report.theme import TEMPLATE, rounded

READING = {
    "backtest-scatter": (
        "Forecast against outcome",
        "One dot per issue: the model's forecast (across) against the outcome adopted (up), "
        "both on the issue's 0–100 scale. Dots on the diagonal are exact; the further a dot "
        "lies from it, the larger the error. For the negsim engine the dot is the median of its "
        "runs and the whisker spans the 10th to the 90th percentile of their outcomes.",
    ),
    "backtest-pit": (
        "Calibration of the engine's distribution (PIT)",
        "For each issue, the share of the engine's runs that fell below the recorded outcome "
        "(ties split at random). If the engine's distributions were calibrated these values "
        "would be uniform: every bar near the dashed line. Tall bars at the right mean the "
        "outcomes lie above most runs; a U shape means the distributions are too narrow.",
    ),
}
"""Fixed element id → (heading, how to read the figure)."""


def scatter_figure(b: Backtest) -> go.Figure:
    """Forecast against outcome, one panel per model."""
    models = list(MODELS)
    figure = make_subplots(rows=2, cols=3, subplot_titles=[MODELS[m] for m in models])
    for k, model in enumerate(models):
        row, col = k // 3 + 1, k % 3 + 1
        rows = [r for r in b.issues if r.forecasts[model] is not None]
        x = rounded(float(r.forecasts[model] or 0.0) for r in rows)
        trace: dict[str, Any] = {}
        if model == "engine":
            p10 = np.array([np.percentile(r.engine, 10) for r in rows])
            p90 = np.array([np.percentile(r.engine, 90) for r in rows])
            trace["error_x"] = {
                "type": "data",
                "symmetric": False,
                "array": rounded(p90 - np.array(x)),
                "arrayminus": rounded(np.array(x) - p10),
                "thickness": 1,
                "width": 0,
            }
        figure.add_trace(
            go.Scatter(
                x=x,
                y=rounded(r.outcome for r in rows),
                mode="markers",
                marker={"size": 5, "opacity": 0.6},
                text=[html.escape(r.issue) for r in rows],
                hovertemplate="%{text}<br>forecast %{x:.1f}<br>outcome %{y:.1f}<extra></extra>",
                name=MODELS[model],
                showlegend=False,
                **trace,
            ),
            row=row,
            col=col,
        )
        figure.add_trace(
            go.Scatter(
                x=[0, 100],
                y=[0, 100],
                mode="lines",
                line={"color": "#999", "dash": "dot", "width": 1},
                hoverinfo="skip",
                showlegend=False,
            ),
            row=row,
            col=col,
        )
    figure.update_xaxes(range=[-5, 105], title_text="forecast")
    figure.update_yaxes(range=[-5, 105], title_text="outcome")
    figure.update_layout(template=TEMPLATE, height=700, margin={"t": 60})
    return figure


def pit_figure(b: Backtest) -> go.Figure:
    """The PIT histogram of the outcomes in the engine's distributions."""
    width = 1.0 / PIT_BINS
    centres = rounded((k + 0.5) * width for k in range(PIT_BINS))
    figure = go.Figure(
        go.Bar(
            x=centres,
            y=list(b.pit_counts),
            width=width * 0.95,
            hovertemplate="PIT %{x:.2f}: %{y} issues<extra></extra>",
            name="issues",
        )
    )
    expected = len(b.issues) / PIT_BINS
    figure.add_hline(y=expected, line={"dash": "dash", "color": "#555"})
    figure.update_layout(
        template=TEMPLATE,
        xaxis={"title": "PIT of the outcome", "range": [0, 1]},
        yaxis={"title": "issues"},
        showlegend=False,
    )
    return figure


def backtest_figures(b: Backtest) -> dict[str, go.Figure]:
    """The page's figures by fixed element id."""
    return {"backtest-scatter": scatter_figure(b), "backtest-pit": pit_figure(b)}


def _cell(e: Estimate, signed: bool = False) -> str:
    sign = "+" if signed else ""
    return f"{e.value:{sign}.1f} [{e.low:{sign}.1f}, {e.high:{sign}.1f}]"


def _score_table(b: Backtest) -> str:
    rows: list[list[Cell]] = []
    for m in b.scores:
        diff: Cell = "—"
        if m.model != "compromise":
            text = _cell(m.versus_baseline, signed=True)
            diff = (text, "excludes-zero") if m.versus_baseline.excludes_zero else text
        rows.append([m.label, str(m.mae.n), _cell(m.mae), diff, f"{100 * m.within.value:.0f} %"])
    head = ["model", "issues", "MAE [95 % CI]", "minus compromise", "within 10"]
    crps = [
        [label, _cell(b.crps[name], signed=name == "engine-minus-compromise")]
        for name, label in CRPS_LABELS.items()
    ]
    return html_table(head, rows, table_id="backtest-mae") + html_table(
        ["CRPS (lower is better)", "mean [95 % CI]"], crps, table_id="backtest-crps"
    )


def _issue_table(b: Backtest) -> str:
    models = list(MODELS)
    head = ["issue", "rule", "actors", "outcome", *models, "engine 10–90 %", "adopted"]
    head += ["CRPS", "PIT"]
    rows = []
    for r in b.issues:
        p10, p90 = np.percentile(r.engine, [10, 90])
        forecasts = [
            "—" if r.forecasts[m] is None else format(r.forecasts[m], ".1f") for m in models
        ]
        rows.append(
            [
                r.issue,
                f"{r.procedure} {r.voting}",
                str(r.actors),
                f"{r.outcome:g}",
                *forecasts,
                f"{p10:.1f}–{p90:.1f}",
                f"{100 * r.adopted:.0f} %",
                f"{r.crps_engine:.1f}",
                f"{r.pit:.2f}",
            ]
        )
    return html_table(head, rows, table_id="backtest-issues")


def render_backtest(b: Backtest) -> str:
    """The backtest page as one HTML string (deterministic: fixed ids, no clock)."""
    e = html.escape
    s = b.engine_settings
    intro = [
        f"<p>{len(b.issues)} issues of {b.proposals} proposals from <code>{e(b.file)}</code>; "
        f"expected-utility model {b.rounds} rounds; negsim engine {b.runs} runs per issue, seed "
        f"{b.seed}, position σ {s.position_sd:g}, salience σ {s.salience_sd:g}, "
        f"{s.rounds} rounds of talks, convergence {s.convergence:g}; capability "
        f"{e(b.capability)}. Intervals are 95 % bootstraps over proposals.</p>",
        stamp_paragraph(b.stamp),
    ]
    sections = [
        Section(
            "backtest-scores",
            "Scores",
            "Mean absolute error per model, its difference "
            "from the compromise model's on the same issues (bold: the interval excludes "
            "0), the share forecast within 10 points, and the CRPS of the distributions.",
            _score_table(b),
        ),
        *(figure_section(div, *READING[div], fig) for div, fig in backtest_figures(b).items()),
        Section("backtest-issue-table", "Every issue", "", _issue_table(b)),
    ]
    return render_page("Backtest", "negsim backtest", intro, sections)


def write_backtest_report(b: Backtest, path: Path | None = None, *, force: bool = False) -> Path:
    """Write the page atomically; by default to a free ``reports/backtest-<file>.html``."""
    default = Path("reports") / f"backtest-{Path(b.file).stem}.html"
    return write_output(path, default, render_backtest(b), force=force)
