"""A ``negsim classroom`` server in a subprocess, in a folder of its own, for the tests."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from sim.classroom.replay import GroupState
from sim.classroom.session import Classroom
from sim.classroom.store import Store
from sim.classroom.web import create_app

TINY = Path(__file__).resolve().parent / "testdata" / "tiny"
HANG_SECONDS = 600.0
"""A server silent this long has hung: a guard against hangs, not a time anything needs."""


@dataclass
class Server:
    """A running server and the URLs it printed."""

    process: subprocess.Popen[str]
    base: str
    teach: str
    join: str
    folder: Path
    output: str

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server: SIGKILL when *kill* (a crash), else SIGTERM."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        self.process.wait(timeout=HANG_SECONDS)


def classroom_folder(tmp: Path) -> Path:
    """A folder holding the tiny scenario and its source, where the server is started."""
    shutil.copy(TINY / "tiny.yaml", tmp / "tiny.yaml")
    shutil.copy(TINY / "source.txt", tmp / "source.txt")
    return tmp


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """The server's output, line by line, read in a thread (None: the output ended)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:  # to the end, so that the server never blocks on a full pipe
        assert process.stdout is not None
        with process.stdout:
            for line in process.stdout:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""Straight to the server on this machine, whatever proxy the environment names."""


def _ready(base: str) -> bool:
    try:
        with LOCAL.open(f"{base}/ready", timeout=HANG_SECONDS) as reply:
            return bool(reply.status == 200)
    except urllib.error.HTTPError as error:
        assert error.code == 503, error  # warming up; anything else is a bug
        return False


def start_server(folder: Path, *args: str) -> Server:
    """Start ``negsim classroom tiny.yaml`` in *folder* on a free port; wait until it is ready.

    Ready means: it printed its URLs and ``/ready`` answers 200 (the scenario loaded and the
    kernel compiled, however long that takes on a busy machine or a cold numba cache).
    """
    command = [sys.executable, "-m", "sim", "classroom", "tiny.yaml", "--port", "0", *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    output = _lines(process)
    seen: list[str] = []
    try:
        while not seen or not seen[-1].startswith("students:"):
            line = output.get(timeout=HANG_SECONDS)
            if line is None:
                raise AssertionError("the classroom server exited:\n" + "".join(seen))
            seen.append(line)
    except queue.Empty:
        process.kill()
        raise AssertionError("the classroom server hung:\n" + "".join(seen)) from None
    text = "".join(seen)
    teach = re.search(r"instructor: (\S+)", text)
    join = re.search(r"students:\s+(\S+)", text)
    assert teach and join
    base = teach.group(1).split("/teach/")[0]
    while not _ready(base):
        assert process.poll() is None, "the classroom server exited while warming up"
        time.sleep(0.05)
    return Server(process, base, teach.group(1), join.group(1), folder, text)


class Class:
    """An in-process classroom with one session of the tiny scenario, north and south seated."""

    def __init__(self, folder: Path, groups: int = 1) -> None:
        self.store = Store(folder / "class.sqlite")
        self.classroom = Classroom(self.store, folder)
        self.session = self.store.new_session("tiny.yaml", seed=0, runs=20)
        self.client = TestClient(create_app(self.classroom), follow_redirects=False)
        self.teach = f"/teach/{self.session.instructor_token}"
        self.join = f"/join/{self.session.join_token}"
        form = {"scenario": "tiny.yaml", "humans": ["north", "south"], "groups": str(groups)}
        assert self.client.post(f"{self.teach}/setup", data=form).status_code == 303
        self.seats: dict[tuple[int, str], str] = {}
        for group in self.store.groups(self.session):
            for seat in self.store.seats(group):
                self.client.cookies.clear()  # each seat is another student's browser
                reply = self.client.post(self.join, data={"seat": str(seat.id), "name": "x"})
                assert reply.status_code == 303
                self.seats[group.number, seat.actor] = reply.headers["location"].split("/")[-1]

    def state(self, group: int = 1) -> GroupState:
        session = self.store.session(self.session.id)
        assert session is not None
        row = self.store.groups(session)[group - 1]
        return self.classroom.state(session, row)

    def pending_seat(self, group: int = 1) -> tuple[str, int]:
        state = self.state(group)
        assert state.pending is not None
        actor = state.table.arrays.actor_ids[state.pending.actor]
        return self.seats[group, actor], state.pending.number

    def move(self, token: str, number: int, **fields: str) -> int:
        data = {"number": str(number), **fields}
        return int(self.client.post(f"/seat/{token}/move", data=data).status_code)

    def moves(self) -> int:
        return sum(len(self.store.moves(g)) for g in self.store.groups(self.session))
