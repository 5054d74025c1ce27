"""``negsim handout``: a printable HTML handout of a scenario for the classroom."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import console, user_errors_exit_2
from sim.scenario.loader import load_scenario


def handout(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    output: Annotated[
        Path | None,
        typer.Option(help="HTML path (default: reports/<scenario-id>-handout.html, never reused)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write a printable handout: actors, issues, stances with evidence, calendar, outcomes."""
    from sim.report.handout import write_handout  # plotly: imported only when used

    with user_errors_exit_2():
        path = write_handout(load_scenario(scenario), output, force=force)
        console().print(f"handout: {path}")
