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
from sim.model.expected_utility import KINDS, EUConfig, Kind

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
