"""``negsim run``: simulate a scenario, print the outcome table, write the HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.analysis.montecarlo import simulate
from sim.analysis.results import Results
from sim.analysis.stamp import Stamp
from sim.cli.common import (
    Force,
    Json,
    Runs,
    ScenarioFile,
    Seed,
    Workers,
    print_json,
    run_progress,
    user_errors_exit_2,
)
from sim.cli.outputs import Outputs
from sim.files import CSV, HTML
from sim.report.summary import format_table
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario


def simulate_with_progress(scenario: Scenario, runs: int, seed: int, workers: int) -> Results:
    """Simulate, with a progress bar on stderr when it is a terminal."""
    with run_progress() as bar:
        task = bar.add_task(f"{scenario.id}: runs", total=runs)
        return simulate(
            scenario,
            runs=runs,
            seed=seed,
            workers=workers,
            progress=lambda done: bar.update(task, completed=done),
        )


def run(
    scenario: ScenarioFile,
    runs: Runs = 1000,
    seed: Seed = 0,
    workers: Workers = 0,
    output: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE.html|DIR|-",
            help="HTML report: a file, a directory (<scenario-id>.html inside it) or - for "
            "standard output (default: reports/<scenario-id>.html, never reused).",
        ),
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE.csv|-", help="Also write the per-run table as CSV (- for stdout)."
        ),
    ] = None,
    force: Force = False,
    json: Json = False,
) -> None:
    """Simulate a scenario many times and report the outcome distribution.

    Every output is checked before the first run, and all are written together at the end or
    none is.
    """
    from sim.report.html import default_report_path, render_report  # plotly: only when used

    with user_errors_exit_2():
        loaded = load_scenario(scenario)
        outputs = Outputs(inputs=[scenario], force=force, json=json)
        report = outputs.add(output, "--output", HTML, default_report_path(loaded))
        table = outputs.add(export, "--export", CSV, Path("runs.csv")) if export else None
        with outputs.staging() as staging:
            results = simulate_with_progress(loaded, runs, seed, workers)
            staging.write(report, render_report(results))
            if table is not None:
                staging.write(table, results.to_csv())
            staging.install()
        people = outputs.people()
        if json:
            stamp = Stamp.of((loaded,), seed, runs)
            print_json(
                {
                    "command": "run",
                    "stamp": stamp.to_dict(),
                    "results": results.to_dict(),
                    "outputs": dict(outputs.written()),
                }
            )
        else:
            width = max(100, people.width) if people.is_terminal else 100
            people.file.write(format_table(results, width))
        for option, where in outputs.written():
            what = "report" if option == "--output" else "per-run table"
            people.print(f"{what}: {where}", markup=False)
