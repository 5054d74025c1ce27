"""The equations of Bueno de Mesquita's expected-utility model as pure numpy functions.

Follows ``bdm.md`` §2.1–2.6 (after Scholz, Calbert & Smith 2011): median and mean, win
probability, utilities, expected utilities, risk exponents and the classification of dyads.
Every reading the paper leaves open (A1–A12, bdm.md §4) is a field of :class:`EUConfig`. Vectors
are indexed by actor in input order; a matrix entry [i, j] is about i challenging (or judging) j.
Use it through :mod:`sim.model.expected_utility`, which adds offers, choices and rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Kind = Literal["conflict", "compromise", "capitulate"]
KINDS: tuple[Kind, ...] = ("conflict", "compromise", "capitulate")
"""Move kinds in the order an actor prefers them (bdm.md §2.7)."""
REGIONS = ("none", "stalemate", *(f"{k}{side}" for side in "-+" for k in KINDS))
"""Fig. 6 regions as actor i judges a dyad: "-" moves i toward j, "+" moves j toward i (§2.6)."""
TIE_TOLERANCE = 1e-12
"""Relative difference below which utilities or move keys are equal (§2.6 boundaries).

Why: the spec's boundaries are equalities of measure zero; treating rounding noise as equality
keeps a symmetric dyad from moving, or an actor's choice from flipping, on the last bit.
"""


@dataclass(frozen=True, slots=True)
class EUConfig:
    """The model's open readings (bdm.md §4, A1–A12); the defaults are the replication reading."""

    probability: Literal["scholz_code", "printed"] = "scholz_code"
    """A1: win probability: form (b) from Scholz's code, or eq. 31 as printed (§2.3)."""
    target_salience: Literal["target", "challenger"] = "target"
    """A2: salience in E(U_ij): the challenged actor's s_j (§2.4), or the challenger's (eq. 25b)."""
    viewer_exponent: Literal["viewer", "own"] = "viewer"
    """A3: exponent of the other side's EU in i's dyad: the judging i's r_i, or that side's r_j."""
    security: Literal["challenger", "target"] = "challenger"
    """A4: security sums E^j(U_ji) (§5) or E^i(U_ji) (step 8): the same, as pass 1 has r = 1."""
    upper_hand_sign: Literal["figure", "printed"] = "figure"
    """A5: i concedes when E(U_ij) < 0 < E(U_ji) (Fig. 6), or when both are negative (§6.1 text)."""
    selection: Literal["lowest_weighted_point", "least_move"] = "lowest_weighted_point"
    """A6: compromise chosen by the lowest weighted-average point (replication) or least move."""
    compel_ratio: float = 1.0
    """A7: i capitulates rather than compromises when |E(U_ij)| ≥ ratio·|E(U_ji)|; 1 = diagonal."""
    t_rule: Literal["always_one", "cases"] = "always_one"
    """A8: T ≡ 1, or the four cases: T = 1 iff |x_i − μ| < |x_i − x_j| (§3)."""
    mean_weight: Literal["capability_salience", "capability", "salience", "equal"] = (
        "capability_salience"
    )
    """A9: weights of the reported mean; only c·s reproduces Table 2 (§2.1)."""
    median_tie: Literal["lower", "upper"] = "lower"
    """A10: which of two positions tied at exactly half the weight is the median (§2.1)."""
    span: Literal["initial", "per_round"] = "initial"
    """A11: Δ from the initial positions, or recomputed every round (§1)."""
    others_axes: Literal["numbers", "text"] = "numbers"
    """A12: Fig. 10 x axis: the other's own-r EU (the numbers) or the viewer's estimate (text)."""
    q: float = 1.0
    """Q: probability that the status quo holds when i does not challenge (§3)."""

    @classmethod
    def printed(cls) -> EUConfig:
        """The readings as printed: eq. 31, eq. 25b, r_j, step 8, §6.1-§6.2 text, four T cases."""
        return cls(
            probability="printed",
            target_salience="challenger",
            viewer_exponent="own",
            security="target",
            upper_hand_sign="printed",
            selection="least_move",
            t_rule="cases",
            others_axes="text",
        )


