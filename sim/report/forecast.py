"""Chart of a deterministic forecast: per-round median and mean, and each actor's path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sim.files import write_output
from sim.forecast import IssueForecast


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


def write_forecast_report(results: Sequence[IssueForecast], path: Path, *, force: bool) -> Path:
    """Write the forecast charts as one self-contained HTML page (atomic, never overwriting)."""
    body = "\n".join(
        forecast_figure(r).to_html(full_html=False, include_plotlyjs=False, div_id=f"forecast-{i}")
        for i, r in enumerate(results)
    )
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>negsim forecast</title>'
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>{body}'
        "</body></html>\n"
    )
    return write_output(path, path, page, force=force)
