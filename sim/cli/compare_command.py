"""``negsim compare``: simulate scenarios alike, print their differences, write the HTML report."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Annotated

import typer

from sim.analysis.comparison import Comparison, compare_scenarios
from sim.analysis.executors import open_executor
from sim.cli.common import (
    ExecutorSpec,
    Runs,
    Seed,
    Workers,
    console,
    run_progress,
    user_errors_exit_2,
)
from sim.errors import NegsimError, Problem, ScenarioError
from sim.files import write_output
from sim.report.compare_summary import format_comparison
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario


def load_scenarios(paths: Sequence[Path]) -> list[Scenario]:
    """Load every scenario, reporting the problems of all the bad files at once."""
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return scenarios


def compare_with_progress(
    scenarios: Sequence[Scenario],
    runs: int,
    seed: int,
    workers: int,
    executor: Executor | None = None,
) -> Comparison:
    """Simulate and compare, with one progress bar per scenario on stderr when it is a terminal."""
    with run_progress() as bar:
        tasks = [bar.add_task(f"{s.id}: runs", total=runs) for s in scenarios]
        return compare_scenarios(
            scenarios,
            runs=runs,
            seed=seed,
            workers=workers,
            progress=lambda index, done: bar.update(tasks[index], completed=done),
            executor=executor,
        )


def compare(
    scenarios: Annotated[
        list[Path],
        typer.Argument(help="Two or more scenario YAML files; the first is the baseline."),
    ],
    runs: Runs = 1000,
    seed: Seed = 0,
    workers: Workers = 0,
    output: Annotated[
        Path | None,
        typer.Option(
            help="HTML report path (default: reports/compare-<id1>-vs-<id2>….html, never reused)."
        ),
    ] = None,
    json: Annotated[
        Path | None, typer.Option(help="Also write the comparison as JSON to this path.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace existing output files.")] = False,
    executor: ExecutorSpec = "local",
) -> None:
    """Simulate scenarios with the same runs and seed and report how their outcomes differ."""
    from sim.report.compare import write_compare_report  # plotly: imported only when used

    with user_errors_exit_2():
        if len(scenarios) < 2:
            raise NegsimError("compare needs at least two scenario files")
        for path in (output, json):
            if path is not None and path.exists() and not force:
                raise NegsimError(f"{path}: already exists; choose another path or pass --force")
        loaded = load_scenarios(scenarios)
        with open_executor(executor) as pool:
            comparison = compare_with_progress(loaded, runs, seed, workers, pool)
        out = console()
        sys.stdout.write(format_comparison(comparison, out.width))
        report = write_compare_report(comparison, output, force=force)
        console().print(f"report: {report}")
        if json is not None:
            path = write_output(json, json, comparison.to_json(), force=force)
            console().print(f"comparison data: {path}")
