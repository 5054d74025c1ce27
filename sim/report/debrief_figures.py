"""The classroom debrief's charts: the model's distribution with each group marked on it.

Plain data in, an HTML ``div`` out (plotly.js not included: the page brings it once).
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sim.report.theme import TEMPLATE, escape, rounded

GROUP_COLOURS = ("#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
"""One colour per group, repeating after six."""


def plotly_script() -> str:
    """plotly.js itself, bundled with the plotly package (offline)."""
    return str(get_plotlyjs())


def _div(figure: go.Figure, div_id: str) -> str:
    return str(figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id))


def outcome_chart(
    div_id: str,
    labels: Sequence[str],
    shares: Sequence[float],
    groups: Sequence[tuple[str, int]],
    runs: int,
    seed: int,
) -> str:
    """Bars of the model's primary-class shares; a marker per group on the class it reached.

    Args:
        div_id: fixed element id of the chart.
        labels: the primary classes' labels, in scenario order.
        shares: the model's share of runs in each class.
        groups: (group label, index of the class its run reached).
        runs: the model's run count, for the legend.
        seed: the model's seed, for the legend.
    """
    figure = go.Figure(
        go.Bar(
            x=[escape(label) for label in labels],
            y=rounded(shares),
            name=f"model, {runs} runs (seed {seed})",
            marker_color="#c6d4e3",
            hovertemplate="%{x}: %{y:.1%} of the model's runs<extra></extra>",
        )
    )
    per_class: dict[int, int] = {}
    for n, (label, index) in enumerate(groups):
        stack = per_class.get(index, 0)
        per_class[index] = stack + 1
        figure.add_trace(
            go.Scatter(
                x=[escape(labels[index])],
                y=rounded([shares[index] + 0.04 * (stack + 1)]),
                mode="markers+text",
                text=[escape(label)],
                textposition="middle right",
                marker={"size": 14, "symbol": "diamond", "color": GROUP_COLOURS[n % 6]},
                name=escape(label),
                hovertemplate=f"{escape(label)} ended in %{{x}}<extra></extra>",
            )
        )
    figure.update_layout(
        template=TEMPLATE,
        title="Where each group ended, on the model's distribution of outcomes",
        yaxis={"title": "share of the model's runs", "tickformat": ".0%"},
        height=380,
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        legend={"orientation": "h", "y": -0.25},
    )
    return _div(figure, div_id)


def utility_chart(
    div_id: str,
    actor: str,
    utilities: Sequence[float],
    groups: Sequence[tuple[str, float, float]],
    model: float,
) -> str:
    """Histogram of an actor's settlement utility over the model's runs; groups as lines.

    Args:
        div_id: fixed element id of the chart.
        actor: the actor's name.
        utilities: its settlement utility in each of the model's runs.
        groups: (group label, the seat's utility, its percentile among the model's runs).
        model: the utility of the same run with the model in the seat.
    """
    figure = go.Figure(
        go.Histogram(
            x=rounded(utilities),
            nbinsx=30,
            name="model's runs",
            marker_color="#c6d4e3",
            hovertemplate="utility %{x}: %{y} runs<extra></extra>",
        )
    )
    figure.add_vline(x=round(model, 6), line_dash="dot", line_color="#555")
    figure.add_annotation(
        x=round(model, 6),
        y=1.0,
        yref="paper",
        text="model, same run",
        showarrow=False,
        yanchor="bottom",
        font={"size": 11, "color": "#555"},
    )
    for n, (label, value, percentile) in enumerate(groups):
        colour = GROUP_COLOURS[n % 6]
        figure.add_trace(
            go.Scatter(
                x=[round(value, 6)],
                y=[0],
                mode="markers+text",
                text=[escape(label)],
                textposition="top center",
                marker={"size": 14, "symbol": "diamond", "color": colour},
                name=f"{escape(label)}: {value:.3f} (beats {percentile:.0%} of the model's runs)",
                hovertemplate=f"{escape(label)}: %{{x:.3f}}<extra></extra>",
            )
        )
    figure.update_layout(
        template=TEMPLATE,
        title=f"{escape(actor)}: utility of the settlement, groups against the model",
        xaxis={"title": "settlement utility (1 = everything at the ideal)"},
        yaxis={"title": "model's runs"},
        height=340,
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        legend={"orientation": "h", "y": -0.35},
        bargap=0.05,
    )
    return _div(figure, div_id)


def warm_up() -> None:
    """Draw each chart once, so that the first debrief a server shows need not load plotly's parts.

    Why: plotly loads its figure validators on first use, which takes seconds on a busy machine;
    a page drawn inside the server's event loop would stall every other page meanwhile.
    """
    outcome_chart("warm-up", ["a", "b"], [0.5, 0.5], [("g", 0)], 2, 0)
    utility_chart("warm-up", "a", [0.0, 1.0], [("g", 0.5, 0.5)], 0.5)
