"""The negsim engine on backtest issues: each one-issue scenario run many times, issue by issue.

Issue *j* of a backtest uses the root seed ``SeedSequence(seed, spawn_key=(j,))`` and its runs
are simulated in batches, in run order, each run as :func:`~sim.analysis.montecarlo.simulate_run`
would give it, so a backtest's distributions are byte-identical whatever the executor and the
number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

import numpy as np
import numpy.typing as npt

from sim.analysis.executors import results_in_order
from sim.analysis.montecarlo import simulate_runs
from sim.engine.sampling import compile_scenario
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
    for run, (_, record) in enumerate(simulate_runs(arrays, seed, range(runs))):
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
    executor: Executor | None = None,
) -> list[FloatArray]:
    """:func:`engine_positions` of every scenario, issue *j* seeded by :func:`issue_seed`.

    One task per issue, on the *executor* when given (any ``concurrent.futures.Executor``, as
    in :func:`sim.simulate`), else on a local pool of up to *workers* processes; the results
    come back in issue order, so they do not depend on where they ran.
    """
    tasks = [(s, runs, issue_seed(seed, j)) for j, s in enumerate(scenarios)]
    workers = workers if workers > 0 else os.cpu_count() or 1
    results: list[FloatArray] = []
    with results_in_order(_task, tasks, workers, executor) as parts:
        for positions in parts:
            results.append(positions)
            if progress is not None:
                progress(len(results))
    return results
