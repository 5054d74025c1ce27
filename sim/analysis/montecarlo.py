"""Monte Carlo: many seeded runs of a scenario, in ordered chunks over a process pool.

Run *i* draws everything from ``SeedSequence(seed, spawn_key=(i,))``, and chunks are collected
in run order, so results are byte-identical whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from sim.analysis.design import (
    SPREAD_POINTS,
    SPREAD_RUNS,
    input_spread,
    pool_context,
    worker_start,
)
from sim.analysis.forecast import baselines
from sim.analysis.results import Results, RunTable
from sim.analysis.streams import run_generator as run_generator
from sim.analysis.streams import simulate_run as simulate_run
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
from sim.model.eu_kernel import compile_kernels
from sim.scenario.format import Scenario
from sim.vocabulary import MAX_RUNS, MAX_SEED, MAX_WORKERS

Progress = Callable[[int], None]
"""Called with the number of runs finished so far."""


@dataclass(frozen=True)
class _Chunk:
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


def _run_chunk(chunk: _Chunk) -> RunTable:
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
        inputs=np.zeros((runs, len(a.space)), dtype=np.float64),
        draws=np.zeros((runs, len(draw_names(a))), dtype=np.float64),
    )


def _chunks(runs: int, workers: int) -> Iterator[tuple[int, int]]:
    size = max(25, min(500, runs // (workers * 8) or 1))
    for start in range(0, runs, size):
        yield start, min(start + size, runs)


def simulate(
    scenario: Scenario,
    runs: int = 1000,
    seed: int = 0,
    workers: int = 1,
    progress: Progress | None = None,
    input_points: int = SPREAD_POINTS,
) -> Results:
    """Run *scenario* *runs* times and aggregate the outcome distribution.

    Args:
        scenario: a validated scenario (see :func:`sim.load_scenario`).
        runs: number of Monte Carlo runs.
        seed: root seed; the same seed and runs give byte-identical results.
        workers: worker processes (0 = one per CPU); results do not depend on it.
        progress: optional callback with the number of runs finished.
        input_points: draws of the uncertain inputs behind the input spread (0: none), each
            simulated with up to 100 runs; only when the scenario declares uncertain inputs.
    """
    if not 1 <= runs <= MAX_RUNS:
        raise SimulationError(f"runs must be from 1 to {MAX_RUNS:,} (got {runs:,})")
    if not 0 <= seed <= MAX_SEED:
        raise SimulationError(f"seed must be from 0 to {MAX_SEED} (got {seed})")
    if not 0 <= workers <= MAX_WORKERS:
        raise SimulationError(f"workers must be from 0 to {MAX_WORKERS} (got {workers})")
    workers = workers if workers > 0 else os.cpu_count() or 1
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    weeks = tuple(float(d) for d in np.arange(0.0, arrays.horizon_day + 1e-9, 7.0))
    table = _empty_table(runs, rules, arrays, len(weeks))
    tasks = [
        _Chunk(arrays, rules, seed, start, stop, weeks) for start, stop in _chunks(runs, workers)
    ]
    done = 0

    def store(chunk: _Chunk, part: RunTable) -> None:
        nonlocal done
        for name in RunTable.__dataclass_fields__:
            getattr(table, name)[chunk.start : chunk.stop] = getattr(part, name)
        done += chunk.stop - chunk.start
        if progress is not None:
            progress(done)

    if workers == 1 or len(tasks) == 1:
        for task in tasks:
            store(task, _run_chunk(task))
    else:
        compile_kernels()
        with ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),  # never a process without a chunk to run
            mp_context=pool_context(),
            initializer=worker_start,
        ) as pool:
            for task, part in zip(tasks, pool.map(_run_chunk, tasks), strict=True):
                store(task, part)
    spread = (
        input_spread(scenario, seed, input_points, min(SPREAD_RUNS, runs), workers)
        if input_points > 0
        else None
    )
    return Results(
        scenario=scenario,
        runs=runs,
        seed=seed,
        table=table,
        weeks=weeks,
        baselines=baselines(scenario),
        input_names=arrays.space.names,
        draw_names=draw_names(arrays),
        structural_zeros=structural_zeros(scenario),
        input_spread=spread,
    )
