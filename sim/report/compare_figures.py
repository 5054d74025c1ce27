"""Comparison → plotly figures: scenarios side by side, one colour per scenario.

Each function takes a :class:`~sim.analysis.comparison.Comparison` and returns a ``go.Figure``;
:func:`compare_figures` lists them all under the fixed element ids the compare page uses. Issue
scales, waypoints and labels are the first scenario's, since it is the baseline.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from sim.analysis.comparison import Comparison
from sim.analysis.results import wilson_interval
from sim.report.escalation import calendar_dates
from sim.report.figures import BIN_WIDTH, MARK_ROW, issue_div_id, mark_position, scale_ticks
from sim.report.palette import outcome_colours, primary_colours
from sim.report.theme import LABEL_WIDTH, TEMPLATE, escape, finish, rounded, wrap

PALETTE: tuple[str, ...] = tuple(qualitative.D3)
"""Scenario colours, in scenario order (repeated beyond ten scenarios)."""


PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|")
"""Bar patterns of the scenarios in grouped bars, where colour tells the outcome's family."""


def scenario_pattern(index: int) -> str:
    """Bar pattern of scenario *index* (repeated beyond eight scenarios)."""
    return PATTERNS[index % len(PATTERNS)]


def scenario_colour(index: int) -> str:
    """Colour of scenario *index* in every figure of the comparison."""
    return PALETTE[index % len(PALETTE)]


def _share_bars(
    comparison: Comparison, outcomes: tuple[str, ...], title: str, family: dict[str, str]
) -> go.Figure:
    """Grouped bars: colour is the outcome's family (as on every page), pattern the scenario."""
    labels = [wrap(comparison.label(o), LABEL_WIDTH, lines=4) for o in outcomes]
    figure = go.Figure()
    for index, (name, results) in enumerate(zip(comparison.names, comparison.results, strict=True)):
        counts = np.array([results.count(o) for o in outcomes], dtype=np.int64)
        share = counts / results.runs
        low, high = wilson_interval(counts, results.runs)
        figure.add_trace(
            go.Bar(
                x=rounded(share),
                y=labels,
                name=escape(name),
                legendgroup=name,
                showlegend=False,
                orientation="h",
                marker={
                    "color": [family.get(o, "#999999") for o in outcomes],
                    "pattern": {"shape": scenario_pattern(index), "fgcolor": "white"},
                    "line": {"color": "#333", "width": 0.8},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": rounded(high - share),
                    "arrayminus": rounded(share - low),
                },
                customdata=[
                    [int(c), *rounded([lo, hi])]
                    for c, lo, hi in zip(counts, low, high, strict=True)
                ],
                hovertemplate=f"{escape(name)}: %{{x:.1%}} (%{{customdata[0]}} runs; "
                "95 % interval %{customdata[1]:.1%}–%{customdata[2]:.1%})<extra></extra>",
            )
        )
        figure.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                orientation="h",
                name=escape(name),
                legendgroup=name,
                marker={
                    "color": "#bbbbbb",
                    "pattern": {"shape": scenario_pattern(index), "fgcolor": "#333"},
                },
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        barmode="group",
        xaxis={"tickformat": ".0%", "range": [0, 1], "title": "share of runs"},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    height = 200 + 26 * len(outcomes) * max(len(comparison.results), 2)
    return finish(figure, title, legend="scenario (pattern); colour: outcome family", height=height)


def outcome_comparison_figure(comparison: Comparison) -> go.Figure:
    """Each shared outcome's share per scenario, grouped, with 95 % Wilson intervals."""
    title = "Outcomes: share of runs per scenario, 95 % intervals"
    colours = outcome_colours(comparison.results[0].scenario)
    return _share_bars(comparison, comparison.shared, title, colours)


def primary_comparison_figure(comparison: Comparison) -> go.Figure:
    """Each shared primary class's share per scenario, grouped, with 95 % Wilson intervals."""
    return _share_bars(
        comparison,
        comparison.shared_primary,
        "Primary classes: share of runs per scenario, 95 % intervals",
        primary_colours(comparison.results[0].scenario),
    )


