"""A printable classroom handout of a scenario, as one self-contained HTML page.

Actors, issues, every stance with its evidence, the calendar, escalation, shocks, outcomes and
sources: what a student needs to read, play or discuss a scenario on paper.

The page has no script and records no clock, so the same scenario always gives the same bytes.
Every text from the scenario is HTML-escaped; print CSS keeps tables and quotes whole on a page.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel

from sim.conditions import (
    AgreementCount,
    AllOf,
    AnyOf,
    Condition,
    FinalPosition,
    HasAgreement,
    NoAgreement,
    NotOf,
    PeakEscalation,
    ShockFired,
)
from sim.explanation import effect_text, waypoint_label
from sim.files import write_output
from sim.overview import overview
from sim.report.stances import red_line_text
from sim.scenario import Citation, Issue, Scenario
from sim.vocabulary import Form

CSS = """
:root{--ink:#1d1d1f;--mute:#5b5b60;--line:#d0d0d6;--soft:#f4f4f7;--accent:#28527a}
body{font:15px/1.45 Georgia,'Times New Roman',serif;color:var(--ink);max-width:62rem;
margin:2rem auto;padding:0 1.2rem}
h1,h2,h3{font-family:system-ui,'Helvetica Neue',Arial,sans-serif;line-height:1.2}
h1{font-size:1.9rem;margin:.2rem 0 .6rem}h2{font-size:1.35rem;margin:2.2rem 0 .6rem;
border-bottom:2px solid var(--accent);padding-bottom:.2rem;color:var(--accent)}
h3{font-size:1.08rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.92rem}
th,td{border-top:1px solid var(--line);padding:.3rem .45rem;vertical-align:top;text-align:left}
th{font-family:system-ui,Arial,sans-serif;font-size:.8rem;background:var(--soft)}
td.num{text-align:right;white-space:nowrap}code{font-size:.85em;color:var(--mute)}
.meta{color:var(--mute)}.d{white-space:nowrap}.small{font-size:.85rem}
.ev{margin:.15rem 0;font-size:.86rem}.ev q{font-style:italic}
.src{color:var(--mute);font-size:.8rem}
.assumed{margin:.15rem 0;font-size:.86rem;color:#6a4a00}
.assumed b{font-family:system-ui,Arial,sans-serif;font-size:.72rem;text-transform:uppercase}
.tag{font-family:system-ui,Arial,sans-serif;font-size:.7rem;border:1px solid var(--line);
border-radius:3px;padding:0 .25rem;color:var(--mute)}
nav ol{columns:2;font-family:system-ui,Arial,sans-serif;font-size:.9rem}
svg{display:block;margin:.3rem 0 .6rem;font-family:system-ui,Arial,sans-serif}
.issue{border-top:1px solid var(--line);margin-top:1.4rem}
.block{display:grid;grid-template-columns:1fr 1fr;gap:0 1.4rem;border-top:1px solid var(--line);
padding:.35rem 0 .5rem}.block .who{grid-column:1/-1;margin:.1rem 0 .2rem}
h4{font:600 .68rem system-ui,Arial,sans-serif;text-transform:uppercase;color:var(--mute);
margin:.1rem 0}
@page{size:A4;margin:14mm 12mm}
@media print{body{font-size:10.5pt;max-width:none;margin:0;padding:0}nav{display:none}
h2.page{break-before:page;margin-top:0}h2,h3,h4{break-after:avoid}
tr,.ev,.assumed,svg,.keep{break-inside:avoid}
thead{display:table-header-group}a{color:inherit;text-decoration:none}}
"""
"""The page's style: screen and print (A4, each part on a new page, rows never split)."""
SECTIONS = (
    ("actors", "Actors"),
    ("issues", "Issues and stances"),
    ("calendar", "Calendar of meetings"),
    ("escalation", "Escalation"),
    ("shocks", "Shocks"),
    ("outcomes", "Outcomes"),
    ("model", "Model parameters"),
    ("sources", "Sources"),
)
PAGE_BREAKS = ("issues", "calendar", "outcomes")
"""Sections that start on a new page when printed."""
NONE = '<p class="ev">—</p>'
esc = html.escape
"""Every text from the scenario passes through this before it reaches the page."""


def _forms(form: Form | None) -> str:
    return " or ".join(f.value for f in Form if form is None or f.rank >= form.rank)


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"at {low:g}" if low == high else f"between {low:g} and {high:g}"
    if low is not None:
        return f"at {low:g} or more"
    return f"at {high:g} or less" if high is not None else "anywhere"


def condition_text(condition: Condition, scenario: Scenario) -> str:
    """An outcome condition in words, with the scenario's names for issues, actors and rungs."""
    issues = {i.id: i.name for i in scenario.issues}
    rungs = {r.id: r.label for r in (scenario.escalation.ladder if scenario.escalation else ())}
    c = condition

    def part(sub: Condition) -> str:
        text = condition_text(sub, scenario)
        return f"({text})" if isinstance(sub, AllOf | AnyOf) else text

    if isinstance(c, AllOf):
        return " and ".join(part(p) for p in c.all)
    if isinstance(c, AnyOf):
        return " or ".join(part(p) for p in c.any)
    if isinstance(c, NotOf):
        return _negated(c.not_, scenario, rungs)
    if isinstance(c, HasAgreement):
        a = c.agreement
        where = "" if a.min is None and a.max is None else f" {_range(a.min, a.max)}"
        form = f", {_forms(a.form)}" if a.form is not None else ", in any form"
        return f"an agreement on “{issues[a.issue]}”{where}{form}"
    if isinstance(c, NoAgreement):
        return f"no agreement on “{issues[c.no_agreement]}”"
    if isinstance(c, PeakEscalation):
        low, high = c.escalation.min, c.escalation.max
        if low and high:
            span = (
                f"at “{rungs[low]}”"
                if low == high
                else f"between “{rungs[low]}” and “{rungs[high]}”"
            )
        else:
            span = (
                f"at “{rungs[low]}” or higher" if low else f"no higher than “{rungs[high or '']}”"
            )
        return f"escalation peaks {span}"
    if isinstance(c, FinalPosition):
        p = c.position
        return f"{p.actor}'s final position on “{issues[p.issue]}” lies {_range(p.min, p.max)}"
    if isinstance(c, AgreementCount):
        least, most = c.agreements.min, c.agreements.max
        if least is not None and most is not None:
            count = f"exactly {least}" if least == most else f"between {least} and {most}"
        else:
            count = f"at least {least}" if least is not None else f"at most {most}"
        return f"agreements on {count} issue{'' if count.endswith(' 1') else 's'}"
    if isinstance(c, ShockFired):
        return f"the shock {c.shock} fires"
    raise TypeError(f"unknown condition {type(c).__name__}")  # pragma: no cover


def _negated(condition: Condition, scenario: Scenario, rungs: dict[str, str]) -> str:
    c = condition
    if isinstance(c, HasAgreement):
        return "no " + condition_text(c, scenario).removeprefix("an ")
    if isinstance(c, NoAgreement):
        return condition_text(
            HasAgreement.model_validate({"agreement": {"issue": c.no_agreement}}), scenario
        )
    if isinstance(c, PeakEscalation) and not (c.escalation.min and c.escalation.max):
        low, high = c.escalation.min, c.escalation.max
        return (
            f"escalation stays below “{rungs[low]}”"
            if low
            else f"escalation rises above “{rungs[high or '']}”"
        )
    if isinstance(c, ShockFired):
        return f"the shock {c.shock} does not fire"
    return f"not ({condition_text(c, scenario)})"


def _short(title: str, width: int = 60) -> str:
    """A long title cut at a word before *width* characters (the sources list has it whole)."""
    return title if len(title) <= width else title[: title.rfind(" ", 0, width)] + " …"


def _citations(item: object) -> Iterator[Citation]:
    """Every citation inside a scenario model, in file order."""
    if isinstance(item, Citation):
        yield item
    elif isinstance(item, BaseModel):
        for name in type(item).model_fields:
            yield from _citations(getattr(item, name))
    elif isinstance(item, tuple | list):
        for child in item:
            yield from _citations(child)
    elif isinstance(item, dict):
        for child in item.values():
            yield from _citations(child)


class _Page:
    """The handout under construction: the scenario, its source index and the HTML parts."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.sources = {src.id: src for src in scenario.scenario.sources}
        self.parts: list[str] = []

    def add(self, *parts: str) -> None:
        self.parts.extend(p for p in parts if p)

    def evidence(self, cites: Iterable[Citation], assumption: str | None) -> str:
        """Quotes with their source, then the assumption, as HTML paragraphs."""
        out = []
        for c in cites:
            src = self.sources.get(c.source)
            about = f"{esc(_short(src.title))}, {esc(src.outlet)}, {src.date}" if src else ""
            out.append(
                f'<p class="ev"><q>{esc(c.quote)}</q> <span class="src">[{esc(c.source)}] '
                f"{about}</span></p>"
            )
        if assumption and assumption.strip():
            out.append(f'<p class="assumed"><b>assumption</b> {esc(assumption)}</p>')
        return "".join(out)

    def table(self, head: Iterable[str], rows: Iterable[Iterable[str]], nums: set[int]) -> None:
        """A table whose cells are already HTML; columns in *nums* are right-aligned."""
        self.add(
            "<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead>"
        )
        self.add("<tbody>")
        for row in rows:
            cells = (
                f'<td class="num">{c}</td>' if i in nums else f"<td>{c}</td>"
                for i, c in enumerate(row)
            )
            self.add("<tr>" + "".join(cells) + "</tr>")
        self.add("</tbody></table>")

    def block(self, head: str, *columns: tuple[str, str]) -> None:
        """A headed block whose evidence sits side by side in columns (*title*, HTML)."""
        cells = "".join(f"<div><h4>{esc(t)}</h4>{body or NONE}</div>" for t, body in columns)
        self.add(f'<div class="block"><p class="who">{head}</p>{cells}</div>')

    def heading(self, anchor: str) -> None:
        new_page = ' class="page"' if anchor in PAGE_BREAKS else ""
        self.add(f'<h2 id="{anchor}"{new_page}>{esc(dict(SECTIONS)[anchor])}</h2>')


def _present(scenario: Scenario, anchor: str) -> bool:
    if anchor == "escalation":
        return scenario.escalation is not None
    return bool(scenario.shocks) if anchor == "shocks" else True


def _header(page: _Page) -> None:
    s, meta, o = page.s, page.s.scenario, overview(page.s)
    page.add(
        f"<h1>{esc(meta.title)}</h1>",
        f"<p>{esc(meta.description)}</p>" if meta.description else "",
        f'<p class="meta">Scenario <code>{esc(meta.id)}</code> · as of {meta.as_of.isoformat()} · '
        f"horizon {s.horizon.isoformat()} · {o.actors} actors, {o.issues} issues, "
        f"{o.venues} meetings, {o.shocks} shocks, {o.outcomes} outcomes</p>",
        f'<p class="meta small">Stances: {o.stances_cited} backed by quotes, {o.stances_assumed} '
        f"assumed; red lines: {o.red_lines_cited} backed by quotes, {o.red_lines_assumed} "
        "assumed. Positions are points on each issue's 0–100 scale; saliences (how much an "
        "actor cares) run from 0 to 1. Quotes are verbatim from the sources listed at the end; "
        "an <i>assumption</i> is the scenario author's judgement where no source speaks.</p>",
        "<nav><ol>",
        *(f'<li><a href="#{a}">{esc(t)}</a></li>' for a, t in SECTIONS if _present(s, a)),
        "</ol></nav>",
    )


def _actors(page: _Page) -> None:
    s = page.s
    page.heading("actors")
    total = sum(a.capability for a in s.actors)
    vetoes = {a.id: [v for v in s.vetoes if v.actor == a.id] for a in s.actors}
    for a in s.actors:
        held = ", ".join(esc(i) for v in vetoes[a.id] for i in v.issues) or "nothing"
        t = a.trust or s.model.trust
        page.block(
            f"<b>{esc(a.name)}</b> <code>{esc(a.id)}</code> · capability <b>{a.capability:g}</b> "
            f"({100 * a.capability / total:.0f} % of all) · holds a veto on {held} · trusts "
            f"agreements: verbal {t.verbal:g}, written {t.written:g}, binding {t.binding:g}"
            + ("" if a.trust else " (the model's default)"),
            ("capability", page.evidence((), a.assumption)),
            ("trust", page.evidence(a.trust.cites, a.trust.assumption) if a.trust else ""),
        )
    if s.vetoes:
        page.add("<h3>Vetoes</h3>")
        for v in s.vetoes:
            page.add(
                f"<p><b>{esc(v.actor)}</b> must consent to any agreement on "
                f"{', '.join(esc(i) for i in v.issues)}.</p>",
                page.evidence(v.cites, v.assumption),
            )


def _strip(issue: Issue, page: _Page) -> str:
    """An SVG of the issue's scale: each actor's red-line range (bar) and position (dot)."""
    actors = page.s.actors
    left, width, row = 130, 560, 20
    height = 46 + row * len(actors)

    def x(value: float) -> float:
        return left + width * value / 100

    out = [
        f'<svg viewBox="0 0 {left + width + 20} {height}" width="100%" role="img" '
        f'aria-label="Positions on {esc(issue.name)}">',
        f'<line x1="{left}" y1="20" x2="{left + width}" y2="20" stroke="#888"/>',
    ]
    for n, w in enumerate(issue.waypoints, 1):
        out.append(
            f'<line x1="{x(w.at):.1f}" y1="14" x2="{x(w.at):.1f}" y2="{height - 6}" '
            f'stroke="#ccc" stroke-dasharray="2 3"/><text x="{x(w.at):.1f}" y="11" '
            f'font-size="10" text-anchor="middle" fill="#555">W{n} ({w.at:g})</text>'
        )
    out.append(
        f'<text x="{left}" y="11" font-size="10" fill="#555">0</text>'
        f'<text x="{left + width}" y="11" font-size="10" text-anchor="end" fill="#555">100</text>'
    )
    sq = x(issue.status_quo.position)
    out.append(
        f'<line x1="{sq:.1f}" y1="22" x2="{sq:.1f}" y2="{height - 6}" stroke="#b04a00" '
        f'stroke-width="1.5"/><text x="{sq + 3:.1f}" y="{height - 8}" font-size="9" '
        f'fill="#b04a00">status quo</text>'
    )
    for r, a in enumerate(actors):
        st = a.stances[issue.id]
        y = 36 + r * row
        low = st.red_line.low if st.red_line else 0.0
        high = st.red_line.high if st.red_line else 100.0
        out.append(
            f'<text x="{left - 8}" y="{y + 4}" font-size="11" text-anchor="end">'
            f"{esc(a.name)}</text>"
            f'<rect x="{x(low):.1f}" y="{y - 4}" width="{x(high) - x(low):.1f}" height="8" '
            f'fill="#dbe6f1"/><circle cx="{x(st.position):.1f}" cy="{y}" '
            f'r="{3 + 4 * st.salience:.1f}" fill="#28527a"/>'
        )
    out.append("</svg>")
    return "".join(out)


def _issues(page: _Page) -> None:
    page.heading("issues")
    page.add(
        '<p class="small meta">For each issue: its scale and labelled points (W1, W2…), where it '
        "stays without agreement (status quo), and every actor's stance. In the chart a dot is "
        "an actor's position (larger: more salient) and the pale bar the range its red line "
        "accepts.</p>"
    )
    for issue in page.s.issues:
        sq = issue.status_quo
        points = "".join(
            f"<li>W{n}: <b>{w.at:g}</b> {esc(w.label)}</li>"
            for n, w in enumerate(issue.waypoints, 1)
        )
        page.add(
            f'<section class="issue"><div class="keep"><h3>{esc(issue.name)} '
            f"<code>{esc(issue.id)}</code></h3>",
            f"<p>0 = {esc(issue.low)}; 100 = {esc(issue.high)}.</p>",
            f"<ul>{points}</ul>" if points else "",
            f"<p>Status quo: <b>{sq.position:g}</b> "
            f"({esc(waypoint_label(issue, sq.position))}).</p>",
            page.evidence(sq.cites, sq.assumption),
            _strip(issue, page) + "</div>",
        )
        for a in page.s.actors:
            st, red = a.stances[issue.id], a.stances[issue.id].red_line
            page.block(
                f"<b>{esc(a.name)}</b> <code>{esc(a.id)}</code> · position <b>{st.position:g}</b> "
                f"({esc(waypoint_label(issue, st.position))}) · salience <b>{st.salience:g}</b> · "
                f"red line: <b>{esc(red_line_text(red))}</b>",
                ("position", page.evidence(st.cites, st.assumption)),
                ("red line", page.evidence(red.cites, red.assumption) if red else ""),
            )
        page.add("</section>")


def _calendar(page: _Page) -> None:
    page.heading("calendar")
    rows = [
        [
            f'<span class="d">{v.date}</span>',
            f"<b>{esc(v.name)}</b> <code>{esc(v.id)}</code><br>{esc(v.place)}"
            + page.evidence(v.cites, v.assumption),
            ", ".join(esc(p) for p in v.participants),
            ", ".join(esc(i) for i in v.issues),
            f"{esc(v.form.value)}<br>{v.rounds} rounds",
        ]
        for v in sorted(page.s.venues, key=lambda v: v.date)
    ]
    page.table(["date", "meeting", "at the table", "on the table", "form"], rows, set())


def _escalation(page: _Page) -> None:
    ladder = page.s.escalation
    if ladder is None:
        return
    page.heading("escalation")
    start = ladder.start.rung if ladder.start else ladder.ladder[0].id
    rungs = "".join(
        f"<li>{esc(r.label)} <code>{esc(r.id)}</code>"
        + (' <span class="tag">start</span>' if r.id == start else "")
        + "</li>"
        for r in ladder.ladder
    )
    page.add(
        f"<ol>{rungs}</ol>",
        page.evidence(ladder.start.cites, ladder.start.assumption) if ladder.start else "",
    )
    if ladder.options:
        page.add("<h3>Who can climb</h3>")
        rows = [
            [
                f"<b>{esc(o.actor)}</b> against {', '.join(esc(x) for x in o.opponents)}",
                f"{o.prevail:g} ± {o.prevail_uncertainty:g}",
                "<br>".join(f'<span class="d">{esc(r)}: {c:g}</span>' for r, c in o.costs.items()),
                page.evidence(o.cites, o.assumption),
            ]
            for o in ladder.options
        ]
        page.table(["actor", "belief of prevailing", "cost per rung", "evidence"], rows, {1})
    if ladder.responses:
        page.add("<h3>Responses</h3>")
        rows = [
            [
                f"<b>{esc(r.id)}</b>: {esc(r.actor)} against {esc(r.target)}",
                esc(r.from_),
                f"{r.cost:g}",
                page.evidence(r.cites, r.assumption),
            ]
            for r in ladder.responses
        ]
        page.table(["response", "from rung", "cost", "evidence"], rows, {2})


def _shocks(page: _Page) -> None:
    if not page.s.shocks:
        return
    page.heading("shocks")
    rows = []
    for sh in page.s.shocks:
        effects = "<br>".join(esc(effect_text(f)) for f in sh.effects)
        rows.append(
            [
                f"<b>{esc(sh.id)}</b>: {esc(sh.description)}"
                + page.evidence(sh.cites, sh.assumption),
                f"{sh.probability:g}",
                f"{sh.window.start.isoformat()} to {sh.window.end.isoformat()}",
                effects,
            ]
        )
    page.table(["shock", "probability", "window", "effects"], rows, {1})


def _outcomes(page: _Page) -> None:
    page.heading("outcomes")
    page.add('<p class="small meta">A run may meet several outcomes, or none.</p>')
    rows = [
        [
            f"<b>{esc(o.label)}</b> <code>{esc(o.id)}</code>"
            + (f'<br><span class="small">{esc(o.description)}</span>' if o.description else ""),
            esc(condition_text(o.condition, page.s)),
        ]
        for o in page.s.outcomes
    ]
    page.table(["outcome", "when a run ends with"], rows, set())
    page.add(
        "<h3>Primary classes</h3>",
        '<p class="small meta">Every run falls in exactly one: the first whose condition holds.'
        "</p>",
    )
    rows = [
        [
            f"<b>{esc(p.label)}</b> <code>{esc(p.id)}</code>",
            esc(condition_text(p.condition, page.s)) if p.condition else "any other run",
        ]
        for p in page.s.primary
    ]
    page.table(["class", "when"], rows, set())


def _model_and_sources(page: _Page) -> None:
    page.heading("model")
    m = page.s.model
    rows = []
    for name in type(m).model_fields:
        value = getattr(m, name)
        if isinstance(value, BaseModel):
            text = ", ".join(f"{k} {v:g}" for k, v in value.model_dump().items())
        else:
            text = f"{value:g}"
        rows.append([f"<code>{esc(name)}</code>", esc(text)])
    page.add('<p class="small meta">Engine settings; see docs/model.md for each.</p>')
    page.table(["parameter", "value"], rows, set())
    page.heading("sources")
    counts = Counter(c.source for c in _citations(page.s))
    rows = [
        [
            f"<code>{esc(src.id)}</code>",
            f"<b>{esc(src.title)}</b><br>{esc(src.outlet)} · <code>{esc(src.file)}</code>",
            f'<span class="d">{src.date}</span>',
            str(counts[src.id]),
        ]
        for src in page.s.scenario.sources
    ]
    page.table(["id", "title, outlet and file", "date", "quotes"], rows, {3})


def render_handout(scenario: Scenario) -> str:
    """The handout as one HTML string: inline CSS, no script, nothing that changes between calls."""
    page = _Page(scenario)
    page.add(
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(scenario.scenario.title)} — negsim handout</title>",
        f"<style>{CSS}</style></head><body>",
    )
    for part in (_header, _actors, _issues, _calendar, _escalation, _shocks, _outcomes):
        part(page)
    _model_and_sources(page)
    page.add("</body></html>\n")
    return "\n".join(page.parts)


def write_handout(scenario: Scenario, path: Path | None = None, *, force: bool = False) -> Path:
    """Write the handout atomically and return where it went.

    By default to ``reports/<scenario-id>-handout.html``, or the first free ``-2``, ``-3``…
    name; an explicit *path* that exists is replaced only with *force*.
    """
    default = Path("reports") / f"{scenario.id}-handout.html"
    return write_output(path, default, render_handout(scenario), force=force)
