"""``negsim sensitivity``: which uncertain judgements decide an outcome (SALib and PRIM)."""

from __future__ import annotations

import sys
from concurrent.futures import Executor
from pathlib import Path
from typing import Annotated

import typer

from sim.analysis.executors import open_executor
from sim.analysis.sensitivity import METHODS, Method, Sensitivity, sensitivity
from sim.cli.common import (
    ChunkSize,
    ExecutorSpec,
    Json,
    Seed,
    Workers,
    console,
    error_console,
    print_stamped,
    run_progress,
    user_errors_exit_2,
)
from sim.errors import NegsimError
from sim.report.sensitivity import write_sensitivity_report
from sim.report.sensitivity_table import format_sensitivity
from sim.scenario.loader import load_scenario


def sensitivity_command(
    scenario: Annotated[
        Path,
        typer.Argument(
            metavar="SCENARIO.yaml",
            help="Scenario YAML file with uncertain inputs.",
            show_default=False,
        ),
    ],
    method: Annotated[
        str, typer.Option(help=f"Analysis: {', '.join(METHODS)} (tornado, screening, variance).")
    ] = "morris",
    runs_per_point: Annotated[
        int, typer.Option(min=1, help="Runs at each design point (the same runs at every point).")
    ] = 50,
    seed: Seed = 0,
    workers: Workers = 0,
    trajectories: Annotated[
        int, typer.Option(min=2, help="Morris trajectories (inputs + 1 points each).")
    ] = 10,
    base: Annotated[
        int, typer.Option(min=2, help="Sobol' base sample, a power of 2 (inputs + 2 points each).")
    ] = 64,
    outcome: Annotated[
        str | None,
        typer.Option(help="Outcome or primary class to rank for and to find a PRIM box for."),
    ] = None,
    discovery_runs: Annotated[
        int, typer.Option(min=0, help="Runs, inputs drawn per run, behind the PRIM box (0: none).")
    ] = 2000,
    json: Json = False,
    output: Annotated[
        Path | None,
        typer.Option(
            help="HTML report path (default: in reports/, named after the scenario id and the "
            "method)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing report.")] = False,
    executor: ExecutorSpec = "local",
    chunk_size: ChunkSize = None,
) -> None:
    """Rank a scenario's uncertain inputs by their influence on its outcomes; find a PRIM box."""
    with user_errors_exit_2():
        if method not in METHODS:
            raise NegsimError(f"--method: unknown method {method!r}; known: {', '.join(METHODS)}")
        if output is not None and output.exists() and not force:
            raise NegsimError(f"{output}: already exists; choose another path or pass --force")
        loaded = load_scenario(scenario)
        with open_executor(executor) as pool:
            result = _with_progress(
                loaded,
                method,
                runs_per_point,
                seed,
                workers,
                trajectories,
                base,
                outcome,
                discovery_runs,
                pool,
                chunk_size,
            )
        report = write_sensitivity_report(result, output, force=force)
        if json:
            outputs = {"--output": str(report)}
            print_stamped(
                "sensitivity", result.stamp, sensitivity=result.to_dict(), outputs=outputs
            )
            error_console().print(f"report: {report}")
            return
        out = console()
        sys.stdout.write(format_sensitivity(result, out.width))
        out.print(f"report: {report}")


def _with_progress(
    scenario: object,
    method: str,
    runs_per_point: int,
    seed: int,
    workers: int,
    trajectories: int,
    base: int,
    outcome: str | None,
    discovery_runs: int,
    executor: Executor | None,
    chunk_size: int | None,
) -> Sensitivity:
    from sim.scenario.format import Scenario

    assert isinstance(scenario, Scenario)
    chosen: Method = method  # type: ignore[assignment]
    with run_progress() as bar:
        tasks: dict[str, object] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"{scenario.id}: {stage}", total=total)
            bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]

        return sensitivity(
            scenario,
            method=chosen,
            runs_per_point=runs_per_point,
            seed=seed,
            workers=workers,
            trajectories=trajectories,
            base=base,
            outcome=outcome,
            discovery_runs=discovery_runs,
            progress=progress,
            executor=executor,
            chunk_size=chunk_size,
        )
