"""The instructor's seat changes: free a seat for another student, after a confirmation.

Apart from :mod:`sim.classroom.web` (which includes it). Freeing a seat gives it a new token, so
the student who held it loses it at once (their page answers 404 and the join page lets them
take another), and the seat shows as free on the join page for whoever the instructor sends
there. A seat handed to the model comes back to a student as long as the model has not taken
one of its decisions yet: from then on the replay has the model play it to the end of the run
(a recorded ``rest``), which no later change may rewrite.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sim.classroom.session import Classroom, RefusedError
from sim.classroom.shell import button_form, esc, page
from sim.classroom.store import Phase, SeatRow, SessionRow

BIG = 10**9


def seat_in(classroom: Classroom, session: SessionRow, seat_id: int) -> SeatRow:
    """Seat *seat_id* of *session*, or a 404 refusal."""
    seat = classroom.store.seat(seat_id)
    group = classroom.store.group(seat.group_id) if seat else None
    if seat is None or group is None or group.session_id != session.id:
        raise RefusedError(404, "no such seat in this session")
    return seat


def roles_router(classroom: Classroom, lock: threading.RLock) -> APIRouter:
    """The seat-change routes over *classroom*, under the app's *lock*."""
    router = APIRouter()

    @router.post("/teach/{token}/free")
    def free(
        token: str,
        seat: Annotated[int, Form(ge=0, le=BIG)],
        confirm: Annotated[str, Form(max_length=10)] = "",
    ) -> Response:
        with lock:
            session = classroom.by_token(token, "instructor")
            if session.phase not in (Phase.OPEN, Phase.PAUSED):
                raise RefusedError(409, f"the session is {session.phase.value}: no seat changes")
            row = seat_in(classroom, session, seat)
            group = classroom.store.group(row.group_id)
            assert group is not None
            if (row.actor, "rest") in classroom.store.moves(group):
                raise RefusedError(
                    409,
                    f"the model plays {row.actor} in group {group.number} for the rest of the "
                    "run (it has taken a decision of the seat): the seat cannot be given back",
                )
            if confirm != "yes":
                held = esc(row.name) if row.claimed else "nobody"
                model = " The model holds it now; a student will take it over." * row.released
                body = (
                    f'<p id="confirm">Free {esc(row.actor)} in group {group.number} (held by '
                    f"{held})? Its student's page stops working and the seat shows as free on "
                    f"the join page.{model}</p>"
                    + button_form(
                        f"/teach/{token}/free",
                        "Yes, free this seat",
                        {"seat": str(row.id), "confirm": "yes"},
                        primary=True,
                    )
                    + f' <a href="/teach/{esc(token)}" id="back">No, go back</a>'
                )
                return HTMLResponse(page("Free a seat", "negsim classroom", "instructor", body))
            classroom.store.free(row)
            classroom.version += 1
        return RedirectResponse(f"/teach/{token}", status_code=303)

    return router
