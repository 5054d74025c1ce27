"""The handout's sections: header, actors, issues, calendar, escalation, shocks, outcomes, sources.

Each section is a function that adds its HTML to a :class:`~sim.report.handout_page.Page`; every
text from the scenario is HTML-escaped on the way in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from pydantic import BaseModel

from sim.analysis.story import effect_text, venue_conduct, waypoint_label
from sim.report.condition_text import condition_text
from sim.report.handout_page import SECTIONS, Page, esc
from sim.report.stances import red_line_text
from sim.scenario.format import Citation, Issue, RedLine, Scenario, Uncertain
from sim.scenario.overview import overview


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


def _present(scenario: Scenario, anchor: str) -> bool:
    if anchor == "escalation":
        return scenario.escalation is not None
    return bool(scenario.shocks) if anchor == "shocks" else True


def header(page: Page) -> None:
    """The title block: the scenario's title, question, as-of date and overview counts."""
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


def actors(page: Page) -> None:
    """One block per actor: capability, veto, escalation options and trust, with evidence."""
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


def _strip(issue: Issue, page: Page) -> str:
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


def issues(page: Page) -> None:
    """One block per issue: its scale with waypoints and every actor's stance and red line."""
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
                ("red line", _red_line_evidence(page, red)),
            )
        page.add("</section>")


def _red_line_evidence(page: Page, red: RedLine | None) -> str:
    if red is None:
        return ""
    text = page.evidence(red.cites, red.assumption)
    if red.fallback is not None:
        text += '<p class="small"><b>fallback if a bluff</b></p>'
        text += page.evidence(red.fallback.cites, red.fallback.assumption)
    return text


def _distribution(u: Uncertain) -> str:
    if u.distribution == "triangular":
        return f"triangular {u.low:g} – {u.mode:g} – {u.high:g}"
    if u.distribution == "normal":
        return f"normal {u.mean:g} ± {u.sd:g}, truncated to {u.low:g} – {u.high:g}"
    return f"uniform {u.low:g} – {u.high:g}"


def calendar(page: Page) -> None:
    """The venues in date order: who meets, in what form, on which issues."""
    page.heading("calendar")
    rows = [
        [
            f'<span class="d">{v.date}</span>',
            f"<b>{esc(v.name)}</b> <code>{esc(v.id)}</code><br>{esc(v.place)}"
            + page.evidence(v.cites, v.assumption),
            ", ".join(esc(p) for p in v.participants),
            ", ".join(esc(i) for i in v.issues),
            f"{esc(v.form.value)}<br>{esc(venue_conduct(v))}",
        ]
        for v in sorted(page.s.venues, key=lambda v: v.date)
    ]
    page.table(["date", "meeting", "at the table", "on the table", "form"], rows, set())


def escalation(page: Page) -> None:
    """The escalation ladder, its options and the responses to each rung."""
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


def shocks(page: Page) -> None:
    """The shocks: their window, probability and effects."""
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


def outcomes(page: Page) -> None:
    """The named outcomes and primary classes, each condition in words."""
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


def model_and_sources(page: Page) -> None:
    """The model's parameters and assumptions, then every source with its quotes."""
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
    if page.s.uncertainties:
        page.add(
            "<h3>Uncertain inputs</h3>",
            '<p class="small meta">Judgement numbers drawn anew in every run, each with why it '
            "is that wide (docs/scenario-format.md, <code>uncertainties</code>).</p>",
        )
        page.table(
            ["input", "distribution", "why"],
            [
                [
                    f"<code>{esc(u.input)}</code>",
                    esc(_distribution(u)),
                    page.evidence(u.cites, u.assumption),
                ]
                for u in page.s.uncertainties
            ],
            set(),
        )
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
