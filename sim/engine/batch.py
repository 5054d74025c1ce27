"""A batch of runs in one SimPy environment: their states as arrays with a run axis.

Every run keeps its own processes (calendar, ladder reviews, ratification steps, shocks) and its
own generator, so run *k* is the same whatever batch it is simulated in. What the batch shares is
the arithmetic: each run's :class:`~sim.engine.state.RunState` holds *views* into arrays of
runs × actors × issues, and the ladder reviews that fall at one moment are valued together, with
the run axis vectorised (:mod:`sim.engine.review`).

Why reviews wait: a review asked by one run is put in :attr:`Batch.pending`; it is taken, with
every other review pending, before any other step that reads or changes a run's state
(:meth:`Batch.live`) and at the latest by an event scheduled for the same moment. Runs never read
each other's state, so taking a run's review later in the same moment, but before anything else
touches that run, gives exactly the run it would be alone.

A run ends when its ``over`` event is processed (the top rung, or the horizon), as a lone run's
``env.run(until=over)`` would stop there; its processes then stop at their next step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import simpy

from sim.engine.sampling import BoolArray, FloatArray
from sim.engine.state import RunState

_SHARED = (
    "venue_day",
    "venue_participants",
    "venue_table",
    "venue_form",
    "venue_reply",
    "option_actor",
    "option_opponents",
    "option_stakes",
    "rung_ids",
    "ratification_day",
    "horizon_day",
    "decision_interval",
)
"""Fields every run of a batch must share: the calendar, the clock and the ladder's shape."""

_GRIDS = (
    "position",
    "ideal",
    "salience",
    "capability",
    "trust",
    "costs",
    "prevail",
    "public_prevail",
    "conceded",
)
"""The state arrays that get a run axis; each run's state holds a view of its row."""


@dataclass
class OpenIssues:
    """A meeting's issues still open, as its rounds leave them."""

    issues: list[int]


@dataclass(frozen=True)
class RoundRequest:
    """A run's meeting round, waiting to be taken with the others of its moment."""

    row: int
    venue: int
    round: int
    final: bool
    open: OpenIssues


class Batch:
    """Runs simulated together: their states, the run-axis arrays behind them, and their ends."""

    def __init__(
        self,
        env: simpy.Environment,
        states: list[RunState],
        review: Callable[[Batch, list[tuple[int, bool]], float], None],
        rounds: Callable[[Batch, list[RoundRequest], float], None],
    ) -> None:
        first = states[0].arrays
        for state in states[1:]:
            for name in _SHARED:
                mine, theirs = getattr(state.arrays, name), getattr(first, name)
                if mine is not theirs and not np.array_equal(mine, theirs):
                    raise ValueError(f"runs of one batch differ in {name}")
        self.env = env
        self.states = states
        self.arrays = first
        self._review = review
        self._rounds = rounds
        self.grids: dict[str, npt.NDArray[Any]] = {}
        for name in _GRIDS:
            grid = np.stack([getattr(s, name) for s in states])
            self.grids[name] = grid
            for row, state in enumerate(states):
                setattr(state, name, grid[row])
        self.over = [env.event() for _ in states]
        self.finished: BoolArray = np.zeros(len(states), dtype=bool)
        self.end_day: FloatArray = np.zeros(len(states))
        for row, event in enumerate(self.over):
            event.callbacks.append(partial(self._end, row))
        self.pending: list[tuple[int, bool]] = []
        self.pending_rounds: list[RoundRequest] = []
        self._waiting: set[int] = set()
        """Runs with a review or a round pending."""
        self._sweep: simpy.Event | None = None

    def _end(self, row: int, _event: simpy.Event) -> None:
        self.finished[row] = True
        self.end_day[row] = self.env.now

    def end(self, row: int) -> None:
        """Let run *row* end now (once)."""
        if not self.over[row].triggered:
            self.over[row].succeed()

    def request_review(self, row: int, after_meeting: bool) -> None:
        """Ask for run *row*'s ladder review now; it is taken with the others of this moment."""
        self.pending.append((row, after_meeting))
        self._waiting.add(row)
        self._schedule_sweep()

    def request_round(self, row: int, request: RoundRequest) -> None:
        """Ask for run *row*'s meeting round now; taken with the others of this moment.

        A run with a review already pending has it taken first, so a run's steps keep their
        order; a round asked before a review is taken before it (:meth:`settle`).
        """
        if row in self._waiting:
            self.settle()
        self.pending_rounds.append(request)
        self._waiting.add(row)
        self._schedule_sweep()

    def _schedule_sweep(self) -> None:
        if self._sweep is None:
            self._sweep = self.env.event()
            self._sweep.callbacks.append(self._swept)
            self._sweep.succeed()

    def _swept(self, _event: simpy.Event) -> None:
        self._sweep = None
        self.settle()

    def settle(self) -> None:
        """Take every pending round, then every pending review, each over the runs that asked.

        Rounds first: a run's pending round was asked before its pending review, if it has
        both (a round asked after a review has the review taken first).
        """
        if self.pending_rounds:
            rounds, self.pending_rounds = self.pending_rounds, []
            self._rounds(self, rounds, float(self.env.now))
        if self.pending:
            requests, self.pending = self.pending, []
            self._review(self, requests, float(self.env.now))
        self._waiting.clear()

    def live(self, row: int) -> bool:
        """True while run *row* goes on; what it has pending is taken first.

        Only that run's own pending steps must come before its next one (runs never read each
        other's state), so the others keep waiting for their batch.
        """
        if row in self._waiting:
            self.settle()
        return not bool(self.finished[row])
