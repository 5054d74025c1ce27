"""Joining by room code: the page where a student types the code off the projector.

Apart from :mod:`sim.classroom.web` (which includes these routes) so that the ways into a
session live together. The code only leads to the session's join page; what a student may do
there is decided by the join token, as for the join link.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sim.classroom.room_code import LENGTH, normalized
from sim.classroom.session import Classroom
from sim.classroom.shell import esc, page
from sim.classroom.store import Phase

Refusal = Callable[[int, str, str], HTMLResponse]


def code_page(typed: str = "") -> str:
    """The form asking for the room code: one field, first on the page."""
    return page(
        "Join a session",
        "negsim classroom",
        "join a session",
        '<form method="post" action="/room" id="room">'
        f'<p><label>Room code <input type="text" name="code" id="code" required '
        f'maxlength="{LENGTH + 4}" autocomplete="off" autocapitalize="characters" '
        f'value="{esc(typed)}"></label></p>'
        '<button class="primary">Join</button></form>'
        f"<p>The code is {LENGTH} letters and digits: on the projector, or ask your instructor."
        "</p>",
    )


def lobby_router(classroom: Classroom, lock: threading.RLock, refusal: Refusal) -> APIRouter:
    """The room-code routes over *classroom*, under the app's *lock*; *refusal* draws a 4xx."""
    router = APIRouter()

    @router.get("/room", response_class=HTMLResponse)
    def room() -> str:
        return code_page()

    @router.post("/room")
    def enter(code: Annotated[str, Form(max_length=40)]) -> Response:
        found = normalized(code)
        if found is None:
            return refusal(422, f"a room code is {LENGTH} letters and digits", "/room")
        with lock:
            session = classroom.store.session_by_code(found)
        if session is None or session.phase is Phase.ENDED:
            return refusal(404, f"no open session has the room code {found}", "/room")
        return RedirectResponse(f"/join/{session.join_token}", status_code=303)

    return router
