"""One negotiation round among a venue's participants on one issue: the EU model's proposals.

The expected-utility model (``sim.expected_utility``) gives every participant's offers; each
participant takes the one the model chooses. In the engine the counterpart *proposes* and the
participant who would move is the *target*, who accepts or refuses.
"""

from __future__ import annotations

from functools import cache

from sim.expected_utility import EUConfig, Offer, choose_offers, round_offers
from sim.sampling import FloatArray


@cache
def engine_config(q: float) -> EUConfig:
    """The model as the engine uses it: replication readings, but the scale-free §6.2 choice.

    Why: the replication's "lowest weighted point" rule prefers lower positions, so it is not
    invariant to flipping an issue's scale (bdm.md §2.7); the engine must not depend on which
    end of a scale a scenario author called 0.
    """
    return EUConfig(selection="least_move", q=q)


def propose(
    position: FloatArray, capability: FloatArray, salience: FloatArray, q: float
) -> list[Offer]:
    """The offers the participants take this round (participant-local indices)."""
    if float(position.max() - position.min()) <= 0.0:
        return []
    config = engine_config(q)
    offers = round_offers(position, capability, salience, config, span=100.0)
    return [o for o in choose_offers(offers, len(position), config) if o is not None]
