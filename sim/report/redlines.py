"""The red-line chart of the handout, drawn for the run report: who accepts what on one issue.

Each actor's red line is a bar over the range it accepts, its position a dot (larger: more
salient), veto holders marked; the band shaded green is where some meeting could place an
agreement (the overlap of the red lines of everyone whose consent it needs, docs/model.md §3).
When no band is shaded, the red lines leave no agreement possible at any meeting: the chart
shows at a glance why such an issue never settles.
"""

from __future__ import annotations

import plotly.graph_objects as go

from sim.analysis.results import Results
from sim.report.theme import escape, finish, wrap
from sim.scenario.format import Scenario

LINE_COLOUR = "#9ecae1"
"""Colour of an accepted range."""
BLUFF_COLOUR = "#dadada"
"""Colour of a stated range that may be a bluff (credibility below 1)."""
ZONE_COLOUR = "rgba(0, 158, 115, 0.18)"
"""Colour of the band where an agreement is possible."""


def redlines_div_id(issue_id: str) -> str:
    """Fixed element id of an issue's red-line chart."""
    return f"redlines-{issue_id}"


def zones(scenario: Scenario, issue: str) -> list[tuple[str, float, float, str]]:
    """(venue id, low, high, form) of every meeting that could agree on *issue*.

    A meeting can when it has the issue on its table, every veto holder sits at it, no one
    whose consent is needed counts only a stronger form, and their certain red lines overlap.
    """
    vetoes = [v.actor for v in scenario.vetoes if issue in v.issues]
    stances = {a.id: a.stances.get(issue) for a in scenario.actors}
    found = []
    for venue in scenario.venues:
        if issue not in venue.issues or any(a not in venue.participants for a in vetoes):
            continue
        needed = dict.fromkeys([*venue.participants, *vetoes])
        lines = [
            s.red_line
            for a in needed
            if (s := stances.get(a)) is not None
            and s.red_line is not None
            and s.red_line.credibility >= 1.0
        ]
        if any(r.form is not None and r.form.rank > venue.form.rank for r in lines):
            continue
        low = max((r.low for r in lines), default=0.0)
        high = min((r.high for r in lines), default=100.0)
        if low <= high:
            found.append((venue.id, low, high, venue.form.value))
    return found


def zone_text(scenario: Scenario, issue: str) -> str:
    """Where an agreement on *issue* is possible, in words."""
    found = zones(scenario, issue)
    if not found:
        return "nowhere: at no meeting do the red lines of those who must consent overlap"
    return "; ".join(f"{v}: {lo:g}–{hi:g} ({form})" for v, lo, hi, form in found)


def red_line_figure(results: Results, issue: int) -> go.Figure:
    """Every actor's accepted range and position on one issue, with the zone of agreement."""
    s = results.scenario
    spec = s.issues[issue]
    vetoes = {v.actor for v in s.vetoes if spec.id in v.issues}
    actors = [a for a in s.actors if spec.id in a.stances]
    names = [escape(a.name) + (" (veto)" if a.id in vetoes else "") for a in actors]
    reds = [a.stances[spec.id].red_line for a in actors]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=names,
            x=[(r.high - r.low) if r else 100.0 for r in reds],
            base=[r.low if r else 0.0 for r in reds],
            orientation="h",
            name="accepted range (red line)",
            marker={
                "color": [
                    BLUFF_COLOUR if r is not None and r.credibility < 1 else LINE_COLOUR
                    for r in reds
                ]
            },
            width=0.45,
            customdata=[[r.low, r.high] if r else [0.0, 100.0] for r in reds],
            hovertemplate="%{y}: accepts %{customdata[0]:g}–%{customdata[1]:g}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            y=names,
            x=[a.stances[spec.id].position for a in actors],
            mode="markers",
            name="position (larger: more salient)",
            marker={
                "color": "#08306b",
                "size": [8 + 12 * a.stances[spec.id].salience for a in actors],
            },
            hovertemplate="%{y}: position %{x:g}<extra></extra>",
        )
    )
    found = zones(s, spec.id)
    for _, low, high, _ in found:
        figure.add_vrect(x0=low, x1=high, fillcolor=ZONE_COLOUR, line_width=0, layer="below")
    figure.add_vline(x=spec.status_quo.position, line_dash="dot", line_color="#b04a00")
    if not found:
        figure.add_annotation(
            text="no agreement possible: the red lines<br>of those who must consent never overlap",
            x=50, y=1.02, yref="paper", yanchor="bottom", showarrow=False,
            font={"size": 11, "color": "#b04a00"},
        )  # fmt: skip
    figure.update_layout(
        barmode="overlay",
        xaxis={
            "range": [-2, 102],
            "title": f"0 = {wrap(spec.low, 34, lines=1)}<br>100 = {wrap(spec.high, 34, lines=1)}",
            "tickvals": [0, *(w.at for w in spec.waypoints), 100],
        },
        yaxis={"autorange": "reversed", "automargin": True},
    )
    title = f"Red lines on {spec.name}: who accepts what, and where they overlap"
    return finish(figure, title, legend=None, height=260 + 40 * len(actors), top=30)
