"""The Typer application, its shared console and the one place user errors become exit 2."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sim.errors import NegsimError

app = typer.Typer(
    name="negsim",
    help="Negotiation scenario simulator for international-relations crises.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


def register_commands() -> None:
    """Import the command modules so their ``@app.command`` decorators run."""
    from sim.cli import (  # noqa: F401
        compare_command,
        explain_command,
        forecast_command,
        handout_command,
        play_command,
        run_command,
        scenario_commands,
    )


register_commands()
