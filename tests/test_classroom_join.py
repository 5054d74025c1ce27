"""Joining a session: the room code, the name a student gives, one seat per browser."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from classroom_server import Class, classroom_folder
from fastapi.testclient import TestClient

from sim.classroom.room_code import ALPHABET, LENGTH, new_code, normalized
from sim.classroom.session import Classroom
from sim.classroom.store import Store
from sim.classroom.web import create_app

AMBIGUOUS = "0O1IL"


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Class]:
    room = Class(classroom_folder(tmp_path), groups=2)
    yield room
    room.classroom.close()


def free_seat(room: Class) -> int:
    """A seat nobody holds: the helper seats everyone, so free one by hand."""
    seat = room.store.seats(room.store.groups(room.session)[1])[0]
    room.store.db.execute("UPDATE seats SET claimed = 0, name = '' WHERE id = ?", (seat.id,))
    return seat.id


def test_a_room_code_is_six_characters_none_of_them_ambiguous() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set(AMBIGUOUS) & set(ALPHABET)
    codes = {new_code() for _ in range(2000)}
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert len(codes) > 1990  # drawn at random, not a sequence
    assert set("".join(codes)) == set(ALPHABET)  # every character of the alphabet is used


def test_a_typed_code_forgives_case_spaces_and_dashes_but_not_a_wrong_character() -> None:
    assert normalized(" abc-d23 ") == "ABCD23"
    assert normalized("ab cd 23") == "ABCD23"
    for wrong in ("ABCD2", "ABCD234", "ABCDE0", "ABCDEO", "ABCDE1", "ABCDEL", "ABCDEI", ""):
        assert normalized(wrong) is None, wrong


def test_the_room_code_leads_to_the_join_page_and_an_unknown_one_is_refused(room: Class) -> None:
    code = room.store.room_code(room.session)
    assert room.store.room_code(room.session) == code  # drawn once, kept
    teach = room.client.get(room.teach).text
    assert f'<b id="room-code">{code}</b>' in teach
    assert room.client.get("/room").status_code == 200
    typed = f"{code[:3].lower()}-{code[3:]}"
    reply = room.client.post("/room", data={"code": typed})
    assert reply.status_code == 303
    assert reply.headers["location"] == room.join
    other = next(c for c in ("AAAAAA", "BBBBBB") if c != code)
    for typed, status in ((other, 404), ("0OIL1", 422), ("x" * 30, 422)):
        reply = room.client.post("/room", data={"code": typed})
        assert reply.status_code == status, typed
        assert 'role="alert"' in reply.text and 'href="/room"' in reply.text
        assert room.session.join_token not in reply.text


def test_an_ended_session_is_not_found_by_its_code(room: Class) -> None:
    code = room.store.room_code(room.session)
    assert room.client.post(f"{room.teach}/phase", data={"action": "end"}).status_code == 303
    assert room.client.post("/room", data={"code": code}).status_code == 404


def test_sessions_get_distinct_codes(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    codes = {store.room_code(store.new_session("tiny.yaml", 0, 10)) for _ in range(50)}
    store.close()
    assert len(codes) == 50


def test_a_store_written_before_room_codes_opens_and_its_sessions_get_codes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    store = Store(path)
    session = store.new_session("tiny.yaml", 0, 10)
    store.close()
    db = sqlite3.connect(path)  # as a store from before this change: no room_codes table
    db.execute("DROP TABLE room_codes")
    db.commit()
    db.close()
    for _ in range(2):  # the migration is idempotent
        store = Store(path)
        code = store.room_code(session)
        assert normalized(code) == code
        assert store.session_by_code(code) == session
        store.close()


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "x" * 41, " " + "y" * 41 + " "])
def test_a_missing_or_overlong_name_is_refused_with_a_message_and_takes_no_seat(
    room: Class, name: str
) -> None:
    seat = free_seat(room)
    room.client.cookies.clear()
    reply = room.client.post(room.join, data={"seat": str(seat), "name": name})
    assert reply.status_code == 422
    alert = re.search(r'role="alert">([^<]*)<', reply.text)
    assert alert and "name" in alert.group(1) and "40" in alert.group(1)
    assert f'action="{room.join}"' in reply.text  # the join form again, to try once more
    assert not room.store.seat(seat).claimed  # type: ignore[union-attr]


def test_a_name_is_trimmed_and_may_be_40_characters(room: Class) -> None:
    seat = free_seat(room)
    room.client.cookies.clear()
    name = "Ana  María " + "z" * 29  # 40 once the double space is one
    reply = room.client.post(room.join, data={"seat": str(seat), "name": f"  {name}  "})
    assert reply.status_code == 303
    assert room.store.seat(seat).name == "Ana María " + "z" * 29  # type: ignore[union-attr]


def test_one_browser_takes_one_seat(room: Class) -> None:
    first, second = free_seat(room), room.store.seats(room.store.groups(room.session)[0])[0].id
    room.store.db.execute("UPDATE seats SET claimed = 0 WHERE id = ?", (second,))
    room.client.cookies.clear()
    assert room.client.post(room.join, data={"seat": str(first), "name": "A"}).status_code == 303
    again = room.client.post(room.join, data={"seat": str(second), "name": "A"})
    assert again.status_code == 409
    assert "holds a seat already" in again.text
    assert not room.store.seat(second).claimed  # type: ignore[union-attr]
    other = TestClient(create_app(room.classroom), follow_redirects=False)  # another browser
    assert other.post(room.join, data={"seat": str(second), "name": "B"}).status_code == 303


def test_the_classroom_refuses_a_blank_name_whatever_page_sent_it(tmp_path: Path) -> None:
    folder = classroom_folder(tmp_path)
    store = Store(folder / "c.sqlite")
    classroom = Classroom(store, folder)
    try:
        session = store.new_session("tiny.yaml", 0, 10)
        opened = classroom.set_up(session, "tiny.yaml", ["north"], 1, 0)
        seat = store.seats(store.groups(opened)[0])[0]
        with pytest.raises(Exception, match="give your name"):
            classroom.join(opened, seat.id, " ")
        assert not store.seat(seat.id).claimed  # type: ignore[union-attr]
    finally:
        classroom.close()
