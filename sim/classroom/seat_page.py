"""A student's seat: the decision the engine asks of its actor, the table, the news, the brief."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.analysis.montecarlo import simulate_run
from sim.analysis.story import KIND_WHY, waypoint_label
from sim.classroom.brief import Point, RoleBrief
from sim.classroom.moves import accept_position, answer_text
from sim.classroom.narrative import date_of, ladder_level, reply, story
from sim.classroom.replay import GroupState, Turn
from sim.classroom.score import settlement_utilities
from sim.classroom.shell import button_form, esc, page
from sim.classroom.store import GroupRow, Phase, SeatRow, SessionRow
from sim.engine.policy import DemandView, EscalationView, ProposalView
from sim.engine.venue_round import concession
from sim.vocabulary import FORM_NAMES

NEWS = 14
"""How many of the latest events a seat page lists."""


@dataclass(frozen=True)
class SeatContext:
    """Everything a seat page shows."""

    session: SessionRow
    group: GroupRow
    seat: SeatRow
    state: GroupState
    brief: RoleBrief
    whose: str
    """Who has the pending turn, in words."""
    fingerprint: str
    error: str = ""
    talk: str = ""
    """The seat's messages section (HTML, every text in it escaped)."""


def _points(points: tuple[Point, ...]) -> str:
    items = []
    for p in points:
        quotes = "".join(
            f'<div><span class="quote">“{esc(q.text)}”</span> <span class="src">{esc(q.source)}'
            "</span></div>"
            for q in p.quotes
        )
        assumed = (
            f'<div class="assumed">Assumption: {esc(p.assumption)}</div>' if p.assumption else ""
        )
        items.append(f"<li>{esc(p.text)}{quotes}{assumed}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>None.</p>"


def brief_html(brief: RoleBrief) -> str:
    """The role brief as HTML sections."""
    return (
        f"<p>{esc(brief.situation)}</p>"
        f"<h3>Your goals, by priority</h3>{_points(brief.goals)}"
        f"<h3>Your red lines</h3>{_points(brief.red_lines)}"
        f"<h3>What you fear</h3>{_points(brief.fears)}"
        f"<h3>What you can do</h3>{_points(brief.powers)}"
    )


def positions_table(state: GroupState, me: int) -> str:
    """Actors × issues as last seen at a table, the seat's row marked, with its ideals."""
    s, a = state.table.scenario, state.table.arrays
    head = "".join(f'<th class="num">{esc(i.id)}</th>' for i in s.issues)
    rows = []
    for i, actor in enumerate(s.actors):
        cells = "".join(f'<td class="num">{state.known[i, k]:.1f}</td>' for k in range(a.n_issues))
        cls = ' class="me"' if i == me else ""
        rows.append(f"<tr{cls}><td>{esc(actor.name)}</td>{cells}</tr>")
    ideal = "".join(
        f'<td class="num">{state.parameters.position[me, k]:.1f}</td>' for k in range(a.n_issues)
    )
    red = "".join(
        f'<td class="num">{a.red_low[me, k]:g}–{a.red_high[me, k]:g}</td>'
        for k in range(a.n_issues)
    )
    sq = "".join(f'<td class="num">{a.status_quo[k]:g}</td>' for k in range(a.n_issues))
    return (
        f'<table id="positions"><tr><th>position (0–100)</th>{head}</tr>{"".join(rows)}'
        f"<tr><td><i>your ideal this run</i></td>{ideal}</tr>"
        f"<tr><td><i>your red line</i></td>{red}</tr>"
        f"<tr><td><i>status quo</i></td>{sq}</tr></table>"
    )


def _demand_form(ctx: SeatContext, view: DemandView, action: str, number: str) -> str:
    state = ctx.state
    s, a = state.table.scenario, state.table.arrays
    me = view.proposer
    head = "".join(f"<th>{esc(s.issues[k].name)}</th>" for k in view.issues)
    rows, advice = [], []
    for row, target in enumerate(view.members):
        if target == me:
            continue
        cells = []
        for col, k in enumerate(view.issues):
            now = float(view.position[row, col])
            cells.append(
                f'<td><input type="number" name="ask:{esc(a.actor_ids[target])}:'
                f'{esc(a.issue_ids[k])}" min="0" max="100" step="any" '
                f'placeholder="now {now:.1f}" aria-label="ask {esc(a.actor_ids[target])} on '
                f'{esc(a.issue_ids[k])}"></td>'
            )
            i, j = list(view.members).index(target), list(view.members).index(me)
            dyad = concession(
                view.position[:, col], view.capability, view.salience[:, col], view.q, i, j
            )
            moved = (
                "would not move toward you"
                if dyad.kind == "none"
                else (f"would go to {dyad.end:.1f} ({dyad.kind}: {KIND_WHY.get(dyad.kind, '')})")
            )
            advice.append(
                f"<li>{esc(a.actor_ids[target])} on {esc(a.issue_ids[k])} (now {now:.1f}): "
                f"{esc(moved)}; its expected utility of resisting you "
                f"{dyad.resist_utility:+.3f}</li>"
            )
        rows.append(f"<tr><td>{esc(s.actors[target].name)}</td>{''.join(cells)}</tr>")
    model = (
        "; ".join(
            f"ask {a.actor_ids[d.target]} to move on {a.issue_ids[d.issue]} to {d.position:.1f}"
            for d in view.model
        )
        or "ask nobody to move"
    )
    return (
        f"<p>Your proposals: whom do you ask to move, on which issue, to where? Enter a point on "
        f"the 0–100 scale in any cell; leave the others blank.</p>"
        f'<form method="post" action="{esc(action)}" id="decision-form">'
        f'<input type="hidden" name="number" value="{number}">'
        f'<table class="asks"><tr><th>ask</th>{head}</tr>{"".join(rows)}</table>'
        '<button class="primary" name="move" value="ask">Make these proposals</button> '
        '<button name="move" value="none">Ask nobody this round</button> '
        '<button name="move" value="model">Make the model\'s proposals</button></form>'
        f"<details><summary>The model's suggestion and expected utilities</summary>"
        f"<p>The model would {esc(model)}.</p><ul>{''.join(advice)}</ul></details>"
    )


def _proposal_form(ctx: SeatContext, view: ProposalView, action: str, number: str) -> str:
    s, a = ctx.state.table.scenario, ctx.state.table.arrays
    issue = s.issues[view.issue]
    accept = accept_position(view)
    table = " · ".join(f"{esc(a.actor_ids[m])} {x:.1f}" for m, x in view.table)
    why = KIND_WHY.get(view.kind, view.kind)
    model = answer_text(view, view.model_answer, a.rung_ids)
    fields = {"number": number}
    return (
        f"<p><b>{esc(a.actor_ids[view.proposer])}</b> asks you to move on <b>{esc(issue.name)}</b> "
        f"from {view.start:.1f} to {view.proposed:.1f} "
        f"(“{esc(waypoint_label(issue, view.proposed))}”). On the table: {table}. "
        f"Your red line: {view.red_low:g}–{view.red_high:g}"
        + (f"; accepting stops at {accept:.1f}" if abs(accept - view.proposed) > 1e-9 else "")
        + '.</p><div id="decision-form">'
        + button_form(action, "Accept", fields | {"move": "accept"}, primary=True)
        + button_form(action, "Refuse", fields | {"move": "refuse"})
        + f'<form class="inline" method="post" action="{esc(action)}">'
        f'<input type="hidden" name="number" value="{number}">'
        f'<input type="number" name="counter" min="0" max="100" step="any" required '
        f'aria-label="counter position"><button name="move" value="counter">Counter</button></form>'
        f'<form class="inline" method="post" action="{esc(action)}">'
        f'<input type="hidden" name="number" value="{number}">'
        f'<input type="number" name="concede" min="0" max="100" step="any" required '
        f'aria-label="concede percent">%<button name="move" value="concede">Concede</button></form>'
        + button_form(action, "Take the model's move", fields | {"move": "model"})
        + "</div><details><summary>The model's suggestion and expected utilities</summary>"
        f"<p>The model would {esc(model)}, as {esc(why)}. Your expected utility of resisting "
        f"{esc(a.actor_ids[view.proposer])}: {view.resist_utility:+.3f}.</p></details>"
    )


def _ladder_form(ctx: SeatContext, view: EscalationView, action: str, number: str) -> str:
    a = ctx.state.table.arrays
    top = len(a.rung_ids) - 1
    fields = {"number": number}
    buttons, rows = [], []
    stays = 1.0 - view.p_up
    if view.level < top and view.climb > -math.inf:  # a climb waits one decision interval
        buttons.append(
            button_form(
                action, f"Escalate to {a.rung_ids[view.level + 1]}", fields | {"move": "escalate"}
            )
        )
        rows.append(("escalate", view.climb, view.p_up))
    buttons.append(button_form(action, "Hold", fields | {"move": "hold"}, primary=True))
    rows.append(("hold", view.stay, stays * (1.0 - view.p_down)))
    if view.level > 0:
        buttons.append(
            button_form(
                action,
                f"De-escalate to {a.rung_ids[view.level - 1]}",
                fields | {"move": "de-escalate"},
            )
        )
        rows.append(("de-escalate", view.descend, stays * view.p_down))
    buttons.append(button_form(action, "Take the model's move", fields | {"move": "model"}))
    values = "".join(
        f'<tr><td>{m}</td><td class="num">{w:+.3f}</td><td class="num">{p:.2f}</td></tr>'
        for m, w, p in rows
    )
    return (
        f"<p>The crisis stands on <b>{esc(a.rung_ids[view.level])}</b>. Your opponents moved "
        f"{100 * view.concession:.0f} % of the way to your ideal; talks are worth "
        f"{view.talks:+.3f} to you, war {view.war:+.3f}.</p>"
        f'<div id="decision-form">{"".join(buttons)}</div>'
        "<details><summary>The model's suggestion and expected utilities</summary>"
        f"<table><tr><th>move</th><th class=num>worth to you</th><th class=num>model's "
        f"probability</th></tr>{values}</table><p>The model drew: "
        f"{esc(answer_text(view, view.model_choice, a.rung_ids))}.</p></details>"
    )


def decision_html(ctx: SeatContext, turn: Turn) -> str:
    """The form of the pending decision."""
    action = f"/seat/{ctx.seat.token}/move"
    number = str(turn.number)
    if isinstance(turn.view, DemandView):
        return _demand_form(ctx, turn.view, action, number)
    if isinstance(turn.view, ProposalView):
        return _proposal_form(ctx, turn.view, action, number)
    return _ladder_form(ctx, turn.view, action, number)


def score_line(state: GroupState, me: int) -> str:
    """The seat's settlement utility beside the model's play of the same run."""
    t = state.table
    _, model = simulate_run(t.arrays, t.seed, t.run_index)
    mine = settlement_utilities(state.record, t.arrays, state.parameters)[me]
    theirs = settlement_utilities(model, t.arrays, state.parameters)[me]
    return (
        f"Your score: the settlement is worth {mine:.3f} to you; with the model in every seat, "
        f"{theirs:.3f} ({mine - theirs:+.3f}). The debrief compares the groups."
    )


def _where(state: GroupState, turn: Turn) -> str:
    s, a = state.table.scenario, state.table.arrays
    view = turn.view
    when = date_of(state, view.day)
    if isinstance(view, EscalationView):
        if view.venue < 0:
            return f"{when}, a review on the decision clock before the first meeting"
        met = s.venues[view.venue]
        if not view.after_meeting:
            return f"{when}, a review on the decision clock (last met: {met.name})"
        return f"{when}, after the {met.name} ({met.place})"
    venue = next(v for v in s.venues if v.id == a.venue_ids[turn.venue])
    return f"{when}, {venue.name} ({venue.place}, {venue.form.value}), round {view.round}"


def seat_page(ctx: SeatContext) -> str:
    """The whole seat page."""
    state, seat = ctx.state, ctx.seat
    a, s = state.table.arrays, state.table.scenario
    me = a.actor_ids.index(seat.actor)
    turn = state.pending
    if ctx.session.phase is Phase.PAUSED:
        status = '<div class="status paused">The instructor has paused the session.</div>'
    elif ctx.session.phase is Phase.ENDED:
        status = '<div class="status wait">The session has ended: see the debrief.</div>'
    elif turn is None:
        status = (
            '<div class="status wait" id="status">The game is over for your group. '
            f"{esc(score_line(state, me))}</div>"
        )
    elif turn.actor == me and not seat.released:
        status = (
            f'<div class="status turn" id="status">Your move: decision {turn.number}, '
            f"{esc(_where(state, turn))}.</div>"
        )
    else:
        status = (
            f'<div class="status wait" id="status">Waiting for {esc(ctx.whose)} '
            f"({esc(_where(state, turn))}).</div>"
        )
    parts = [status]
    if ctx.error:
        parts.append(f'<div class="error" role="alert">{esc(ctx.error)}</div>')
    said = reply(state, me)
    if said:
        parts.append(
            f'<div class="reply" id="reply"><b>Reply to your last move.</b> {esc(said)}</div>'
        )
    if turn is not None and turn.actor == me and ctx.session.phase is Phase.OPEN:
        parts.append(
            f'<section id="decision"><h2>Your decision</h2>{decision_html(ctx, turn)}</section>'
        )
    parts.append(ctx.talk)
    rung = s.escalation.ladder[ladder_level(state)].label if s.escalation else ""
    parts.append(
        f"<h2>Positions</h2><p>As last seen at a table. The crisis stands on “{esc(rung)}”.</p>"
        + positions_table(state, me)
    )
    agreements = [
        f"{s.issues[g.issue].name} at {g.position:.1f} ({FORM_NAMES[g.form]})"
        for g in state.record.agreements
        if g is not None and state.past(g.day)
    ]
    parts.append(f"<p>Agreements in force: {esc('; '.join(agreements) or 'none yet')}.</p>")
    lines = story(state)[-NEWS:][::-1]
    news = "".join(
        f'<li class="{"mine" if me in line.actors else ""}"><span class="kind">{esc(line.kind)}'
        f"</span>{esc(str(date_of(state, line.day)))} {esc(line.text)}</li>"
        for line in lines
    )
    news = news or "<li>Nothing yet: the first meeting is about to open.</li>"
    parts.append(f'<h2>What happened (latest first)</h2><ul class="news" id="news">{news}</ul>')
    parts.append(
        f'<details id="brief" {"open" if not state.taken else ""}><summary>Your role brief: '
        f"{esc(ctx.brief.name)}</summary>{brief_html(ctx.brief)}</details>"
    )
    meta = (
        f"Group {ctx.group.number} · you are <b>{esc(s.actors[me].name)}</b> ({esc(seat.actor)})"
        f" · {esc(s.scenario.title)} · session {esc(ctx.session.phase.value)}"
    )
    return page(
        f"{s.actors[me].name}, group {ctx.group.number}",
        f"negsim classroom · {s.actors[me].name}",
        meta,
        "".join(parts),
        events=f"/events/{seat.token}",
        fingerprint=ctx.fingerprint,
    )
