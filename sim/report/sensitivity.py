"""The sensitivity report: a tornado, a μ*–σ plot or Sobol' bars, and the PRIM box.

One figure function per method, each taking a :class:`~sim.analysis.sensitivity.Sensitivity`
and returning a ``go.Figure``; :func:`write_sensitivity_report` assembles the page through the
shared page shell, atomically and never over an earlier report.
"""

from __future__ import annotations

import html
from pathlib import Path

import plotly.graph_objects as go

from sim.analysis.sensitivity import NOTE, Sensitivity
from sim.files import write_output
from sim.report.html import Section, figure_section, render_page
from sim.report.stamp_html import stamp_paragraph
from sim.report.theme import TEMPLATE, escape, rounded

TOP = 15
"""Inputs shown in a chart: the most influential first."""


def _label(s: Sensitivity) -> str:
    return s.labels.get(s.outcome, s.outcome)


def tornado_figure(s: Sensitivity) -> go.Figure:
    """One-at-a-time: the outcome's share with each input at the low and the high end."""
    i = s.indices[s.outcome]
    order = s.ranking()[:TOP]
    names = [escape(s.names[j]) for j in order]
    base = float(i["baseline"][0])
    figure = go.Figure()
    for key, colour, text in (
        ("low", "#6baed6", "input at its low end"),
        ("high", "#d6604d", "input at its high end"),
    ):
        figure.add_bar(
            y=names,
            x=rounded(i[key][order] - base),
            base=[round(base, 6)] * len(order),
            orientation="h",
            name=text,
            marker_color=colour,
            hovertemplate="%{y}: %{x:+.1%} from the stated inputs<extra></extra>",
        )
    figure.add_vline(x=base, line_color="black", line_width=1)
    figure.update_layout(
        title=f"Tornado: share of “{escape(_label(s))}” with one input moved at a time "
        f"(stated inputs: {base:.1%})",
        template=TEMPLATE,
        barmode="overlay",
        xaxis={"tickformat": ".0%", "title": "share of runs"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=200 + 28 * len(order),
    )
    return figure


def morris_figure(s: Sensitivity) -> go.Figure:
    """Morris screening: μ* against σ for every input, μ* with its 95 % interval."""
    i = s.indices[s.outcome]
    figure = go.Figure(
        go.Scatter(
            x=rounded(i["mu_star"]),
            y=rounded(i["sigma"]),
            mode="markers+text",
            text=[escape(n) for n in s.names],
            textposition="top center",
            error_x={"type": "data", "array": rounded(i["mu_star_conf"])},
            hovertemplate="%{text}: μ* %{x:.3f}, σ %{y:.3f}<extra></extra>",
        )
    )
    figure.update_layout(
        title=f"Morris screening of “{escape(_label(s))}”: influence μ* (with 95 % interval) "
        "against interaction σ",
        template=TEMPLATE,
        xaxis={"title": "μ*: mean |effect| on the share", "rangemode": "tozero"},
        yaxis={"title": "σ: spread of the effects", "rangemode": "tozero"},
        height=560,
    )
    return figure


def sobol_figure(s: Sensitivity) -> go.Figure:
    """Sobol' indices: first-order and total, with 95 % intervals as whiskers."""
    i = s.indices[s.outcome]
    order = s.ranking()[:TOP]
    names = [escape(s.names[j]) for j in order]
    figure = go.Figure()
    for key, text in (("s1", "first order S1"), ("st", "total ST")):
        figure.add_bar(
            y=names,
            x=rounded(i[key][order]),
            orientation="h",
            name=text,
            error_x={"type": "data", "array": rounded(i[f"{key}_conf"][order])},
        )
    figure.update_layout(
        title=f"Sobol' indices of “{escape(_label(s))}” with 95 % intervals",
        template=TEMPLATE,
        barmode="group",
        xaxis={"title": "share of the variance across the design"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=200 + 40 * len(order),
    )
    return figure


FIGURES = {"oat": tornado_figure, "morris": morris_figure, "sobol": sobol_figure}


def _box_section(s: Sensitivity) -> Section:
    e = html.escape
    box = s.box
    if box is None:
        content = "<p>No box: the outcome never or always occurred, or no input varies.</p>"
    else:
        rows = "".join(f"<li><code>{e(r.rule())}</code></li>" for r in box.restrictions)
        content = (
            f"<p>“{e(_label(s))}” in {box.base_rate:.1%} of {s.discovery_runs} runs. Inside the "
            f"box it occurs in {box.density:.1%} of runs (density), and the box holds "
            f"{box.coverage:.1%} of the runs with it (coverage), {box.mass:.1%} of all runs.</p>"
            f"<ul>{rows or '<li>(no restriction)</li>'}</ul>"
        )
    return Section(
        "prim",
        "Scenario discovery (PRIM)",
        "Where in the space of the uncertain inputs the outcome concentrates: the Patient Rule "
        "Induction Method peels the inputs' ranges while the outcome gets denser.",
        content,
    )


def render_sensitivity(s: Sensitivity) -> str:
    """The sensitivity report as one HTML string."""
    meta = s.scenario.scenario
    e = html.escape
    intro = [
        f"<p>Scenario <code>{e(meta.id)}</code> · method {s.method} · {len(s.points)} design "
        f"points × {s.runs_per_point} runs (the same runs at every point) · seed {s.seed}.</p>",
        f"<p>{e(NOTE[s.method])}</p>",
        stamp_paragraph(s.stamp),
    ]
    sections = [
        figure_section(
            f"sensitivity-{s.method}", f"Which inputs move “{_label(s)}”", "", FIGURES[s.method](s)
        ),
        _box_section(s),
    ]
    return render_page(meta.title, "negsim sensitivity", intro, sections)


def write_sensitivity_report(
    s: Sensitivity, path: Path | None = None, *, force: bool = False
) -> Path:
    """Write the report (default ``reports/<scenario-id>-sensitivity-<method>.html``)."""
    default = Path("reports") / f"{s.scenario.id}-sensitivity-{s.method}.html"
    return write_output(path, default, render_sensitivity(s), force=force)
