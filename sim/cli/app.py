"""The Typer application: it only assembles the command modules, in ``--help`` order."""

from __future__ import annotations

import typer

from sim.cli import (
    common,
    compare_command,
    explain_command,
    forecast_command,
    handout_command,
    play_command,
    run_command,
    scenario_commands,
)
from sim.cli.help import Command, Group

app = typer.Typer(
    name="negsim",
    help="Negotiation scenario simulator for international-relations crises.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)

app.callback()(common.root)
app.command("run", cls=Command)(run_command.run)
app.command("compare", cls=Command)(compare_command.compare)
app.command("explain", cls=Command)(explain_command.explain)
app.command("forecast", cls=Command)(forecast_command.forecast_command)
app.command("handout", cls=Command)(handout_command.handout)
app.command("play", cls=Command)(play_command.play)
app.command("validate", cls=Command)(scenario_commands.validate)
app.command("schema", cls=Command)(scenario_commands.schema)
