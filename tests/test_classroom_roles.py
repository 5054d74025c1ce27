"""The instructor frees a seat, after a confirmation, for another student: also a model's seat."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from classroom_server import Class, classroom_folder


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Class]:
    room = Class(classroom_folder(tmp_path))
    yield room
    room.classroom.close()


def seat_row(room: Class, actor: str) -> int:
    group = room.store.groups(room.session)[0]
    return next(s.id for s in room.store.seats(group) if s.actor == actor)


def test_freeing_asks_first_and_changes_nothing_until_confirmed(room: Class) -> None:
    seat = seat_row(room, "north")
    old = room.seats[1, "north"]
    ask = room.client.post(f"{room.teach}/free", data={"seat": str(seat)})
    assert ask.status_code == 200
    assert 'id="confirm"' in ask.text and "north in group 1" in ask.text
    assert 'name="confirm" value="yes"' in ask.text and 'id="back"' in ask.text
    assert room.client.get(f"/seat/{old}").status_code == 200  # still the student's
    done = room.client.post(f"{room.teach}/free", data={"seat": str(seat), "confirm": "yes"})
    assert done.status_code == 303
    freed = room.store.seat(seat)
    assert freed is not None and not freed.claimed and freed.name == "" and freed.token != old
    assert room.client.get(f"/seat/{old}").status_code == 404  # the old token opens nothing
    room.client.cookies.clear()
    taken = room.client.post(room.join, data={"seat": str(seat), "name": "New"})
    assert taken.status_code == 303
    assert room.store.seat(seat).name == "New"  # type: ignore[union-attr]


def test_a_seat_handed_to_the_model_goes_back_to_a_student_until_the_model_moved_for_it(
    room: Class,
) -> None:
    token, _ = room.pending_seat()
    mover = room.store.seat_by_token(token).actor  # type: ignore[union-attr]
    waiting = next(a for a in ("north", "south") if a != mover)
    seat = seat_row(room, waiting)  # not the one to move: the model takes none of its turns yet
    assert room.client.post(f"{room.teach}/release", data={"seat": str(seat)}).status_code == 303
    before = room.moves()
    yes = {"seat": str(seat), "confirm": "yes"}
    assert room.client.post(f"{room.teach}/free", data=yes).status_code == 303
    freed = room.store.seat(seat)
    assert freed is not None and not freed.released and not freed.claimed
    room.client.cookies.clear()
    assert room.client.post(room.join, data={"seat": str(seat), "name": "Back"}).status_code == 303
    assert room.moves() == before
    # handed to the model again, and this time the model takes its decision: no way back
    mine = seat_row(room, mover)
    assert room.client.post(f"{room.teach}/release", data={"seat": str(mine)}).status_code == 303
    assert room.moves() > before
    refused = room.client.post(f"{room.teach}/free", data={"seat": str(mine), "confirm": "yes"})
    assert refused.status_code == 409 and "rest of the run" in refused.text
    assert room.store.seat(mine).released  # type: ignore[union-attr]


def test_freeing_is_for_the_instructor_and_this_session_only(room: Class) -> None:
    seat = seat_row(room, "south")
    student = room.seats[1, "south"]
    data = {"seat": str(seat), "confirm": "yes"}
    assert room.client.post(f"/teach/{student}/free", data=data).status_code == 404
    assert room.client.post(f"/teach/{room.session.join_token}/free", data=data).status_code == 404
    assert (
        room.client.post(
            f"{room.teach}/free", data={"seat": "999999", "confirm": "yes"}
        ).status_code
        == 404
    )
    assert room.client.post(f"{room.teach}/free", data={"seat": "1" * 20}).status_code == 422
    assert room.store.seat(seat).claimed  # type: ignore[union-attr]
    assert room.client.post(f"{room.teach}/phase", data={"action": "end"}).status_code == 303
    assert room.client.post(f"{room.teach}/free", data=data).status_code == 409
    assert room.store.seat(seat).claimed  # type: ignore[union-attr]
