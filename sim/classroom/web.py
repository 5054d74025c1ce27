"""The classroom's web server: FastAPI routes over :class:`~sim.classroom.session.Classroom`.

The only module that imports the web framework (FastAPI/Starlette) and the server (uvicorn).
Pages are rendered on the server; forms post and redirect; each page follows the game over a
server-sent event stream. Every route but ``/ready`` (200 once the server has warmed up) and the
static files takes a token: an unknown one is 404, a refused action answers with its 4xx status
and changes nothing, a malformed form (a missing field, a number out of bounds) is 422. Every
refusal is a page with one line saying why and a link back.

Every request first passes :class:`sim.classroom.guard.Guard` (security headers, foreign
origins, body size). Handlers are plain functions, so the framework runs them in its threadpool
and a slow page (a debrief, the export) never stalls the event loop that serves every other
seat; they share the classroom under the app's one lock, since its store connection and
caches are not thread-safe. The export (plotly inlined, megabytes) is cached per fingerprint.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import threading
from collections.abc import Callable
from typing import Annotated, TypeVar

import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from sim.classroom.brief import role_brief
from sim.classroom.debrief_routes import debrief_router, teach_cookie
from sim.classroom.event_stream import event_stream
from sim.classroom.guard import Guard
from sim.classroom.lobby_routes import lobby_router
from sim.classroom.message_routes import message_router
from sim.classroom.projector_routes import projector_router
from sim.classroom.roles_routes import roles_router
from sim.classroom.seat_page import SeatContext, seat_page
from sim.classroom.session import Classroom, RefusedError
from sim.classroom.shell import CSS, LIVE, esc, page
from sim.classroom.store import Phase, SessionRow
from sim.classroom.talk import seat_messages_html
from sim.classroom.teach_page import instructor_page, join_page
from sim.report.debrief_figures import plotly_script

EVENT_POLL = 0.5
"""Seconds between two looks at a page's fingerprint on its event stream."""
BIG = 10**9
"""Bound of every whole number a form carries: far above any seat, run or decision, far below
SQLite's 64-bit integers (a 20-digit number is a 422, never an overflow)."""
T = TypeVar("T")


