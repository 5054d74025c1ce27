"""``negsim backtest``: score every model against the outcomes of a DEU-layout data file."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sim.analysis.backtest import backtest as run_backtest
from sim.analysis.backtest.models import TUNABLE
from sim.analysis.executors import open_executor
from sim.cli.common import (
    ExecutorSpec,
    Json,
    Seed,
    Workers,
    error_console,
    print_stamped,
    run_progress,
    user_errors_exit_2,
)
from sim.errors import NegsimError
from sim.report.backtest import write_backtest_report
from sim.report.backtest_summary import backtest_payload, format_backtest
from sim.scenario.deuscenario import EngineSettings

DEFAULT_RUNS = 50
"""Engine runs per issue: the full development half then takes well under two minutes."""
_DEFAULTS = EngineSettings()


class CapabilityChoice(StrEnum):
    """Where capabilities come from."""

    GDP = "gdp"
    EQUAL = "equal"


def parse_tune(text: str | None) -> tuple[str, tuple[float, ...]] | None:
    """``PARAM=a,b,c`` as (PARAM, (a, b, c)).

    Raises:
        typer.BadParameter: not of that form, an unknown setting, or a value that is no number.
    """
    if text is None:
        return None
    name, _, values = text.partition("=")
    name = name.strip()
    if name not in TUNABLE or not values:
        raise typer.BadParameter(f"expected PARAM=a,b,c with PARAM one of {', '.join(TUNABLE)}")
    try:
        numbers = tuple(float(v) for v in values.split(","))
    except ValueError:
        raise typer.BadParameter(f"the values of {name} must be numbers: {values!r}") from None
    return name, numbers


def backtest(
    file: Annotated[Path, typer.Argument(help="Data file in the DEU layout (scenarios/deu/).")],
    rounds: Annotated[int, typer.Option(min=1, help="Rounds of the expected-utility model.")] = 8,
    runs: Annotated[
        int,
        typer.Option(
            min=1,
            help="Engine runs per issue (50 keeps the development half under two minutes).",
        ),
    ] = DEFAULT_RUNS,
    seed: Seed = 0,
    capability: Annotated[
        CapabilityChoice, typer.Option(help="gdp: the data's capability row; equal: 1 each.")
    ] = CapabilityChoice.GDP,
    workers: Workers = 0,
    position_sd: Annotated[
        float, typer.Option(help="Engine: σ of every position across runs.")
    ] = _DEFAULTS.position_sd,
    salience_sd: Annotated[
        float, typer.Option(help="Engine: σ of every salience (0–1) across runs.")
    ] = _DEFAULTS.salience_sd,
    engine_rounds: Annotated[
        int, typer.Option(help="Engine: rounds of talks before the decision.")
    ] = _DEFAULTS.rounds,
    convergence: Annotated[
        float, typer.Option(help="Engine: positions this close count as converged.")
    ] = _DEFAULTS.convergence,
    tune: Annotated[
        str | None,
        typer.Option(
            metavar="PARAM=a,b,c",
            help=f"Cross-validate one setting across proposals ({', '.join(TUNABLE)}).",
        ),
    ] = None,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    json_output: Json = False,
    output: Annotated[
        Path | None,
        typer.Option(
            help="HTML report path (default: reports/backtest-<file>.html, never reused)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing report.")] = False,
    executor: ExecutorSpec = "local",
) -> None:
    """Score the models against recorded negotiation outcomes (DEU layout).

    Example: negsim backtest scenarios/deu/deu3-dev.tsv --json
    """
    tuning = parse_tune(tune)
    with user_errors_exit_2():
        if output is not None and output.exists() and not force:
            raise NegsimError(f"{output}: already exists; choose another path or pass --force")
        settings = EngineSettings(position_sd, salience_sd, engine_rounds, convergence)
        with open_executor(executor) as pool, run_progress() as bar:
            task = bar.add_task("backtest: engine issues", total=None)
            result = run_backtest(
                file,
                rounds=rounds,
                runs=runs,
                seed=seed,
                capability="equal" if capability is CapabilityChoice.EQUAL else "gdp",
                engine=settings,
                workers=workers,
                tune=tuning,
                folds=folds,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                executor=pool,
            )
        report = write_backtest_report(result, output, force=force)
        if json_output:
            outputs = {"--output": str(report)}
            print_stamped(
                "backtest", result.stamp, backtest=backtest_payload(result), outputs=outputs
            )
            error_console().print(f"report: {report}")
        else:
            sys.stdout.write(format_backtest(result))
            sys.stdout.write(f"report: {report}\n")
