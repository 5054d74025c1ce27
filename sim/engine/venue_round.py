"""One negotiation round among a venue's participants: the EU model's proposals on each issue.

The expected-utility model gives every participant's offers on every issue on the table; each
participant takes the one the model chooses. In the engine the counterpart *proposes* and the
participant who would move is the *target*, who accepts or refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from sim.engine.sampling import FloatArray
from sim.model.eu_kernel import engine_round
from sim.model.expected_utility import KINDS, EUConfig, Kind, dyad_utilities, round_offers

SPAN = 100.0
"""Δ of the engine's model: every issue is a 0–100 scale."""


@cache
def engine_config(q: float) -> EUConfig:
    """The model as the engine uses it: replication readings, but the scale-free §6.2 choice.

    Why: the replication's "lowest weighted point" rule prefers lower positions, so it is not
    invariant to flipping an issue's scale (bdm.md §2.7); the engine must not depend on which
    end of a scale a scenario author called 0. :mod:`sim.model.eu_kernel` compiles this reading.
    """
    return EUConfig(selection="least_move", q=q)


@dataclass(frozen=True, slots=True)
class Proposal:
    """A move the model proposes: the target would go from *start* to *end* on an issue."""

    column: int
    """Index of the issue among the columns passed to :func:`propose`."""
    target: int
    proposer: int
    kind: Kind
    start: float
    end: float
    resist_utility: float
    """E(U_ij): the target's expected utility of challenging the proposer instead."""


def propose(
    position: FloatArray, capability: FloatArray, salience: FloatArray, q: float
) -> list[Proposal]:
    """The moves the participants take this round, issue by issue, then target by target.

    *position* and *salience* are participants × issues; indices are participant-local.
    """
    kind, counterpart, end, resist = engine_round(position, capability, salience, q, SPAN)
    moves = np.nonzero(kind.T >= 0)
    return [
        Proposal(k, i, c, KINDS[m], x, e, u)
        for k, i, c, m, x, e, u in zip(
            moves[0].tolist(),
            moves[1].tolist(),
            counterpart.T[moves].tolist(),
            kind.T[moves].tolist(),
            position.T[moves].tolist(),
            end.T[moves].tolist(),
            resist.T[moves].tolist(),
            strict=True,
        )
    ]


@dataclass(frozen=True, slots=True)
class Concession:
    """How far a target would move toward one proposer on one issue, as the target judges it."""

    kind: str
    """The BDM offer kind of the dyad (conflict, compromise, capitulate), or "none"."""
    end: float
    """Where the target would go: the dyad's offer, or its own position when there is none."""
    resist_utility: float
    """E(U_ij): the target's expected utility of challenging the proposer instead."""


def concession(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    q: float,
    target: int,
    proposer: int,
) -> Concession:
    """The EU model's offer of *target* toward *proposer* on one issue (participant-local indices).

    The same dyad the round judges (docs/model.md §2), from the readable reference equations: the
    engine's chosen move of a target is its :func:`concession` to the chosen proposer.
    """
    config = engine_config(q)
    dyads = dyad_utilities(position, capability, salience, config, SPAN)
    for offer in round_offers(position, capability, salience, config, SPAN):
        if offer.mover == target and offer.counterpart == proposer:
            return Concession(offer.kind, offer.end, offer.a)
    return Concession("none", float(position[target]), float(dyads.a[target, proposer]))


def answer_to_demand(start: float, demanded: float, limit: float) -> float:
    """The model's answer to a demand it did not choose: concede toward it, no further than *limit*.

    e = s + sign(d − s) · min(|d − s|, |L − s|) when the demand d and the offer L lie on the same
    side of the position s, else e = s (docs/model.md §2, demands).
    """
    ask, most = demanded - start, limit - start
    if ask == 0.0 or most == 0.0 or (ask > 0.0) != (most > 0.0):
        return start
    return demanded if abs(ask) <= abs(most) else limit
