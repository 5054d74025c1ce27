"""``negsim run``: simulate a scenario, print the outcome table, write the HTML report."""

from __future__ import annotations

import sys
from concurrent.futures import Executor
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, TextIO

import typer

from sim.analysis.executors import open_executor
from sim.analysis.export import write_export
from sim.analysis.montecarlo import simulate
from sim.analysis.results import Results
from sim.cli.common import (
    ChunkSize,
    ExecutorSpec,
    Runs,
    Seed,
    Workers,
    console,
    run_progress,
    user_errors_exit_2,
)
from sim.errors import NegsimError
from sim.files import atomic_stream
from sim.report.summary import format_table
from sim.scenario.loader import load_scenario


def simulate_with_progress(
    scenario_path: Path,
    runs: int,
    seed: int,
    workers: int,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    export: TextIO | None = None,
    keep_runs: bool = False,
) -> Results:
    """Load and simulate, with a progress bar on stderr when it is a terminal."""
    scenario = load_scenario(scenario_path)
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
            keep_runs=keep_runs,
        )


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    runs: Runs = 1000,
    seed: Seed = 0,
    workers: Workers = 0,
    output: Annotated[
        Path | None,
        typer.Option(help="HTML report path (default: reports/<scenario-id>.html, never reused)."),
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option(
            help="Also write the per-run table (inputs and outcomes) to this path: Parquet for "
            "*.parquet (needs pyarrow), else CSV."
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace existing output files.")] = False,
    executor: ExecutorSpec = "local",
    chunk_size: ChunkSize = None,
) -> None:
    """Simulate a scenario many times and report the outcome distribution."""
    from sim.report.html import write_report  # plotly: imported only when a report is written

    with user_errors_exit_2():
        for path in (output, export):
            if path is not None and path.exists() and not force:
                raise NegsimError(f"{path}: already exists; choose another path or pass --force")
        # A CSV export streams into a temporary file while the runs finish, put in place only
        # once the report is written too; Parquet is written from the kept rows at the end.
        parquet = export is not None and export.suffix.lower() == ".parquet"
        csv = export is not None and not parquet
        stream = atomic_stream(export, overwrite=force) if csv and export else nullcontext(None)
        with open_executor(executor) as pool, stream as rows:
            results = simulate_with_progress(
                scenario, runs, seed, workers, pool, chunk_size, rows, keep_runs=parquet
            )
            out = console()
            sys.stdout.write(format_table(results, out.width))
            report = write_report(results, output, force=force)
            console().print(f"report: {report}")
        if export is not None:
            path = write_export(results, export, force=force) if parquet else export
            console().print(f"per-run table: {path}")
