"""Results → plotly figures, one function per chart (the plotly-express shape).

Each function takes :class:`~sim.analysis.results.Results` and returns a ``go.Figure``;
:func:`report_figures` lists them all under the fixed element ids the HTML page uses.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go

from sim.analysis.results import Results, wilson_interval
from sim.report.escalation import escalation_figure
from sim.report.stances import stance_figure
from sim.report.theme import FORM_COLOURS, FORMS, TEMPLATE, escape, rounded, wrap

BIN_WIDTH = 5
"""Width of the histogram bins of agreed positions, in points of the 0–100 scale."""
BASELINE_NAMES = {
    "median": "weighted median",
    "mean": "weighted mean",
    "expected_utility": "EU model",
}
"""Readable names of the keys of ``Results.baselines[issue]``."""


def _share_bars(
    title: str, labels: list[str], counts: npt.NDArray[np.int64], runs: int
) -> go.Figure:
    share = counts / runs
    low, high = wilson_interval(counts, runs)
    figure = go.Figure(
        go.Bar(
            x=rounded(share),
            y=[escape(label) for label in labels],
            orientation="h",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": rounded(high - share),
                "arrayminus": rounded(share - low),
            },
            customdata=[
                [int(c), *rounded([lo, hi])] for c, lo, hi in zip(counts, low, high, strict=True)
            ],
            hovertemplate="%{y}: %{x:.1%} (%{customdata[0]} runs; "
            "95 % interval %{customdata[1]:.1%}–%{customdata[2]:.1%})<extra></extra>",
        )
    )
    figure.update_layout(
        title=title,
        template=TEMPLATE,
        xaxis={"tickformat": ".0%", "range": [0, 1], "title": "share of runs"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=160 + 32 * len(labels),
    )
    return figure


def outcome_figure(results: Results) -> go.Figure:
    """Each outcome's share of runs, with its 95 % Wilson interval as error bars."""
    return _share_bars(
        "Outcomes: share of runs with 95 % interval (a run may satisfy several or none)",
        [o.label for o in results.scenario.outcomes],
        results.counts(),
        results.runs,
    )


def primary_figure(results: Results) -> go.Figure:
    """Each primary class's share of runs (they sum to 100 %), with its 95 % Wilson interval."""
    return _share_bars(
        "Primary classes: share of runs with 95 % interval (one class per run)",
        [p.label for p in results.scenario.primary],
        results.primary_counts(),
        results.runs,
    )


def scale_ticks(results: Results, issue: int) -> dict[str, object]:
    """Axis ticks of an issue's 0–100 scale at its end labels and waypoints."""
    spec = results.scenario.issues[issue]
    ticks = [(0.0, spec.low), *((w.at, w.label) for w in spec.waypoints), (100.0, spec.high)]
    return {
        "tickmode": "array",
        "tickvals": [at for at, _ in ticks],
        "ticktext": [f"<b>{at:g}</b><br>{wrap(label, 16, lines=4)}" for at, label in ticks],
        "range": [0, 100],
    }


def mark_position(figure: go.Figure, x: float, label: str, row: int, dash: str) -> None:
    """A labelled vertical line at *x* (status quo, a baseline) above the plot."""
    figure.add_vline(x=x, line_dash=dash, line_color="black", line_width=1)
    figure.add_annotation(
        x=x, y=1.0 + 0.07 * row, yref="paper", xanchor="left", yanchor="bottom",
        showarrow=False, text=f"{label} {x:.1f}", font={"size": 11},
    )  # fmt: skip


def issue_figure(results: Results, issue: int) -> go.Figure:
    """Histogram of agreed positions on one issue, stacked by the agreement's form.

    The x axis is the issue's scale with its end points and waypoints as tick labels; the
    status quo (dotted) and the baseline forecasts (dashed) are marked as vertical lines.
    """
    spec = results.scenario.issues[issue]
    edges = np.arange(0, 100 + BIN_WIDTH, BIN_WIDTH, dtype=np.float64)
    figure = go.Figure()
    for f, form in enumerate(FORMS):
        counts = results.tally.histogram(issue, BIN_WIDTH, form=f)
        figure.add_trace(
            go.Bar(
                x=rounded(edges[:-1] + BIN_WIDTH / 2),
                y=[int(c) for c in counts],
                width=BIN_WIDTH,
                name=form,
                marker_color=FORM_COLOURS[f],
                hovertemplate=f"{form}: %{{y}} runs at %{{x}} ± {BIN_WIDTH / 2:g}<extra></extra>",
            )
        )
    mark_position(figure, spec.status_quo.position, "status quo", 0, "dot")
    base = results.baselines.get(spec.id, {})
    keys = [k for k in BASELINE_NAMES if k in base] + sorted(set(base) - set(BASELINE_NAMES))
    for row, key in enumerate(keys, start=1):
        mark_position(figure, base[key], BASELINE_NAMES.get(key, escape(key)), row, "dash")
    agreed = results.tally.agreed(issue)
    if agreed == 0:
        figure.add_annotation(
            text="No run reached an agreement on this issue.", showarrow=False,
            x=50, y=0.5, yref="paper", bgcolor="white",
        )  # fmt: skip
    figure.update_layout(
        title=f"{escape(spec.name)}: agreed positions ({agreed} of {results.runs} runs agreed)",
        template=TEMPLATE,
        barmode="stack",
        bargap=0.05,
        xaxis=scale_ticks(results, issue),
        yaxis={"title": "runs", "rangemode": "nonnegative", "range": None if agreed else [0, 1]},
        legend={"title": "form"},
        margin={"t": 110 + 25 * len(keys)},
    )
    return figure


def convergence_figure(results: Results) -> go.Figure:
    """Running share of each outcome as runs accumulate (log axis): has the estimate settled?"""
    marks, shares = results.convergence()
    figure = go.Figure()
    for o, outcome in enumerate(results.scenario.outcomes):
        figure.add_trace(
            go.Scatter(
                x=[int(m) for m in marks],
                y=rounded(shares[:, o]),
                name=escape(outcome.label),
                mode="lines",
                hovertemplate="%{y:.1%} after %{x} runs",
            )
        )
    figure.update_layout(
        title="Convergence: running share of each outcome as runs accumulate",
        template=TEMPLATE,
        hovermode="x unified",
        xaxis={"type": "log", "title": "runs (log scale)"},
        yaxis={"tickformat": ".0%", "title": "share of runs so far"},
    )
    return figure


def issue_div_id(issue_id: str) -> str:
    """Fixed element id of an issue's figure."""
    return f"issue-{issue_id}"


def report_figures(results: Results) -> dict[str, go.Figure]:
    """Every figure of the report, keyed by its fixed element id, in page order."""
    figures = {
        "outcomes": outcome_figure(results),
        "primary": primary_figure(results),
        "escalation": escalation_figure(results),
    }
    for k, issue in enumerate(results.scenario.issues):
        figures[issue_div_id(issue.id)] = issue_figure(results, k)
    figures["convergence"] = convergence_figure(results)
    figures["stances"] = stance_figure(results)
    return figures
