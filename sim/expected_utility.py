"""Bueno de Mesquita's expected-utility model as pure numpy functions (no SimPy, no I/O).

Follows ``bdm.md`` (after Scholz, Calbert & Smith 2011). Every reading the paper leaves open
(A1–A12) is a field of :class:`EUConfig`; the default reproduces the published Table 2 and
:meth:`EUConfig.printed` gives the equations as printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
KINDS = ("conflict", "compromise", "capitulate")


@dataclass(frozen=True)
class EUConfig:
    """The model's open choices (bdm.md §4), replication reading by default."""

    probability: Literal["scholz_code", "printed"] = "scholz_code"
    """A1: win probability, §2.3 form (b) (replication) or eq. 31 as printed (a)."""
    target_salience: Literal["target", "challenger"] = "target"
    """A2: salience in E(U_ij): the target's (s_j), or the challenger's as eq. 25b prints."""
    viewer_exponent: Literal["viewer", "own"] = "viewer"
    """A3: exponent for the other side's EU: the judging actor's r_i, or each side's own r."""
    selection: Literal["lowest_weighted_point", "least_move"] = "lowest_weighted_point"
    """A6: choice among compromise offers (§2.7)."""
    t_rule: Literal["always_one", "cases"] = "always_one"
    """A8: T ≡ 1, or T = 1 iff |x_i − μ| < |x_i − x_j|."""
    span: Literal["initial", "per_round"] = "initial"
    """A11: Δ from the initial positions or recomputed each round."""
    q: float = 1.0
    """Q, the probability the status quo holds when i does not challenge (§3)."""

    @classmethod
    def printed(cls) -> EUConfig:
        """The equations as printed (eq. 31, eq. 25b, own exponents, the §6.2 text rule)."""
        return cls(
            probability="printed",
            target_salience="challenger",
            viewer_exponent="own",
            selection="least_move",
            t_rule="cases",
        )


def weighted_median(position: FloatArray, weight: FloatArray) -> float:
    """The Condorcet winner among actor positions under weighted linear votes (§2.1).

    Ties go to the lower position (a convention of the spec).
    """
    candidates = np.unique(position)
    distance = np.abs(position[:, None] - candidates[None, :])
    # votes[j, k] = Σ_i w_i (|x_i − c_k| − |x_i − c_j|): support for c_j over c_k
    votes = (weight[:, None, None] * (distance[:, None, :] - distance[:, :, None])).sum(axis=0)
    winners = np.flatnonzero((votes >= -1e-12).all(axis=1))
    if winners.size:
        return float(candidates[winners[0]])
    return float(candidates[np.argmax(votes.sum(axis=1))])


def weighted_mean(position: FloatArray, weight: FloatArray) -> float:
    """Σ w x / Σ w, the mean that reproduces Table 2 (A9); the plain mean if no one has weight."""
    total = float(weight.sum())
    return float((weight * position).sum() / total) if total > 0 else float(position.mean())


def win_probability(
    position: FloatArray, weight: FloatArray, exponent: FloatArray, span: float, form: str
) -> FloatArray:
    """P[i, j]: probability that i prevails over j (§2.3), zero where x_i = x_j."""
    if form == "printed":
        arg = np.abs(position[:, None, None] - position[None, None, :]) - np.abs(
            position[:, None, None] - position[None, :, None]
        )  # arg[k, i, j] = |x_k − x_j| − |x_k − x_i|
        num = (weight[:, None, None] * np.maximum(arg, 0.0)).sum(axis=0)
        den = (weight[:, None, None] * np.abs(arg)).sum(axis=0)
        p = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    else:
        scaled = (np.abs(position[:, None] - position[None, :]) / span) ** exponent[:, None]
        votes = weight[:, None, None] * (scaled[:, None, :] - scaled[:, :, None])  # a_k(i, j)
        total = np.abs(votes).sum()
        p = np.maximum(votes, 0.0).sum(axis=0) / total if total > 0 else np.zeros(votes.shape[1:])
    p[position[:, None] == position[None, :]] = 0.0
    return np.asarray(p, dtype=np.float64)


