"""The negsim engine on backtest issues: each one-issue scenario run many times, issue by issue.

Issue *j* of a backtest uses the root seed ``SeedSequence(seed, spawn_key=(j,))`` and its runs
are :func:`~sim.analysis.montecarlo.simulate_run` calls in run order, so a backtest's
distributions are byte-identical whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import numpy.typing as npt

from sim.analysis.design import pool_context
from sim.analysis.executors import worker_start
from sim.analysis.montecarlo import simulate_run
from sim.engine.sampling import compile_scenario
from sim.model.eu_kernel import compile_kernels
from sim.scenario.format import Scenario

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int], None]
"""Called with the number of issues finished so far."""


def issue_seed(seed: int, index: int) -> int:
    """The root seed of the backtest's issue *index*: independent streams per issue."""
    return int(np.random.SeedSequence(seed, spawn_key=(index,)).generate_state(1)[0])


def engine_positions(scenario: Scenario, runs: int, seed: int) -> FloatArray:
    """Where each run of a one-issue scenario left the issue: the agreement, or NaN for none."""
    arrays = compile_scenario(scenario)
    positions = np.full(runs, np.nan)
    for run in range(runs):
        _, record = simulate_run(arrays, seed, run)
        agreement = record.agreements[0]
        if agreement is not None:
            positions[run] = agreement.position
    return positions


def _task(task: tuple[Scenario, int, int]) -> FloatArray:
    return engine_positions(*task)


def run_issues(
    scenarios: Sequence[Scenario],
    runs: int,
    seed: int,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[FloatArray]:
    """:func:`engine_positions` of every scenario, issue *j* seeded by :func:`issue_seed`."""
    tasks = [(s, runs, issue_seed(seed, j)) for j, s in enumerate(scenarios)]
    workers = workers if workers > 0 else os.cpu_count() or 1
    results: list[FloatArray] = []
    if workers == 1 or len(tasks) < 2:
        for task in tasks:
            results.append(_task(task))
            if progress is not None:
                progress(len(results))
        return results
    compile_kernels()  # once, before the workers fork
    with ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)), mp_context=pool_context(), initializer=worker_start
    ) as pool:
        for positions in pool.map(_task, tasks):
            results.append(positions)
            if progress is not None:
                progress(len(results))
    return results
