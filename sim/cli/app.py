"""The Typer application: it only assembles the command modules, in ``--help`` order.

Why the commands load lazily: a command module imports the scenario format, numpy and the
engine (about 0.3 s), so ``negsim --help`` lists the commands from :data:`COMMANDS` and a
command's module is imported only when that command runs (or shows its own ``--help``).
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, NamedTuple

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


class Command(NamedTuple):
    """Where a command lives and the one line ``negsim --help`` shows for it."""

    module: str
    function: str
    summary: str
    """The first line of the function's docstring (a test keeps the two equal)."""
    example: str = ""
    """One command line, shown under the command's ``--help``."""


COMMANDS = {
    "run": Command(
        "sim.cli.run_command",
        "run",
        "Simulate a scenario many times and report the outcome distribution.",
        "negsim run crisis.yaml --runs 5000 --seed 2022 --export runs.csv",
    ),
    "compare": Command(
        "sim.cli.compare_command",
        "compare",
        "Simulate scenarios with the same runs and seed and report how their outcomes differ.",
        "negsim compare crisis.yaml variant.yaml",
    ),
    "explain": Command(
        "sim.cli.explain_command",
        "explain",
        "Explain one run (--run K) or what separates runs with an outcome (--outcome ID).",
        "negsim explain crisis.yaml --run 0",
    ),
    "forecast": Command(
        "sim.cli.forecast_command",
        "forecast_command",
        "Run Bueno de Mesquita's expected-utility model (docs/model.md, bdm.md) deterministically.",
        "negsim forecast scenarios/bdm/ec-emissions.csv --json",
    ),
    "backtest": Command(
        "sim.cli.backtest_command",
        "backtest",
        "Score the models against recorded negotiation outcomes (DEU layout).",
        "negsim backtest scenarios/deu/deu3-dev.tsv --runs 50",
    ),
    "handout": Command(
        "sim.cli.handout_command",
        "handout",
        "Write a printable handout: actors, issues, stances with evidence, calendar, outcomes.",
        "negsim handout crisis.yaml --output handout.html",
    ),
    "play": Command(
        "sim.cli.play_command",
        "play",
        "Play one actor against the model: its proposals, answers and escalation decisions.",
        "negsim play crisis.yaml --as alpha --run 2",
    ),
    "classroom": Command(
        "sim.cli.classroom_command",
        "classroom",
        "Serve a class session: the instructor's page, the students' seats, the debrief.",
        "negsim classroom crisis.yaml --port 8000",
    ),
    "sensitivity": Command(
        "sim.cli.sensitivity_command",
        "sensitivity_command",
        "Rank a scenario's uncertain inputs by their influence on its outcomes; find a PRIM box.",
        "negsim sensitivity crisis.yaml",
    ),
    "validate": Command(
        "sim.cli.scenario_commands",
        "validate",
        "Check scenario files: format, cross-references and every quote against its source.",
        "negsim validate crisis.yaml scenarios/variants/*.yaml",
    ),
    "schema": Command(
        "sim.cli.scenario_commands",
        "schema",
        "Write the JSON Schema of the scenario format, for editor completion.",
        "negsim schema --output -",
    ),
}
"""Every command, in ``--help`` order."""


def load_command(name: str) -> typer.models.CommandInfo:
    """Import the module of command *name* and return it as Typer registers it."""
    spec = COMMANDS[name]
    callback = getattr(import_module(spec.module), spec.function)
    epilog = f"Example: {spec.example}" if spec.example else None
    return typer.models.CommandInfo(
        name=name, callback=callback, cls=_ReadableCommand, epilog=epilog
    )


_PLACEHOLDERS = {
    "int": "N",
    "int range": "N",
    "float": "X",
    "float range": "X",
    "path": "PATH",
    "str": "TEXT",
    "list[Path]": "PATH...",
    "list[str]": "TEXT...",
}
"""Typer's type labels and the placeholders shown instead."""


def _placeholder(label: str | None) -> str | None:
    """``<int range>`` → ``N``, ``<gdp|equal>`` → ``gdp|equal``: what people type."""
    if label is None or not (label.startswith("<") and label.endswith(">")):
        return label
    inner = label[1:-1]
    return _PLACEHOLDERS.get(inner, inner)


class _Argument(TyperArgument):
    """An argument shown by its metavar alone, and plainly (not in braces) when required."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return None
        return _placeholder(super().display_type_rich(ctx))

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name if self.nargs == 1 or name.endswith("...") else f"{name}..."


class _Option(TyperOption):
    """An option shown by its metavar; a flag by its name alone (no ``<bool>``)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.is_flag else _placeholder(super().display_type_rich(ctx))


def _readable(params: list[Any]) -> list[Any]:
    """Typer's parameters, shown with the placeholders people write, not Python types."""
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif type(param) is TyperOption:
            param.__class__ = _Option
    return params


class _ReadableCommand(TyperCommand):
    """A command whose ``--help`` shows ``N`` or ``FILE.html``, never ``<int>`` or ``{path}``."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, with readable placeholders."""
        return _readable(super().get_params(ctx))


class _LazyGroup(TyperGroup):
    """A group whose commands are built from their modules only when one is invoked."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_params(self, ctx: Any) -> list[Any]:
        """The group's options (``--version``, ``--help``), with readable placeholders."""
        return _readable(super().get_params(ctx))

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


def _show_version(value: bool) -> None:
    if value:
        try:
            found = version("negsim")
        except PackageNotFoundError:
            found = "0+unknown"
        typer.echo(f"negsim {found}")
        raise typer.Exit()


@app.callback(
    epilog="Exit status: 0 done; 2 bad input or an output that cannot be written (one line "
    "each, file:line:column for input); 130 Ctrl-C; 143 SIGTERM; 129 SIGHUP."
)
def main(
    ctx: typer.Context,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_show_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Negotiation scenario simulator for international-relations crises."""
    del show_version
    from sim.cli.signals import terminate_like_interrupt

    ctx.with_resource(terminate_like_interrupt())
