"""The classroom on a shared network: headers, foreign origins, body size, bounds, clean 4xx.

Each test sends the request an attacker on the class network (or a careless client) would, and
checks the status, the key header and that nothing changed. The exchanges are printed (run with
``-s``) so that the issue's note can quote them.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from classroom_server import Class, classroom_folder

from sim.classroom.guard import MAX_BODY
from sim.classroom.store import Phase, Store
from sim.errors import NegsimError

TWENTY_DIGITS = "9" * 20


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Class]:
    room = Class(classroom_folder(tmp_path))
    yield room
    room.classroom.close()


def shown(reply: httpx.Response, *headers: str) -> httpx.Response:
    """Print the exchange: request line, status and the headers that matter."""
    request = reply.request
    kept = {h: reply.headers.get(h) for h in headers}
    print(f"{request.method} {request.url.path} -> {reply.status_code} {kept}")
    return reply


def refused_cleanly(reply: httpx.Response, status: int, *, again: bool = False) -> None:
    """A refusal: the status, one line saying why and a link back (or, *again*, the form page
    itself drawn anew with the line on top), no traceback."""
    assert reply.status_code == status, reply.text
    assert 'role="alert"' in reply.text
    assert again or 'id="back"' in reply.text
    assert "Traceback" not in reply.text
    alert = re.search(r'role="alert">([^<]*)<', reply.text)
    assert alert and "\n" not in alert.group(1) and alert.group(1).strip()


def test_every_page_carries_the_security_headers(room: Class) -> None:
    seat = next(iter(room.seats.values()))
    token_pages = [
        "/",
        room.teach,
        room.join,
        f"/seat/{seat}",
        f"/debrief/{room.session.instructor_token}",
        f"/debrief/{room.session.instructor_token}/transcript.json",
        "/teach/not-a-token",
    ]
    for path in [*token_pages, "/static/classroom.css", "/static/live.js", "/ready"]:
        reply = shown(
            room.client.get(path),
            "content-security-policy",
            "x-content-type-options",
            "referrer-policy",
            "cache-control",
        )
        policy = reply.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["referrer-policy"] == "no-referrer"
        if path in token_pages:
            assert reply.headers["cache-control"] == "no-store", path
    for path in token_pages[1:5]:
        text = room.client.get(path).text
        assert "<style" not in text, path  # the stylesheet is a served file
        nonce = re.search(
            r"'nonce-([^']+)'", room.client.get(path).headers["content-security-policy"]
        )
        assert nonce
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag or "nonce=" in tag, (path, tag)


def test_a_post_from_another_origin_is_refused_and_changes_nothing(room: Class) -> None:
    token, number = room.pending_seat()
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "http://evil.example", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null", "Sec-Fetch-Site": "same-site"},
        {"Origin": "null"},  # a sandboxed frame, with nothing to vouch for it
    ):
        pause = shown(
            room.client.post(f"{room.teach}/phase", data={"action": "pause"}, headers=headers)
        )
        assert pause.status_code == 403
        move = room.client.post(
            f"/seat/{token}/move", data={"number": str(number), "move": "model"}, headers=headers
        )
        assert move.status_code == 403
    session = room.store.session(room.session.id)
    assert session is not None and session.phase is Phase.OPEN and room.moves() == 0
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert room.move(token, number, move="model") == 303  # no Origin: not a browser form
    reply = room.client.post(f"{room.teach}/phase", data={"action": "pause"}, headers=same)
    assert shown(reply, "location").status_code == 303
    # Chromium's own form post under Referrer-Policy: no-referrer
    chromium = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    reply = room.client.post(f"{room.teach}/phase", data={"action": "resume"}, headers=chromium)
    assert shown(reply, "location").status_code == 303


def test_an_oversize_body_or_a_file_part_is_refused_before_it_is_read(room: Class) -> None:
    token, number = room.pending_seat()
    big = {"number": str(number), "move": "model", "pad": "x" * (MAX_BODY + 1)}
    assert shown(room.client.post(f"/seat/{token}/move", data=big)).status_code == 413
    chunks = (b"number=1&move=model&pad=" + b"x" * 8192 for _ in range(16))
    chunked = room.client.post(
        f"/seat/{token}/move",
        content=chunks,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert shown(chunked, "content-length").status_code == 413  # no Content-Length to trust
    with_file = room.client.post(
        f"/seat/{token}/move",
        data={"number": str(number), "move": "model"},
        files={"upload": ("big.bin", b"\0" * 1000)},
    )
    assert shown(with_file).status_code == 413
    assert room.moves() == 0


def test_every_form_number_is_bounded(room: Class) -> None:
    token, _ = room.pending_seat()
    seat = room.store.seats(room.store.groups(room.session)[0])[0]
    fresh = room.store.new_session("tiny.yaml", seed=0, runs=10)
    posts = [
        (room.join, {"seat": TWENTY_DIGITS, "name": "x"}),
        (f"/seat/{token}/move", {"number": TWENTY_DIGITS, "move": "model"}),
        (f"/seat/{token}/move", {"number": "1", "move": "counter", "counter": "1e400"}),
        (f"{room.teach}/shock", {"shock": "drought", "group": TWENTY_DIGITS}),
        (f"{room.teach}/release", {"seat": TWENTY_DIGITS}),
        (f"{room.teach}/release", {"seat": f"-{TWENTY_DIGITS}"}),
        (
            f"/teach/{fresh.instructor_token}/setup",
            {"scenario": "tiny.yaml", "humans": ["north"], "groups": "1", "run": TWENTY_DIGITS},
        ),
        (
            f"/teach/{fresh.instructor_token}/setup",
            {"scenario": "tiny.yaml", "humans": ["north"], "groups": TWENTY_DIGITS},
        ),
    ]
    for path, form in posts:
        reply = shown(room.client.post(path, data=form))
        refused_cleanly(reply, 422)
    assert room.moves() == 0 and room.store.groups(fresh) == []
    assert not room.store.seat(seat.id).released  # type: ignore[union-attr]


def test_a_bad_scenario_name_or_file_is_a_4xx_with_a_link_back(room: Class) -> None:
    (room.store.path.parent / "broken.yaml").write_text("scenario: [unclosed\n  - : :\n")
    fresh = room.store.new_session("tiny.yaml", seed=0, runs=10)
    setup = f"/teach/{fresh.instructor_token}/setup"
    for name, status in (("tiny\0.yaml", 400), ("broken.yaml", 422)):
        form = {"scenario": name, "humans": ["north"], "groups": "1"}
        reply = shown(room.client.post(setup, data=form))
        refused_cleanly(reply, status, again=True)
        assert f'action="/teach/{fresh.instructor_token}/setup"' in reply.text
    empty = room.client.post(setup, data={"scenario": "", "humans": ["north"], "groups": "1"})
    refused_cleanly(shown(empty), 422)
    assert f'href="/teach/{fresh.instructor_token}" id="back"' in empty.text
    assert room.store.groups(fresh) == []


def test_students_see_no_debrief_during_play_and_the_instructor_cannot_release_after(
    room: Class,
) -> None:
    seat = next(iter(room.seats.values()))
    join = room.session.join_token
    for path in (
        f"/debrief/{join}",
        f"/debrief/{join}/transcript.csv",
        f"/debrief/{join}/transcript.json",
        f"/debrief/{join}/export.html",
    ):
        refused_cleanly(shown(room.client.get(path)), 403)
    refused_cleanly(room.client.get(f"/debrief/{seat}"), 404)
    assert room.client.get(f"/debrief/{room.session.instructor_token}").status_code == 200
    assert room.client.post(f"{room.teach}/phase", data={"action": "end"}).status_code == 303
    assert shown(room.client.get(f"/debrief/{join}")).status_code == 200
    one = room.store.seats(room.store.groups(room.session)[0])[0]
    release = shown(room.client.post(f"{room.teach}/release", data={"seat": str(one.id)}))
    refused_cleanly(release, 409)
    assert not room.store.seat(one.id).released  # type: ignore[union-attr]
    transcript = room.client.get(f"/debrief/{join}/transcript.json")
    assert (
        shown(transcript, "content-disposition")
        .headers["content-disposition"]
        .startswith("attachment")
    )


def test_the_join_url_never_comes_from_the_host_header(room: Class) -> None:
    reply = room.client.get(room.teach, headers={"Host": "evil.example"})
    assert reply.status_code == 200
    assert "evil.example" not in reply.text
    assert f"http://testserver/join/{room.session.join_token}" in reply.text


def test_a_second_server_on_the_same_store_is_refused(tmp_path: Path) -> None:
    first = Store(tmp_path / "class.sqlite")
    with pytest.raises(NegsimError, match="another negsim classroom server"):
        Store(tmp_path / "class.sqlite")
    first.close()
    Store(tmp_path / "class.sqlite").close()  # free again once the first closed


def test_a_corrupt_store_exits_2_with_a_clear_error(tmp_path: Path) -> None:
    folder = classroom_folder(tmp_path)
    (folder / "corrupt.sqlite").write_bytes(b"this is not a database" * 100)
    locked = folder / "locked.sqlite"
    sqlite3.connect(locked).close()
    held = Store(locked)  # another server holds this one
    try:
        for db, words in (("corrupt.sqlite", "cannot open"), ("locked.sqlite", "another negsim")):
            run = subprocess.run(
                [sys.executable, "-m", "sim", "classroom", "tiny.yaml", "--db", db, "--port", "0"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=300,
            )
            print(f"negsim classroom --db {db} -> exit {run.returncode}: {run.stderr.strip()}")
            assert run.returncode == 2, run.stderr
            assert words in run.stderr and "Traceback" not in run.stderr
    finally:
        held.close()
