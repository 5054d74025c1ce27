"""Results → plotly figures, one function per chart (the plotly-express shape).

Each function takes :class:`~sim.analysis.results.Results` and returns a ``go.Figure``;
:func:`report_figures` lists them all under the fixed element ids the HTML page uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go

from sim.analysis.results import Results, wilson_interval
from sim.report.escalation import escalation_figure, war_dates_figure
from sim.report.palette import NAMES, colours, outcome_colours
from sim.report.redlines import red_line_figure, redlines_div_id
from sim.report.stances import stance_figure
from sim.report.theme import (
    DASHES,
    FORM_COLOURS,
    FORMS,
    LABEL_WIDTH,
    escape,
    finish,
    rounded,
    wrap,
)
from sim.scenario.families import family
from sim.scenario.format import Outcome, PrimaryClass
from sim.vocabulary import Family

MARK_ROW = 17
"""Pixels between the rows of labels above a plot (status quo, baselines)."""
BIN_WIDTH = 5
"""Width of the histogram bins of agreed positions, in points of the 0–100 scale."""
BASELINE_NAMES = {
    "median": "weighted median",
    "mean": "weighted mean",
    "expected_utility": "EU model",
}
"""Readable names of the keys of ``Results.baselines[issue]``."""


def _share_bars(
    title: str,
    items: Sequence[Outcome | PrimaryClass],
    counts: npt.NDArray[np.int64],
    results: Results,
) -> go.Figure:
    """Horizontal bars of shares with 95 % intervals, coloured by family, each bar labelled.

    A bar of no runs is labelled "0.0 %", or "unreachable" when the scenario's certain inputs
    rule the outcome out (``Results.structural_zeros``, :mod:`sim.engine.reachability`).
    """
    s, runs = results.scenario, results.runs
    share = counts / runs
    low, high = wilson_interval(counts, runs)
    ruled_out = results.structural_zeros
    families = [family(item, s) for item in items]
    palette = colours(items, s)
    impossible = [c == 0 and item.id in ruled_out for item, c in zip(items, counts, strict=True)]
    texts = [
        "\u00a0unreachable" if no else f"\u00a0{100 * v:.1f} %"
        for no, v in zip(impossible, share, strict=True)
    ]
    high = np.where(impossible, share, high)
    labels = [wrap(item.label, LABEL_WIDTH, lines=4) for item in items]
    figure = go.Figure(
        go.Bar(
            x=rounded(share),
            y=labels,
            orientation="h",
            marker={"color": palette, "line": {"color": "#555", "width": 0.5}},
            showlegend=False,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": rounded(high - share),
                "arrayminus": rounded(share - low),
                "color": "#333",
            },
            customdata=[
                [int(c), *rounded([lo, hi]), NAMES[f]]
                for c, lo, hi, f in zip(counts, low, high, families, strict=True)
            ],
            hovertemplate="%{y}: %{x:.1%} (%{customdata[0]} runs; "
            "95 % interval %{customdata[1]:.1%}–%{customdata[2]:.1%}; "
            "%{customdata[3]})<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=rounded(high),
            y=labels,
            mode="text",
            text=texts,
            textposition="middle right",
            cliponaxis=False,
            showlegend=False,
            hoverinfo="skip",
        )
    )
    for kind in (f for f in Family if f in families):
        figure.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                orientation="h",
                name=NAMES[kind],
                marker={"color": palette[families.index(kind)]},
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        xaxis={"tickformat": ".0%", "range": [0, 1.18], "title": "share of runs", "dtick": 0.25},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return finish(figure, title, legend="family", height=220 + 50 * len(items), top=20)


def outcome_figure(results: Results) -> go.Figure:
    """Each outcome's share of runs, with its 95 % Wilson interval as error bars."""
    return _share_bars(
        "Outcomes: share of runs with 95 % interval (a run may satisfy several or none)",
        results.scenario.outcomes,
        results.counts(),
        results,
    )


def primary_figure(results: Results) -> go.Figure:
    """Each primary class's share of runs (they sum to 100 %), with its 95 % Wilson interval."""
    return _share_bars(
        "Primary classes: share of runs with 95 % interval (one class per run)",
        results.scenario.primary,
        results.primary_counts(),
        results,
    )


def scale_ticks(results: Results, issue: int) -> dict[str, object]:
    """Axis ticks of an issue's 0–100 scale at its end labels and waypoints."""
    spec = results.scenario.issues[issue]
    ticks = [(0.0, spec.low), *((w.at, w.label) for w in spec.waypoints), (100.0, spec.high)]
    return {
        "tickmode": "array",
        "tickvals": [at for at, _ in ticks],
        "ticktext": [f"<b>{at:g}</b><br>{wrap(label, 12, lines=5)}" for at, label in ticks],
        "tickfont": {"size": 10},
        "range": [0, 100],
    }


def mark_position(figure: go.Figure, x: float, label: str, row: int, dash: str) -> None:
    """A labelled vertical line at *x* (status quo, a baseline) above the plot.

    The label runs from the line toward the middle of the scale (right of a line in the lower
    half, left of one in the upper half), so that it stays inside the figure at any width.
    """
    figure.add_vline(x=x, line_dash=dash, line_color="black", line_width=1)
    figure.add_annotation(
        x=x, y=1.0, yref="paper", yshift=2 + MARK_ROW * row,
        xanchor="left" if x <= 50 else "right", yanchor="bottom",
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
        barmode="stack",
        bargap=0.05,
        xaxis=scale_ticks(results, issue),
        yaxis={"title": "runs", "rangemode": "nonnegative", "range": None if agreed else [0, 1]},
    )
    title = f"{spec.name}: agreed positions ({agreed} of {results.runs} runs agreed)"
    room = MARK_ROW * (len(keys) + 1)
    return finish(figure, title, legend="form", height=460 + room, top=10 + room)


def convergence_figure(results: Results) -> go.Figure:
    """Running share of each outcome as runs accumulate (log axis): has the estimate settled?"""
    marks, shares = results.convergence()
    figure = go.Figure()
    palette = outcome_colours(results.scenario)
    for o, outcome in enumerate(results.scenario.outcomes):
        figure.add_trace(
            go.Scatter(
                x=[int(m) for m in marks],
                y=rounded(shares[:, o]),
                name=escape(outcome.label),
                mode="lines",
                line={"color": palette[outcome.id], "dash": DASHES[o % len(DASHES)]},
                hovertemplate="%{y:.1%} after %{x} runs",
            )
        )
    figure.update_layout(
        hovermode="x unified",
        xaxis={"type": "log", "title": "runs (log scale)"},
        yaxis={"tickformat": ".0%", "title": "share of runs so far"},
    )
    title = "Convergence: running share of each outcome as runs accumulate"
    return finish(figure, title, height=420 + 22 * len(results.scenario.outcomes))


def issue_div_id(issue_id: str) -> str:
    """Fixed element id of an issue's figure."""
    return f"issue-{issue_id}"


def report_figures(results: Results) -> dict[str, go.Figure]:
    """Every figure of the report, keyed by its fixed element id, in page order."""
    figures = {
        "outcomes": outcome_figure(results),
        "primary": primary_figure(results),
        "escalation": escalation_figure(results),
        "war-dates": war_dates_figure(results),
    }
    for k, issue in enumerate(results.scenario.issues):
        figures[redlines_div_id(issue.id)] = red_line_figure(results, k)
        figures[issue_div_id(issue.id)] = issue_figure(results, k)
    figures["convergence"] = convergence_figure(results)
    figures["stances"] = stance_figure(results)
    return figures
