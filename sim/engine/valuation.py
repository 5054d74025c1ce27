"""War and the talks valued for many runs at once: the run-axis form of the Fearon values.

The equations of :mod:`sim.model.bargaining` (docs/model.md §4) with a run axis in front:
every array here is runs × issues (or runs × actors × issues), and each run's numbers are
computed with the same operations, in the same order, as for that run alone. The ladder
reviews (:mod:`sim.engine.review`) and the consent rule against force
(:mod:`sim.engine.escalation`) read them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.engine.batch import Batch
from sim.engine.sampling import BoolArray, FloatArray, IntArray, ScenarioArrays
from sim.engine.state import RunState
from sim.model.bargaining import issue_utility

TOLERANCE = 1e-6
"""Width at which the search for the smallest sufficient concession stops (as
:func:`sim.model.bargaining.smallest_sufficient_step`)."""


def _halvings(tolerance: float) -> int:
    width, count = 1.0, 0
    while width > tolerance:
        width, count = width / 2, count + 1
    return count


HALVINGS = _halvings(TOLERANCE)
"""Halvings of [0, 1] until the bracket is no wider than :data:`TOLERANCE` (20)."""


def weighted_means(position: FloatArray, weights: FloatArray) -> FloatArray:
    """Per run and issue, the *weights*-weighted mean of *position* over axis 1 (actors).

    Where the weights of an issue sum to zero, the plain mean (as :func:`weighted_mean`).
    """
    total = weights.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    means = np.where(total > 0, (weights * position).sum(axis=1) / safe, position.mean(axis=1))
    return np.asarray(means, dtype=np.float64)


@lru_cache(maxsize=4)
def remaining_forms(a: ScenarioArrays) -> IntArray:
    """Per venue and issue, the strongest form still ahead on the calendar (verbal if none).

    Row *v* + 1 holds what is ahead after venue *v*; row 0, before the first venue.
    """
    rows = []
    for venue in range(-1, len(a.venue_ids)):
        ahead = slice(venue + 1, None)
        forms = np.where(a.venue_table[ahead], a.venue_form[ahead, None], 0)
        rows.append(forms.max(axis=0, initial=0))
    return np.asarray(rows, dtype=np.int64)


@dataclass(frozen=True)
class Agreements:
    """The agreements in force of a set of runs, as runs × issues arrays."""

    agreed: BoolArray
    position: FloatArray
    form: IntArray
    venue: IntArray

    @staticmethod
    def of(states: list[RunState], n_issues: int) -> Agreements:
        """The agreements of *states*, one row per state."""
        n = len(states)
        agreed = np.zeros((n, n_issues), dtype=bool)
        position = np.zeros((n, n_issues))
        form = np.zeros((n, n_issues), dtype=np.int64)
        venue = np.zeros((n, n_issues), dtype=np.int64)
        for row, state in enumerate(states):
            for k, g in enumerate(state.agreements):
                if g is not None:
                    agreed[row, k] = True
                    position[row, k], form[row, k], venue[row, k] = g.position, g.form, g.venue
        return Agreements(agreed, position, form, venue)


@dataclass(frozen=True)
class Valuation:
    """What war and the talks after the opponents' offer are worth to one option's actor, per run.

    The run-axis form of the per-run equations (docs/model.md §4): expected settlement ŷ and its
    trust τ per issue, the settlement zone [low, high], the offer's target (the actor's ideal on
    the stakes), the talks' curve and war's curve.
    """

    expected: FloatArray
    trust: FloatArray
    target: FloatArray
    low: FloatArray
    high: FloatArray
    ideal: FloatArray
    salience: FloatArray
    total: FloatArray
    """The actor's total salience per run (0: nothing matters, every value constant)."""
    reverted: FloatArray
    if_lost: FloatArray
    negotiated: FloatArray
    stakes: BoolArray
    share: FloatArray
    """σ_S per run: the stakes' share of the actor's salience."""
    rung_costs: FloatArray
    """Runs × rungs: each rung's cost on the stakes' scale (before σ_S)."""

    def cost(self, rung: IntArray) -> FloatArray:
        """Each run's cost of standing on *rung* (its own rung per run), on the package scale."""
        return np.asarray(
            self.rung_costs[np.arange(len(rung)), rung] * self.share, dtype=np.float64
        )

    def settlement(self, step: FloatArray) -> FloatArray:
        """Expected settlement after the opponents move *step* of the way toward the actor."""
        moved = self.expected + step[:, None] * (self.target - self.expected)
        return np.minimum(np.maximum(moved, self.low), self.high)

    def talks(self, step: FloatArray) -> FloatArray:
        """The talks' value after the opponents move *step* of the way (EV_talks, §4)."""
        utility = self.trust * issue_utility(self.settlement(step), self.ideal) + self.reverted
        value = (self.salience * utility).sum(axis=1) / self.divisor
        return np.where(self.total > 0.0, value, 1.0)

    def war(self, prevail: FloatArray) -> FloatArray:
        """War's value for each run's belief of prevailing (EV_war with stakes, §4)."""
        p = prevail[:, None]
        per_issue = np.where(self.stakes, p + (1.0 - p) * self.if_lost, self.negotiated)
        top = self.rung_costs[:, -1] * self.share
        value = (self.salience * per_issue).sum(axis=1) / self.divisor - top
        return np.where(self.total > 0.0, value, 1.0 - top)

    @property
    def divisor(self) -> FloatArray:
        """The total salience where it is positive, else 1 (those runs' values are constants)."""
        return np.where(self.total > 0.0, self.total, 1.0)

    def of_runs(self, rows: IntArray) -> Valuation:
        """The valuation of some of the runs only (positions in this valuation's run order)."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return Valuation(**{k: v if k == "stakes" else v[rows] for k, v in fields.items()})

    def at(self, belief: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(talks after the smallest offer that makes them worth war at *belief*, that offer).

        The smallest t in [0, 1] with talks(t) ≥ war(belief), by bisection until the bracket is
        no wider than :data:`TOLERANCE` (:data:`HALVINGS` halvings for every run, as the
        brackets are dyadic); 0 when no step suffices or none is needed.
        """
        goal = self.war(belief)
        n = len(belief)
        none = self.talks(np.zeros(n))
        step = np.zeros(n)
        search = np.flatnonzero((self.talks(np.ones(n)) >= goal) & (none < goal))
        if not search.size:
            return none, step
        part, aim = self.of_runs(search), goal[search]
        low, high = np.zeros(search.size), np.ones(search.size)
        for _ in range(HALVINGS):
            middle = (low + high) / 2
            up = part.talks(middle) >= aim
            high = np.where(up, middle, high)
            low = np.where(up, low, middle)
        step[search] = high
        return np.where(step > 0.0, self.talks(step), none), step


