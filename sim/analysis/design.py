"""Design points: a scenario run at set values of its uncertain inputs, common random numbers.

Run *k* at every design point uses the same generator, ``SeedSequence(seed, spawn_key=(k,))``,
as run *k* of :func:`sim.simulate` (the inputs are set, not drawn), so two points differ only
through their inputs: the differences a sensitivity method sees are not simulation noise between
points (common random numbers; Law 2015, §11.2).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.analysis.executors import default_chunk_size, results_in_order
from sim.analysis.results import InputSpread
from sim.analysis.streams import design_generator, simulate_runs
from sim.engine.outcomes import OutcomeRules, classify, outcome_rules
from sim.engine.sampling import ScenarioArrays, apply_inputs, compile_scenario
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.vocabulary import MAX_WORKERS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Point = tuple[float, ...]
"""One value per factor of the scenario's input space, in its order."""
PointProgress = Callable[[int], None]
"""Called with the number of design points finished so far."""


SPREAD_POINTS = 16
"""Input draws behind the input spread of :func:`sim.simulate`."""
SPREAD_RUNS = 100
"""Runs per input draw there (fewer when the simulation itself has fewer runs)."""


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
class PointChunk:
    """Simulations ``start`` to ``stop - 1`` of a design, numbered point by point.

    Simulation *s* is run ``s % runs`` at point ``s // runs``; the chunk carries the points it
    touches, from point ``first``. Why a range of simulations rather than of points: a chunk is
    the same amount of work whatever the runs per point, and a design of a few points with many
    runs each (the input spread) still spreads over every worker. Its counts are integers, so
    adding them up chunk by chunk is exact whatever the chunks.
    """

    arrays: ScenarioArrays
    rules: OutcomeRules
    points: tuple[Point, ...]
    first: int
    runs: int
    seed: int
    start: int
    stop: int


def run_point_chunk(chunk: PointChunk) -> IntArray:
    """Outcome and primary-class counts of a chunk's simulations: one row per point it touches."""
    rules = chunk.rules
    n_out = len(rules.outcome_ids)
    counts = np.zeros((len(chunk.points), n_out + len(rules.primary_ids)), dtype=np.int64)
    for row, point in enumerate(chunk.points):
        index = chunk.first + row
        low = max(chunk.start, index * chunk.runs) - index * chunk.runs
        high = min(chunk.stop, (index + 1) * chunk.runs) - index * chunk.runs
        arrays = apply_inputs(chunk.arrays, point)
        for _, record in simulate_runs(arrays, chunk.seed, range(low, high), inputs=False):
            flags, primary = classify(record, rules)
            counts[row, :n_out] += flags
            counts[row, n_out + primary] += 1
    return counts


def point_chunks(
    arrays: ScenarioArrays,
    rules: OutcomeRules,
    points: Sequence[Point],
    runs: int,
    seed: int,
    size: int,
) -> list[PointChunk]:
    """The design's simulations in chunks of *size*, in order."""
    total = len(points) * runs
    chunks = []
    for start in range(0, total, size):
        stop = min(start + size, total)
        first, last = start // runs, (stop - 1) // runs
        chunks.append(
            PointChunk(
                arrays, rules, tuple(points[first : last + 1]), first, runs, seed, start, stop
            )
        )
    return chunks


def evaluate_points(
    scenario: Scenario,
    points: Sequence[Point],
    runs_per_point: int,
    seed: int = 0,
    workers: int = 1,
    progress: PointProgress | None = None,
    *,
    executor: Executor | None = None,
    chunk_size: int | None = None,
) -> PointShares:
    """Simulate *runs_per_point* runs at each point; the outcome shares per point, in order.

    Args:
        scenario: a validated scenario with uncertain inputs.
        points: the design, one value per factor of the scenario's input space each.
        runs_per_point: runs 0 … *runs_per_point* − 1 at every point (common random numbers).
        seed: root seed of the runs.
        workers: processes of the local pool (0 = one per CPU); with an *executor* it only sets
            the default chunk size. Results do not depend on it.
        executor: where chunks run instead of a local pool (any ``concurrent.futures.Executor``,
            as in :func:`sim.simulate`); results do not depend on it.
        chunk_size: simulations per chunk, across points (default: as :func:`sim.simulate`
            chooses for that many runs); results do not depend on it.
        progress: called with the number of points finished so far.
    """
    if runs_per_point < 1:
        raise SimulationError(f"runs per point must be at least 1 (got {runs_per_point})")
    if not 0 <= workers <= MAX_WORKERS:
        raise SimulationError(f"workers must be from 0 to {MAX_WORKERS} (got {workers})")
    if chunk_size is not None and chunk_size < 1:
        raise SimulationError(f"chunk_size must be at least 1 (got {chunk_size})")
    workers = workers if workers > 0 else os.cpu_count() or 1
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    ids = rules.outcome_ids + rules.primary_ids
    total = len(points) * runs_per_point
    size = chunk_size or default_chunk_size(total, workers)
    chunks = point_chunks(arrays, rules, points, runs_per_point, seed, size)
    counts = np.zeros((len(points), len(ids)), dtype=np.int64)
    finished = 0
    with results_in_order(run_point_chunk, chunks, workers, executor) as parts:
        for chunk, part in zip(chunks, parts, strict=True):
            counts[chunk.first : chunk.first + len(part)] += part
            done = chunk.stop // runs_per_point
            if progress is not None and done > finished:
                progress(done)
            finished = done
    return PointShares(ids, counts / runs_per_point, runs_per_point)


def input_spread(
    scenario: Scenario,
    seed: int,
    points: int = SPREAD_POINTS,
    runs_per_point: int = SPREAD_RUNS,
    workers: int = 1,
    *,
    executor: Executor | None = None,
    chunk_size: int | None = None,
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
    result = evaluate_points(
        scenario, draws, runs_per_point, seed, workers, executor=executor, chunk_size=chunk_size
    )
    low, high = np.percentile(result.shares, [10, 90], axis=0)
    return InputSpread(
        points,
        runs_per_point,
        {k: float(v) for k, v in zip(result.ids, low, strict=True)},
        {k: float(v) for k, v in zip(result.ids, high, strict=True)},
    )
