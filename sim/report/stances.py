"""The scenario's inputs as a heatmap: each actor's position on each issue, with its evidence."""

from __future__ import annotations

import plotly.graph_objects as go

from sim.analysis.results import Results
from sim.report.theme import escape, finish, wrap
from sim.scenario.format import Actor, Evidenced, Issue, RedLine

STANCE_SCALE = "cividis"
"""A sequential scale that takes no side: dark blue (0) to yellow (100), readable in grey and
by colour-blind readers, unlike a red–blue scale that reads as partisan."""
QUOTE_WIDTH = 70
"""Characters per hover line: long quotes are wrapped, never cut."""


def red_line_text(red: RedLine | None) -> str:
    """A red line in words: the range an actor accepts and the weakest form it counts."""
    if red is None:
        return "none"
    text = f"accepts {red.low:g}–{red.high:g}"
    text += f", only in {red.form.value} form or stronger" if red.form else ""
    back = red.fallback
    if red.credibility < 1.0 and back is not None:
        form = f"{back.form.value} form or stronger" if back.form else "any form"
        text += (
            f" (real with probability {red.credibility:g}; else truly accepts "
            f"{back.low:g}–{back.high:g} in {form})"
        )
    return text


def _evidence(stance: Evidenced) -> list[str]:
    lines = [f"“{wrap(c.quote, QUOTE_WIDTH, lines=20)}” ({escape(c.source)})" for c in stance.cites]
    if stance.assumption:
        lines.append(f"assumption: {wrap(stance.assumption, QUOTE_WIDTH, lines=20)}")
    return lines


def stance_hover(actor: Actor, issue: Issue) -> str:
    """Hover text of one cell: salience, red line, and the quoted evidence or the assumption."""
    stance = actor.stances[issue.id]
    lines = [
        f"<b>{escape(actor.name)} on {escape(issue.name)}</b>",
        f"position {stance.position:g}, salience {stance.salience:g}",
        f"red line: {red_line_text(stance.red_line)}",
        *_evidence(stance),
    ]
    if stance.red_line is not None:
        lines += [f"red line evidence: {line}" for line in _evidence(stance.red_line)]
    return "<br>".join(lines)


def stance_figure(results: Results) -> go.Figure:
    """Issues × actors: stated positions as colour and number; evidence on hover.

    Issues are the rows, so their long names read across, wrapped, beside the plot; actors are
    the columns, under short wrapped names. The colour bar sits below the figure, its two ends
    explained in its title rather than in tick labels that would run off the edge.
    """
    s = results.scenario
    figure = go.Figure(
        go.Heatmap(
            z=[[a.stances[i.id].position for a in s.actors] for i in s.issues],
            x=[a.id for a in s.actors],
            y=[i.id for i in s.issues],
            text=[[f"{a.stances[i.id].position:g}" for a in s.actors] for i in s.issues],
            texttemplate="%{text}",
            customdata=[[stance_hover(a, i) for a in s.actors] for i in s.issues],
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=STANCE_SCALE,
            zmin=0,
            zmax=100,
            colorbar={
                "title": {
                    "text": "position: 0 the issue's low end, 100 its high end",
                    "side": "bottom",
                    "font": {"size": 11},
                },
                "orientation": "h",
                "yref": "container",
                "y": 0.02,
                "yanchor": "bottom",
                "len": 0.9,
                "thickness": 12,
                "tickmode": "array",
                "tickvals": [0, 50, 100],
            },
            xgap=2,
            ygap=2,
        )
    )
    finish(
        figure,
        "Stances: each actor's position on each issue's 0–100 scale (hover for evidence)",
        height=260 + 55 * len(s.issues),
    )
    figure.update_layout(
        xaxis={
            "tickmode": "array",
            "tickvals": [a.id for a in s.actors],
            "ticktext": [wrap(a.name, 9, lines=3) for a in s.actors],
            "tickangle": 0,
            "tickfont": {"size": 10},
        },
        yaxis={
            "tickmode": "array",
            "tickvals": [i.id for i in s.issues],
            "ticktext": [wrap(i.name, 16, lines=4) for i in s.issues],
            "tickfont": {"size": 10},
            "autorange": "reversed",
        },
        hoverlabel={"align": "left"},
        margin={"b": 95},
    )
    return figure
