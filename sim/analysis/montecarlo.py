"""Monte Carlo: many seeded runs of a scenario, in chunks of runs over any executor.

Run *i* draws everything from ``SeedSequence(seed, spawn_key=(i,))``, each chunk carries its
own run range, and chunks are reduced in run order, so results are byte-identical whatever the
executor, the number of workers and the chunk size. Each chunk's rows are folded into a
:class:`~sim.analysis.tally.Tally` (and written to the export) as it finishes, then dropped, so
memory does not grow with the number of runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO, TextIO

import numpy as np

from sim.analysis.design import SPREAD_POINTS, SPREAD_RUNS, input_spread
from sim.analysis.executors import (
    call_executor,
    chunk_count,
    default_chunk_size,
    results_in_order,
)
from sim.analysis.forecast import baselines
from sim.analysis.results import Results
from sim.analysis.runs import RunCsv, RunTable
from sim.analysis.streams import run_generator as run_generator
from sim.analysis.streams import simulate_run as simulate_run
from sim.analysis.tally import Tally
from sim.engine.outcomes import OutcomeRules, classify, outcome_rules
from sim.engine.reachability import structural_zeros
from sim.engine.record import RunRecord
from sim.engine.sampling import (
    ScenarioArrays,
    compile_scenario,
    draw_names,
    draw_values,
)
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.vocabulary import MAX_RUNS, MAX_SEED, MAX_WORKERS

Progress = Callable[[int], None]
"""Called with the number of runs finished so far."""


@dataclass(frozen=True)
class Chunk:
    """Runs ``start`` to ``stop - 1`` of a scenario: everything a worker needs to simulate them.

    Why the range travels with the work: results are put back in run order by it, and no two
    chunks of a simulation are equal, so an executor that merges identical calls (Dask's
    ``pure=True``) only ever merges work whose result is the same.
    """

    arrays: ScenarioArrays
    rules: OutcomeRules
    seed: int
    start: int
    stop: int
    weeks: tuple[float, ...]


def _levels_by_week(record: RunRecord, weeks: tuple[float, ...]) -> list[int]:
    levels, level, steps = [], record.start_level, iter(record.escalation)
    step = next(steps, None)
    for day in weeks:
        while step is not None and step.day <= day:
            level = step.level
            step = next(steps, None)
        levels.append(level)
    return levels


def run_chunk(chunk: Chunk) -> RunTable:
    """Simulate a chunk's runs; one row per run, in run order."""
    n = chunk.stop - chunk.start
    a = chunk.arrays
    table = _empty_table(n, chunk.rules, a, len(chunk.weeks))
    for row, index in enumerate(range(chunk.start, chunk.stop)):
        params, record = simulate_run(a, chunk.seed, index)
        table.inputs[row] = record.inputs
        table.draws[row] = draw_values(a, params)
        flags, primary = classify(record, chunk.rules)
        table.outcomes[row] = flags
        table.primary[row] = primary
        table.peak_level[row] = record.peak_level
        table.final_level[row] = record.final_level
        for k, agreement in enumerate(record.agreements):
            if agreement is not None:
                table.agreement_position[row, k] = agreement.position
                table.agreement_form[row, k] = agreement.form
        for shock, _ in record.shocks:
            table.shocks[row, shock] = True
        table.level_by_week[row] = _levels_by_week(record, chunk.weeks)
        if record.war_day is not None:
            table.war_day[row] = record.war_day
    return table


def _empty_table(runs: int, rules: OutcomeRules, a: ScenarioArrays, weeks: int) -> RunTable:
    outcomes, issues, shocks = len(rules.outcome_ids), a.n_issues, len(a.shock_ids)
    return RunTable(
        outcomes=np.zeros((runs, outcomes), dtype=bool),
        primary=np.zeros(runs, dtype=np.int8),
        peak_level=np.zeros(runs, dtype=np.int8),
        final_level=np.zeros(runs, dtype=np.int8),
        agreement_position=np.full((runs, issues), np.nan, dtype=np.float32),
        agreement_form=np.full((runs, issues), -1, dtype=np.int8),
        shocks=np.zeros((runs, shocks), dtype=bool),
        level_by_week=np.zeros((runs, weeks), dtype=np.int8),
        war_day=np.full(runs, np.nan, dtype=np.float64),
        inputs=np.zeros((runs, len(a.space)), dtype=np.float64),
        draws=np.zeros((runs, len(draw_names(a))), dtype=np.float64),
    )


def _ranges(runs: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, runs, size):
        yield start, min(start + size, runs)


