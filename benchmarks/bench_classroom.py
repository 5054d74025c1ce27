"""Time ``negsim classroom``: start-up to the first page served, and many seats moving at once.

Starts a real server on loopback in a temporary folder with the flagship scenario, sets up
GROUPS groups of two human seats, then every seat plays its decisions (the model's move, as
a student pressing "Take the model's move") from its own thread until every group's run is
over. Prints timings; asserts nothing. Bounded: one session, at most 400 moves per seat.

    .venv/bin/python benchmarks/bench_classroom.py [GROUPS]
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HUMANS = ("russia", "us")


def main(groups: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-classroom-"))
    shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    command = [
        sys.executable,
        "-m",
        "sim",
        "classroom",
        "scenarios/geneva-2022.yaml",
        "--port",
        "0",
        "--runs",
        "200",
        "--seed",
        "2022",
    ]
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    lines = [server.stdout.readline() for _ in range(3)]
    teach = re.search(r"instructor: (\S+)", "".join(lines))
    join = re.search(r"students:\s+(\S+)", "".join(lines))
    assert teach and join, lines
    client = httpx.Client(timeout=120, follow_redirects=False)
    first = client.get(teach.group(1))
    served = time.perf_counter() - started
    assert first.status_code == 200
    print(f"negsim classroom → first page served: {served:.2f} s")
    base = teach.group(1).split("/teach/")[0]
    form = {"scenario": "scenarios/geneva-2022.yaml", "humans": list(HUMANS), "groups": str(groups)}
    assert client.post(teach.group(1) + "/setup", data=form).status_code == 303
    db = sqlite3.connect(folder / "negsim-classroom.sqlite")
    seats = db.execute("SELECT id, token FROM seats").fetchall()
    for seat_id, _ in seats:
        client.post(join.group(1), data={"seat": str(seat_id), "name": f"s{seat_id}"})
    moves: list[float] = []
    lock = threading.Lock()

    def student(token: str) -> None:
        with httpx.Client(timeout=120, follow_redirects=False) as mine:
            for _ in range(400):
                page = mine.get(f"{base}/seat/{token}").text
                if "game is over" in page:
                    return
                found = re.search(r'name="number" value="(\d+)"', page)
                if not found or "Your move" not in page:
                    time.sleep(0.05)
                    continue
                tick = time.perf_counter()
                data = {"number": found.group(1), "move": "model"}
                reply = mine.post(f"{base}/seat/{token}/move", data=data)
                if reply.status_code == 303:
                    with lock:
                        moves.append(time.perf_counter() - tick)

    threads = [threading.Thread(target=student, args=(t,)) for _, t in seats]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - begin
    moves.sort()
    print(
        f"{len(seats)} seats in {groups} groups, concurrently: {len(moves)} moves in {wall:.1f} s"
    )
    if moves:
        print(
            f"move round trip: median {1000 * moves[len(moves) // 2]:.0f} ms, "
            f"95th percentile {1000 * moves[int(len(moves) * 0.95)]:.0f} ms"
        )
    left = db.execute("SELECT COUNT(*) FROM moves").fetchone()[0]
    print(f"moves recorded in SQLite: {left}")
    server.terminate()
    server.wait(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