def weighted_median(
    position: FloatArray, weight: FloatArray, tie: Literal["lower", "upper"] = "lower"
) -> float:
    """The Condorcet winner among the actors' positions under weighted linear votes (§2.1).

    Why: the total vote for c_j over c_k is F(c_k) − F(c_j) with F(c) = Σ_i w_i·|x_i − c|, so the
    winner minimises F (the weighted median), as does the Appendix's "maximum value". Candidates
    within rounding of the minimum tie, and *tie* takes the lower (A10) or the upper one.
    """
    candidates = np.unique(position)
    loss = (weight[:, None] * np.abs(position[:, None] - candidates[None, :])).sum(axis=0)
    scale = float(np.abs(weight).sum()) * (float(np.ptp(position)) or 1.0)
    best = np.flatnonzero(loss <= loss.min() + 1e3 * TIE_TOLERANCE * scale)  # n-term sums
    return float(candidates[best[0] if tie == "lower" else best[-1]])


def weighted_mean(position: FloatArray, weight: FloatArray) -> float:
    """Σ w·x / Σ w, with c·s weights the mean that reproduces Table 2 (A9); plain if no weight."""
    total = float(weight.sum())
    return float((weight * position).sum() / total) if total > 0 else float(position.mean())


def mean_weight(capability: FloatArray, salience: FloatArray, config: EUConfig) -> FloatArray:
    """The weights of the reported mean under reading A9 (§2.1)."""
    weights = {
        "capability_salience": capability * salience,
        "capability": capability,
        "salience": salience,
        "equal": np.ones_like(capability),
    }
    return np.asarray(weights[config.mean_weight], dtype=np.float64)


def win_probability(
    position: FloatArray,
    weight: FloatArray,
    exponent: FloatArray,
    span: float,
    form: Literal["scholz_code", "printed"] = "scholz_code",
) -> FloatArray:
    """P[i, j], the probability that i prevails over j, zero where x_i = x_j (§2.3, A1).

    ``printed`` is eq. 31, Σ_{arg>0} w·arg / Σ w·|arg|. ``scholz_code`` is form (b): voter k's
    vote a_k(i, j) = w_k·(d_kj^{r_k} − d_ki^{r_k}), positive parts summed, divided by Σ|a_k(a, b)|
    over all n³ voter-pair terms, which is why its values are tiny.
    """
    distance = np.abs(position[:, None] - position[None, :])  # [k, m] = |x_k − x_m|
    if form == "printed":
        votes = distance[:, None, :] - distance[:, :, None]  # [k, i, j] = |x_k − x_j| − |x_k − x_i|
        votes *= weight[:, None, None]
        denominator = np.abs(votes).sum(axis=0)
        np.maximum(votes, 0.0, out=votes)
        p = np.divide(
            votes.sum(axis=0), denominator, out=np.zeros_like(denominator), where=denominator > 0
        )
    else:
        scaled = (distance / span) ** exponent[:, None]
        votes = scaled[:, None, :] - scaled[:, :, None]  # a_k(i, j) / w_k
        votes *= weight[:, None, None]
        total = float(np.abs(votes).sum())
        np.maximum(votes, 0.0, out=votes)
        p = votes.sum(axis=0) / total if total > 0 else np.zeros(distance.shape)
    p[distance == 0] = 0.0
    return np.asarray(p, dtype=np.float64)


def _utility(base: FloatArray, exponent: FloatArray) -> FloatArray:
    return np.asarray(2.0 - 4.0 * np.maximum(base, 0.0) ** exponent, dtype=np.float64)


