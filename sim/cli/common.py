"""What every command shares: the consoles, the progress bar, the exit-2 handler and common options.

Command modules import from here and never from :mod:`sim.cli.app`, so the package has no cycle:
``app`` assembles the commands, the commands know nothing of ``app``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sim.errors import NegsimError

Runs = Annotated[int, typer.Option(min=1, help="Number of Monte Carlo runs.")]
Seed = Annotated[int, typer.Option(min=0, help="Root seed: the same seed gives the same results.")]
Workers = Annotated[
    int, typer.Option(min=0, help="Worker processes (0: one per CPU); results do not depend on it.")
]
ExecutorSpec = Annotated[
    str,
    typer.Option(
        "--executor",
        help="Where runs execute: 'local' (a pool of --workers processes) or 'dask://HOST:PORT' "
        "(a Dask scheduler; pip install 'negsim[dask]'). Results do not depend on it.",
    ),
]
ChunkSize = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Runs per task sent to a worker (default: from runs and workers); results do not "
        "depend on it.",
    ),
]


def console() -> Console:
    """Console on stdout; plain text when stdout is not a terminal."""
    return Console(highlight=False, soft_wrap=False)


def error_console() -> Console:
    """Console on stderr for errors and progress."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def run_progress() -> Progress:
    """A transient progress bar of runs on stderr, shown only when stderr is a terminal."""
    err = error_console()
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    )


@contextmanager
def user_errors_exit_2() -> Iterator[None]:
    """Print a :class:`NegsimError` as plain located lines on stderr and exit with status 2."""
    try:
        yield
    except NegsimError as error:
        sys.stderr.write(f"{error}\n")
        count = len(getattr(error, "problems", ()))
        if count > 1:
            sys.stderr.write(f"{count} problems found.\n")
        raise typer.Exit(code=2) from None
