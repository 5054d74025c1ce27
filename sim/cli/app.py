"""The Typer application: it only assembles the command modules, in ``--help`` order."""

from __future__ import annotations

import typer

from sim.cli import (
    classroom_command,
    compare_command,
    explain_command,
    forecast_command,
    handout_command,
    play_command,
    run_command,
    scenario_commands,
)

app = typer.Typer(
    name="negsim",
    help="Negotiation scenario simulator for international-relations crises.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("run")(run_command.run)
app.command("compare")(compare_command.compare)
app.command("explain")(explain_command.explain)
app.command("forecast")(forecast_command.forecast_command)
app.command("handout")(handout_command.handout)
app.command("play")(play_command.play)
app.command("classroom")(classroom_command.classroom)
app.command("validate")(scenario_commands.validate)
app.command("schema")(scenario_commands.schema)
