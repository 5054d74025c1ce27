"""Monte Carlo: many seeded runs of a scenario, in ordered chunks over a process pool.

Run *i* draws everything from ``SeedSequence(seed, spawn_key=(i,))``, and chunks are collected
in run order, so results are byte-identical whatever the number of workers.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from sim.analysis.forecast import baselines
from sim.analysis.results import Results, RunTable
from sim.engine.outcomes import OutcomeRules, classify, outcome_rules
from sim.engine.record import RunRecord
from sim.engine.run import run_once
from sim.engine.sampling import RunParameters, ScenarioArrays, compile_scenario, sample_parameters
from sim.errors import SimulationError
from sim.model.eu_kernel import compile_kernels
from sim.scenario.format import Scenario

MAX_RUNS = 1_000_000
"""Most runs one call simulates: the per-run table stays near 100 MB for the largest scenarios."""
MAX_WORKERS = 64
"""Most worker processes; a pool never has more processes than chunks of runs."""
MAX_SEED = 2**63 - 1
"""Seeds are non-negative 64-bit integers (as JSON payloads carry them)."""
_PR_SET_PDEATHSIG = 1
Progress = Callable[[int], None]
"""Called with the number of runs finished so far."""


def run_generator(seed: int, run_index: int) -> np.random.Generator:
    """The generator of run *run_index*: independent of worker count and chunking."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run_index,)))


def simulate_run(
    arrays: ScenarioArrays, seed: int, run_index: int
) -> tuple[RunParameters, RunRecord]:
    """Sample and simulate one run, exactly as :func:`simulate` does for run *run_index*."""
    rng = run_generator(seed, run_index)
    params = sample_parameters(arrays, rng)
    return params, run_once(arrays, params, rng, run_index)


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
    table = _empty_table(
        n, len(chunk.rules.outcome_ids), a.n_issues, len(a.shock_ids), len(chunk.weeks)
    )
    for row, index in enumerate(range(chunk.start, chunk.stop)):
        _, record = simulate_run(a, chunk.seed, index)
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


def _empty_table(runs: int, outcomes: int, issues: int, shocks: int, weeks: int) -> RunTable:
    return RunTable(
        outcomes=np.zeros((runs, outcomes), dtype=bool),
        primary=np.zeros(runs, dtype=np.int8),
        peak_level=np.zeros(runs, dtype=np.int8),
        final_level=np.zeros(runs, dtype=np.int8),
        agreement_position=np.full((runs, issues), np.nan, dtype=np.float32),
        agreement_form=np.full((runs, issues), -1, dtype=np.int8),
        shocks=np.zeros((runs, shocks), dtype=bool),
        level_by_week=np.zeros((runs, weeks), dtype=np.int8),
    )


def _chunks(runs: int, workers: int) -> Iterator[tuple[int, int]]:
    size = max(25, min(500, runs // (workers * 8) or 1))
    for start in range(0, runs, size):
        yield start, min(start + size, runs)


def _worker_start() -> None:
    """Make a worker die, silently, on SIGINT, SIGTERM or SIGHUP, and when its parent dies.

    Why: a forked worker inherits the parent's signal handlers, which would turn its own
    termination into an exception it reports back instead of exiting (or a traceback per worker
    on Ctrl-C); and a worker whose parent was killed outright (SIGKILL) would otherwise wait for
    work forever.
    """
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(number, signal.SIG_DFL)
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _pool_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def simulate(
    scenario: Scenario,
    runs: int = 1000,
    seed: int = 0,
    workers: int = 1,
    progress: Progress | None = None,
) -> Results:
    """Run *scenario* *runs* times and aggregate the outcome distribution.

    Args:
        scenario: a validated scenario (see :func:`sim.load_scenario`).
        runs: number of Monte Carlo runs.
        seed: root seed; the same seed and runs give byte-identical results.
        workers: worker processes (0 = one per CPU); results do not depend on it.
        progress: optional callback with the number of runs finished.
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
    table = _empty_table(
        runs, len(rules.outcome_ids), arrays.n_issues, len(arrays.shock_ids), len(weeks)
    )
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
            mp_context=_pool_context(),
            initializer=_worker_start,
        ) as pool:
            for task, part in zip(tasks, pool.map(_run_chunk, tasks), strict=True):
                store(task, part)
    return Results(
        scenario=scenario,
        runs=runs,
        seed=seed,
        table=table,
        weeks=weeks,
        baselines=baselines(scenario),
    )
