"""The projector page: the room code, a QR code of the join link, who has joined, every board.

Drawn for the back of a room at 1920×1080: body type 28 px, one card per group with its date,
venue, whose turn and the outcome so far. It carries no instructor or seat token: the page is
addressed by the session's read-only projector token, and its only link-like content is the
students' join URL (in the QR code and in words), which the class is meant to see.
"""

from __future__ import annotations

import segno

from sim.classroom.narrative import date_of, ladder_level
from sim.classroom.replay import GroupState
from sim.classroom.session import GroupView
from sim.classroom.shell import esc, page
from sim.classroom.store import Phase, SessionRow
from sim.engine.policy import EscalationView
from sim.scenario.format import Scenario

CSS = """
body.projector{font-size:28px;max-width:none;padding:0 2rem 2rem}
body.projector header h1{font-size:1.4em}
.join-box{display:flex;gap:2rem;align-items:center;flex-wrap:wrap}
.join-box svg{width:9em;height:9em;background:#fff}
.code{font:700 2.6em/1 ui-monospace,monospace;letter-spacing:.12em;color:var(--accent)}
.boards{display:grid;grid-template-columns:repeat(auto-fit,minmax(15em,1fr));gap:1rem}
.board{border:2px solid var(--line);border-radius:10px;padding:.5em .8em}
.board h2{margin:0 0 .3em;font-size:1.1em}.board p{margin:.15em 0}
ul.names{columns:4 10em;padding-left:1.2em}
"""


def qr_svg(url: str) -> str:
    """An inline SVG QR code of *url* (segno: pure Python, no image library)."""
    return str(segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=False))


def board(view: GroupView) -> str:
    """One group's card: date, venue, whose turn, outcome so far."""
    state: GroupState = view.state
    s, a = state.table.scenario, state.table.arrays
    level = ladder_level(state)
    rung = s.escalation.ladder[level].label if s.escalation else ""
    if state.pending is None:
        turn = "finished"
        venue = "—"
    else:
        pending = state.pending
        turn = f"{a.actor_ids[pending.actor]} to decide (decision {pending.number})"
        if isinstance(pending.view, EscalationView):
            met = pending.view.venue
            venue = s.venues[met].name if met >= 0 else "before the first meeting"
        else:
            venue = next(v.name for v in s.venues if v.id == a.venue_ids[pending.venue])
    agreed = sum(1 for ag in state.record.agreements if ag is not None and state.past(ag.day))
    names = ", ".join(f"{seat.actor}: {seat.name}" for seat in view.seats if seat.claimed)
    return (
        f'<section class="board" id="board-{view.group.number}">'
        f"<h2>Group {view.group.number}</h2>"
        f"<p>{esc(str(date_of(state, state.now)))} · {esc(venue)}</p>"
        f'<p class="turn">{esc(turn)}</p>'
        f"<p>{len(state.taken)} decisions · ladder: {esc(rung)} · "
        f"{agreed} agreement{'s' if agreed != 1 else ''}</p>"
        f'<p class="src">{esc(names) or "no student yet"}</p></section>'
    )


def projector_page(
    session: SessionRow,
    scenario: Scenario,
    views: list[GroupView],
    *,
    join_url: str,
    room_code: str,
    events: str,
    fingerprint: str,
) -> str:
    """The whole projector page: the lobby before and during play, and every group's board."""
    joined = [seat.name for v in views for seat in v.seats if seat.claimed]
    lobby = "".join(f"<li>{esc(n)}</li>" for n in joined) or "<li>nobody yet</li>"
    parts = [
        f'<div class="join-box">{qr_svg(join_url)}<div><p>Room code</p>'
        f'<p class="code" id="room-code">{esc(room_code)}</p>'
        f'<p>or <code class="url">{esc(join_url)}</code></p></div></div>',
    ]
    if session.phase is Phase.SETUP:
        parts.append("<p>The instructor is setting up the groups.</p>")
    else:
        parts.append(f'<div class="boards" id="boards">{"".join(board(v) for v in views)}</div>')
    parts.append(f'<h2>Joined ({len(joined)})</h2><ul class="names" id="lobby">{lobby}</ul>')
    head = '<link rel="stylesheet" href="/static/projector.css">'
    text = page(
        "Projector",
        scenario.scenario.title,
        f"session {esc(session.phase.value)}",
        "".join(parts),
        events=events,
        fingerprint=fingerprint,
        head=head,
    )
    return text.replace("<body ", '<body class="projector" ', 1)
