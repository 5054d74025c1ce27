"""The value of no deal: each actor's disagreement point, for many runs at once.

A two-sided bargaining range (docs/model.md §4.1): an actor compares a deal not with the status
quo but with what it expects if there is no deal, which includes the chance that the crisis
ends in war and its own cost of war (Fearon 1995; Powell 1999; Nash's disagreement point).
Every array has the run axis first, as :mod:`sim.engine.valuation`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def no_deal_values(
    status_quo: FloatArray,
    war_probability: FloatArray,
    war: FloatArray,
    war_cost: FloatArray,
    decline: FloatArray | None = None,
    days: FloatArray | float = 0.0,
) -> FloatArray:
    """Per run and actor, the expected value of no deal.

    V⁰_i = (1 − P_war) · (U_i(q) − δ_i · t) + P_war · (W_i − c_i), where U_i(q) is the actor's
    utility of the status quo, W_i its utility of the outcome of war (before costs), c_i its own
    declared cost of war on the same scale, P_war the run's current probability of war and δ_i
    an optional rate per day at which the status quo's worth to the actor declines as power
    shifts (Powell 2006), t days into the run.

    Args:
        status_quo: runs × actors, U_i(q).
        war_probability: runs, P_war in [0, 1].
        war: runs × actors, W_i.
        war_cost: runs × actors (or actors), c_i ≥ 0.
        decline: actors (or runs × actors), δ_i ≥ 0 per day; None for no shift of power.
        days: runs (or one number), t.
    """
    p = np.asarray(war_probability, dtype=np.float64)
    if p.ndim != 1 or np.any((p < 0.0) | (p > 1.0)):
        raise ValueError("war_probability must be one probability per run, each in [0, 1]")
    quo = np.asarray(status_quo, dtype=np.float64)
    if decline is not None:
        t = np.broadcast_to(np.asarray(days, dtype=np.float64), p.shape)
        quo = quo - np.asarray(decline, dtype=np.float64) * t[:, None]
    value = (1.0 - p[:, None]) * quo + p[:, None] * (np.asarray(war) - np.asarray(war_cost))
    return np.asarray(value, dtype=np.float64)


def accepts(deal: FloatArray, no_deal: FloatArray) -> npt.NDArray[np.bool_]:
    """Per run and actor, whether a deal worth *deal* is no worse than no deal.

    Individual rationality against the disagreement point, not against the status quo.
    """
    return np.asarray(np.asarray(deal) >= np.asarray(no_deal) - 1e-12)