def _rung_costs(batch: Batch, rows: IntArray, option: int) -> FloatArray:
    """Runs × rungs: the cost of each rung of *option* per run, responses included above rung 0."""
    a = batch.arrays
    actor = a.option_actor[option]
    costs = batch.grids["costs"][rows, option]
    out = np.array(costs, copy=True)
    response = np.array([batch.states[r].arrays.response_cost for r in rows.tolist()])
    for rung in range(1, costs.shape[1]):
        chosen = (a.response_target == actor) & (a.response_from <= rung)
        if response.size:
            out[:, rung] = costs[:, rung] + response[:, chosen].sum(axis=1)
        else:
            out[:, rung] = costs[:, rung] + 0.0
    return out


def valuation(batch: Batch, rows: IntArray, option: int, forms: IntArray) -> Valuation:
    """The valuation of *option* for the runs *rows* in their state as it is now."""
    a = batch.arrays
    g = batch.grids
    states = [batch.states[r] for r in rows.tolist()]
    actor = int(a.option_actor[option])
    opponents = a.option_opponents[option]
    stakes = a.option_stakes[option]
    position, ideal, salience = g["position"][rows], g["ideal"][rows], g["salience"][rows]
    capability, trust = g["capability"][rows], g["trust"][rows, actor]
    agreements = Agreements.of(states, a.n_issues)
    # the expected settlement and the trust the actor places in it
    expected = weighted_means(position, capability[:, :, None] * salience)
    venue = np.array([s.venue for s in states], dtype=np.int64)
    ahead = forms[venue + 1]
    trusted = np.take_along_axis(trust, ahead, axis=1)
    expected = np.where(agreements.agreed, agreements.position, expected)
    in_force = np.take_along_axis(trust, agreements.form, axis=1)
    trusted = np.where(agreements.agreed, in_force, trusted)
    # the settlement zone: veto holders, opponents and, for an agreement, its venue's consenters
    needed = np.broadcast_to(a.veto | opponents[:, None], (len(rows), *a.veto.shape)).copy()
    signed = np.transpose(a.venue_participants[agreements.venue], (0, 2, 1))
    needed |= signed & agreements.agreed[:, None, :]
    fallback = np.where(agreements.agreed, agreements.position, a.status_quo)
    low = np.where(needed, a.red_low, -np.inf).max(axis=1)
    high = np.where(needed, a.red_high, np.inf).min(axis=1)
    empty = low > high
    low, high = np.where(empty, fallback, low), np.where(empty, fallback, high)
    # war: what the actor loses to (its opponents' weighted ideal) and what talks leave elsewhere
    own_ideal, own_salience = ideal[:, actor], salience[:, actor]
    weights = capability[:, opponents][:, :, None] * salience[:, opponents]
    lost = weighted_means(ideal[:, opponents], weights)
    negotiated = trusted * issue_utility(expected, own_ideal) + (1.0 - trusted) * issue_utility(
        a.status_quo, own_ideal
    )
    total = own_salience.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total <= 0.0, 1.0, own_salience[:, stakes].sum(axis=1) / total)
    return Valuation(
        expected=expected,
        trust=trusted,
        target=np.where(stakes, own_ideal, expected),
        low=low,
        high=high,
        ideal=own_ideal,
        salience=own_salience,
        total=total,
        reverted=(1.0 - trusted) * issue_utility(a.status_quo, own_ideal),
        if_lost=issue_utility(lost, own_ideal),
        negotiated=negotiated,
        stakes=stakes,
        share=share,
        rung_costs=_rung_costs(batch, rows, option),
    )