def simulate(
    scenario: Scenario,
    runs: int = 1000,
    seed: int = 0,
    workers: int = 1,
    progress: Progress | None = None,
    input_points: int = SPREAD_POINTS,
    *,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    export: TextIO | None = None,
    parquet: BinaryIO | None = None,
    keep_runs: bool = False,
) -> Results:
    """Run *scenario* *runs* times and aggregate the outcome distribution.

    Args:
        scenario: a validated scenario (see :func:`sim.load_scenario`).
        runs: number of Monte Carlo runs.
        seed: root seed; the same seed and runs give byte-identical results.
        workers: worker processes of the local pool (0 = one per CPU); results do not depend on
            it. With an *executor* it only sets the default chunk size.
        progress: optional callback with the number of runs finished.
        input_points: draws of the uncertain inputs behind the input spread (0: none), each
            simulated with up to 100 runs; only when the scenario declares uncertain inputs.
        executor: where chunks run instead of a local pool: any ``concurrent.futures.Executor``
            (a thread pool, ``distributed.Client(address).get_executor()``); results do not
            depend on it.
        chunk_size: runs per chunk (default :func:`default_chunk_size`); results do not
            depend on it.
        export: a text stream to write the per-run table to as CSV, chunk by chunk, while the
            runs finish (what ``Results.to_csv`` would return).
        parquet: a binary stream to write the per-run table to as Parquet, a row group at a
            time while the runs finish (what ``sim.analysis.export.parquet_bytes`` would
            return; needs pyarrow, checked before the first run).
        keep_runs: also keep every run's row in ``Results.table`` (memory grows with runs).
    """
    if not 1 <= runs <= MAX_RUNS:
        raise SimulationError(f"runs must be from 1 to {MAX_RUNS:,} (got {runs:,})")
    if not 0 <= seed <= MAX_SEED:
        raise SimulationError(f"seed must be from 0 to {MAX_SEED} (got {seed})")
    if not 0 <= workers <= MAX_WORKERS:
        raise SimulationError(f"workers must be from 0 to {MAX_WORKERS} (got {workers})")
    if chunk_size is not None and chunk_size < 1:
        raise SimulationError(f"chunk_size must be at least 1 (got {chunk_size})")
    workers = workers if workers > 0 else os.cpu_count() or 1
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    weeks = tuple(float(d) for d in np.arange(0.0, arrays.horizon_day + 1e-9, 7.0))
    ladder = scenario.escalation.ladder if scenario.escalation else ()
    tally = Tally.empty(
        len(rules.outcome_ids), len(rules.primary_ids), max(1, len(ladder)), len(weeks),
        len(arrays.shock_ids), arrays.n_issues, runs,
    )  # fmt: skip
    names = arrays.space.names, draw_names(arrays)
    csv = None if export is None else RunCsv(scenario, *names, export)
    kept: list[RunTable] = []
    size = chunk_size or default_chunk_size(runs, workers)
    tasks = [Chunk(arrays, rules, seed, start, stop, weeks) for start, stop in _ranges(runs, size)]
    spread_runs = min(SPREAD_RUNS, runs)
    spread_tasks = (
        chunk_count(input_points * spread_runs, workers, chunk_size)
        if input_points > 0 and arrays.space.factors
        else 0
    )
    done = 0
    with ExitStack() as stack:
        table = None
        if parquet is not None:
            from sim.analysis.export import RunParquet  # pyarrow: only for Parquet

            table = stack.enter_context(RunParquet(scenario, *names, parquet))
        # one executor for the runs and the input spread: never a second pool for one call
        largest = max(len(tasks), spread_tasks)
        shared = stack.enter_context(call_executor(workers, largest, executor))
        with results_in_order(run_chunk, tasks, workers, shared) as parts:
            for task, part in zip(tasks, parts, strict=True):
                tally.add(part)
                if csv is not None:
                    csv.write(task.start, part)
                if table is not None:
                    table.write(task.start, part)
                if keep_runs:
                    kept.append(part)
                done += task.stop - task.start
                if progress is not None:
                    progress(done)
        spread = (
            input_spread(
                scenario,
                seed,
                input_points,
                spread_runs,
                workers,
                executor=shared,
                chunk_size=chunk_size,
            )
            if input_points > 0
            else None
        )
    return Results(
        scenario=scenario,
        runs=runs,
        seed=seed,
        tally=tally,
        weeks=weeks,
        baselines=baselines(scenario),
        input_names=arrays.space.names,
        draw_names=draw_names(arrays),
        structural_zeros=structural_zeros(scenario),
        input_spread=spread,
        kept_runs=RunTable.concatenate(kept) if keep_runs else None,
    )
