"""Bueno de Mesquita's expected-utility model: offers, choices and rounds (bdm.md §2.6–2.8).

The equations live in :mod:`sim.model.eu_equations` and are re-exported here, so this module is the
model's one public face: :func:`round_offers` and :func:`choose_offers` are the decision rule the
negotiation engine uses, and :func:`run_rounds` is the deterministic forecast. The default
:class:`EUConfig` reproduces the published Table 2; :meth:`EUConfig.printed` gives the equations
as printed. No SimPy, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from sim.model.eu_equations import KINDS as KINDS
from sim.model.eu_equations import REGIONS as REGIONS
from sim.model.eu_equations import TIE_TOLERANCE as TIE_TOLERANCE
from sim.model.eu_equations import DyadUtilities as DyadUtilities
from sim.model.eu_equations import EUConfig as EUConfig
from sim.model.eu_equations import FloatArray as FloatArray
from sim.model.eu_equations import IntArray as IntArray
from sim.model.eu_equations import Kind as Kind
from sim.model.eu_equations import basic_utilities as basic_utilities
from sim.model.eu_equations import classify_dyads as classify_dyads
from sim.model.eu_equations import dyad_utilities as dyad_utilities
from sim.model.eu_equations import expected_utilities as expected_utilities
from sim.model.eu_equations import mean_weight as mean_weight
from sim.model.eu_equations import others_view as others_view
from sim.model.eu_equations import risk_exponents as risk_exponents
from sim.model.eu_equations import weighted_mean as weighted_mean
from sim.model.eu_equations import weighted_median as weighted_median
from sim.model.eu_equations import win_probability as win_probability


@dataclass(frozen=True, slots=True)
class Offer:
    """A move actor ``mover`` would make toward ``counterpart``, as the mover judges the dyad."""

    mover: int
    counterpart: int
    kind: Kind
    """conflict, compromise or capitulate: the mover's "-" region (§2.6)."""
    start: float
    """The mover's position."""
    end: float
    """Where the mover would go: the counterpart's position, or part way for a compromise."""
    toward: float
    """The counterpart's position."""
    a: float
    """E(U_ij): the mover's expected utility of challenging the counterpart."""
    b: float
    """E(U_ji): the counterpart's EU of challenging the mover, as the mover judges it (A3)."""


