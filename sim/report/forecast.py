"""Chart of a deterministic forecast: per-round median and mean, and each actor's path."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go
from plotly.colors import qualitative

from sim.analysis.forecast import IssueForecast
from sim.analysis.stamp import Stamp
from sim.files import write_output
from sim.report.html import figure_section, render_page
from sim.report.stamp_html import stamp_paragraph
from sim.report.theme import DASHES, escape, finish, rounded

READING = (
    "Each thin line is one actor's position after each round of the expected-utility model; the "
    "thick black line is the capability×salience-weighted median and the dashed grey line the "
    "weighted mean. The forecast is the median after the last round."
)
"""How to read each forecast chart."""
ACTOR_COLOURS: tuple[str, ...] = tuple(qualitative.Safe)
"""Colour-blind-safe qualitative colours, one per actor (repeated beyond eleven)."""
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down")
"""Marker symbols, one per actor, so that lines in one colour stay apart."""


def forecast_figure(result: IssueForecast) -> go.Figure:
    """Median, mean and every actor's position, round by round, each line told apart.

    Rounds are whole numbers on the axis. Actors get a colour, a marker symbol and a dash
    pattern each, and lines that share a position are drawn with growing widths and markers
    underneath, so that no actor's line hides another's.
    """
    t = result.trajectory
    rounds = list(range(len(t.medians)))
    figure = go.Figure()
    count = len(result.actors)
    for a, label in enumerate(result.labels):
        figure.add_trace(
            go.Scatter(
                x=rounds,
                y=rounded(t.positions[:, a]),
                name=escape(label),
                mode="lines+markers",
                line={
                    "width": 1 + 2.5 * (count - 1 - a) / max(count - 1, 1),
                    "dash": DASHES[a % len(DASHES)],
                    "color": ACTOR_COLOURS[a % len(ACTOR_COLOURS)],
                },
                marker={
                    "symbol": SYMBOLS[a % len(SYMBOLS)],
                    "size": 6 + 6 * (count - 1 - a) / max(count - 1, 1),
                },
                hovertemplate=f"{escape(label)}: %{{y:.1f}} after round %{{x}}<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=rounds,
            y=rounded(t.medians),
            name="weighted median",
            line={"width": 4, "color": "black"},
            hovertemplate="median: %{y:.1f} after round %{x}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=rounds,
            y=rounded(t.means),
            name="weighted mean",
            line={"width": 4, "dash": "dash", "color": "grey"},
            hovertemplate="mean: %{y:.1f} after round %{x}<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis={"title": "round", "tickmode": "linear", "dtick": 1, "tick0": 0, "tickformat": "d"},
        yaxis={"title": "position", "range": [-3, 103]},
    )
    title = f"Expected-utility forecast: {result.issue_name or result.issue}"
    return finish(figure, title, legend="actor", height=520 + 18 * count)


def render_forecast_report(results: Sequence[IssueForecast], stamp: Stamp | None = None) -> str:
    """The forecast charts as one self-contained HTML page, with the stamp when given."""
    sections = [
        figure_section(
            f"forecast-{i}", r.issue_name or f"Issue {r.issue}", READING, forecast_figure(r)
        )
        for i, r in enumerate(results)
    ]
    intro = [
        f"<p>Deterministic forecast of {len(results)} issue(s): "
        f"{html.escape(', '.join(r.issue_name or r.issue for r in results))}.</p>"
    ]
    if stamp is not None:
        intro.append(stamp_paragraph(stamp))
    return render_page("Expected-utility forecast", "negsim forecast", intro, sections)


def write_forecast_report(
    results: Sequence[IssueForecast], path: Path, *, force: bool, stamp: Stamp | None = None
) -> Path:
    """Write the forecast charts as one self-contained HTML page (atomic, never overwriting)."""
    return write_output(path, path, render_forecast_report(results, stamp), force=force)
