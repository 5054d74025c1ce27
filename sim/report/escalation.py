"""The escalation ladder over the calendar: share of runs on each rung, week by week."""

from __future__ import annotations

import datetime as dt

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from sim.analysis.results import Results
from sim.report.theme import escape, finish, rounded

TITLE = "Escalation over the calendar: share of runs on each rung"
PLOT_PX = 320
"""Width of the plot area on a 400 px phone screen: venue labels are laid out for it, so they
never crowd each other there (on a wider screen they only stand further apart)."""
CHAR_PX = 6.0
"""Width of a character of a venue label (10 px sans-serif), in px."""
ROW_PX = 14
"""Height of a row of venue labels above the plot, in px."""


def calendar_dates(as_of: dt.date, days: tuple[float, ...]) -> list[str]:
    """ISO dates of simulation *days* counted from the scenario's day 0."""
    return [(as_of + dt.timedelta(days=int(d))).isoformat() for d in days]


def escalation_figure(results: Results) -> go.Figure:
    """Stacked area of the share of runs on each rung at the start of each week.

    Venue dates are marked with dotted vertical lines, labelled with the venue's place.
    """
    s = results.scenario
    figure = go.Figure()
    figure.update_layout(
        hovermode="x unified",
        xaxis={"type": "date", "title": "week starting"},
        yaxis={"tickformat": ".0%", "range": [0, 1], "title": "share of runs"},
    )
    finish(figure, TITLE, legend="rung", height=520)
    figure.update_layout(legend={"traceorder": "reversed"})
    if s.escalation is None:
        figure.add_annotation(
            text="This scenario has no escalation ladder.", showarrow=False, x=0.5, y=0.5,
            xref="paper", yref="paper",
        )  # fmt: skip
        return figure
    rungs = s.escalation.ladder
    x = calendar_dates(s.scenario.as_of, results.weeks)
    colours = sample_colorscale("YlOrRd", list(np.linspace(0.0, 1.0, len(rungs))))
    levels = results.tally.level_by_week
    for r, rung in enumerate(rungs):
        figure.add_trace(
            go.Scatter(
                x=x,
                y=rounded(levels[:, r] / results.runs),
                name=escape(rung.label),
                stackgroup="rungs",
                mode="lines",
                line={"width": 0.5, "color": colours[r], "shape": "hv"},
                hovertemplate="%{y:.1%}",
            )
        )
    tiers = label_tiers(
        [((v.date - s.scenario.as_of).days, len(v.place)) for v in s.venues],
        span_days=max(results.weeks[-1], 1.0),
    )
    for venue, tier in zip(s.venues, tiers, strict=True):
        day = venue.date.isoformat()
        figure.add_vline(x=day, line_dash="dot", line_color="grey", line_width=1)
        figure.add_annotation(
            x=day,
            y=1.0,
            yshift=2 + ROW_PX * tier,
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            text=escape(venue.place),
            hovertext=f"{escape(venue.name)}, {venue.date:%d %b %Y}",
            showarrow=False,
            font={"size": 10},
        )
    rows = max(tiers, default=0) + 1
    return finish(figure, TITLE, legend="rung", height=500 + ROW_PX * rows, top=ROW_PX * rows)


def war_dates_figure(results: Results) -> go.Figure:
    """Bars of the share of runs that reached the top rung in each calendar week.

    The cumulative share is drawn as a line over the bars; meetings are marked as in
    :func:`escalation_figure`.
    """
    s = results.scenario
    top = s.escalation.ladder[-1].label if s.escalation else "the top rung"
    figure = go.Figure()
    figure.update_layout(
        hovermode="x unified",
        xaxis={"type": "date", "title": "week starting"},
        yaxis={"tickformat": ".1%", "rangemode": "tozero", "title": "share of runs"},
        bargap=0.1,
    )
    finish(figure, f"When the top rung ({top}) is reached: share of runs per week")
    x = calendar_dates(s.scenario.as_of, results.weeks)
    weekly = results.war_weeks()[: len(results.weeks)] / results.runs
    figure.add_trace(
        go.Bar(x=x, y=rounded(weekly), name="this week", hovertemplate="%{y:.2%}",
               xperiod=7 * 24 * 3600 * 1000, xperiodalignment="start")
    )  # fmt: skip
    figure.add_trace(
        go.Scatter(x=x, y=rounded(np.cumsum(weekly)), name="by the end of the week",
                   mode="lines", line={"shape": "hv", "color": "firebrick"},
                   hovertemplate="%{y:.1%}")
    )  # fmt: skip
    for venue in s.venues:
        figure.add_vline(x=venue.date.isoformat(), line_dash="dot", line_color="grey", line_width=1)
    return figure


def label_tiers(labels: list[tuple[float, int]], span_days: float) -> list[int]:
    """Rows for venue labels (day, characters) so that labels close in time do not overlap.

    Why: meetings often fall days apart; a label runs about :data:`CHAR_PX` per character on a
    plot :data:`PLOT_PX` wide (a phone's), so its extent in days depends on the calendar's span.
    """
    days_per_char = CHAR_PX * span_days / PLOT_PX
    ends: list[float] = []
    tiers = []
    for day, chars in labels:
        tier = next((t for t, end in enumerate(ends) if end < day), len(ends))
        if tier == len(ends):
            ends.append(0.0)
        ends[tier] = day + (chars + 2) * days_per_char
        tiers.append(tier)
    return tiers
