"""SIGTERM and SIGHUP end a command like Ctrl-C: workers stopped, temporary files removed.

Real signals to real processes. Before the fix, SIGTERM to ``negsim run --workers 2`` killed the
parent and left both workers alive indefinitely, and a SIGTERM during the report write left the
temporary file behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from processes import (
    TIMEOUT,
    alive,
    catches,
    children,
    copy_tiny,
    leftovers,
    start,
    threads,
    wait_until,
)

RUNS = "200000"
"""Far more runs than the test waits for: the signal always arrives mid-simulation."""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy_tiny(tmp_path)
    return tmp_path


def _workers_started(folder: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """Start a run with two workers; return once the pool is up: the parent done forking them.

    Why not as soon as both workers exist: a worker is listed the moment it is forked, while the
    parent may still be inside ``fork`` (a busy machine can hold it there); a signal then lands in
    an at-fork hook, where Python prints the exception it raises ("Exception ignored in ...")
    instead of raising it. The pool starts its manager thread once every worker is forked, and
    each worker drops the parent's handlers in its initializer.
    """
    process = start("run", "tiny.yaml", "--runs", RUNS, "--workers", "2", cwd=folder)

    def started() -> bool:
        workers = children(process.pid)
        return (
            len(workers) >= 2
            and not any(catches(w, signal.SIGTERM) for w in workers)
            and threads(process.pid) > 1
        )

    assert wait_until(started), "the workers never started"
    return process, children(process.pid)


@pytest.mark.parametrize(("number", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_termination_signal_stops_the_workers_and_removes_the_reserved_report(
    folder: Path, number: signal.Signals, status: int
) -> None:
    process, workers = _workers_started(folder)
    process.send_signal(number)
    assert process.wait(timeout=TIMEOUT) == status
    assert wait_until(lambda: not any(alive(w) for w in workers)), "orphaned workers"
    assert leftovers(folder) == []
    assert not (folder / "reports" / "tiny.html").exists()
    assert "Traceback" not in process.communicate()[1]


def test_workers_die_with_their_parent_even_when_it_is_killed_outright(folder: Path) -> None:
    process, workers = _workers_started(folder)
    process.kill()
    process.wait(timeout=TIMEOUT)
    assert wait_until(lambda: not any(alive(w) for w in workers)), "orphaned workers"


SCRIPT = """
import sys, time
from pathlib import Path
from sim.cli.signals import terminate_like_interrupt
from sim.files import HTML, Staging, plan_output

with terminate_like_interrupt():
    target = plan_output(Path("r.html"), option="--output", kind=HTML, default=Path("r.html"),
                         force=False)
    with Staging([target]) as staging:
        staging.write(target, "<!DOCTYPE html>" + "x" * 100_000)
        print("writing", flush=True)
        time.sleep(600)
        staging.install()
"""


def test_sigterm_while_the_report_is_being_written_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SCRIPT)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "writing\n"
    assert len(leftovers(tmp_path)) == 1  # the half-written report, in its temporary file
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=TIMEOUT) == 143
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "r.html").exists()


MID_FORK = """
import os, signal, sys, threading
from sim.cli import app

go, sent = threading.Event(), threading.Event()


def other_thread() -> None:
    go.wait()
    os.kill(os.getpid(), signal.SIGTERM)  # to the process: a thread not blocking it takes it
    sent.set()


def mid_fork() -> None:  # in the parent, between forking the first worker and the second
    if go.is_set():
        return
    go.set()
    if FROM_OTHER_THREAD:
        sent.wait()
    else:
        os.killpg(0, signal.SIGTERM)  # this process and the worker just forked
    sum(range(1000))  # Python code after the signal: where its handler runs, if not held


FROM_OTHER_THREAD = {other}
threading.Thread(target=other_thread, daemon=True).start()
os.register_at_fork(after_in_parent=mid_fork)
sys.argv = ["negsim", "run", "tiny.yaml", "--runs", "2000", "--workers", "2"]
app()
"""


@pytest.mark.parametrize("other", [False, True], ids=["to-the-group", "to-another-thread"])
def test_sigterm_while_the_pool_forks_its_workers_waits_until_they_are_forked(
    folder: Path, other: bool
) -> None:
    """The signal lands inside ``fork`` (an at-fork hook sends it), deterministically.

    Before the fix, its handler ran in the hook: Python printed "Exception ignored in ..." and
    dropped the exit, the command ran all its runs, installed its report, then exited 143.
    """
    done = subprocess.run(
        [sys.executable, "-c", MID_FORK.format(other=other)],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        start_new_session=True,
        check=False,
    )
    assert done.returncode == 143, done.stderr
    assert "Exception ignored" not in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # stopped before the outcome table
    assert not (folder / "reports" / "tiny.html").exists()
    assert leftovers(folder) == []
