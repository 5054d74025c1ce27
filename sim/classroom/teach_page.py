"""The instructor's control page and the students' join page."""

from __future__ import annotations

from sim.classroom.narrative import date_of
from sim.classroom.session import MAX_GROUPS, GroupView
from sim.classroom.shell import button_form, esc, page
from sim.classroom.store import Phase, SessionRow
from sim.scenario.format import Scenario


def _setup(session: SessionRow, scenario: Scenario, token: str) -> str:
    actors = "".join(
        f'<label><input type="checkbox" name="humans" value="{esc(a.id)}"'
        f"{' checked' if i < 2 else ''}> {esc(a.name)} ({esc(a.id)})</label><br>"
        for i, a in enumerate(scenario.actors)
    )
    return (
        "<h2>Set up the session</h2>"
        f'<form method="post" action="/teach/{esc(token)}/setup" id="setup">'
        f'<p><label>Scenario (inside the server\'s folder) <input type="text" name="scenario" '
        f'size="50" value="{esc(session.scenario)}"></label></p>'
        f"<p>Human seats (one student per ticked actor in every group; the model plays the "
        f"others):<br>{actors}</p>"
        f'<p><label>Groups playing in parallel <input type="number" name="groups" min="1" '
        f'max="{MAX_GROUPS}" value="3"></label></p>'
        f'<p><label>Run of <code>negsim run</code> every group plays <input type="number" '
        f'name="run" min="0" value="0"></label> (seed {session.seed}: the same run, so groups '
        f"compare)</p>"
        f"<p>Opening starts the model's Monte Carlo in the background: {session.runs} runs, "
        f"seed {session.seed}.</p>"
        '<button class="primary">Open the session</button></form>'
    )


def _groups(views: list[GroupView], token: str) -> str:
    rows = []
    for v in views:
        state = v.state
        a = state.table.arrays
        seats = []
        for seat in v.seats:
            who = esc(seat.name or "a student") if seat.claimed else "free"
            if seat.released:
                who += " · played by the model"
            release = (
                ""
                if seat.released
                else button_form(
                    f"/teach/{token}/release", "hand to the model", {"seat": str(seat.id)}
                )
            )
            free = (
                button_form(f"/teach/{token}/free", "free the seat", {"seat": str(seat.id)})
                if seat.claimed or seat.released
                else ""
            )
            seats.append(f"<div>{esc(seat.actor)}: {who} {release}{free}</div>")
        if state.pending is None:
            progress = f"finished ({state.record.end_day:.0f} days)"
        else:
            turn = state.pending
            progress = (
                f"decision {turn.number}, {date_of(state, turn.view.day)}: waiting for "
                f"{esc(a.actor_ids[turn.actor])}"
            )
        rows.append(
            f'<tr id="group-{v.group.number}"><td>{v.group.number}</td><td>{"".join(seats)}</td>'
            f"<td>{len(state.taken)}</td><td>{progress}</td></tr>"
        )
    return (
        '<table id="groups"><tr><th>group</th><th>seats</th><th class=num>decisions made</th>'
        f"<th>progress</th></tr>{''.join(rows)}</table>"
    )


def instructor_page(
    session: SessionRow,
    scenario: Scenario,
    views: list[GroupView],
    *,
    base: str,
    fingerprint: str,
    distribution: str,
    room_code: str = "",
    projector: str = "",
    error: str = "",
) -> str:
    """The control page: set-up, or the running session's groups, controls and links."""
    token = session.instructor_token
    parts = [f'<div class="error" role="alert">{esc(error)}</div>'] if error else []
    if session.phase is Phase.SETUP:
        parts.append(_setup(session, scenario, token))
    else:
        join = f"{base}/join/{session.join_token}"
        parts.append(
            f'<p>Students join at <code class="url" id="join-url">{esc(join)}</code>'
            f' or type the room code <b id="room-code">{esc(room_code)}</b> at '
            f'<code class="url">{esc(base)}/room</code> · '
            f'<a href="/show/{esc(projector)}" id="projector">projector view</a> (read-only: '
            "no instructor token in its address)</p>"
            f"<p>Session <b id=phase>{esc(session.phase.value)}</b> · run {session.run_index} "
            f"of seed {session.seed} · human seats: {esc(', '.join(session.humans))} · "
            f"model's Monte Carlo: {esc(distribution)}</p>"
        )
        controls = []
        if session.phase is Phase.OPEN:
            controls.append(button_form(f"/teach/{token}/phase", "Pause", {"action": "pause"}))
        if session.phase is Phase.PAUSED:
            controls.append(
                button_form(f"/teach/{token}/phase", "Resume", {"action": "resume"}, primary=True)
            )
        if session.phase is not Phase.ENDED:
            controls.append(
                button_form(f"/teach/{token}/phase", "End and open the debrief", {"action": "end"})
            )
        controls.append(f'<a href="/debrief/{esc(projector)}" id="debrief-link">Debrief</a>')
        parts.append(f"<p>{' '.join(controls)}</p>")
        parts.append("<h2>Groups</h2>" + _groups(views, token))
        if scenario.shocks and session.phase is not Phase.ENDED:
            shocks = "".join(
                f'<option value="{esc(s.id)}">{esc(s.id)}: {esc(s.description)}</option>'
                for s in scenario.shocks
            )
            groups = '<option value="0">every group</option>' + "".join(
                f'<option value="{v.group.number}">group {v.group.number}</option>' for v in views
            )
            parts.append(
                "<h2>Inject a shock</h2>"
                f'<form method="post" action="/teach/{esc(token)}/shock" id="inject">'
                f'<select name="shock">{shocks}</select> in <select name="group">{groups}</select>'
                " <button>Fire it now</button></form>"
            )
    return page(
        "Instructor",
        f"negsim classroom · {scenario.scenario.title}",
        f"instructor · scenario {esc(session.scenario)}",
        "".join(parts),
        events=f"/events/{token}",
        fingerprint=fingerprint,
    )


def join_page(
    session: SessionRow,
    scenario: Scenario,
    views: list[GroupView],
    *,
    fingerprint: str,
    error: str = "",
) -> str:
    """The students' page: each group's seats, free ones with a button to take them."""
    names = {a.id: a.name for a in scenario.actors}
    parts = [f'<div class="error" role="alert">{esc(error)}</div>'] if error else []
    if session.phase is Phase.SETUP:
        parts.append("<p>The instructor is still setting up; this page updates by itself.</p>")
    for v in views:
        seats = []
        for seat in v.seats:
            label = f"{names.get(seat.actor, seat.actor)} ({seat.actor})"
            if seat.claimed or seat.released:
                seats.append(f"<li>{esc(label)}: taken</li>")
                continue
            seats.append(
                f'<li><form class="inline" method="post" action="/join/{esc(session.join_token)}">'
                f'<input type="hidden" name="seat" value="{seat.id}">{esc(label)} '
                f'<input type="text" name="name" placeholder="your name" required maxlength="40">'
                f'<button class="primary">Take this seat</button></form></li>'
            )
        parts.append(
            f'<h2>Group {v.group.number}</h2><ul id="join-group-{v.group.number}">'
            f"{''.join(seats)}</ul>"
        )
    return page(
        "Join",
        f"negsim classroom · {scenario.scenario.title}",
        "choose a seat: one student per actor per group",
        "".join(parts),
        events=f"/events/{session.join_token}",
        fingerprint=fingerprint,
    )