def difference_figure(comparison: Comparison) -> go.Figure:
    """Each later scenario's difference from the first, per outcome, with paired 95 % intervals.

    A filled marker is a difference whose 95 % interval excludes zero; an open one does not.
    """
    outcomes = comparison.shared + comparison.shared_primary
    labels = [escape(comparison.label(o)) for o in comparison.shared] + [
        f"class: {escape(comparison.label(p))}" for p in comparison.shared_primary
    ]
    figure = go.Figure()
    for index in range(1, len(comparison.results)):
        diffs = [comparison.difference(o, index) for o in outcomes]
        name = escape(comparison.names[index])
        figure.add_trace(
            go.Scatter(
                x=rounded(d.value for d in diffs),
                y=labels,
                name=name,
                mode="markers",
                marker={
                    "color": scenario_colour(index),
                    "size": 10,
                    "symbol": ["circle" if d.excludes_zero else "circle-open" for d in diffs],
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": rounded(d.high - d.value for d in diffs),
                    "arrayminus": rounded(d.value - d.low for d in diffs),
                },
                customdata=[rounded([d.low, d.high]) for d in diffs],
                hovertemplate=f"{name}: %{{x:+.1%}} "
                "(95 % interval %{customdata[0]:+.1%} to %{customdata[1]:+.1%})<extra></extra>",
            )
        )
    figure.add_vline(x=0, line_color="black", line_width=1)
    first = escape(comparison.names[0])
    figure.update_layout(
        scattermode="group",
        xaxis={"tickformat": "+.0%", "title": f"share in the scenario<br>− share in {first}"},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    title = f"Difference from {comparison.names[0]} in share of runs, with 95 % paired intervals"
    height = 200 + 30 * len(outcomes) * max(1, len(comparison.results) - 1)
    return finish(figure, title, legend="scenario", height=height)


def escalation_comparison_figure(comparison: Comparison) -> go.Figure:
    """Share of runs at or above each rung, week by week: one panel per rung, a line per scenario.

    Rungs are the first scenario's ladder above its lowest rung, matched by id in the others; a
    scenario without that rung has no line in its panel.
    """
    first = comparison.results[0].scenario
    rungs = first.escalation.ladder[1:] if first.escalation else ()
    if not rungs:
        figure = go.Figure()
        figure.add_annotation(
            text="The first scenario has no escalation ladder.", showarrow=False, x=0.5, y=0.5,
            xref="paper", yref="paper",
        )  # fmt: skip
        figure.update_layout(template=TEMPLATE, title="Escalation over the calendar")
        return figure
    figure = make_subplots(
        rows=len(rungs),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.25 / len(rungs),
        subplot_titles=[f"at or above “{escape(rung.label)}”" for rung in rungs],
    )
    for row, rung in enumerate(rungs, start=1):
        for index, (name, results) in enumerate(
            zip(comparison.names, comparison.results, strict=True)
        ):
            ladder = results.scenario.escalation.ladder if results.scenario.escalation else ()
            ids = [r.id for r in ladder]
            if rung.id not in ids:
                continue
            levels = results.tally.level_by_week
            at_or_above = levels[:, ids.index(rung.id) :].sum(axis=1) / results.runs
            figure.add_trace(
                go.Scatter(
                    x=calendar_dates(results.scenario.scenario.as_of, results.weeks),
                    y=rounded(at_or_above),
                    name=escape(name),
                    legendgroup=name,
                    showlegend=row == 1,
                    mode="lines",
                    line={"color": scenario_colour(index), "shape": "hv"},
                    hovertemplate=f"{escape(name)}: %{{y:.1%}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
    for venue in first.venues:
        figure.add_vline(x=venue.date.isoformat(), line_dash="dot", line_color="grey", line_width=1)
    figure.update_yaxes(tickformat=".0%", range=[0, 1])
    figure.update_xaxes(type="date")
    figure.update_xaxes(title="week starting", row=len(rungs), col=1)
    figure.update_layout(hovermode="x unified")
    title = "Escalation over the calendar: share of runs at or above each rung"
    return finish(figure, title, legend="scenario", height=200 + 170 * len(rungs))


def issue_comparison_figure(comparison: Comparison, issue_id: str) -> go.Figure:
    """Histograms of agreed positions on one issue, one per scenario, overlaid on its scale.

    The x axis carries the first scenario's waypoints; each distinct status quo is a dotted line.
    """
    edges = np.arange(0, 100 + BIN_WIDTH, BIN_WIDTH, dtype=np.float64)
    figure = go.Figure()
    status_quo: dict[float, list[str]] = {}
    for index, (name, results) in enumerate(zip(comparison.names, comparison.results, strict=True)):
        k = [i.id for i in results.scenario.issues].index(issue_id)
        counts = results.tally.histogram(k, BIN_WIDTH)
        agreed = results.tally.agreed(k)
        status_quo.setdefault(results.scenario.issues[k].status_quo.position, []).append(name)
        figure.add_trace(
            go.Bar(
                x=rounded(edges[:-1] + BIN_WIDTH / 2),
                y=[int(c) for c in counts],
                width=BIN_WIDTH,
                name=f"{escape(name)} ({agreed} of {results.runs} agreed)",
                marker_color=scenario_colour(index),
                opacity=0.55,
                hovertemplate=f"{escape(name)}: %{{y}} runs at %{{x}} ± {BIN_WIDTH / 2:g}"
                "<extra></extra>",
            )
        )
    for row, (position, names) in enumerate(sorted(status_quo.items())):
        whose = "" if len(status_quo) == 1 else f" ({escape(', '.join(names))})"
        mark_position(figure, position, f"status quo{whose}", row, "dot")
    first = comparison.results[0]
    k0 = [i.id for i in first.scenario.issues].index(issue_id)
    figure.update_layout(
        barmode="overlay",
        bargap=0,
        xaxis=scale_ticks(first, k0),
        yaxis={"title": "runs", "rangemode": "nonnegative"},
    )
    title = f"{first.scenario.issues[k0].name}: agreed positions per scenario"
    room = MARK_ROW * len(status_quo)
    return finish(figure, title, legend="scenario", height=480 + room, top=10 + room)


def compare_figures(comparison: Comparison) -> dict[str, go.Figure]:
    """Every figure of the compare report, keyed by its fixed element id, in page order."""
    figures = {
        "outcomes": outcome_comparison_figure(comparison),
        "primary": primary_comparison_figure(comparison),
        "differences": difference_figure(comparison),
        "escalation": escalation_comparison_figure(comparison),
    }
    for issue_id in comparison.shared_issues:
        figures[issue_div_id(issue_id)] = issue_comparison_figure(comparison, issue_id)
    return figures
