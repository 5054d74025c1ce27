"""The seeded streams of a run: its own, and the one its uncertain inputs are drawn from.

Run *i* draws everything from ``SeedSequence(seed, spawn_key=(i,))``; its uncertain inputs from
the first child of that sequence, ``spawn_key=(i, 0)``; the input draws of a design (the spread
of :func:`sim.simulate`) from ``spawn_key=(0, 1)``. Only this module turns seeds into generators.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sim.engine.inputs import draw_inputs
from sim.engine.record import RunRecord
from sim.engine.run import run_batch, run_once
from sim.engine.sampling import RunParameters, ScenarioArrays, apply_inputs, sample_parameters


def run_generator(seed: int, run_index: int) -> np.random.Generator:
    """The generator of run *run_index*: independent of worker count and chunking."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run_index,)))


def inputs_generator(seed: int, run_index: int) -> np.random.Generator:
    """The generator of run *run_index*'s uncertain inputs: the first child of its sequence.

    Why a separate stream: a scenario that declares no uncertain input draws nothing from it,
    so its runs stay exactly what they were before inputs could be uncertain; and a
    sensitivity design can set the inputs while run *k* keeps its own stream (common random
    numbers).
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run_index, 0)))


def simulate_at(
    arrays: ScenarioArrays, seed: int, run_index: int
) -> tuple[RunParameters, RunRecord]:
    """Run *run_index* with the inputs already set in *arrays* (a design point)."""
    rng = run_generator(seed, run_index)
    params = sample_parameters(arrays, rng)
    return params, run_once(arrays, params, rng, run_index)


def simulate_run(
    arrays: ScenarioArrays, seed: int, run_index: int
) -> tuple[RunParameters, RunRecord]:
    """Sample and simulate one run, exactly as :func:`simulate` does for run *run_index*."""
    return simulate_at(run_arrays(arrays, seed, run_index), seed, run_index)


BATCH_SIZE = 500
"""Most runs simulated in one batch (one SimPy environment): a chunk of more is cut."""


def simulate_runs(
    arrays: ScenarioArrays, seed: int, run_indices: range, inputs: bool = True
) -> Iterator[tuple[RunParameters, RunRecord]]:
    """Sample and simulate runs *run_indices* in batches; each exactly as :func:`simulate_run`.

    With *inputs* False the runs keep the inputs set in *arrays* (a design point), each exactly
    as :func:`simulate_at`. Results come batch by batch, in run order.
    """
    for start in range(0, len(run_indices), BATCH_SIZE):
        indices = run_indices[start : start + BATCH_SIZE]
        grids = [run_arrays(arrays, seed, i) if inputs else arrays for i in indices]
        rngs = [run_generator(seed, i) for i in indices]
        params = [sample_parameters(a, g) for a, g in zip(grids, rngs, strict=True)]
        yield from zip(params, run_batch(grids, params, rngs, list(indices)), strict=True)


def run_arrays(arrays: ScenarioArrays, seed: int, run_index: int) -> ScenarioArrays:
    """The scenario's arrays with run *run_index*'s uncertain inputs drawn and set."""
    if not arrays.space.factors:
        return arrays
    return apply_inputs(arrays, draw_inputs(arrays.space, inputs_generator(seed, run_index)))


def design_generator(seed: int) -> np.random.Generator:
    """The generator of a design's input draws: apart from every run's streams."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, 1)))
