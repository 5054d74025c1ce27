"""Results → plotly figures, one function per chart (the plotly-express shape)."""

from __future__ import annotations

import datetime as dt
import html

import numpy as np
import plotly.graph_objects as go

from sim.results import Results, wilson_interval
from sim.scenario import Scenario

TEMPLATE = "plotly_white"
FORMS = ("verbal", "written", "binding")


def _bars(title: str, labels: list[str], counts: np.ndarray, runs: int) -> go.Figure:
    share = counts / runs
    low, high = wilson_interval(counts, runs)
    figure = go.Figure(
        go.Bar(
            x=[round(float(v), 6) for v in share],
            y=labels,
            orientation="h",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [round(float(v), 6) for v in high - share],
                "arrayminus": [round(float(v), 6) for v in share - low],
            },
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    figure.update_layout(
        title=title,
        template=TEMPLATE,
        xaxis_tickformat=".0%",
        xaxis_range=[0, 1],
        yaxis_autorange="reversed",
        height=120 + 32 * len(labels),
    )
    return figure


def outcome_figure(results: Results) -> go.Figure:
    """Each outcome's share of runs with its 95 % Wilson interval."""
    labels = [o.label for o in results.scenario.outcomes]
    return _bars(
        "Outcomes: share of runs (95 % Wilson interval)", labels, results.counts(), results.runs
    )


def primary_figure(results: Results) -> go.Figure:
    """Primary classes (one per run) with their intervals."""
    labels = [p.label for p in results.scenario.primary]
    return _bars("Primary classes: share of runs", labels, results.primary_counts(), results.runs)


def _dates(scenario: Scenario, days: list[float]) -> list[str]:
    return [(scenario.scenario.as_of + dt.timedelta(days=int(d))).isoformat() for d in days]


def escalation_figure(results: Results) -> go.Figure:
    """Share of runs on each escalation rung, week by week over the calendar (stacked area)."""
    s = results.scenario
    rungs = [r.label for r in s.escalation.ladder] if s.escalation else ["—"]
    x = _dates(s, list(results.weeks))
    levels = results.table.level_by_week
    figure = go.Figure()
    for r, label in enumerate(rungs):
        share = (levels == r).mean(axis=0)
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[round(float(v), 6) for v in share],
                name=label,
                stackgroup="rungs",
                mode="lines",
                hovertemplate=f"{html.escape(label)}: %{{y:.1%}}<extra></extra>",
            )
        )
    for venue in s.venues:
        figure.add_vline(x=venue.date.isoformat(), line_dash="dot", line_color="grey")
        figure.add_annotation(
            x=venue.date.isoformat(),
            y=1.02,
            yref="paper",
            text=venue.place,
            showarrow=False,
            textangle=-45,
            font_size=10,
        )
    figure.update_layout(
        title="Escalation over the calendar: share of runs on each rung",
        template=TEMPLATE,
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1],
    )
    return figure


def issue_figure(results: Results, issue: int) -> go.Figure:
    """Distribution of agreed positions on one issue, with waypoints and baselines marked."""
    spec = results.scenario.issues[issue]
    values = results.table.agreement_position[:, issue]
    agreed = values[~np.isnan(values)]
    counts, edges = np.histogram(agreed, bins=20, range=(0, 100))
    figure = go.Figure(
        go.Bar(
            x=[float(e) + 2.5 for e in edges[:-1]],
            y=[int(c) for c in counts],
            width=5,
            name="runs agreeing here",
            hovertemplate="%{x:.0f}: %{y} runs<extra></extra>",
        )
    )
    ticks = [(0.0, spec.low), *((w.at, w.label) for w in spec.waypoints), (100.0, spec.high)]
    for name, value in sorted(results.baselines.get(spec.id, {}).items()):
        figure.add_vline(x=value, line_dash="dash", annotation_text=name.replace("_", " "))
    figure.update_layout(
        title=f"{spec.name}: agreed positions in {len(agreed)} of {results.runs} runs",
        template=TEMPLATE,
        xaxis_range=[0, 100],
        xaxis={
            "tickmode": "array",
            "tickvals": [t for t, _ in ticks],
            "ticktext": [f"{t:g}<br>{html.escape(label[:28])}" for t, label in ticks],
        },
        yaxis_title="runs",
        bargap=0.05,
    )
    return figure


def convergence_figure(results: Results) -> go.Figure:
    """Running share of each outcome as runs accumulate: has the estimate settled?"""
    marks, shares = results.convergence()
    figure = go.Figure()
    for o, outcome in enumerate(results.scenario.outcomes):
        figure.add_trace(
            go.Scatter(
                x=[int(m) for m in marks],
                y=[round(float(v), 6) for v in shares[:, o]],
                name=outcome.label,
                mode="lines",
            )
        )
    figure.update_layout(
        title="Convergence of outcome shares",
        template=TEMPLATE,
        xaxis_type="log",
        xaxis_title="runs",
        yaxis_tickformat=".0%",
    )
    return figure


def _evidence(cites: tuple[object, ...], assumption: str | None) -> str:
    lines = [f"“{html.escape(c.quote)}” ({c.source})" for c in cites]  # type: ignore[attr-defined]
    if assumption:
        lines.append(f"assumption: {html.escape(assumption)}")
    return "<br>".join(lines)


def stance_figure(results: Results) -> go.Figure:
    """Actors × issues: stated positions, with salience, red line and evidence on hover."""
    s = results.scenario
    z, text, hover = [], [], []
    for actor in s.actors:
        row_z, row_t, row_h = [], [], []
        for issue in s.issues:
            st = actor.stances[issue.id]
            red = st.red_line
            red_text = (
                f"[{red.low:g}, {red.high:g}]"
                + (f", form ≥ {red.form}" if red and red.form else "")
                if red
                else "none"
            )
            row_z.append(st.position)
            row_t.append(f"{st.position:g}")
            row_h.append(
                f"<b>{html.escape(actor.name)} on {html.escape(issue.name)}</b><br>"
                f"position {st.position:g}, salience {st.salience:g}<br>red line {red_text}<br>"
                + _evidence(st.cites, st.assumption)
            )
        z.append(row_z)
        text.append(row_t)
        hover.append(row_h)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[i.name for i in s.issues],
            y=[a.name for a in s.actors],
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="RdBu",
            zmin=0,
            zmax=100,
        )
    )
    figure.update_layout(
        title="Stances: position on each issue (hover for evidence)",
        template=TEMPLATE,
        height=160 + 50 * len(s.actors),
    )
    return figure


def report_figures(results: Results) -> dict[str, go.Figure]:
    """Every figure of the report, keyed by its fixed element id, in page order."""
    figures = {
        "outcomes": outcome_figure(results),
        "primary": primary_figure(results),
        "escalation": escalation_figure(results),
    }
    for k, issue in enumerate(results.scenario.issues):
        figures[f"issue-{issue.id}"] = issue_figure(results, k)
    figures["convergence"] = convergence_figure(results)
    figures["stances"] = stance_figure(results)
    return figures
