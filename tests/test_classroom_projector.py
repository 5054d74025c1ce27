"""The projector view: its own read-only token, the lobby, every group's board, big type."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from classroom_server import Class, classroom_folder

from sim.classroom.projector_page import CSS, qr_svg


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Class]:
    room = Class(classroom_folder(tmp_path), groups=3)
    yield room
    room.classroom.close()


def projector_url(room: Class) -> str:
    teach = room.client.get(room.teach).text
    found = re.search(r'href="(/show/[^"]+)" id="projector"', teach)
    assert found, "the instructor page links to the projector"
    return found.group(1)


def test_the_projector_shows_the_code_the_join_qr_and_every_board_with_no_private_token(
    room: Class,
) -> None:
    url = projector_url(room)
    reply = room.client.get(url)
    assert reply.status_code == 200
    text = reply.text
    code = room.store.room_code(room.session)
    assert f'id="room-code">{code}<' in text
    join_url = f"http://testserver/join/{room.session.join_token}"
    assert qr_svg(join_url) in text  # the QR code is of the students' join link
    for group in (1, 2, 3):
        assert f'id="board-{group}"' in text
    assert "decision" in text and "ladder:" in text
    assert room.session.instructor_token not in text
    assert not [seat for seat in room.seats.values() if seat in text]
    assert room.session.instructor_token not in url
    assert "<form" not in text  # read-only: nothing to post


def test_the_projector_type_is_28_px_for_the_back_of_the_room(room: Class) -> None:
    assert "body.projector{font-size:28px" in CSS
    text = room.client.get(projector_url(room)).text
    assert '<body class="projector"' in text
    assert '<link rel="stylesheet" href="/static/projector.css">' in text
    sheet = room.client.get("/static/projector.css")
    assert sheet.status_code == 200 and sheet.text == CSS


def test_the_projector_token_opens_nothing_else(room: Class) -> None:
    token = projector_url(room).split("/")[-1]
    room.client.cookies.clear()  # the projector's browser: not the instructor's
    for path in (f"/teach/{token}", f"/join/{token}", f"/seat/{token}"):
        assert room.client.get(path).status_code == 404, path
    assert room.client.get(f"/debrief/{token}").status_code in (403, 404)
    before = room.moves()
    assert room.client.post(f"/teach/{token}/phase", data={"action": "end"}).status_code == 404
    assert room.move(token, 1, move="model") == 404
    assert room.moves() == before
    assert room.client.get("/show/not-a-token").status_code == 404
    assert room.client.get("/show/not-a-token/events").status_code == 404


def test_a_move_changes_its_group_board_and_no_other(room: Class) -> None:
    url = projector_url(room)

    def boards() -> dict[int, str]:
        text = room.client.get(url).text
        found = re.findall(r'<section class="board" id="board-(\d)">(.*?)</section>', text)
        return {int(n): body for n, body in found}

    before = boards()
    mark = room.classroom.fingerprint(room.session.join_token)
    token, number = room.pending_seat(2)
    assert room.move(token, number, move="model") == 303
    after = boards()
    assert after[2] != before[2]
    assert after[1] == before[1] and after[3] == before[3]
    assert room.classroom.fingerprint(room.session.join_token) != mark  # the page reloads


def test_the_lobby_lists_who_has_joined(room: Class) -> None:
    text = room.client.get(projector_url(room)).text
    lobby = re.search(r'<ul class="names" id="lobby">(.*?)</ul>', text)
    assert lobby and lobby.group(1).count("<li>") == 6  # 3 groups × 2 seats, all named "x"


def test_a_store_gives_each_session_one_projector_token(room: Class) -> None:
    token = room.store.projector_token(room.session)
    assert room.store.projector_token(room.session) == token
    shown = room.store.session_by_projector(token)
    assert shown is not None and shown.id == room.session.id
    assert len(token) >= 22  # 128 random bits, like every token


def test_the_projector_page_carries_the_guard_headers(room: Class) -> None:
    reply = room.client.get(projector_url(room))
    assert reply.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
    assert reply.headers["referrer-policy"] == "no-referrer"


def test_the_debrief_is_addressed_and_linked_without_the_instructor_token(room: Class) -> None:
    shown = projector_url(room).split("/")[-1]  # the instructor page set its cookie
    teach = room.client.get(room.teach).text
    assert f'href="/debrief/{shown}" id="debrief-link"' in teach
    assert f'href="/debrief/{room.session.instructor_token}' not in teach
    during = room.client.get(f"/debrief/{shown}")  # the instructor's browser, during play
    assert during.status_code == 200
    assert room.session.instructor_token not in during.text
    assert f"/debrief/{shown}/transcript.csv" in during.text
    assert room.client.get(f"/debrief/{shown}/transcript.csv").status_code == 200
    room.client.cookies.clear()  # a student's browser or the projector itself, during play
    assert room.client.get(f"/debrief/{shown}").status_code == 403
    assert room.client.get(f"/debrief/{shown}/transcript.json").status_code == 403
    room.client.get(room.teach)
    end = room.client.post(f"{room.teach}/phase", data={"action": "end"})
    assert end.headers["location"] == f"/debrief/{shown}"
    room.client.cookies.clear()
    assert room.client.get(f"/debrief/{shown}").status_code == 200  # anyone, once it ended
