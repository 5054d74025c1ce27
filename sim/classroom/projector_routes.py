"""The projector's routes: its page, its stylesheet and its update stream, by its own token.

The projector token is read-only: it opens this page and nothing else (no form, no debrief
during play), so it can sit in a projected address bar. The page follows the game like a seat
page, over server-sent events, and reloads within a second of any move.
"""

from __future__ import annotations

import threading

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from sim.classroom.event_stream import event_stream
from sim.classroom.projector_page import CSS, projector_page
from sim.classroom.session import Classroom, RefusedError
from sim.classroom.store import Phase, SessionRow

EVENT_POLL = 0.25
"""Seconds between two looks at the boards: a move shows on the projector within a second."""


def projector_router(classroom: Classroom, lock: threading.RLock, base: str) -> APIRouter:
    """The projector's routes over *classroom*, under the app's *lock*; *base*: students' URL."""
    router = APIRouter()

    def shown(token: str) -> SessionRow:
        session = classroom.store.session_by_projector(token)
        if session is None:
            raise RefusedError(404, "no such projector")
        return session

    def fingerprint(session: SessionRow) -> str:
        return classroom.fingerprint(session.join_token)  # the boards and who has joined

    @router.get("/show/{token}", response_class=HTMLResponse)
    def projector(token: str) -> str:
        with lock:
            session = shown(token)
            views = classroom.group_views(session) if session.phase is not Phase.SETUP else []
            return projector_page(
                session,
                classroom.scenario(session.scenario),
                views,
                join_url=f"{base}/join/{session.join_token}",
                room_code=classroom.store.room_code(session),
                events=f"/show/{token}/events",
                fingerprint=fingerprint(session),
            )

    @router.get("/static/projector.css")
    async def stylesheet() -> Response:
        return Response(CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @router.get("/show/{token}/events")
    def events(request: Request, token: str) -> StreamingResponse:
        with lock:
            session = shown(token)  # 404 for an unknown token

        def look() -> str:
            with lock:
                return fingerprint(session)

        return event_stream(request, look, EVENT_POLL)

    return router
