"""Termination signals end a command the way Ctrl-C does.

SIGTERM and SIGHUP stop every worker process the command started, then raise
``SystemExit(128 + signal)`` in the main thread, so every ``with`` block unwinds: reserved
output files are removed, nothing half-written is left, and the exit status is 143 (SIGTERM) or
129 (SIGHUP), as a shell reports a process killed by that signal. Ctrl-C (SIGINT) keeps its
usual path: ``KeyboardInterrupt``, exit 130. While a local pool forks its workers these signals
are held (``sim.analysis.executors.local_pool``): they take effect once the pool has started.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGTERM, signal.SIGHUP)
received: list[int] = []
"""The termination signal received, if any: its exception can be swallowed where it lands (a
weak-reference callback ignores exceptions), so the error handler checks this too."""


def _stop(number: int, frame: FrameType | None) -> None:
    del frame
    if number in signal.pthread_sigmask(signal.SIG_BLOCK, ()):
        # This thread holds the signal (a pool is forking its workers), but another thread took
        # it: send it again to this thread, where it waits until the hold ends.
        signal.pthread_kill(threading.get_ident(), number)
        return
    received.append(number)
    for other in SIGNALS:  # a second signal must not interrupt the clean-up
        signal.signal(other, signal.SIG_IGN)
    # SIGKILL, not SIGTERM: a worker forked a moment ago has not yet run its initializer and still
    # has this handler, so SIGTERM would print a traceback from inside the fork; workers hold
    # nothing to clean up (the parent owns every output file).
    children = multiprocessing.active_children()
    for child in children:
        child.kill()
    for child in children:
        child.join(timeout=2)
    raise SystemExit(128 + number)


@contextmanager
def terminate_like_interrupt() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP stop the workers and unwind the command (see above)."""
    previous = {number: signal.signal(number, _stop) for number in SIGNALS}
    received.clear()
    try:
        yield
        if received:
            raise SystemExit(128 + received[0])
    except BaseException:
        if received:  # whatever the signal left behind (a broken pool), the exit is the signal's
            raise SystemExit(128 + received[0]) from None
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
