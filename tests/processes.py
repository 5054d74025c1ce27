"""Running negsim as a real process, for the tests about files, FIFOs, devices and signals."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

TINY = Path(__file__).resolve().parent / "testdata" / "tiny"
COMMAND = [sys.executable, "-m", "sim"]
TIMEOUT = 120
"""Seconds a command may take on a loaded machine before the test calls it hung."""


def copy_tiny(folder: Path) -> Path:
    """Put the tiny scenario and its source text in *folder*; return the scenario's path."""
    shutil.copy(TINY / "tiny.yaml", folder / "tiny.yaml")
    shutil.copy(TINY / "source.txt", folder / "source.txt")
    return folder / "tiny.yaml"


def negsim(
    *args: str,
    cwd: Path,
    stdin: int | None = subprocess.DEVNULL,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sim ARGS`` in *cwd* to the end; a hang fails the test after TIMEOUT."""
    return subprocess.run(
        [*COMMAND, *args],
        cwd=cwd,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=preexec_fn,
        check=False,
    )


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """Start ``python -m sim ARGS`` in *cwd*, in its own session, without waiting."""
    return subprocess.Popen(
        [*COMMAND, *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def children(pid: int) -> list[int]:
    """The live child processes of *pid* (Linux ``/proc``)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """True while *pid* exists and is not a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def threads(pid: int) -> int:
    """How many threads *pid* runs (Linux ``/proc``; 0 when it is gone)."""
    return len(list(Path(f"/proc/{pid}/task").glob("*")))


def catches(pid: int, number: int) -> bool:
    """True when *pid* has a handler of its own for signal *number* (Linux ``/proc``)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught, 16) >> (number - 1) & 1)


def wait_until(test: Callable[[], bool], seconds: float = TIMEOUT) -> bool:
    """Poll *test* every 50 ms until it holds or *seconds* pass; return whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if test():
            return True
        time.sleep(0.05)
    return test()


def leftovers(folder: Path) -> list[str]:
    """Temporary files negsim would leave behind under *folder*."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".negsim-*"))


def one_line(stderr: str) -> str:
    """The single line of an error message (fails if there is more, or a traceback)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def is_root() -> bool:
    """True when the tests run as root (CI does), who may make device nodes."""
    return os.geteuid() == 0
