"""The rules of sending a message, and the messages a page shows (see :mod:`messages`)."""

from __future__ import annotations

from sim.classroom.messages import MAX_TEXT, PUBLIC, Message, RateLimit, add_message, messages
from sim.classroom.session import Classroom, RefusedError
from sim.classroom.shell import esc
from sim.classroom.store import Phase


def send(classroom: Classroom, limit: RateLimit, token: str, to: str, text: str) -> Message:
    """Seat *token* sends *text* to actor *to* of its group ("" or "all": the whole group).

    RefusedError when the session is not open or paused (409), the text is empty or longer
    than :data:`MAX_TEXT` (422), *to* is not another human delegation of the group (422), or
    the seat has sent too many messages lately (429).
    """
    session, group, seat = classroom.seat(token)
    if session.phase not in (Phase.OPEN, Phase.PAUSED):
        raise RefusedError(409, f"the session is {session.phase.value}: no messages now")
    body = text.strip()
    if not body or len(body) > MAX_TEXT:
        raise RefusedError(422, f"a message holds 1–{MAX_TEXT} characters")
    recipient = PUBLIC if to in ("", "all") else to
    others = {s.actor for s in classroom.store.seats(group)} - {seat.actor}
    if recipient != PUBLIC and recipient not in others:
        raise RefusedError(422, f"{to!r} is not another delegation of your group")
    if not limit.allow(token):
        raise RefusedError(429, "too many messages: wait a minute before the next")
    state = classroom.state(session, group)
    decision = state.pending.number if state.pending is not None else len(state.taken)
    sent = add_message(classroom.store, group, seat.actor, recipient, body, decision)
    classroom.version += 1
    return sent


def message_list(shown: list[Message]) -> str:
    """Messages as an HTML list, newest first; every text escaped."""
    items = "".join(
        f'<li class="{"public" if m.public else "private"}"><span class="kind">'
        f"{esc(m.sender)} → {esc(m.recipient or 'all')}</span> "
        f"<small>{esc(m.sent_at)}, decision {m.decision}</small><br>{esc(m.text)}</li>"
        for m in reversed(shown)
    )
    return f'<ul class="news" id="messages">{items or "<li>No messages yet.</li>"}</ul>'


def seat_messages_html(classroom: Classroom, token: str) -> str:
    """A seat's talk section: what it reads and a form to write to its group or a delegation."""
    session, group, seat = classroom.seat(token)
    shown = messages(classroom.store, group, seat.actor)
    others = [s.actor for s in classroom.store.seats(group) if s.actor != seat.actor]
    options = '<option value="all">Public statement (whole group)</option>' + "".join(
        f'<option value="{esc(a)}">Private to {esc(a)}</option>' for a in others
    )
    form = ""
    if session.phase in (Phase.OPEN, Phase.PAUSED):
        form = (
            f'<form method="post" action="/seat/{esc(token)}/message" id="talk">'
            f'<select name="to" aria-label="to">{options}</select> '
            f'<textarea name="text" maxlength="{MAX_TEXT}" rows="2" aria-label="message">'
            "</textarea> <button>Send</button></form>"
        )
    return f'<section id="talk-section"><h2>Messages</h2>{form}{message_list(shown)}</section>'


def all_messages_html(classroom: Classroom, token: str) -> str:
    """Every group's messages, for the instructor."""
    session = classroom.by_token(token, "instructor")
    parts = [
        f"<h2>Group {g.number}</h2>{message_list(messages(classroom.store, g))}"
        for g in classroom.store.groups(session)
    ]
    return "".join(parts) or "<p>No groups yet.</p>"