def basic_utilities(
    d_ij: FloatArray, d_imu: FloatArray, exponent: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """U_s, U_f, U_b, U_w and U_sq for normalised distances (§2.2), negative bases clipped to 0."""
    return (
        _utility(0.5 - 0.5 * d_ij, exponent),
        _utility(0.5 + 0.5 * d_ij, exponent),
        _utility(0.5 - 0.25 * (d_imu + d_ij), exponent),
        _utility(0.5 + 0.25 * (d_imu + d_ij), exponent),
        _utility(np.full_like(d_ij, 0.5), exponent),
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
    """E[i, j] = E(U_ij), i challenging j, with the utilities raised to exponent[i, j] (§2.4)."""
    d_ij = np.abs(position[:, None] - position[None, :]) / span
    d_imu = np.broadcast_to((np.abs(position - median) / span)[:, None], d_ij.shape)
    u_s, u_f, u_b, u_w, u_sq = basic_utilities(d_ij, d_imu, exponent)
    resist = salience[None, :] if config.target_salience == "target" else salience[:, None]
    t = np.ones_like(d_ij) if config.t_rule == "always_one" else (d_imu < d_ij).astype(np.float64)
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
    """r_i ∈ [0.5, 2]: 0.5 for the most challenged actor, 2 for the least (§2.5, pass 1).

    Security S_i = Σ_j E(U_ji) is computed with every r = 1, so A4 makes no difference; equal
    securities (to rounding) give r = 1 for everyone (a convention of the spec).
    """
    ones = np.ones(len(position))
    p = win_probability(position, capability * salience, ones, span, config.probability)
    eu = expected_utilities(position, salience, p, median, np.ones((len(ones),) * 2), span, config)
    security = eu.sum(axis=0)  # S_i = Σ_{j≠i} E(U_ji); the diagonal is zero
    high, low = float(security.max()), float(security.min())
    if high - low <= TIE_TOLERANCE * max(1.0, abs(high), abs(low)):
        return ones
    scaled = np.clip((2 * security - high - low) / (high - low), -1.0, 1.0)
    return np.asarray((1 - scaled / 3) / (1 + scaled / 3), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class DyadUtilities:
    """One round's view of every dyad after both risk passes (§2.4–2.5)."""

    a: FloatArray
    """a[i, j] = E(U_ij): i's expected utility of challenging j, with r_i."""
    b: FloatArray
    """b[i, j] = E(U_ji) as i judges it (A3: with r_i, or with j's own r_j)."""
    probability: FloatArray
    """P[i, j] from the second pass, with the voters' risk exponents."""
    risk: FloatArray
    """r_i for this round."""
    median: float
    """μ, the round's median voter position."""


def dyad_utilities(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    config: EUConfig,
    span: float | None = None,
) -> DyadUtilities:
    """Both EUs of every dyad as its judging actor sees them; Δ = *span* or the positions' range."""
    weight = capability * salience
    width = span if span is not None else float(np.ptp(position))
    width = width if width > 0 else 1.0
    median = weighted_median(position, weight, config.median_tie)
    r = risk_exponents(position, capability, salience, median, width, config)
    p = win_probability(position, weight, r, width, config.probability)
    n = len(position)
    mover = np.broadcast_to(r[:, None], (n, n))
    a = expected_utilities(position, salience, p, median, mover, width, config)
    if config.viewer_exponent == "viewer":
        viewer = np.broadcast_to(r[None, :], (n, n))  # E(U_ji) with the target i's r_i
        b = expected_utilities(position, salience, p, median, viewer, width, config).T
    else:
        b = a.T
    return DyadUtilities(a, np.ascontiguousarray(b), p, r, median)


def classify_dyads(a: FloatArray, b: FloatArray, config: EUConfig) -> npt.NDArray[np.str_]:
    """The REGIONS name of every dyad as i judges it, from a = E(U_ij) and b = E(U_ji) (§2.6).

    Conflict goes to whoever expects more; the actor behind concedes part way (eq. 36) unless
    its loss reaches ``compel_ratio`` times the other's gain (A7). Under A5 ``printed`` i is behind
    when both EUs are negative, so there is no stalemate and a < 0 < b is left unclassified.
    """
    tol = TIE_TOLERANCE * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    pos_a, neg_a, pos_b, neg_b = a > tol, a < -tol, b > tol, b < -tol
    i_behind = neg_a & (neg_b if config.upper_hand_sign == "printed" else pos_b)
    j_behind = pos_a & neg_b
    i_compelled = np.abs(a) >= config.compel_ratio * np.abs(b)
    j_compelled = np.abs(b) >= config.compel_ratio * np.abs(a)
    rows = [
        (pos_a & pos_b & (b - a > tol), "conflict-"),
        (pos_a & pos_b & (a - b > tol), "conflict+"),
        (i_behind & ~i_compelled, "compromise-"),
        (i_behind & i_compelled, "capitulate-"),
        (j_behind & ~j_compelled, "compromise+"),
        (j_behind & j_compelled, "capitulate+"),
        (neg_a & neg_b, "stalemate"),
    ]
    regions = np.select([c for c, _ in rows], [np.str_(r) for _, r in rows], np.str_("none"))
    return np.asarray(regions, dtype=np.str_)


def others_view(
    dyads: DyadUtilities, viewer: int, config: EUConfig
) -> tuple[FloatArray, FloatArray]:
    """(x, y) of every other actor in *viewer*'s Fig. 10 chart (A12); the viewer's own is NaN.

    The numbers put each actor j's own E^j(U_ji) on x and the viewer's estimate E^i(U_ji) on y;
    the text swaps them.
    """
    own = dyads.a[:, viewer].copy()  # a[j, i] = E(U_ji) with r_j
    estimate = dyads.b[viewer, :].copy()
    own[viewer] = estimate[viewer] = np.nan
    return (own, estimate) if config.others_axes == "numbers" else (estimate, own)
