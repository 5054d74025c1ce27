"""A ``negsim classroom`` server in a subprocess, in a folder of its own, for the tests."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TINY = Path(__file__).resolve().parent / "testdata" / "tiny"
STARTUP_SECONDS = 180.0


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
            self.process.wait(timeout=30)
        assert self.process.stdout is not None
        self.process.stdout.close()


def classroom_folder(tmp: Path) -> Path:
    """A folder holding the tiny scenario and its source, where the server is started."""
    shutil.copy(TINY / "tiny.yaml", tmp / "tiny.yaml")
    shutil.copy(TINY / "source.txt", tmp / "source.txt")
    return tmp


def start_server(folder: Path, *args: str) -> Server:
    """Start ``negsim classroom tiny.yaml`` in *folder* on a free port; wait for its URLs."""
    command = [sys.executable, "-m", "sim", "classroom", "tiny.yaml", "--port", "0", *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("students:"):
            text = "".join(lines)
            teach = re.search(r"instructor: (\S+)", text)
            join = re.search(r"students:\s+(\S+)", text)
            assert teach and join
            base = teach.group(1).split("/teach/")[0]
            return Server(process, base, teach.group(1), join.group(1), folder, text)
    process.kill()
    raise AssertionError("the classroom server did not start:\n" + "".join(lines))
