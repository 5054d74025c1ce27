"""``negsim run``: simulate a scenario, print the outcome table, write the HTML report."""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path
from typing import Annotated, BinaryIO, TextIO

import typer

from sim.analysis.executors import open_executor
from sim.analysis.montecarlo import simulate
from sim.analysis.results import Results
from sim.analysis.stamp import Stamp
from sim.cli.common import (
    ChunkSize,
    ExecutorSpec,
    Force,
    Json,
    Runs,
    ScenarioFile,
    Seed,
    Workers,
    run_progress,
    user_errors_exit_2,
)
from sim.cli.outputs import Outputs
from sim.files import CSV, HTML, PARQUET, STDIO
from sim.report.summary import format_table
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario


def simulate_with_progress(
    scenario: Scenario,
    runs: int,
    seed: int,
    workers: int,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    export: TextIO | None = None,
    parquet: BinaryIO | None = None,
) -> Results:
    """Simulate, with a progress bar on stderr when it is a terminal."""
    with run_progress() as bar:
        task = bar.add_task(f"{scenario.id}: runs", total=runs)
        return simulate(
            scenario,
            runs=runs,
            seed=seed,
            workers=workers,
            progress=lambda done: bar.update(task, completed=done),
            executor=executor,
            chunk_size=chunk_size,
            export=export,
            parquet=parquet,
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
            metavar="FILE.csv|FILE.parquet|-",
            help="Also write the per-run table (inputs and outcomes): CSV, streamed while the "
            "runs finish; Parquet for *.parquet (needs pyarrow); - for CSV on standard output.",
        ),
    ] = None,
    force: Force = False,
    json: Json = False,
    executor: ExecutorSpec = "local",
    chunk_size: ChunkSize = None,
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
        parquet = export is not None and str(export) != STDIO and export.suffix == ".parquet"
        table = None
        if export is not None:
            table = outputs.add(export, "--export", PARQUET if parquet else CSV, Path("runs.csv"))
        with outputs.staging() as staging, open_executor(executor) as pool:
            # The export (CSV, or Parquet a row group at a time) streams into its temporary
            # file while the runs finish; it is put in place with the report.
            rows = staging.text(table) if table is not None and not parquet else None
            binary = staging.handle(table) if table is not None and parquet else None
            results = simulate_with_progress(
                loaded, runs, seed, workers, pool, chunk_size, rows, binary
            )
            staging.write(report, render_report(results))
            staging.install()
        outputs.close(
            "run",
            Stamp.of((loaded,), seed, runs),
            {"results": results.to_dict()},
            lambda width: format_table(results, width),
            {"--output": "report", "--export": "per-run table"},
        )
