"""End to end in headless Chromium: an instructor and students play through ``negsim classroom``.

Each test starts a real server (``python -m sim classroom``) in a folder of its own and drives
it with Playwright: separate browser contexts are separate students (separate cookies).
Set NEGSIM_SCREENSHOTS=DIR to keep a screenshot of every kind of page.

Every wait is for a condition, never for a time: the server is used once it says it is ready,
and a page is read or acted on once its event stream confirms that it shows the latest state
(``body[data-live=current]``, see ``sim/classroom/shell.py``). Timeouts only guard against hangs.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from classroom_server import Server, classroom_folder, start_server

Page = Any
NewPage = Callable[[], Page]
SHOTS = os.environ.get("NEGSIM_SCREENSHOTS", "")
WAIT = 120_000
"""Milliseconds after which a wait for a page calls it hung (no wait needs a set time)."""
CURRENT = "body[data-live=current]"
"""A page whose event stream has confirmed that it shows the latest state."""


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(classroom_folder(tmp_path), "--runs", "60", "--seed", "3")
    yield running
    running.stop()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[NewPage]:
    """Opens a page in a browser context of its own (a student); all are closed after the test."""
    contexts: list[Any] = []

    def opened() -> Page:
        context = chromium.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        return page

    yield opened
    for context in contexts:
        context.close()


def settled(page: Page) -> None:
    """Wait until *page* shows the latest state (its live update has nothing newer)."""
    page.wait_for_selector(CURRENT, state="attached")


def visit(page: Page, url: str) -> None:
    page.goto(url)
    settled(page)


def fresh(page: Page) -> None:
    """Reload *page* and wait until it shows the latest state.

    The page's own live update may reload it at the same moment, which breaks this reload off
    (Playwright says "interrupted", "aborted" or "not attached to an active page"): then reload
    again once that navigation has loaded.
    """
    from playwright.sync_api import Error

    for _ in range(5):
        try:
            page.reload(wait_until="load")
            break
        except Error:
            with contextlib.suppress(Error):
                page.wait_for_load_state("load")
    settled(page)


def set_up(new_page: NewPage, server: Server, humans: list[str], groups: int) -> Page:
    teacher = new_page()
    visit(teacher, server.teach)
    shoot(teacher, "instructor-setup")
    for box in teacher.locator("input[name=humans]").all():
        if box.get_attribute("value") in humans:
            box.check()
        else:
            box.uncheck()
    teacher.fill("input[name=groups]", str(groups))
    teacher.click("text=Open the session")
    teacher.wait_for_selector("#groups")
    settled(teacher)
    return teacher


def take_seat(new_page: NewPage, server: Server, group: int, actor: str, name: str) -> Page:
    student = new_page()
    visit(student, server.join)
    row = student.locator(f"#join-group-{group} li", has_text=f"({actor})")
    row.locator("input[name=name]").fill(name)
    row.locator("button").click()
    student.wait_for_selector("#status")
    settled(student)
    assert "you are" in student.inner_text("header")
    return student


def status(page: Page) -> str:
    fresh(page)
    return str(page.inner_text("#status"))


def decide(page: Page, own: bool) -> str:
    """Make the pending decision: the student's own move when *own*, else the model's.

    Waits for the page the move leads to (the seat's page again, once it is current).
    """
    settled(page)
    page.wait_for_selector("#decision-form")
    if page.locator("table.asks").count():
        if own:
            page.locator("table.asks input").first.fill("45")
            kind, button = "proposal", "text=Make these proposals"
        else:
            kind, button = "model", "text=Make the model's proposals"
    elif own and "asks you to move" in page.inner_text("#decision"):
        kind, button = "answer", "button:has-text('Refuse')"
    elif own and page.locator("button:has-text('Hold')").count():
        kind, button = "ladder", "button:has-text('Hold')"
    else:
        kind, button = "model", "text=Take the model's move"
    page.click(button)
    settled(page)  # the submitted page is "sent", so this waits for the seat's next page
    return kind


def play_to_the_end(pages: list[Page], own: int = 8, limit: int = 200) -> dict[str, int]:
    """Play until the group's run is over: the first *own* decisions the students' own."""
    done: dict[str, int] = {}
    for _ in range(limit):
        moved = False
        for page in pages:
            if status(page).startswith("Your move"):
                kind = decide(page, own=sum(done.values()) < own)
                done[kind] = done.get(kind, 0) + 1
                page.wait_for_selector("#reply")
                moved = True
        if all("over" in status(p) for p in pages):
            return done
        assert moved, "nobody can move, yet the game is not over"
    raise AssertionError("the game did not end")


def test_two_students_play_a_group_to_the_end_and_the_debrief_marks_it(
    new_page: NewPage, server: Server
) -> None:
    teacher = set_up(new_page, server, ["north", "south"], 1)
    shoot(teacher, "instructor")
    north = take_seat(new_page, server, 1, "north", "Alice")
    shoot(north, "seat-proposals")
    south = take_seat(new_page, server, 1, "south", "Bob")
    assert north.url != south.url
    # live update: south's page follows the group without a reload once north moves
    assert status(north).startswith("Your move")
    assert "Waiting for north" in status(south)
    decide(north, own=True)
    south.wait_for_function(  # null-safe: the page may be mid-reload when this looks
        "() => { const s = document.querySelector('body[data-live=current] #status');"
        " return s !== null && !s.innerText.includes('Waiting for north'); }"
    )
    assert "Answers to your proposals" in north.inner_text("#reply")
    done = play_to_the_end([north, south])
    assert done.get("proposal", 0) >= 1 and done.get("answer", 0) >= 1
    assert "Your score" in status(south)
    shoot(south, "seat-over")
    visit(teacher, server.teach)
    teacher.click("text=End and open the debrief")
    teacher.wait_for_selector("#debrief-outcomes .plot-container")  # once the Monte Carlo is done
    shoot(teacher, "debrief")
    names = teacher.evaluate(
        "() => document.getElementById('debrief-outcomes').data.map(t => t.name)"
    )
    assert "Group 1" in names
    marked = teacher.evaluate(
        "() => document.getElementById('debrief-outcomes').data"
        ".find(t => t.name === 'Group 1').x[0]"
    )
    table = teacher.inner_text("#side-by-side")
    assert marked in table  # the marker stands on the class the table reports
    assert teacher.locator("#debrief-utility-north .plot-container").count() == 1
    csv = teacher.request.get(teacher.url + "/transcript.csv").text()
    assert csv.startswith("group,decision,") and ",seat," in csv


def test_a_reload_or_a_new_visit_to_the_join_link_keeps_the_seat(
    new_page: NewPage, server: Server
) -> None:
    set_up(new_page, server, ["south"], 2)
    student = take_seat(new_page, server, 2, "south", "Carol")
    seat_url = student.url
    before = student.inner_text("header")
    fresh(student)
    assert student.url == seat_url and student.inner_text("header") == before
    student.goto(server.join)  # the seat's cookie brings the student back to it
    student.wait_for_selector("#status")
    assert student.url == seat_url
    other = new_page()
    visit(other, server.join)
    assert "taken" in other.inner_text("#join-group-2")


def test_a_page_being_typed_in_keeps_the_text_when_the_game_moves_on(
    new_page: NewPage, server: Server
) -> None:
    teacher = set_up(new_page, server, ["north", "south"], 1)
    typing = new_page()
    visit(typing, server.join)
    row = typing.locator("#join-group-1 li", has_text="(south)")
    row.locator("input[name=name]").fill("Dana")
    take_seat(new_page, server, 1, "north", "Erin")  # the join page's state changes meanwhile
    typing.wait_for_selector("#stale")  # told, not reloaded: the name typed is still there
    assert typing.input_value("#join-group-1 li:has-text('(south)') input[name=name]") == "Dana"
    row.locator("button").click()
    typing.wait_for_selector("#status")
    assert "you are" in typing.inner_text("header")
    visit(teacher, server.teach)
    assert "south: Dana" in teacher.inner_text("#groups")


def _moves(folder: Path) -> list[tuple[int, int, str, str]]:
    db = sqlite3.connect(folder / "negsim-classroom.sqlite")
    rows = db.execute("SELECT group_id, number, actor, text FROM moves ORDER BY 1, 2").fetchall()
    db.close()
    return [(int(g), int(n), str(a), str(t)) for g, n, a, t in rows]


def test_a_server_killed_mid_game_resumes_every_group_with_no_move_lost(
    new_page: NewPage, tmp_path: Path
) -> None:
    folder = classroom_folder(tmp_path)
    server = start_server(folder, "--runs", "40")
    try:
        set_up(new_page, server, ["north", "south"], 2)
        seats = [
            take_seat(new_page, server, g, actor, f"{actor}{g}")
            for g in (1, 2)
            for actor in ("north", "south")
        ]
        for rounds in range(3):
            for page in seats:
                if status(page).startswith("Your move"):
                    decide(page, own=rounds % 2 == 0)
        before = _moves(folder)
        shown = {page.url: status(page) for page in seats}
        news = {page.url: page.inner_text("#news") for page in seats}
        assert len({g for g, *_ in before}) == 2  # both groups have moves
    finally:
        server.stop(kill=True)
    again = start_server(folder, "--runs", "40")
    try:
        assert again.teach.split("/teach/")[1] == server.teach.split("/teach/")[1]
        for page in seats:
            visit(page, page.url.replace(server.base, again.base))
        assert _moves(folder) == before
        for page in seats:
            url = page.url.replace(again.base, server.base)
            assert status(page) == shown[url]
            assert page.inner_text("#news") == news[url]
        mover = next(p for p in seats if status(p).startswith("Your move"))
        decide(mover, own=False)
        assert len(_moves(folder)) == len(before) + 1
    finally:
        again.stop()
