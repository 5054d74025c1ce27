"""Shocks: events that fire on their sampled day and change the parameters they name."""

from __future__ import annotations

import numpy as np
import simpy

from sim.engine.batch import Batch
from sim.engine.record import EscalationStep
from sim.engine.state import Process


def shock(env: simpy.Environment, batch: Batch, row: int, index: int, day: float) -> Process:
    """A shock fires at its sampled day in run *row* and changes the parameters it names."""
    yield env.timeout(day)
    if not batch.live(row):
        return
    state = batch.states[row]
    a = state.arrays
    state.shocks.append((index, env.now))
    for e in a.shock_effects[index]:
        if e.parameter == 0:  # position: a new ideal frees the actor from its concessions
            state.conceded[e.actor, e.issue] = 0
            for grid in (state.position, state.ideal):
                grid[e.actor, e.issue] = np.clip(
                    grid[e.actor, e.issue] + e.change,
                    a.red_low[e.actor, e.issue],
                    a.red_high[e.actor, e.issue],
                )
        elif e.parameter == 1:  # salience
            state.salience[e.actor, e.issue] = np.clip(
                state.salience[e.actor, e.issue] + e.change, 0.0, 1.0
            )
        elif e.parameter == 2:  # capability
            state.capability[e.actor] = max(state.capability[e.actor] + e.change, 1e-6)
        elif e.parameter == 3:  # cost
            rows = a.option_actor == e.actor
            state.costs[rows, 1:] = np.maximum(state.costs[rows, 1:] + e.change, 0.0)
        elif e.parameter == 4:  # prevail
            rows = a.option_actor == e.actor
            state.prevail[rows] = np.clip(state.prevail[rows] + e.change, 0.01, 0.99)
        elif e.parameter == 5:  # trust
            state.trust[e.actor] = np.clip(state.trust[e.actor] + e.change, 0.0, 1.0)
        elif e.parameter == 6 and state.top > 0:  # escalation: shocks never start the war
            before = state.level
            state.move_ladder(max(0, min(state.top - 1, state.level + round(e.change))), env.now)
            if state.level != before:
                state.steps.append(EscalationStep(env.now, -1, state.level, 0.0, 0.0, 1.0, 0.0))