def _own_moves(
    position: FloatArray, dyads: DyadUtilities, config: EUConfig
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Per dyad: the KINDS index of i's own move toward j (−1: none), its end and §2.7 key (A6)."""
    a, b = dyads.a, dyads.b
    regions = classify_dyads(a, b, config)
    x_i, x_j = position[:, None], position[None, :]
    kind = np.select([regions == f"{k}-" for k in KINDS], [0, 1, 2], -1).astype(np.intp)
    kind[x_i == x_j] = -1  # no offer between actors at the same position (§2.6)
    ratio = np.abs(np.divide(a, b, out=np.zeros_like(a), where=kind == 1))
    end = np.where(kind == 1, x_i + (x_j - x_i) * ratio, np.broadcast_to(x_j, a.shape))
    end = np.clip(end, np.minimum(x_i, x_j), np.maximum(x_i, x_j))
    key = np.abs(end - x_i)
    if config.selection == "lowest_weighted_point":
        weighted = (np.abs(a) * x_i + np.abs(b) * x_j) / np.maximum(np.abs(a) + np.abs(b), 1e-300)
        key = np.where(kind == 1, weighted, key)
    return kind, end, key


def round_offers(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    config: EUConfig,
    span: float | None = None,
) -> tuple[Offer, ...]:
    """Every move an actor would make toward another this round, mover by mover (§2.4–2.6).

    An offer is the mover's own "-" region of the dyad, judged with its own r; the counterpart
    is who proposes it in a negotiation. Δ is *span*, or the current range of positions.
    """
    dyads = dyad_utilities(position, capability, salience, config, span)
    kind, end, _ = _own_moves(position, dyads, config)
    return tuple(
        _offer(position, dyads, kind, end, int(i), int(j)) for i, j in np.argwhere(kind >= 0)
    )


def _offer(
    x: FloatArray, dyads: DyadUtilities, kind: IntArray, end: FloatArray, i: int, j: int
) -> Offer:
    a, b = float(dyads.a[i, j]), float(dyads.b[i, j])
    return Offer(i, j, KINDS[kind[i, j]], float(x[i]), float(end[i, j]), float(x[j]), a, b)


def _offer_key(offer: Offer, config: EUConfig) -> float:
    if offer.kind == "compromise" and config.selection == "lowest_weighted_point":
        a, b = abs(offer.a), abs(offer.b)
        return (a * offer.start + b * offer.toward) / max(a + b, 1e-300)
    return abs(offer.end - offer.start)


def choose_offers(
    offers: Iterable[Offer], n: int, config: EUConfig | None = None
) -> list[Offer | None]:
    """Each actor's pick: conflict, then compromise, then capitulation; None to stay (§2.7).

    Within a kind the smallest key wins (A6: |Δx|, or a compromise's weighted-average point);
    keys equal to rounding go to the first counterpart in input order.
    """
    config = config or EUConfig()
    pools: dict[tuple[int, int], list[Offer]] = {}
    for offer in offers:
        pools.setdefault((offer.mover, KINDS.index(offer.kind)), []).append(offer)
    chosen: list[Offer | None] = [None] * n
    for (mover, _), pool in sorted(pools.items(), reverse=True):  # the best kind is written last
        keys = [_offer_key(o, config) for o in pool]
        scale = max(max(abs(o.start), abs(o.toward)) for o in pool)
        low = min(keys)
        chosen[mover] = next(
            o for o, k in zip(pool, keys, strict=True) if k - low <= TIE_TOLERANCE * (1 + scale)
        )
    return chosen


def _choose(position: FloatArray, kind: IntArray, key: FloatArray) -> IntArray:
    """Vectorised :func:`choose_offers`: the chosen counterpart of every actor, −1 for none."""
    chosen = np.full(len(position), -1, dtype=np.intp)
    magnitude = np.maximum(np.abs(position)[:, None], np.abs(position)[None, :])
    for rank in range(len(KINDS)):
        mask = kind == rank
        scale = np.where(mask, magnitude, 0.0).max(axis=1, keepdims=True)
        low = np.where(mask, key, np.inf).min(axis=1, keepdims=True)
        first = np.argmax(mask & (key - low <= TIE_TOLERANCE * (1 + scale)), axis=1)
        take = (chosen < 0) & mask.any(axis=1)
        chosen[take] = first[take]
    return chosen


def apply_moves(position: FloatArray, moves: Iterable[Offer]) -> FloatArray:
    """Positions after every move is made at once, each from the same starting state (§2.7)."""
    moved = np.array(position, dtype=np.float64)
    for move in moves:
        moved[move.mover] = move.end
    return moved


@dataclass(frozen=True, slots=True)
class Trajectory:
    """A deterministic run of the model: row 0 is the start, row t the state after t rounds."""

    medians: FloatArray
    """(rounds + 1,) median voter positions (§2.1)."""
    means: FloatArray
    """(rounds + 1,) weighted mean positions (A9)."""
    positions: FloatArray
    """(rounds + 1) × actors."""
    risk_exponents: FloatArray
    """rounds × actors: r_i as computed at the start of each round (§2.5)."""
    moves: tuple[tuple[Offer, ...], ...]
    """Per round, the offers actors took, in actor order (§2.7)."""


def run_rounds(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    rounds: int = 8,
    config: EUConfig | None = None,
) -> Trajectory:
    """Run the model for a fixed number of rounds of simultaneous moves (§2.7–2.8).

    Salience is a probability in [0, 1]. The EC example never converges (§2.8), so the caller
    chooses the number of rounds and how to summarise them.
    """
    config = config or EUConfig()
    x = np.array(position, dtype=np.float64)
    c, s = np.asarray(capability, dtype=np.float64), np.asarray(salience, dtype=np.float64)
    if rounds < 0 or x.ndim != 1 or x.size == 0 or c.shape != x.shape or s.shape != x.shape:
        raise ValueError("need rounds >= 0 and non-empty, equal-length actor arrays")
    initial_span = float(np.ptp(x))
    history, exponents, moves = [x], [], []
    for _ in range(rounds):
        span = initial_span if config.span == "initial" else float(np.ptp(x))
        dyads = dyad_utilities(x, c, s, config, span or 1.0)
        kind, end, key = _own_moves(x, dyads, config)
        chosen = _choose(x, kind, key)
        movers = np.flatnonzero(chosen >= 0)
        taken = tuple(_offer(x, dyads, kind, end, int(i), int(chosen[i])) for i in movers)
        x = apply_moves(x, taken)
        history.append(x)
        exponents.append(dyads.risk)
        moves.append(taken)
    weight, averaging = c * s, mean_weight(c, s, config)
    return Trajectory(
        medians=np.array([weighted_median(p, weight, config.median_tie) for p in history]),
        means=np.array([weighted_mean(p, averaging) for p in history]),
        positions=np.array(history),
        risk_exponents=np.array(exponents).reshape(rounds, len(x)),
        moves=tuple(moves),
    )
