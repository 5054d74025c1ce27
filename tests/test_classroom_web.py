"""The classroom over HTTP: who may do what, refusals that change nothing, and faithful replays."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from classroom_server import Class, classroom_folder
from fastapi.testclient import TestClient

from sim.analysis.montecarlo import simulate_run
from sim.classroom.session import Classroom
from sim.classroom.store import Store
from sim.classroom.web import create_app
from sim.engine.policy import ProposalView


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Class]:
    room = Class(classroom_folder(tmp_path))
    yield room
    room.classroom.close()


def test_pages_answer_only_to_their_own_tokens(room: Class) -> None:
    seat = next(iter(room.seats.values()))
    assert room.client.get(room.teach).status_code == 200
    assert room.client.get(f"/seat/{seat}").status_code == 200
    for wrong in (
        "/teach/not-a-token",
        f"/teach/{room.session.join_token}",  # the students' token does not open the controls
        f"/teach/{seat}",
        f"/seat/{room.session.instructor_token}",
        f"/join/{room.session.instructor_token}",
        "/events/nobody",
    ):
        assert room.client.get(wrong).status_code == 404, wrong
    before = room.moves()
    assert room.client.post(f"/teach/{seat}/phase", data={"action": "end"}).status_code == 404
    assert room.move(room.session.join_token, 1, move="model") == 404
    assert room.moves() == before


def test_a_move_out_of_turn_or_for_a_stale_decision_is_refused_and_changes_nothing(
    room: Class,
) -> None:
    token, number = room.pending_seat()
    other = next(t for t in room.seats.values() if t != token)
    assert room.move(other, number, move="model") == 409
    assert room.move(token, number + 1, move="model") == 409
    assert room.moves() == 0
    assert room.move(token, number, move="model") == 303
    assert room.move(token, number, move="model") in (409,)  # the same decision twice
    assert room.moves() == 1


def test_an_illegal_move_is_refused_with_its_reason_and_changes_nothing(room: Class) -> None:
    while True:  # the decision clock may ask a ladder review before the first meeting
        token, number = room.pending_seat()
        state = room.state()
        assert state.pending is not None
        if type(state.pending.view).__name__ == "DemandView":
            break
        assert room.move(token, number, move="model") == 303
    before = room.moves()
    refusals = [
        {"move": "ask", "ask:nobody:toll": "40"},
        {"move": "ask", "ask:south:toll": "140"},
        {"move": "ask", "ask:south:moon": "40"},
        {"move": "ask"},
        {"move": "escalate"},
        {"move": "teleport"},
    ]
    for fields in refusals:
        reply = room.client.post(f"/seat/{token}/move", data={"number": str(number), **fields})
        assert reply.status_code == 422, fields
        assert 'role="alert"' in reply.text
    assert room.moves() == before
    # walk to an answer and try to cross the red line
    while True:
        token, number = room.pending_seat()
        view = room.state().pending.view  # type: ignore[union-attr]
        if isinstance(view, ProposalView):
            break
        assert room.move(token, number, move="model") == 303
    before = room.moves()
    beyond = view.red_high + 1 if view.red_high < 100 else view.red_low - 1
    if 0 <= beyond <= 100:
        assert room.move(token, number, move="counter", counter=str(beyond)) == 422
    assert room.move(token, number, move="concede", concede="150") == 422
    assert room.moves() == before


def test_a_malformed_body_is_refused(room: Class) -> None:
    token, number = room.pending_seat()
    post = room.client.post
    assert post(f"/seat/{token}/move", data={"number": "one", "move": "model"}).status_code == 422
    assert post(f"/seat/{token}/move", data={"move": "model"}).status_code == 422
    assert post(f"/seat/{token}/move", data={"number": str(number)}).status_code == 422
    long = {"number": str(number), "move": "x" * 500}
    assert post(f"/seat/{token}/move", data=long).status_code == 422
    assert post(f"{room.teach}/shock", data={"shock": "drought", "group": "all"}).status_code == 422
    assert post(f"{room.teach}/phase", data={"action": "explode"}).status_code == 422
    assert room.moves() == 0


def test_no_move_while_paused_and_the_instructor_resumes(room: Class) -> None:
    token, number = room.pending_seat()
    assert room.client.post(f"{room.teach}/phase", data={"action": "pause"}).status_code == 303
    assert room.move(token, number, move="model") == 409
    assert room.moves() == 0
    assert room.client.post(f"{room.teach}/phase", data={"action": "resume"}).status_code == 303
    assert room.move(token, number, move="model") == 303


def test_no_scenario_outside_the_servers_folder(tmp_path: Path) -> None:
    inside = tmp_path / "class"
    inside.mkdir()
    folder = classroom_folder(inside)
    store = Store(folder / "class.sqlite")
    classroom = Classroom(store, folder)
    session = store.new_session("tiny.yaml", seed=0, runs=10)
    client = TestClient(create_app(classroom), follow_redirects=False)
    (tmp_path / "outside.yaml").write_text((folder / "tiny.yaml").read_text())
    for path in ("../outside.yaml", str(tmp_path / "outside.yaml"), "source.txt", "nope.yaml"):
        form = {"scenario": path, "humans": ["north"], "groups": "1"}
        reply = client.post(f"/teach/{session.instructor_token}/setup", data=form)
        assert reply.status_code == 400, path
    assert store.groups(session) == []
    shown = subprocess.run(
        [sys.executable, "-m", "sim", "classroom", str(tmp_path / "outside.yaml")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 2
    assert "must lie inside the folder" in shown.stderr


def test_a_game_whose_seats_all_choose_model_is_negsim_runs_run(room: Class) -> None:
    while (state := room.state()).pending is not None:
        token, number = room.pending_seat()
        assert room.move(token, number, move="model") == 303
    t = state.table
    assert state.record == simulate_run(t.arrays, t.seed, t.run_index)[1]


def test_an_injected_shock_fires_after_the_pending_turn_and_only_once(room: Class) -> None:
    state = room.state()
    pending = state.pending
    assert pending is not None
    form = {"shock": "drought", "group": "1"}
    reply = room.client.post(f"{room.teach}/shock", data=form)
    assert reply.status_code == 303
    after = room.state()
    assert after.pending is not None  # no recorded decision moved:
    assert (after.pending.number, after.pending.actor) == (pending.number, pending.actor)
    assert after.pending.view.day == pending.view.day
    token, number = room.pending_seat()
    assert room.move(token, number, move="model") == 303
    fired = [day for shock, day in room.state().record.shocks if shock == 0]
    assert fired == [pytest.approx(pending.view.day + 1e-6)]
    assert room.client.post(f"{room.teach}/shock", data=form).status_code == 409


def test_the_debrief_and_transcripts_cover_every_seat_decision(room: Class) -> None:
    for _ in range(3):
        token, number = room.pending_seat()
        assert room.move(token, number, move="model") == 303
    debrief = room.client.get(f"/debrief/{room.session.instructor_token}")
    assert debrief.status_code == 200 and "side-by-side" in debrief.text
    join_csv = f"/debrief/{room.session.join_token}/transcript.csv"
    assert room.client.get(join_csv).status_code == 403  # not for students during play
    assert room.client.get(f"/debrief/{room.session.instructor_token}/transcript.csv").text
    assert room.client.post(f"{room.teach}/phase", data={"action": "end"}).status_code == 303
    csv = room.client.get(join_csv).text
    seat_rows = [line for line in csv.splitlines() if re.match(r"1,[1-9]", line)]
    assert len(seat_rows) == 3
    data = room.client.get(f"/debrief/{room.session.instructor_token}/transcript.json").json()
    assert data["groups"][0]["transcript"][0]["by"] in ("seat", "seat→model", "model")
    assert room.client.get("/debrief/nobody/transcript.csv").status_code == 404


def test_the_server_says_ready_only_once_it_has_warmed_up(room: Class) -> None:
    assert room.client.get("/ready").status_code == 503
    room.classroom.warm_up("tiny.yaml")
    reply = room.client.get("/ready")
    assert reply.status_code == 200 and reply.text == "ready\n"


def test_the_end_of_the_monte_carlo_changes_the_instructors_pages_not_the_join_page(
    room: Class,
) -> None:
    session = room.session
    seat = next(iter(room.seats.values()))
    tokens = (session.instructor_token, session.join_token, seat)
    before = [room.classroom.fingerprint(t) for t in tokens]
    room.store.save_distribution(session.id, "{}")
    after = [room.classroom.fingerprint(t) for t in tokens]
    assert [a != b for a, b in zip(after, before, strict=True)] == [True, False, False]