def _u(base: FloatArray, exponent: FloatArray) -> FloatArray:
    return np.asarray(2.0 - 4.0 * np.maximum(base, 0.0) ** exponent)


def basic_utilities(
    d_ij: FloatArray, d_imu: FloatArray, exponent: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """U_s, U_f, U_b, U_w, U_sq (§2.2), with negative bases guarded."""
    return (
        _u(0.5 - 0.5 * d_ij, exponent),
        _u(0.5 + 0.5 * d_ij, exponent),
        _u(0.5 - 0.25 * (d_imu + d_ij), exponent),
        _u(0.5 + 0.25 * (d_imu + d_ij), exponent),
        _u(np.full_like(d_ij, 0.5), exponent),
    )


def expected_utilities(
    position: FloatArray,
    salience: FloatArray,
    probability: FloatArray,
    median: float,
    exponent: FloatArray,
    span: float,
    config: EUConfig,
) -> FloatArray:
    """E[i, j] = E(U_ij), i challenging j, evaluated with exponent[i, j] (§2.4)."""
    d_ij = np.abs(position[:, None] - position[None, :]) / span
    d_imu = np.broadcast_to((np.abs(position - median) / span)[:, None], d_ij.shape)
    u_s, u_f, u_b, u_w, u_sq = basic_utilities(d_ij, d_imu, exponent)
    resist = salience[None, :] if config.target_salience == "target" else salience[:, None]
    if config.t_rule == "always_one":
        t = np.ones_like(d_ij)
    else:
        closer = np.abs(position - median)[:, None] < np.abs(position[:, None] - position[None, :])
        t = closer.astype(np.float64)
    q = config.q
    eu = (
        resist * (probability * u_s + (1 - probability) * u_f)
        + (1 - resist) * u_s
        - q * u_sq
        - (1 - q) * (t * u_b + (1 - t) * u_w)
    )
    np.fill_diagonal(eu, 0.0)
    return np.asarray(eu, dtype=np.float64)


def risk_exponents(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    median: float,
    span: float,
    config: EUConfig,
) -> FloatArray:
    """r_i ∈ [0.5, 2] from how much the others gain by challenging i (§2.5, pass 1)."""
    n = len(position)
    ones = np.ones(n)
    p = win_probability(position, capability * salience, ones, span, config.probability)
    eu = expected_utilities(position, salience, p, median, np.ones((n, n)), span, config)
    security = eu.sum(axis=0)  # S_i = Σ_{j≠i} E(U_ji); the diagonal is zero
    high, low = security.max(), security.min()
    if high - low <= 1e-15:
        return ones
    r_scaled = (2 * security - high - low) / (high - low)
    return np.asarray((1 - r_scaled / 3) / (1 + r_scaled / 3), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Offer:
    """A move actor ``mover`` would make toward ``counterpart``, as the mover judges the dyad."""

    mover: int
    counterpart: int
    kind: str
    """conflict, compromise or capitulate (§2.6, the mover's "−" rows)."""
    start: float
    """The mover's position."""
    end: float
    """Where the mover goes."""
    toward: float
    """The counterpart's position."""
    a: float
    """E(U_ij): the mover's expected utility of challenging the counterpart."""
    b: float
    """E(U_ji): the counterpart's utility of challenging the mover, as the mover sees it."""


def dyad_utilities(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    config: EUConfig,
    span: float | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """(a, b, r, μ): a[i, j] = E(U_ij) and b[i, j] = E(U_ji), both as i judges them (§2.4–2.5)."""
    weight = capability * salience
    width = span if span is not None else float(position.max() - position.min())
    width = width if width > 0 else 1.0
    median = weighted_median(position, weight)
    r = risk_exponents(position, capability, salience, median, width, config)
    n = len(position)
    p = win_probability(position, weight, r, width, config.probability)
    mine = np.broadcast_to(r[:, None], (n, n))
    a = expected_utilities(position, salience, p, median, mine, width, config)
    if config.viewer_exponent == "viewer":
        b = expected_utilities(
            position, salience, p, median, np.broadcast_to(r[None, :], (n, n)), width, config
        ).T
    else:
        b = a.T.copy()
    return a, np.asarray(b), r, median


def round_offers(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    config: EUConfig,
    span: float | None = None,
) -> tuple[Offer, ...]:
    """Every move an actor would make toward another this round (its "−" rows, §2.6)."""
    a, b, _, _ = dyad_utilities(position, capability, salience, config, span)
    offers = []
    for i in range(len(position)):
        for j in range(len(position)):
            if i == j or position[i] == position[j]:
                continue
            ai, bi = float(a[i, j]), float(b[i, j])
            xi, xj = float(position[i]), float(position[j])
            if ai > 0 and bi > 0 and bi > ai:
                offers.append(Offer(i, j, "conflict", xi, xj, xj, ai, bi))
            elif ai < 0 < bi and bi > abs(ai):
                end = xi + (xj - xi) * abs(ai / bi)
                offers.append(Offer(i, j, "compromise", xi, end, xj, ai, bi))
            elif ai < 0 < bi:
                offers.append(Offer(i, j, "capitulate", xi, xj, xj, ai, bi))
    return tuple(offers)


def choose_offers(offers: tuple[Offer, ...], n: int, config: EUConfig) -> list[Offer | None]:
    """Each actor's chosen offer: conflict, then compromise, then capitulation (§2.7)."""
    chosen: list[Offer | None] = [None] * n
    for mover in range(n):
        mine = [o for o in offers if o.mover == mover]
        for kind in KINDS:
            pool = [o for o in mine if o.kind == kind]
            if not pool:
                continue
            if kind == "compromise" and config.selection == "lowest_weighted_point":
                chosen[mover] = min(pool, key=_weighted_point)
            else:
                chosen[mover] = min(pool, key=lambda o: abs(o.end - o.start))
            break
    return chosen


def _weighted_point(offer: Offer) -> float:
    """BDM's "weighted average" point (|a| x_i + |b| x_j) / (|a| + |b|), the A6 replication key."""
    a, b = abs(offer.a), abs(offer.b)
    return (a * offer.start + b * offer.toward) / (a + b)


@dataclass(frozen=True)
class Trajectory:
    """A deterministic run of the model: the state after each round (row 0: the start)."""

    medians: FloatArray
    means: FloatArray
    positions: FloatArray
    """(rounds + 1) × actors."""
    risk_exponents: FloatArray
    """rounds × actors, as computed at the start of each round."""
    moves: tuple[tuple[Offer, ...], ...]
    """The offers taken in each round."""


def run_rounds(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    rounds: int = 8,
    config: EUConfig | None = None,
) -> Trajectory:
    """Run the model for a fixed number of rounds with simultaneous moves (§2.7–2.8)."""
    config = config or EUConfig()
    x = np.asarray(position, dtype=np.float64).copy()
    weight = capability * salience
    initial_span = float(x.max() - x.min()) or 1.0
    medians, means, history, exponents, moves = [], [], [x.copy()], [], []
    medians.append(weighted_median(x, weight))
    means.append(weighted_mean(x, weight))
    for _ in range(rounds):
        span = initial_span if config.span == "initial" else (float(x.max() - x.min()) or 1.0)
        _, _, r, _ = dyad_utilities(x, capability, salience, config, span)
        chosen = choose_offers(round_offers(x, capability, salience, config, span), len(x), config)
        taken = tuple(o for o in chosen if o is not None)
        for offer in taken:
            x[offer.mover] = offer.end
        exponents.append(r)
        moves.append(taken)
        history.append(x.copy())
        medians.append(weighted_median(x, weight))
        means.append(weighted_mean(x, weight))
    return Trajectory(
        np.array(medians),
        np.array(means),
        np.array(history),
        np.array(exponents).reshape(rounds, len(x)),
        tuple(moves),
    )
