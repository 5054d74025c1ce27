"""What changes during one run: the mutable :class:`RunState` that the engine's processes share."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.engine.policy import ModelPolicy, Policy
from sim.engine.record import Agreement, Blocked, EscalationStep, RoundEvent
from sim.engine.sampling import BoolArray, FloatArray, IntArray, RunParameters, ScenarioArrays

Process = Generator[simpy.Event, object, None]
"""A SimPy process: a generator of events."""
EPS = 1e-9
"""Positions closer than this are the same position."""


@dataclass
class RunState:
    """What changes during one run (engine-internal, mutable).

    In a batch its arrays are rows of the batch's arrays (:class:`~sim.engine.batch.Batch`),
    which the ladder reviews read and write: change them in place (``x[...] = ...``), never
    bind a new array to a field.
    """

    arrays: ScenarioArrays
    position: FloatArray
    """Current negotiating positions, actors × issues."""
    ideal: FloatArray
    """Ideal points, actors × issues (moved only by shocks)."""
    salience: FloatArray
    capability: FloatArray
    trust: FloatArray
    costs: FloatArray
    prevail: FloatArray
    """Each escalating actor's private belief of prevailing."""
    public_prevail: FloatArray
    """The opponents' estimate of that belief, updated by costly signals."""
    rng: np.random.Generator
    policy: Policy
    level: int = 0
    peak: int = 0
    venue: int = -1
    agreements: list[Agreement | None] = field(default_factory=list)
    events: list[RoundEvent] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    steps: list[EscalationStep] = field(default_factory=list)
    shocks: list[tuple[int, float]] = field(default_factory=list)
    rung_since: float = 0.0
    """Day the ladder reached its current rung (0 for the start rung)."""
    war_day: float | None = None
    """Day the top rung was reached."""
    voided: list[Agreement] = field(default_factory=list)
    """Agreements war voided."""
    pending: list[Agreement | None] = field(default_factory=list)
    """Per issue: an agreement concluded ad referendum, waiting for absent veto holders."""
    pending_holders: BoolArray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    """Issues × actors: who must still ratify each pending agreement."""
    rejected: list[Agreement] = field(default_factory=list)
    ratified: list[tuple[int, float]] = field(default_factory=list)
    conceded: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    """Actors × issues: the direction each actor has conceded in (+1 up, −1 down, 0 not yet)."""

    @property
    def model_decides(self) -> bool:
        """True when the model's own policy takes every decision.

        There is then nothing to ask: the engine takes the model's answers directly, and a batch
        takes the run's rounds together.
        """
        return type(self.policy) is ModelPolicy

    @property
    def top(self) -> int:
        """Index of the top rung (the run ends there)."""
        return len(self.arrays.rung_ids) - 1

    def move_ladder(self, level: int, day: float) -> None:
        """Put the ladder on rung *level* on *day*; war there voids every agreement."""
        if level != self.level:
            self.rung_since = day
        self.level = level
        self.peak = max(self.peak, level)
        if level == self.top and self.top > 0 and self.war_day is None:
            self.war_day = day
            self.voided.extend(g for g in self.agreements if g is not None)
            self.voided.extend(g for g in self.pending if g is not None)
            self.agreements = [None] * self.arrays.n_issues
            self.pending = [None] * self.arrays.n_issues

    def sticky(self, actor: int, issue: int, start: float, end: float) -> float:
        """Where a move from *start* toward *end* stops: never back across a public concession.

        A concession is public (Fearon 1994): once an actor has moved on an issue, it does not
        move back the other way unless a shock moves its ideal (docs/model.md §2).
        """
        direction = int(self.conceded[actor, issue])
        if direction * (end - start) < 0:
            return start
        if abs(end - start) > EPS:
            self.conceded[actor, issue] = 1 if end > start else -1
        return end


def new_state(
    arrays: ScenarioArrays, params: RunParameters, rng: np.random.Generator, policy: Policy
) -> RunState:
    """The state at the start of a run: sampled positions and saliences, the scenario's rest."""
    return RunState(
        arrays=arrays,
        position=params.position.copy(),
        ideal=params.position.copy(),
        salience=params.salience.copy(),
        capability=arrays.capability.copy(),
        trust=arrays.trust.copy(),
        costs=arrays.option_costs.copy(),
        prevail=params.prevail.copy(),
        public_prevail=arrays.option_prevail.copy(),
        rng=rng,
        policy=policy,
        agreements=[None] * arrays.n_issues,
        pending=[None] * arrays.n_issues,
        pending_holders=np.zeros((arrays.n_issues, arrays.n_actors), dtype=bool),
        conceded=np.zeros((arrays.n_actors, arrays.n_issues), dtype=np.int64),
        level=arrays.start_level,
        peak=arrays.start_level,
    )
