"""``negsim compare``: simulate scenarios alike, print their differences, write the HTML report."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Annotated

import typer

from sim.analysis.comparison import Comparison, compare_scenarios
from sim.analysis.executors import open_executor
from sim.analysis.stamp import Stamp
from sim.cli.common import (
    ExecutorSpec,
    Force,
    Json,
    Runs,
    Seed,
    Workers,
    run_progress,
    user_errors_exit_2,
)
from sim.cli.outputs import Outputs
from sim.errors import NegsimError, Problem, ScenarioError
from sim.files import HTML
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
        typer.Argument(
            metavar="SCENARIO.yaml...",
            help="Two or more scenario YAML files; the first is the baseline.",
            show_default=False,
        ),
    ],
    runs: Runs = 1000,
    seed: Seed = 0,
    workers: Workers = 0,
    output: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE.html|DIR|-",
            help="HTML report: a file, a directory or - for standard output (default: "
            "reports/compare-<id1>-vs-<id2>….html, never reused).",
        ),
    ] = None,
    force: Force = False,
    json: Json = False,
    executor: ExecutorSpec = "local",
) -> None:
    """Simulate scenarios with the same runs and seed and report how their outcomes differ.

    The JSON payload (--json) holds every share, interval and difference.
    """
    from sim.report.compare import compare_path, render_compare_report  # plotly: only when used

    with user_errors_exit_2():
        if len(scenarios) < 2:
            raise NegsimError("compare needs at least two scenario files")
        loaded = load_scenarios(scenarios)
        outputs = Outputs(inputs=scenarios, force=force, json=json)
        report = outputs.add(output, "--output", HTML, compare_path([s.id for s in loaded]))
        with outputs.staging() as staging, open_executor(executor) as pool:
            comparison = compare_with_progress(loaded, runs, seed, workers, pool)
            staging.write(report, render_compare_report(comparison))
            staging.install()
        outputs.close(
            "compare",
            Stamp.of(tuple(loaded), seed, runs),
            {"comparison": comparison.to_dict()},
            lambda width: format_comparison(comparison, width),
            {"--output": "report"},
        )
