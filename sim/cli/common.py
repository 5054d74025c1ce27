"""What every command shares: the consoles, the progress bar, the exit-2 handler and common options.

Command modules import from here and never from :mod:`sim.cli.app`, so the package has no cycle:
``app`` assembles the commands, the commands know nothing of ``app``.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from sim.analysis.stamp import Stamp
from sim.errors import NegsimError
from sim.vocabulary import MAX_RUNS, MAX_WORKERS, printable

ScenarioFile = Annotated[
    Path, typer.Argument(metavar="SCENARIO.yaml", help="Scenario YAML file.", show_default=False)
]
Runs = Annotated[
    int,
    typer.Option(
        min=1, max=MAX_RUNS, metavar="N", help=f"Number of Monte Carlo runs (at most {MAX_RUNS:,})."
    ),
]
Seed = Annotated[
    int,
    typer.Option(
        min=0,
        metavar="N",
        help="Root seed, below 2^63: the same seed gives the same results.",
    ),
]
Workers = Annotated[
    int,
    typer.Option(
        min=0,
        max=MAX_WORKERS,
        metavar="N",
        help=f"Worker processes (0: one per CPU; at most {MAX_WORKERS}, and never more than "
        "chunks of runs); results do not depend on it.",
    ),
]
Force = Annotated[
    bool,
    typer.Option(
        "--force", help="Replace existing output files (regular files only; never a device)."
    ),
]
Json = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print the results as JSON on standard output (schema/output.schema.json), "
        "instead of the tables.",
    ),
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


PIPE_WIDTH = 80
"""Width of the output when stdout is not a terminal and ``COLUMNS`` is not set."""


def console(*, stderr: bool = False) -> Console:
    """Console on stdout, or on stderr (for people while stdout carries JSON).

    Plain text when it is not a terminal. Everything printed wraps at the console's width: the
    terminal's, else ``COLUMNS``, else :data:`PIPE_WIDTH` (rich would take the width of
    whichever standard stream is a terminal, so a transcript would depend on the terminal it
    was made in). Markup is off: scenario text (titles, names) is printed as written, never
    read as styles or links.
    """
    return _sized(Console(stderr=stderr, highlight=False, soft_wrap=False, markup=False))


def error_console() -> Console:
    """Console on stderr for errors and progress (sized as :func:`console`)."""
    return _sized(Console(stderr=True, highlight=False, soft_wrap=True, markup=False))


def hang(out: Console, text: Text, indent: int = 0, mark: Text | None = None) -> None:
    """Print *text* wrapped at the console's width, every line *indent* spaces in.

    With a *mark* (an entry's bullet), the mark starts the first line and the wrapped lines hang
    past it. No line carries trailing spaces, as a table cell's would.
    """
    lead = mark.cell_len + 1 if mark is not None else 0
    lines = text.wrap(out, max(out.width - indent - lead, 1))
    for number, line in enumerate(lines):
        line.rstrip()
        head = Text(" " * indent)
        if mark is not None:
            head += mark + " " if number == 0 else Text(" " * lead)
        out.print(head + line, soft_wrap=True)


def _sized(out: Console) -> Console:
    if not out.is_terminal and not os.environ.get("COLUMNS", "").strip().isdigit():
        out.width = PIPE_WIDTH
    return out


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
        sys.stderr.write(f"{printable(str(error))}\n")
        count = len(getattr(error, "problems", ()))
        if count > 1:
            sys.stderr.write(f"{count} problems found.\n")
        raise typer.Exit(code=2) from None


def _finite(data: Any) -> Any:
    """*data* with every NaN or infinity replaced by None: JSON has no such numbers."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data


def print_stamped(command: str, stamp: Stamp, **body: Any) -> None:
    """Print the ``--json`` payload of *command*: its name, its stamp and *body*.

    Every command's ``--json`` goes through here, so that every payload carries the stamp
    (schema/output.schema.json, docs/json.md).
    """
    print_json({"command": command, "stamp": stamp.to_dict(), **body})


def print_json(payload: dict[str, Any]) -> None:
    """Write one JSON payload on standard output (sorted keys, UTF-8, a final newline)."""
    text = json.dumps(
        _finite(payload), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False
    )
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
