"""Talk between delegations over HTTP: who reads what, its bounds, and that the model ignores it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from classroom_server import Class, classroom_folder

from sim.classroom.messages import MAX_TEXT, RATE_LIMIT, RateLimit


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Class]:
    room = Class(classroom_folder(tmp_path))
    yield room
    room.classroom.close()


def say(room: Class, actor: str, text: str, to: str = "all") -> int:
    token = room.seats[1, actor]
    reply = room.client.post(f"/seat/{token}/message", data={"text": text, "to": to})
    return int(reply.status_code)


def test_a_private_message_reaches_its_addressee_and_the_instructor_only(room: Class) -> None:
    assert say(room, "north", "secret offer", to="south") == 303
    assert "secret offer" in room.client.get(f"/seat/{room.seats[1, 'south']}").text
    assert "secret offer" in room.client.get(f"/seat/{room.seats[1, 'north']}").text
    assert "secret offer" in room.client.get(f"{room.teach}/messages").text


def test_a_private_message_to_a_third_delegation_is_not_read_by_the_others(
    tmp_path: Path,
) -> None:
    room = Class(classroom_folder(tmp_path), groups=2)
    try:
        token = room.seats[1, "north"]
        data = {"text": "only south of group 1", "to": "south"}
        assert room.client.post(f"/seat/{token}/message", data=data).status_code == 303
        for other in (room.seats[2, "north"], room.seats[2, "south"]):
            assert "only south of group 1" not in room.client.get(f"/seat/{other}").text
    finally:
        room.classroom.close()


def test_a_public_statement_is_read_by_the_whole_group_and_escaped(room: Class) -> None:
    assert say(room, "south", "<script>alert(1)</script>") == 303
    page = room.client.get(f"/seat/{room.seats[1, 'north']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_a_message_over_the_bound_or_to_no_one_is_refused_and_stores_nothing(
    room: Class,
) -> None:
    assert say(room, "north", "x" * (MAX_TEXT + 1)) == 422
    assert say(room, "north", "   ") == 422
    assert say(room, "north", "hello", to="nobody") == 422
    assert say(room, "north", "hello", to="north") == 422  # not to oneself
    assert "No messages yet" in room.client.get(f"{room.teach}/messages").text


def test_a_seat_sending_too_fast_is_refused_with_429(room: Class) -> None:
    for i in range(RATE_LIMIT):
        assert say(room, "north", f"m{i}") == 303
    assert say(room, "north", "one too many") == 429
    assert say(room, "south", "another seat is not limited") == 303


def test_the_rate_limit_window_slides() -> None:
    now = [0.0]
    limit = RateLimit(2, 10.0, clock=lambda: now[0])
    assert limit.allow("a") and limit.allow("a") and not limit.allow("a")
    now[0] = 10.5
    assert limit.allow("a")


def test_messages_never_change_the_model_s_moves(tmp_path: Path) -> None:
    def play(folder: Path, talk: bool) -> list[tuple[str, str]]:
        room = Class(classroom_folder(folder))
        try:
            for _ in range(4):
                if talk:
                    say(room, "north", "we will never concede", to="south")
                    say(room, "south", "public: we want peace")
                state = room.state()
                if state.pending is None:
                    break
                token, number = room.pending_seat()
                assert room.move(token, number, move="model") == 303
            return room.store.moves(room.store.groups(room.session)[0])
        finally:
            room.classroom.close()

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    quiet, talking = play(tmp_path / "a", False), play(tmp_path / "b", True)
    assert quiet == talking and quiet


def test_messages_are_in_the_transcript_with_their_decision(room: Class) -> None:
    assert say(room, "north", "hello south", to="south") == 303
    assert room.client.post(f"{room.teach}/phase", data={"action": "end"}).status_code == 303
    text = room.client.get(f"/debrief/{room.session.instructor_token}/transcript.json").text
    (message,) = json.loads(text)["messages"]
    assert message["from"] == "north" and message["to"] == "south"
    assert message["text"] == "hello south" and message["decision"] >= 1


def test_no_message_after_the_session_ended(room: Class) -> None:
    assert room.client.post(f"{room.teach}/phase", data={"action": "end"}).status_code == 303
    assert say(room, "north", "too late") == 409


def test_the_instructor_page_of_messages_takes_the_instructor_token_only(room: Class) -> None:
    assert room.client.get(f"/teach/{room.session.join_token}/messages").status_code == 404
    seat = room.seats[1, "north"]
    assert room.client.get(f"/teach/{seat}/messages").status_code == 404
    assert room.client.post("/seat/nobody/message", data={"text": "x"}).status_code == 404
