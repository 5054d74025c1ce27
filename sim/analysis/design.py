"""Design points: a scenario run at set values of its uncertain inputs, common random numbers.

Run *k* at every design point uses the same generator, ``SeedSequence(seed, spawn_key=(k,))``,
as run *k* of :func:`sim.simulate` (the inputs are set, not drawn), so two points differ only
through their inputs: the differences a sensitivity method sees are not simulation noise between
points (common random numbers; Law 2015, §11.2).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.analysis.executors import worker_start
from sim.analysis.results import InputSpread
from sim.analysis.streams import design_generator, simulate_at
from sim.engine.outcomes import OutcomeRules, classify, outcome_rules
from sim.engine.sampling import ScenarioArrays, apply_inputs, compile_scenario
from sim.errors import SimulationError
from sim.model.eu_kernel import compile_kernels
from sim.scenario.format import Scenario

FloatArray = npt.NDArray[np.float64]
Point = tuple[float, ...]
"""One value per factor of the scenario's input space, in its order."""
PointProgress = Callable[[int], None]
"""Called with the number of design points finished so far."""


SPREAD_POINTS = 16
"""Input draws behind the input spread of :func:`sim.simulate`."""
SPREAD_RUNS = 100
"""Runs per input draw there (fewer when the simulation itself has fewer runs)."""


def pool_context() -> multiprocessing.context.BaseContext:
    """The process start method for worker pools: fork where the platform has it."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


@dataclass(frozen=True)
class PointShares:
    """Each design point's outcome shares: points × (outcomes, then primary classes)."""

    ids: tuple[str, ...]
    """Outcome ids, then primary-class ids."""
    shares: FloatArray
    runs_per_point: int

    def column(self, outcome: str) -> FloatArray:
        """The shares of one outcome or primary class across the points."""
        return np.asarray(self.shares[:, self.ids.index(outcome)], dtype=np.float64)


@dataclass(frozen=True)
class _Task:
    arrays: ScenarioArrays
    rules: OutcomeRules
    points: tuple[Point, ...]
    runs: int
    seed: int


def _evaluate(task: _Task) -> FloatArray:
    rules = task.rules
    n_out, n_primary = len(rules.outcome_ids), len(rules.primary_ids)
    counts = np.zeros((len(task.points), n_out + n_primary))
    for row, point in enumerate(task.points):
        arrays = apply_inputs(task.arrays, point)
        for k in range(task.runs):
            _, record = simulate_at(arrays, task.seed, k)
            flags, primary = classify(record, rules)
            counts[row, :n_out] += flags
            counts[row, n_out + primary] += 1
    return counts / task.runs


def evaluate_points(
    scenario: Scenario,
    points: Sequence[Point],
    runs_per_point: int,
    seed: int = 0,
    workers: int = 1,
    progress: PointProgress | None = None,
) -> PointShares:
    """Simulate *runs_per_point* runs at each point; the outcome shares per point, in order."""
    if runs_per_point < 1:
        raise SimulationError(f"runs per point must be at least 1 (got {runs_per_point})")
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    size = max(1, min(16, len(points) // (max(workers, 1) * 4) or 1))
    tasks = [
        _Task(arrays, rules, tuple(points[i : i + size]), runs_per_point, seed)
        for i in range(0, len(points), size)
    ]
    parts: list[FloatArray] = []

    def store(part: FloatArray) -> None:
        parts.append(part)
        if progress is not None:
            progress(sum(len(p) for p in parts))

    if workers <= 1 or len(tasks) == 1:
        for task in tasks:
            store(_evaluate(task))
    else:
        compile_kernels()
        with ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),
            mp_context=pool_context(),
            initializer=worker_start,
        ) as pool:
            for part in pool.map(_evaluate, tasks):
                store(part)
    shares = np.vstack(parts) if parts else np.zeros((0, len(rules.outcome_ids)))
    return PointShares(rules.outcome_ids + rules.primary_ids, shares, runs_per_point)


def input_spread(
    scenario: Scenario,
    seed: int,
    points: int = SPREAD_POINTS,
    runs_per_point: int = SPREAD_RUNS,
    workers: int = 1,
) -> InputSpread | None:
    """The 10–90 % range of every share across *points* draws of the uncertain inputs.

    Each draw is simulated with runs 0 … *runs_per_point* − 1 (common random numbers), so the
    range shows what the inputs do, not what the dice do; None when no input is uncertain.
    """
    space = compile_scenario(scenario).space
    if not space.factors:
        return None
    rng = design_generator(seed)
    draws = [space.values(rng.random(len(space))) for _ in range(points)]
    result = evaluate_points(scenario, draws, runs_per_point, seed, workers)
    low, high = np.percentile(result.shares, [10, 90], axis=0)
    return InputSpread(
        points,
        runs_per_point,
        {k: float(v) for k, v in zip(result.ids, low, strict=True)},
        {k: float(v) for k, v in zip(result.ids, high, strict=True)},
    )