def _back(path: str) -> str:
    """Where a refused request's page links back to: the token page it came from."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] in ("teach", "seat", "join", "debrief"):
        return f"/{parts[0]}/{parts[1]}"
    if parts == ["room"]:
        return "/room"
    return "/"


def refusal_page(status: int, message: str, path: str) -> HTMLResponse:
    """A refusal: one line saying why, and a link back to the page it came from."""
    line = " ".join(message.split()) or "refused"
    body = (
        f'<div class="error" role="alert">{esc(line)}</div>'
        f'<p><a href="{esc(_back(path))}" id="back">Back</a></p>'
    )
    return HTMLResponse(page("Refused", "negsim classroom", "", body), status)


def _cookie(session: SessionRow) -> str:
    return f"negsim-seat-{session.id}"


def create_app(
    classroom: Classroom, *, base: str = "http://testserver", origins: frozenset[str] = frozenset()
) -> FastAPI:
    """The web application over *classroom*.

    *base* is the URL students are given (built from the bound address, never from a request's
    Host header); *origins* are the other origins of this server a browser may post from
    (``base`` is always one).
    """
    app = FastAPI(title="negsim classroom", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(Guard, origins=origins | {base})
    lock = threading.RLock()  # held by every handler while it reads or changes the classroom

    def locked(work: Callable[[], T]) -> T:
        with lock:
            return work()

    plotly_js_text = functools.cache(plotly_script)  # megabytes: read once, on first use

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
        return refusal_page(error.status, error.message, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, error: RequestValidationError) -> HTMLResponse:
        problems = error.errors()
        first = problems[0] if problems else {}
        where = ".".join(str(x) for x in first.get("loc", ())[1:]) or "the form"
        why = str(first.get("msg", "is malformed"))
        return refusal_page(422, f"{where}: {why}", request.url.path)

    async def http_error(request: Request, error: Exception) -> HTMLResponse:
        status = int(getattr(error, "status_code", 404))  # the framework's own HTTPException
        detail = str(getattr(error, "detail", "not found"))
        return refusal_page(status, detail, request.url.path)

    for status in (404, 405):  # the framework's own refusals: an unknown path or method
        app.add_exception_handler(status, http_error)

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return page(
            "negsim classroom",
            "negsim classroom",
            "",
            '<p>Ask your instructor for the join link, or <a href="/room">type the room '
            "code</a>.</p>",
        )

    @app.get("/ready")
    async def ready() -> Response:  # no store access: answered on the event loop itself
        """200 once the server has warmed up (scenario loaded, kernel compiled), else 503."""
        if not classroom.ready:
            return Response("warming up\n", 503, media_type="text/plain")
        return Response("ready\n", media_type="text/plain")

    @app.get("/static/plotly.js")
    def plotly_js() -> Response:
        return Response(
            plotly_js_text(),
            media_type="application/javascript",
            headers={"Cache-Control": "max-age=86400"},
        )

    @app.get("/static/classroom.css")
    async def stylesheet() -> Response:
        return Response(CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @app.get("/static/live.js")
    async def live_script() -> Response:
        return Response(
            LIVE, media_type="application/javascript", headers={"Cache-Control": "max-age=3600"}
        )

    # --- the instructor ---------------------------------------------------------------------

    def teach(session: SessionRow, error: str = "", status: int = 200) -> HTMLResponse:
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
            base=base,
            fingerprint=classroom.fingerprint(session.instructor_token),
            distribution=mc,
            room_code=classroom.store.room_code(session),
            projector=classroom.store.projector_token(session),
            error=error,
        )
        return HTMLResponse(text, status)

    @app.get("/teach/{token}", response_class=HTMLResponse)
    def instructor(token: str) -> HTMLResponse:
        with lock:
            session = classroom.by_token(token, "instructor")
            answer = teach(session)
        answer.set_cookie(  # the debrief, linked by the projector token, knows the instructor
            teach_cookie(session), token, httponly=True, samesite="strict", max_age=86400
        )
        return answer

    @app.post("/teach/{token}/setup")
    def set_up(
        token: str,
        scenario: Annotated[str, Form(max_length=300)],
        groups: Annotated[int, Form(ge=0, le=BIG)],
        humans: Annotated[list[str], Form(max_length=100)],
        run: Annotated[int, Form(ge=0, le=BIG)] = 0,
    ) -> Response:
        with lock:
            session = classroom.by_token(token, "instructor")
            return act(
                lambda: classroom.set_up(session, scenario, humans, groups, run),
                f"/teach/{token}",
                lambda error, status: teach(session, error, status),
            )

    @app.post("/teach/{token}/phase")
    def set_phase(token: str, action: Annotated[str, Form(max_length=10)]) -> Response:
        with lock:
            session = classroom.by_token(token, "instructor")
            classroom.set_phase(session, action)
            shown = classroom.store.projector_token(session)
        return see_other(f"/debrief/{shown}" if action == "end" else f"/teach/{token}")

    @app.post("/teach/{token}/shock")
    def inject(
        token: str,
        shock: Annotated[str, Form(max_length=100)],
        group: Annotated[int, Form(ge=0, le=BIG)],
    ) -> Response:
        with lock:
            session = classroom.by_token(token, "instructor")
            return act(
                lambda: classroom.inject(session, shock, group),
                f"/teach/{token}",
                lambda error, status: teach(session, error, status),
            )

    @app.post("/teach/{token}/release")
    def release(token: str, seat: Annotated[int, Form(ge=0, le=BIG)]) -> Response:
        with lock:
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
    def join(request: Request, token: str) -> Response:
        with lock:
            session = classroom.by_token(token, "join")
            mine = request.cookies.get(_cookie(session))
            if mine and classroom.store.seat_by_token(mine) is not None:
                return see_other(f"/seat/{mine}")
            return joining(session)

    @app.post("/join/{token}")
    def take_seat(
        request: Request,
        token: str,
        seat: Annotated[int, Form(ge=0, le=BIG)],
        name: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        with lock:
            session = classroom.by_token(token, "join")
            held = request.cookies.get(_cookie(session))
            if held and classroom.store.seat_by_token(held) is not None:  # one seat per browser
                return joining(session, "this browser holds a seat already", 409)
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
            seat_messages_html(classroom, token),
        )
        return HTMLResponse(seat_page(context), status)

    @app.get("/seat/{token}", response_class=HTMLResponse)
    def seat(token: str) -> HTMLResponse:
        with lock:
            return seat_view(token)

    @app.post("/seat/{token}/move")
    async def move(
        request: Request,
        token: str,
        number: Annotated[int, Form(ge=0, le=BIG)],
        move: Annotated[str, Form(max_length=20)],
        counter: Annotated[float | None, Form(ge=-BIG, le=BIG)] = None,
        concede: Annotated[float | None, Form(ge=-BIG, le=BIG)] = None,
    ) -> Response:
        form = await request.form()  # the asks' fields are named by actor and issue
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

        def record() -> Response:
            classroom.seat(token)
            return act(
                lambda: classroom.move(token, number, text),
                f"/seat/{token}",
                lambda error, status: seat_view(token, error, status),
            )

        return await run_in_threadpool(locked, record)

    # --- live updates -----------------------------------------------------------------------

    @app.get("/events/{token}")
    def events(request: Request, token: str) -> StreamingResponse:
        locked(lambda: classroom.fingerprint(token))  # 404 for an unknown token

        def look() -> str:
            classroom.poll()
            return classroom.fingerprint(token)

        return event_stream(request, functools.partial(locked, look), EVENT_POLL)

    app.include_router(debrief_router(classroom, lock, plotly_js_text))
    app.include_router(lobby_router(classroom, lock, refusal_page))
    app.include_router(projector_router(classroom, lock, base))
    app.include_router(roles_router(classroom, lock))
    app.include_router(message_router(classroom, lock))

    return app


def serve(
    classroom: Classroom,
    sock: socket.socket,
    ready: Callable[[], None],
    *,
    base: str,
    origins: frozenset[str],
) -> None:
    """Serve the classroom on *sock* until interrupted; *ready* runs once it accepts requests."""
    config = uvicorn.Config(
        create_app(classroom, base=base, origins=origins),
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
