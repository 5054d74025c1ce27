"""``negsim handout``: a printable HTML handout of a scenario for the classroom."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Force, ScenarioFile, console, user_errors_exit_2
from sim.files import HTML, plan_output, write_outputs
from sim.scenario.loader import load_scenario


def handout(
    scenario: ScenarioFile,
    output: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE.html|DIR|-",
            help="HTML file, directory or - for standard output (default: "
            "reports/<scenario-id>-handout.html, never reused).",
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Write a printable handout: actors, issues, stances with evidence, calendar, outcomes."""
    from sim.report.handout import default_handout_path, render_handout  # plotly: when used

    with user_errors_exit_2():
        loaded = load_scenario(scenario)
        target = plan_output(
            output, option="--output", kind=HTML, default=default_handout_path(loaded), force=force
        )
        write_outputs([(target, render_handout(loaded))])
        if target.path is not None:
            console().print(f"handout: {target.shown}")
