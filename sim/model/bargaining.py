"""The negotiation model's mathematics as pure numpy functions: no SimPy, no I/O.

Spatial utilities and the zone of agreement (docs/model.md §1–2), package consent with
individual rationality (§4), and Fearon's values of force and of talks (§5).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from sim.model.expected_utility import weighted_mean as weighted_mean

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def issue_utility(agreement: FloatArray | float, ideal: FloatArray | float) -> FloatArray:
    """Linear spatial utility on a 0–100 scale: 1 at the ideal point, 0 a whole scale away."""
    return np.asarray(1.0 - np.abs(np.asarray(agreement) - np.asarray(ideal)) / 100.0)


def package_utility(outcome: FloatArray, ideal: FloatArray, salience: FloatArray) -> float:
    """Salience-weighted mean of issue utilities (U_i in docs/model.md §1).

    An actor to whom nothing matters is indifferent: every outcome is worth its ideal, 1.
    """
    total = float(salience.sum())
    if total <= 0.0:
        return 1.0
    return float((salience * issue_utility(outcome, ideal)).sum() / total)


def zone_of_agreement(low: FloatArray, high: FloatArray) -> tuple[float, float] | None:
    """The intersection of the acceptable ranges [low_i, high_i], or None when it is empty."""
    lo, hi = float(low.max()), float(high.min())
    return (lo, hi) if lo <= hi else None


def consenting_package(
    candidates: FloatArray,
    offered: BoolArray,
    status_quo: FloatArray,
    ideal: FloatArray,
    salience: FloatArray,
    consent_needed: BoolArray,
) -> BoolArray:
    """The largest package of offered agreements every needed actor prefers to the status quo.

    Each actor i whose consent some issue in the package needs compares U_i(package) with
    U_i(status quo) over the package's issues (individual rationality, docs/model.md §4). While
    someone is worse off, the issue that costs the most reluctant actor most is dropped.

    Args:
        candidates: agreement point per issue (ignored where not offered).
        offered: issues with a candidate agreement.
        status_quo: reversion point per issue.
        ideal: actors × issues ideal points.
        salience: actors × issues.
        consent_needed: actors × issues, whose consent each issue needs.
    """
    package = offered.copy()
    while package.any():
        needed = consent_needed[:, package].any(axis=1)
        gain = salience[:, package] * (
            issue_utility(candidates[package], ideal[:, package])
            - issue_utility(status_quo[package], ideal[:, package])
        )
        totals = gain.sum(axis=1)
        losers = np.flatnonzero(needed & (totals < -1e-12))
        if losers.size == 0:
            return package
        worst = losers[np.argmin(totals[losers])]
        issues = np.flatnonzero(package)
        package[issues[np.argmin(gain[worst])]] = False
    return package


def force_value(prevail: float, utility_if_lost: float, cost: float) -> float:
    """Fearon's expected value of force: p·U(win) + (1−p)·U(lose) − cost, with U(win) = 1."""
    return prevail + (1.0 - prevail) * utility_if_lost - cost


def talks_value(
    expected: FloatArray,
    trust: FloatArray,
    status_quo: FloatArray,
    ideal: FloatArray,
    salience: FloatArray,
) -> float:
    """Expected value of talks: each issue's expected settlement, trusted with probability τ_k.

    EV = Σ_k s_k [τ_k u_k(ŷ_k) + (1 − τ_k) u_k(q_k)] / Σ_k s_k  (docs/model.md §5); 1 for an
    actor to whom nothing matters, as :func:`package_utility`.
    """
    return talks_curve(trust, status_quo, ideal, salience)(expected)


def talks_curve(
    trust: FloatArray, status_quo: FloatArray, ideal: FloatArray, salience: FloatArray
) -> Callable[[FloatArray], float]:
    """:func:`talks_value` as a function of the expected settlements alone.

    Why: a search for the smallest sufficient concession values the talks at many settlements
    with the same trust, status quo, ideal and salience; their part is computed once here, with
    the same operations, so each value is exactly what :func:`talks_value` returns.
    """
    total = float(salience.sum())
    if total <= 0.0:
        return lambda expected: 1.0
    reverted = (1.0 - trust) * issue_utility(status_quo, ideal)

    def value(expected: FloatArray) -> float:
        return float((salience * (trust * issue_utility(expected, ideal) + reverted)).sum() / total)

    return value


