"""The Typer application: it only assembles the command modules, in ``--help`` order.

Why the commands load lazily: a command module imports the scenario format, numpy and the
engine (about 0.3 s), so ``negsim --help`` lists the commands from :data:`COMMANDS` and a
command's module is imported only when that command runs (or shows its own ``--help``).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup


class Command(NamedTuple):
    """Where a command lives and the one line ``negsim --help`` shows for it."""

    module: str
    function: str
    summary: str
    """The first line of the function's docstring (a test keeps the two equal)."""


COMMANDS = {
    "run": Command(
        "sim.cli.run_command",
        "run",
        "Simulate a scenario many times and report the outcome distribution.",
    ),
    "compare": Command(
        "sim.cli.compare_command",
        "compare",
        "Simulate scenarios with the same runs and seed and report how their outcomes differ.",
    ),
    "explain": Command(
        "sim.cli.explain_command",
        "explain",
        "Explain one run (--run K) or what separates runs with an outcome (--outcome ID).",
    ),
    "forecast": Command(
        "sim.cli.forecast_command",
        "forecast_command",
        "Run Bueno de Mesquita's expected-utility model (docs/model.md, bdm.md) deterministically.",
    ),
    "backtest": Command(
        "sim.cli.backtest_command",
        "backtest",
        "Score the models against recorded negotiation outcomes (DEU layout).",
    ),
    "handout": Command(
        "sim.cli.handout_command",
        "handout",
        "Write a printable handout: actors, issues, stances with evidence, calendar, outcomes.",
    ),
    "play": Command(
        "sim.cli.play_command",
        "play",
        "Play one actor against the model: its proposals, answers and escalation decisions.",
    ),
    "classroom": Command(
        "sim.cli.classroom_command",
        "classroom",
        "Serve a class session: the instructor's page, the students' seats, the debrief.",
    ),
    "sensitivity": Command(
        "sim.cli.sensitivity_command",
        "sensitivity_command",
        "Rank a scenario's uncertain inputs by their influence on its outcomes; find a PRIM box.",
    ),
    "validate": Command(
        "sim.cli.scenario_commands",
        "validate",
        "Check scenario files: format, cross-references and every quote against its source.",
    ),
    "schema": Command(
        "sim.cli.scenario_commands",
        "schema",
        "Write the JSON Schema of the scenario format, for editor completion.",
    ),
}
"""Every command, in ``--help`` order."""


def load_command(name: str) -> typer.models.CommandInfo:
    """Import the module of command *name* and return it as Typer registers it."""
    spec = COMMANDS[name]
    callback = getattr(import_module(spec.module), spec.function)
    return typer.models.CommandInfo(name=name, callback=callback)


class _LazyGroup(TyperGroup):
    """A group whose commands are built from their modules only when one is invoked."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command as listed by ``--help``: its name and summary, nothing imported."""
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        return TyperCommand(name=cmd_name, help=spec.summary, callback=None)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """The command about to run, built from its module (click calls this to invoke)."""
        name = args[0] if args else ""
        if name not in COMMANDS:
            return super().resolve_command(ctx, args)
        single = typer.Typer(add_completion=False)
        single.registered_commands.append(load_command(name))
        return name, typer.main.get_command(single), args[1:]


app = typer.Typer(
    name="negsim",
    cls=_LazyGroup,
    help="Negotiation scenario simulator for international-relations crises.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Negotiation scenario simulator for international-relations crises."""
