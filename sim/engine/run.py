"""One run of a scenario: a SimPy environment with the calendar, escalation and shock processes.

Processes are plain generator functions over one ``simpy.Environment`` per run; the state they
share lives in :class:`~sim.engine.state.RunState`; the equations live in :mod:`sim.model`;
decisions go through a :class:`~sim.engine.policy.Policy`, so a person can take one actor's
decisions (``negsim play``).
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.engine.escalation import escalation
from sim.engine.negotiation import calendar
from sim.engine.policy import ModelPolicy, Policy
from sim.engine.record import RunRecord
from sim.engine.sampling import RunParameters, ScenarioArrays
from sim.engine.shocks import shock
from sim.engine.state import new_state


def run_once(
    arrays: ScenarioArrays,
    params: RunParameters,
    rng: np.random.Generator,
    run_index: int = 0,
    policy: Policy | None = None,
) -> RunRecord:
    """Simulate one run of a scenario with its sampled parameters; randomness only from *rng*."""
    env = simpy.Environment()
    state = new_state(arrays, params, rng, policy or ModelPolicy())
    met = [env.event() for _ in arrays.venue_ids]
    over = env.event()
    env.process(calendar(env, state, met, over))
    if len(arrays.rung_ids) > 1 and len(arrays.option_actor):
        env.process(escalation(env, state, met, over))
    for index in np.flatnonzero(params.shock_fired):
        env.process(shock(env, state, int(index), float(params.shock_day[index])))
    env.run(until=over)
    return RunRecord(
        run_index=run_index,
        final_positions=tuple(tuple(float(v) for v in row) for row in state.position),
        agreements=tuple(state.agreements),
        escalation=tuple(state.steps),
        start_level=arrays.start_level,
        peak_level=state.peak,
        final_level=state.level,
        shocks=tuple(state.shocks),
        events=tuple(state.events),
        blocked=tuple(state.blocked),
        end_day=float(env.now),
        inputs=arrays.inputs,
    )
