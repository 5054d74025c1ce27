"""Runs of a scenario: one SimPy environment drives a batch, each run with its own processes.

Each run has a calendar, an escalation process, its ratification steps and its shocks, plain
generator functions over the batch's ``simpy.Environment``; the state they share lives in the
run's :class:`~sim.engine.state.RunState`, whose arrays are rows of the batch's
(:class:`~sim.engine.batch.Batch`); the equations live in :mod:`sim.model` and, with a run axis,
in :mod:`sim.engine.review`; decisions go through a :class:`~sim.engine.policy.Policy`, so a
person can take one actor's decisions (``negsim play``: a batch of one).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import simpy

from sim.engine.batch import Batch
from sim.engine.escalation import escalation
from sim.engine.negotiation import calendar
from sim.engine.policy import ModelPolicy, Policy
from sim.engine.ratification import ratification_day
from sim.engine.record import RunRecord
from sim.engine.review import review
from sim.engine.rounds import take_rounds
from sim.engine.sampling import RunParameters, ScenarioArrays
from sim.engine.shocks import shock
from sim.engine.state import RunState, new_state


def run_batch(
    arrays: Sequence[ScenarioArrays],
    params: Sequence[RunParameters],
    rngs: Sequence[np.random.Generator],
    run_indices: Sequence[int],
    policy: Policy | None = None,
) -> list[RunRecord]:
    """Simulate runs together: run *i* with ``arrays[i]``, ``params[i]`` and ``rngs[i]`` alone.

    The runs may differ in their uncertain inputs but must share the calendar, the decision
    clock and the ladder. Each record is the one the run would give in a batch of its own.
    """
    env = simpy.Environment()
    chosen = policy or ModelPolicy()
    states = [new_state(a, p, g, chosen) for a, p, g in zip(arrays, params, rngs, strict=True)]
    batch = Batch(env, states, review, take_rounds)
    shared = batch.arrays
    ladder = len(shared.rung_ids) > 1 and len(shared.option_actor) > 0
    for row in range(len(states)):
        # a run's processes start in the order a lone run's do
        met = [env.event() for _ in shared.venue_ids]
        env.process(calendar(env, batch, row, met))
        if ladder:
            env.process(escalation(env, batch, row, met))
        for actor, day in zip(shared.ratification_actor, shared.ratification_day, strict=True):
            env.process(ratification_day(env, batch, row, int(actor), float(day)))
        for index in np.flatnonzero(params[row].shock_fired):
            env.process(shock(env, batch, row, int(index), float(params[row].shock_day[index])))
    env.run(until=simpy.AllOf(env, batch.over))
    return [
        _record(state, index, float(batch.end_day[row]))
        for row, (state, index) in enumerate(zip(states, run_indices, strict=True))
    ]


def run_once(
    arrays: ScenarioArrays,
    params: RunParameters,
    rng: np.random.Generator,
    run_index: int = 0,
    policy: Policy | None = None,
) -> RunRecord:
    """Simulate one run of a scenario with its sampled parameters: a batch of one."""
    return run_batch([arrays], [params], [rng], [run_index], policy)[0]


def _record(state: RunState, run_index: int, end_day: float) -> RunRecord:
    return RunRecord(
        run_index=run_index,
        final_positions=tuple(map(tuple, state.position.tolist())),
        agreements=tuple(state.agreements),
        escalation=tuple(state.steps),
        start_level=state.arrays.start_level,
        peak_level=state.peak,
        final_level=state.level,
        shocks=tuple(state.shocks),
        events=tuple(state.events),
        blocked=tuple(state.blocked),
        end_day=end_day,
        war_day=state.war_day,
        voided=tuple(state.voided),
        pending=tuple(g for g in state.pending if g is not None),
        rejected=tuple(state.rejected),
        ratified=tuple(state.ratified),
        inputs=state.arrays.inputs,
    )
