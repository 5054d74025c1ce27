"""The routes of talk between delegations: a seat sends, the instructor reads every group."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sim.classroom.messages import MAX_TEXT, RateLimit
from sim.classroom.session import Classroom
from sim.classroom.shell import page
from sim.classroom.talk import all_messages_html, send


def message_router(
    classroom: Classroom, lock: threading.RLock, limit: RateLimit | None = None
) -> APIRouter:
    """The message routes over *classroom*, under the app's *lock*, one rate limit per seat."""
    router = APIRouter()
    rate = limit or RateLimit()

    @router.post("/seat/{token}/message")
    def post_message(
        token: str,
        text: Annotated[str, Form(max_length=MAX_TEXT)],
        to: Annotated[str, Form(max_length=40)] = "all",
    ) -> Response:
        with lock:
            send(classroom, rate, token, to, text)
        return RedirectResponse(f"/seat/{token}", status_code=303)

    @router.get("/teach/{token}/messages", response_class=HTMLResponse)
    def every_message(token: str) -> str:
        with lock:
            body = all_messages_html(classroom, token)
            mark = classroom.fingerprint(token)
        return page(
            "Messages",
            "negsim classroom · every message",
            f'<a href="/teach/{token}">back to the controls</a>',
            body,
            events=f"/events/{token}",
            fingerprint=mark,
        )

    return router
