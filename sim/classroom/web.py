"""The classroom's web server: FastAPI routes over :class:`~sim.classroom.session.Classroom`.

The only module that imports the web framework (FastAPI/Starlette) and the server (uvicorn).
Pages are rendered on the server; forms post and redirect; each page follows the game over a
server-sent event stream. Every route but ``/ready`` (200 once the server has warmed up) takes a
token: an unknown one is 404, a refused action answers with its 4xx status and changes nothing,
a malformed form is FastAPI's 422.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from sim.classroom.brief import role_brief
from sim.classroom.debrief import GroupResult, group_result
from sim.classroom.debrief_page import debrief_page
from sim.classroom.seat_page import SeatContext, seat_page
from sim.classroom.session import Classroom, RefusedError
from sim.classroom.shell import esc, page
from sim.classroom.store import Phase, SessionRow
from sim.classroom.teach_page import instructor_page, join_page
from sim.classroom.transcript import transcript_csv, transcript_json
from sim.report.debrief_figures import plotly_script

EVENT_POLL = 0.5
"""Seconds between two looks at a page's fingerprint on its event stream."""
KEEP_ALIVE = 15.0


def _cookie(session: SessionRow) -> str:
    return f"negsim-seat-{session.id}"


def create_app(classroom: Classroom) -> FastAPI:
    """The web application over *classroom*."""
    app = FastAPI(title="negsim classroom", docs_url=None, redoc_url=None, openapi_url=None)
    plotly: list[str] = []

    def see_other(url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)

    def act(
        action: Callable[[], object], then: str, again: Callable[[str, int], Response]
    ) -> Response:
        """Do *action* and go to *then*; when the classroom refuses it, show *again* with why."""
        try:
            action()
        except RefusedError as error:
            return again(error.message, error.status)
        return see_other(then)

    @app.exception_handler(RefusedError)
    async def refused(request: Request, error: RefusedError) -> HTMLResponse:
        body = f'<div class="error" role="alert">{esc(error.message)}</div>'
        return HTMLResponse(page("Refused", "negsim classroom", "", body), error.status)

    @app.get("/", response_class=HTMLResponse)
    async def home() -> str:
        return page(
            "negsim classroom",
            "negsim classroom",
            "",
            "<p>Ask your instructor for the join link.</p>",
        )

    @app.get("/ready")
    async def ready() -> Response:
        """200 once the server has warmed up (scenario loaded, kernel compiled), else 503."""
        if not classroom.ready:
            return Response("warming up\n", 503, media_type="text/plain")
        return Response("ready\n", media_type="text/plain")

    @app.get("/static/plotly.js")
    async def plotly_js() -> Response:
        if not plotly:
            plotly.append(plotly_script())
        return Response(
            plotly[0],
            media_type="application/javascript",
            headers={"Cache-Control": "max-age=86400"},
        )

    # --- the instructor ---------------------------------------------------------------------

    def teach(
        request: Request, session: SessionRow, error: str = "", status: int = 200
    ) -> HTMLResponse:
        scenario = classroom.scenario(session.scenario)
        views = classroom.group_views(session) if session.phase is not Phase.SETUP else []
        distribution = classroom.distribution(session)
        mc = (
            f"done ({distribution.runs} runs)"
            if distribution is not None
            else ("not started" if session.phase is Phase.SETUP else "running…")
        )
        text = instructor_page(
            session,
            scenario,
            views,
            base=str(request.base_url).rstrip("/"),
            fingerprint=classroom.fingerprint(session.instructor_token),
            distribution=mc,
            error=error,
        )
        return HTMLResponse(text, status)

    @app.get("/teach/{token}", response_class=HTMLResponse)
    async def instructor(request: Request, token: str) -> HTMLResponse:
        return teach(request, classroom.by_token(token, "instructor"))

    @app.post("/teach/{token}/setup")
    async def set_up(
        request: Request,
        token: str,
        scenario: Annotated[str, Form(max_length=300)],
        groups: Annotated[int, Form()],
        humans: Annotated[list[str], Form()],
        run: Annotated[int, Form()] = 0,
    ) -> Response:
        session = classroom.by_token(token, "instructor")
        return act(
            lambda: classroom.set_up(session, scenario, humans, groups, run),
            f"/teach/{token}",
            lambda error, status: teach(request, session, error, status),
        )

    @app.post("/teach/{token}/phase")
    async def set_phase(token: str, action: Annotated[str, Form(max_length=10)]) -> Response:
        session = classroom.by_token(token, "instructor")
        classroom.set_phase(session, action)
        return see_other(f"/debrief/{token}" if action == "end" else f"/teach/{token}")

    @app.post("/teach/{token}/shock")
    async def inject(
        request: Request,
        token: str,
        shock: Annotated[str, Form(max_length=100)],
        group: Annotated[int, Form()],
    ) -> Response:
        session = classroom.by_token(token, "instructor")
        return act(
            lambda: classroom.inject(session, shock, group),
            f"/teach/{token}",
            lambda error, status: teach(request, session, error, status),
        )

    @app.post("/teach/{token}/release")
    async def release(token: str, seat: Annotated[int, Form()]) -> Response:
        classroom.release(classroom.by_token(token, "instructor"), seat)
        return see_other(f"/teach/{token}")

    # --- students ---------------------------------------------------------------------------

    def joining(session: SessionRow, error: str = "", status: int = 200) -> HTMLResponse:
        scenario = classroom.scenario(session.scenario)
        views = classroom.group_views(session) if session.phase is not Phase.SETUP else []
        text = join_page(
            session,
            scenario,
            views,
            fingerprint=classroom.fingerprint(session.join_token),
            error=error,
        )
        return HTMLResponse(text, status)

    @app.get("/join/{token}", response_class=HTMLResponse)
    async def join(request: Request, token: str) -> Response:
        session = classroom.by_token(token, "join")
        mine = request.cookies.get(_cookie(session))
        if mine and classroom.store.seat_by_token(mine) is not None:
            return see_other(f"/seat/{mine}")
        return joining(session)

    @app.post("/join/{token}")
    async def take_seat(
        token: str,
        seat: Annotated[int, Form()],
        name: Annotated[str, Form(max_length=40)] = "",
    ) -> Response:
        session = classroom.by_token(token, "join")
        try:
            taken = classroom.join(session, seat, name)
        except RefusedError as error:
            return joining(session, error.message, error.status)
        response = see_other(f"/seat/{taken.token}")
        response.set_cookie(
            _cookie(session), taken.token, httponly=True, samesite="strict", max_age=86400
        )
        return response

    def seat_view(token: str, error: str = "", status: int = 200) -> HTMLResponse:
        session, group, seat = classroom.seat(token)
        state = classroom.state(session, group)
        whose = ""
        if state.pending is not None:
            actor = state.table.arrays.actor_ids[state.pending.actor]
            names = {s.actor: s.name for s in classroom.store.seats(group)}
            whose = f"{actor} ({names.get(actor) or 'a student'})"
        context = SeatContext(
            session,
            group,
            seat,
            state,
            role_brief(state.table.scenario, seat.actor),
            whose,
            classroom.fingerprint(token),
            error,
        )
        return HTMLResponse(seat_page(context), status)

    @app.get("/seat/{token}", response_class=HTMLResponse)
    async def seat(token: str) -> HTMLResponse:
        return seat_view(token)

    @app.post("/seat/{token}/move")
    async def move(
        request: Request,
        token: str,
        number: Annotated[int, Form()],
        move: Annotated[str, Form(max_length=20)],
        counter: Annotated[float | None, Form()] = None,
        concede: Annotated[float | None, Form()] = None,
    ) -> Response:
        classroom.seat(token)
        form = await request.form()
        text = move
        if move == "counter" and counter is not None:
            text = f"counter {counter!r}"
        elif move == "concede" and concede is not None:
            text = f"concede {concede!r}%"
        elif move == "ask":
            asks = [
                f"ask {key.split(':')[1]} {key.split(':')[2]} {value}"
                for key, value in form.multi_items()
                if key.startswith("ask:") and key.count(":") == 2 and str(value).strip()
            ]
            text = "; ".join(asks) or "ask"
        return act(
            lambda: classroom.move(token, number, text),
            f"/seat/{token}",
            lambda error, status: seat_view(token, error, status),
        )

    # --- live updates -----------------------------------------------------------------------

    @app.get("/events/{token}")
    async def events(request: Request, token: str) -> StreamingResponse:
        classroom.fingerprint(token)  # 404 for an unknown token

        async def stream() -> AsyncIterator[str]:
            last, quiet = "", 0.0
            while not await request.is_disconnected():
                classroom.poll()
                mark = classroom.fingerprint(token)
                if mark != last:
                    last, quiet = mark, 0.0
                    yield f"data: {mark}\n\n"
                elif quiet >= KEEP_ALIVE:
                    quiet = 0.0
                    yield ": keep-alive\n\n"
                await asyncio.sleep(EVENT_POLL)
                quiet += EVENT_POLL

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    # --- the debrief ------------------------------------------------------------------------

    def debriefed(token: str) -> tuple[SessionRow, list[GroupResult]]:
        found = classroom.store.session_by_token(token)
        if found is None or found[0].phase is Phase.SETUP:
            raise RefusedError(404, "no debrief for this token")
        session = found[0]
        results = [group_result(v.group.number, v.state) for v in classroom.group_views(session)]
        return session, results

    def debrief_html(token: str, *, live: bool) -> str:
        session, results = debriefed(token)
        if live:
            head = '<script src="/static/plotly.js"></script>'
        else:
            head = f"<script>{plotly_script()}</script>"
        return debrief_page(
            session,
            results,
            classroom.distribution(session),
            token=token,
            head=head,
            fingerprint=classroom.fingerprint(token),
            live=live,
        )

    @app.get("/debrief/{token}", response_class=HTMLResponse)
    async def debrief(token: str) -> str:
        return debrief_html(token, live=True)

    @app.get("/debrief/{token}/export.html")
    async def export(token: str) -> Response:
        return Response(
            debrief_html(token, live=False),
            media_type="text/html",
            headers={"Content-Disposition": 'attachment; filename="debrief.html"'},
        )

    @app.get("/debrief/{token}/transcript.csv")
    async def transcript_as_csv(token: str) -> Response:
        _, results = debriefed(token)
        return Response(
            transcript_csv(results),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="transcript.csv"'},
        )

    @app.get("/debrief/{token}/transcript.json")
    async def transcript_as_json(token: str) -> Response:
        session, results = debriefed(token)
        header: dict[str, object] = {
            "scenario": session.scenario,
            "seed": session.seed,
            "run": session.run_index,
            "humans": list(session.humans),
        }
        return Response(
            transcript_json(results, header),
            media_type="application/json",
        )

    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on *host*:*port* (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(classroom: Classroom, sock: socket.socket, ready: Callable[[], None]) -> None:
    """Serve the classroom on *sock* until interrupted; *ready* runs once it accepts requests."""
    config = uvicorn.Config(
        create_app(classroom),
        log_level="warning",
        timeout_graceful_shutdown=2,
        lifespan="off",
    )
    server = uvicorn.Server(config)

    async def run() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.02)
        if server.started:
            ready()
        await task

    try:
        asyncio.run(run())
    finally:
        classroom.close()
