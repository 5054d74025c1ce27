"""Chart of a deterministic forecast: per-round median and mean, and each actor's path."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go

from sim.analysis.forecast import IssueForecast
from sim.analysis.stamp import Stamp
from sim.files import write_output
from sim.report.html import figure_section, render_page, stamp_paragraph

READING = (
    "Each thin line is one actor's position after each round of the expected-utility model; the "
    "thick black line is the capability×salience-weighted median and the dashed grey line the "
    "weighted mean. The forecast is the median after the last round."
)
"""How to read each forecast chart."""


def forecast_figure(result: IssueForecast) -> go.Figure:
    """Median, mean and every actor's position, round by round."""
    t = result.trajectory
    rounds = list(range(len(t.medians)))
    figure = go.Figure()
    for a, actor in enumerate(result.actors):
        figure.add_trace(
            go.Scatter(
                x=rounds,
                y=[float(v) for v in t.positions[:, a]],
                name=actor,
                mode="lines+markers",
                line={"width": 1},
            )
        )
    figure.add_trace(
        go.Scatter(
            x=rounds,
            y=[float(v) for v in t.medians],
            name="median",
            line={"width": 4, "color": "black"},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=rounds,
            y=[float(v) for v in t.means],
            name="mean",
            line={"width": 4, "dash": "dash", "color": "grey"},
        )
    )
    figure.update_layout(
        title=f"Expected-utility forecast: {result.issue}",
        xaxis_title="round",
        yaxis_title="position",
        template="plotly_white",
    )
    return figure


def render_forecast_report(results: Sequence[IssueForecast], stamp: Stamp | None = None) -> str:
    """The forecast charts as one self-contained HTML page, with the stamp when given."""
    sections = [
        figure_section(f"forecast-{i}", f"Issue {r.issue}", READING, forecast_figure(r))
        for i, r in enumerate(results)
    ]
    intro = [
        f"<p>Deterministic forecast of {len(results)} issue(s): "
        f"{html.escape(', '.join(r.issue for r in results))}.</p>"
    ]
    if stamp is not None:
        intro.append(stamp_paragraph(stamp))
    return render_page("Expected-utility forecast", "negsim forecast", intro, sections)


def write_forecast_report(
    results: Sequence[IssueForecast], path: Path, *, force: bool, stamp: Stamp | None = None
) -> Path:
    """Write the forecast charts as one self-contained HTML page (atomic, never overwriting)."""
    return write_output(path, path, render_forecast_report(results, stamp), force=force)
