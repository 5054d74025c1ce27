"""Where chunks of runs execute: a local process pool, or any ``concurrent.futures.Executor``.

A Dask cluster is reached through ``distributed.Client(address).get_executor()``; this is the
only module that imports Dask, and only when an address is given (``negsim[dask]`` extra).
Results come back in task order whatever the executor, so output never depends on it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import re
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import TypeVar

from sim.errors import NegsimError
from sim.model.eu_kernel import compile_kernels

Task = TypeVar("Task")
Result = TypeVar("Result")

LOCAL = "local"
"""The default executor: a process pool of ``--workers`` on this machine."""
DASK = re.compile(r"dask://(?P<host>[^/:\s]+|\[[0-9a-fA-F:]+\]):(?P<port>[0-9]{1,5})")
"""``dask://HOST:PORT``: the address of a Dask scheduler."""
CONNECT_TIMEOUT = "10s"
"""How long to wait for a Dask scheduler before giving up."""


def in_order(
    function: Callable[[Task], Result], tasks: Iterable[Task], executor: Executor, window: int
) -> Iterator[Result]:
    """``function(task)`` for every task, yielded in task order.

    At most *window* tasks are submitted ahead of the one being waited for, so finished results
    waiting for an earlier, slower task never pile up (memory stays flat however many tasks).
    """
    pending: deque[Future[Result]] = deque()
    queue = iter(tasks)
    for task in queue:
        pending.append(executor.submit(function, task))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().result()
        following = next(queue, None)
        if following is not None:
            pending.append(executor.submit(function, following))
        yield result


def default_chunk_size(runs: int, workers: int) -> int:
    """About eight chunks per worker, each of 25 to 500 runs."""
    return max(25, min(500, runs // (workers * 8) or 1))


def chunk_count(runs: int, workers: int, chunk_size: int | None = None) -> int:
    """How many chunks *runs* runs make, of *chunk_size* or the :func:`default_chunk_size`."""
    size = chunk_size or default_chunk_size(runs, workers)
    return -(-runs // size)


@contextmanager
def call_executor(
    workers: int, tasks: int, executor: Executor | None = None
) -> Iterator[Executor | None]:
    """The one executor that every stage of a call shares, as long as the call.

    The caller's *executor* when there is one; else, with more than one worker and more than
    one task in the largest stage (*tasks*), one local pool of up to *workers* processes, started
    on entry and shut down on leaving; else None (every stage runs in this process). Why one:
    a call with several stages (``simulate``'s runs then its input spread, a backtest's tuned
    settings) would otherwise fork and tear down a pool per stage.
    """
    if executor is not None or workers <= 1 or tasks <= 1:
        yield executor
        return
    compile_kernels()  # once, before forking, so no worker compiles it again
    with local_pool(min(workers, tasks)) as pool:
        yield pool


@contextmanager
def results_in_order(
    function: Callable[[Task], Result],
    tasks: Sequence[Task],
    workers: int,
    executor: Executor | None = None,
) -> Iterator[Iterable[Result]]:
    """``function(task)`` for every task, in task order, wherever the tasks run.

    In this process when there is no *executor* and one worker (or one task); else on the
    *executor*, or on a local pool of up to *workers* processes that lives as long as the
    context. Every simulation (``negsim run``, design points, backtests) goes through here, so
    ``--executor`` and ``--workers`` reach all of them alike.
    """
    if executor is None and (workers <= 1 or len(tasks) <= 1):
        yield map(function, tasks)
        return
    compile_kernels()  # once, before forking or threads, so no worker compiles it again
    with ExitStack() as stack:
        if executor is None:
            # never a process without a task to run
            executor = stack.enter_context(local_pool(min(workers, len(tasks))))
        yield in_order(function, tasks, executor, window=max(32, 4 * workers))


HELD = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
"""The signals held back while a pool forks its workers."""


@contextmanager
def signals_held() -> Iterator[None]:
    """While inside, :data:`HELD` signals wait (blocked in this thread); on leaving, they arrive."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of *workers* processes, started at once and forked where the platform can.

    The workers start with termination signals held (:func:`signals_held`). Why: a signal that
    lands while the parent is inside ``fork`` runs its handler in an at-fork hook, where Python
    prints the exception (``Exception ignored in ...``) and drops it, so the command ran on; and a
    worker forked a moment before still has the parent's handlers until its initializer runs.
    Held, the signal reaches the parent once every worker is forked, and each worker (which
    inherits the block) once :func:`worker_start` has reset its handlers.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=worker_start)
    try:
        with signals_held():
            pool.submit(os.getpid)  # the first task starts the pool: every worker, when forked
    except BaseException:  # a held signal, arriving as the hold ends
        pool.shutdown(cancel_futures=True)
        raise
    return pool


_PR_SET_PDEATHSIG = 1


def worker_start() -> None:
    """Every local pool's initializer: workers die silently on a signal, and with their parent.

    A signal that reached the worker while it was forked (held, see :func:`local_pool`) kills it
    here, once its handlers are the defaults.

    Why: a forked worker inherits the parent's signal handlers, which would turn its own
    termination into an exception it reports back instead of exiting (or a traceback per worker
    on Ctrl-C); and a worker whose parent was killed outright (SIGKILL) would otherwise wait for
    work forever.
    """
    for number in HELD:
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)  # held while it was forked: now they kill it
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before prctl took effect
        os._exit(1)  # (an orphan's new parent is init or the nearest subreaper, not always pid 1)


@contextmanager
def open_executor(spec: str) -> Iterator[Executor | None]:
    """The executor named on the command line: None for ``local``, a Dask executor for an address.

    Raises:
        NegsimError: for an unknown spec, when Dask is not installed, or when the scheduler
            cannot be reached.
    """
    if spec == LOCAL:
        yield None
        return
    match = DASK.fullmatch(spec)
    if match is None:
        raise NegsimError(
            f"--executor {spec!r}: expected 'local' or 'dask://HOST:PORT' (a Dask scheduler)"
        )
    try:
        from distributed import Client
    except ImportError:
        raise NegsimError(
            f"--executor {spec}: Dask is not installed; pip install 'negsim[dask]'"
        ) from None
    address = f"tcp://{match['host']}:{match['port']}"
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as error:
        raise NegsimError(f"--executor {spec}: cannot reach the Dask scheduler ({error})") from None
    with client:
        yield client.get_executor()  # type: ignore[no-untyped-call]
