"""The debrief's routes: the page, its offline export and the transcripts, behind one access rule.

Apart from :mod:`sim.classroom.web` (which includes them) because they are the one part of the
app that shows every group's choices: who may see them, and when, is decided here alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sim.classroom.debrief import GroupResult, group_result
from sim.classroom.debrief_page import debrief_page
from sim.classroom.guard import request_nonce
from sim.classroom.messages import messages
from sim.classroom.session import Classroom, RefusedError
from sim.classroom.store import Phase, SessionRow
from sim.classroom.transcript import transcript_csv, transcript_json

INLINE_SCRIPT = re.compile(r'<script(?: type="text/javascript")?>')
"""The opening tag of an inline script (plotly's charts write them): each gets the nonce."""


def teach_cookie(session: SessionRow) -> str:
    """The cookie by which the instructor's browser is known (it holds the instructor token)."""
    return f"negsim-teach-{session.id}"


def download(text: str, media_type: str, filename: str) -> Response:
    """*text* as a file the browser saves, never opens in the tab."""
    return Response(
        text,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def debrief_router(
    classroom: Classroom, lock: threading.RLock, plotly_js: Callable[[], str]
) -> APIRouter:
    """The debrief's routes over *classroom*, each under the app's *lock*."""
    router = APIRouter()
    exports: dict[tuple[int, str], str] = {}

    def debriefed(token: str, request: Request) -> tuple[SessionRow, list[GroupResult]]:
        """The session and its groups' results, or why not.

        The instructor's token opens it at any time after set-up; the students' join token and
        the projector's token only once the session has ended (during play it would show every
        group's choices and the model's move at each decision). The instructor's pages link it
        by the projector's token, so that the instructor token never shows in a projected
        address bar: the instructor's browser is known by the cookie its control page set.
        """
        found = classroom.store.session_by_token(token)
        shown = classroom.store.session_by_projector(token) if found is None else None
        if shown is not None:
            teaching = request.cookies.get(teach_cookie(shown)) == shown.instructor_token
            found = (shown, "instructor" if teaching else "projector")
        if found is None or found[0].phase is Phase.SETUP:
            raise RefusedError(404, "no debrief for this token")
        session, kind = found
        if kind != "instructor" and session.phase is not Phase.ENDED:
            raise RefusedError(403, "the debrief opens when the instructor ends the session")
        results = [group_result(v.group.number, v.state) for v in classroom.group_views(session)]
        return session, results

    def debrief_html(token: str, request: Request, *, live: bool) -> str:
        nonce = request_nonce(request.scope) if live else ""
        session, results = debriefed(token, request)
        if live:
            head = '<script src="/static/plotly.js"></script>'
        else:
            head = f"<script>{plotly_js()}</script>"
        text = debrief_page(
            session,
            results,
            classroom.distribution(session),
            token=classroom.store.projector_token(session),  # links never carry the instructor's
            head=head,
            fingerprint=classroom.fingerprint(token),
            live=live,
        )
        # the charts' inline scripts run under the answer's nonce (the CSP allows no other)
        return INLINE_SCRIPT.sub(f'<script nonce="{nonce}">', text)

    @router.get("/debrief/{token}", response_class=HTMLResponse)
    def debrief(request: Request, token: str) -> str:
        with lock:
            return debrief_html(token, request, live=True)

    @router.get("/debrief/{token}/export.html")
    def export(request: Request, token: str) -> Response:
        with lock:
            session, _ = debriefed(token, request)
            key = (session.id, classroom.fingerprint(token))
            if key not in exports:
                exports.clear()  # one export kept: the game moved on
                exports[key] = debrief_html(token, request, live=False)
            return download(exports[key], "text/html", "debrief.html")

    @router.get("/debrief/{token}/transcript.csv")
    def transcript_as_csv(request: Request, token: str) -> Response:
        with lock:
            _, results = debriefed(token, request)
            return download(transcript_csv(results), "text/csv", "transcript.csv")

    @router.get("/debrief/{token}/transcript.json")
    def transcript_as_json(request: Request, token: str) -> Response:
        with lock:
            session, results = debriefed(token, request)
            header: dict[str, object] = {
                "scenario": session.scenario,
                "seed": session.seed,
                "run": session.run_index,
                "humans": list(session.humans),
                "messages": [
                    m.as_dict(g.number)
                    for g in classroom.store.groups(session)
                    for m in messages(classroom.store, g)
                ],
            }
            text = transcript_json(results, header)
        return download(text, "application/json", "transcript.json")

    return router