def choice_probability(advantage: float, scale: float) -> float:
    """Logit (quantal-response) probability of taking an option worth *advantage* more.

    A *scale* of 0 is the strict comparison: 1 when the advantage is positive, else 0.
    """
    if scale <= 0.0:
        return 1.0 if advantage > 0.0 else 0.0
    z = advantage / scale
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def smallest_sufficient_step(
    value_at: Callable[[float], float], target: float, tolerance: float = 1e-6
) -> float | None:
    """Smallest t in [0, 1] with value_at(t) ≥ target, for a value non-decreasing in t.

    Used for Fearon's concession: how far the opponents must move toward an escalating actor
    before talks are worth at least as much to it as force. None when even t = 1 falls short.
    """
    f = value_at
    if f(1.0) < target:
        return None
    if f(0.0) >= target:
        return 0.0
    low, high = 0.0, 1.0
    while high - low > tolerance:
        middle = (low + high) / 2
        if f(middle) >= target:
            high = middle
        else:
            low = middle
    return high


def issue_talks_values(
    expected: FloatArray,
    trust: FloatArray,
    status_quo: FloatArray,
    ideal: FloatArray,
) -> FloatArray:
    """Per issue, the talks' expected utility τ_k u_k(ŷ_k) + (1 − τ_k) u_k(q_k) (§5)."""
    value = trust * issue_utility(expected, ideal) + (1.0 - trust) * issue_utility(
        status_quo, ideal
    )
    return np.asarray(value, dtype=np.float64)


def stakes_share(salience: FloatArray, stakes: BoolArray) -> float:
    """σ_S = Σ_{k∈S} s_k / Σ_k s_k: the share of an actor's salience on the issues at stake.

    Costs of force are stated on the utility scale of the stakes; times σ_S they are on the
    scale of the whole package, where talks and war are compared (docs/model.md §4). 1 for an
    actor to whom nothing matters.
    """
    total = float(salience.sum())
    return 1.0 if total <= 0.0 else float(salience[stakes].sum()) / total


def war_value(
    prevail: float,
    lost: FloatArray,
    negotiated: FloatArray,
    ideal: FloatArray,
    salience: FloatArray,
    stakes: BoolArray,
    cost: float,
) -> float:
    """Fearon's value of force when force decides only the issues in *stakes*.

    EV_war = Σ_k s_k w_k / Σ_k s_k − cost, with w_k = p + (1 − p) u_k(lost_k) on an issue at
    stake (the actor's ideal if it prevails, its opponents' if it loses) and w_k = the issue's
    negotiated value (*negotiated*, per-issue utility) elsewhere (docs/model.md §4). With every
    issue at stake it is :func:`force_value` of the package utility of *lost*.
    """
    return war_curve(lost, negotiated, ideal, salience, stakes, cost)(prevail)


def war_curve(
    lost: FloatArray,
    negotiated: FloatArray,
    ideal: FloatArray,
    salience: FloatArray,
    stakes: BoolArray,
    cost: float,
) -> Callable[[float], float]:
    """:func:`war_value` as a function of the belief of prevailing alone.

    Why: an actor's war is valued at several beliefs (the public one, its own, after a signal)
    with everything else the same; that part is computed once here, with the same operations,
    so each value is exactly what :func:`war_value` returns.
    """
    total = float(salience.sum())
    if total <= 0.0:
        return lambda prevail: 1.0 - cost
    if_lost = issue_utility(lost, ideal)

    def value(prevail: float) -> float:
        per_issue = np.where(stakes, prevail + (1.0 - prevail) * if_lost, negotiated)
        return float((salience * per_issue).sum() / total) - cost

    return value


def settlement_point(
    position: FloatArray, capability: FloatArray, salience: FloatArray, zone: tuple[float, float]
) -> float:
    """The compromise model's point: capability × salience-weighted mean, clipped to *zone*.

    Achen (2006) and Thomson et al. (2006) find this weighted mean the most accurate simple
    forecast of EU legislative bargaining outcomes (docs/model.md §3).
    """
    point = weighted_mean(position, capability * salience)
    return min(max(point, zone[0]), zone[1])
