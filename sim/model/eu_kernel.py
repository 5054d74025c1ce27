"""The expected-utility round as the engine reads it, compiled with numba for every issue at once.

:mod:`sim.model.eu_equations` is the model's reference: readable numpy with every open reading
(A1–A12). A Monte Carlo run asks for a round dozens of times on two to five actors, where numpy's
per-call overhead costs a hundred times the arithmetic, so this module compiles the one reading
the engine uses (:func:`sim.engine.venue_round.engine_config`: Scholz's win probability,
the target's salience, the viewer's exponent, the figure's signs, the least move, T ≡ 1,
the lower median, Δ fixed) into loops. ``tests/test_eu_kernel.py`` holds it to the reference
on random rounds.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.model.eu_equations import TIE_TOLERANCE

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

NO_MOVE = -1
"""Kind and counterpart code of an actor that stays where it is."""


def _median_py(x: FloatArray, w: FloatArray) -> float:
    """Weighted median, lower of ties (as :func:`sim.model.eu_equations.weighted_median`)."""
    n = len(x)
    total_weight = 0.0
    low, high = x[0], x[0]
    for i in range(n):
        total_weight += abs(w[i])
        low, high = min(low, x[i]), max(high, x[i])
    spread = high - low
    scale = total_weight * (spread if spread != 0.0 else 1.0)
    loss = np.empty(n)
    best = math.inf
    for c in range(n):
        total = 0.0
        for i in range(n):
            total += w[i] * abs(x[i] - x[c])
        loss[c] = total
        best = min(best, total)
    chosen = math.inf
    for c in range(n):
        if loss[c] <= best + 1e3 * TIE_TOLERANCE * scale:
            chosen = min(chosen, x[c])
    return chosen


def _win_probability_py(x: FloatArray, w: FloatArray, r: FloatArray, span: float) -> FloatArray:
    """P[i, j] by Scholz's form (b) with voter exponents *r* (eu_equations.win_probability)."""
    n = len(x)
    scaled = np.empty((n, n))
    for k in range(n):
        for m in range(n):
            scaled[k, m] = (abs(x[k] - x[m]) / span) ** r[k]
    p = np.zeros((n, n))
    total = 0.0
    for k in range(n):
        for i in range(n):
            for j in range(n):
                vote = (scaled[k, j] - scaled[k, i]) * w[k]
                total += abs(vote)
                if vote > 0.0:
                    p[i, j] += vote
    for i in range(n):
        for j in range(n):
            p[i, j] = p[i, j] / total if total > 0.0 and x[i] != x[j] else 0.0
    return p


def _utility_py(base: float, exponent: float) -> float:
    return float(2.0 - 4.0 * max(base, 0.0) ** exponent)


def _challenge_py(
    x: FloatArray,
    s: FloatArray,
    p: FloatArray,
    median: float,
    span: float,
    q: float,
    i: int,
    j: int,
    exponent: float,
) -> float:
    """E(U_ij), i challenging j, with every utility raised to *exponent* (§2.4, T ≡ 1)."""
    d_ij = abs(x[i] - x[j]) / span
    d_imu = abs(x[i] - median) / span
    u_s = _utility(0.5 - 0.5 * d_ij, exponent)
    u_f = _utility(0.5 + 0.5 * d_ij, exponent)
    u_b = _utility(0.5 - 0.25 * (d_imu + d_ij), exponent)
    u_sq = _utility(0.5, exponent)
    resist, win = float(s[j]), float(p[i, j])
    return (
        resist * (win * u_s + (1.0 - win) * u_f) + (1.0 - resist) * u_s - q * u_sq - (1.0 - q) * u_b
    )


def _risk_py(
    x: FloatArray, c: FloatArray, s: FloatArray, median: float, span: float, q: float
) -> FloatArray:
    """r_i from the securities of a first pass with every r = 1 (§2.5)."""
    n = len(x)
    ones = np.ones(n)
    p = _win_probability(x, c * s, ones, span)
    security = np.zeros(n)
    for i in range(n):
        for j in range(n):
            if i != j:
                security[j] += _challenge(x, s, p, median, span, q, i, j, 1.0)
    high, low = security.max(), security.min()
    if high - low <= TIE_TOLERANCE * max(1.0, abs(high), abs(low)):
        return ones
    r = np.empty(n)
    for i in range(n):
        scaled = min(max((2.0 * security[i] - high - low) / (high - low), -1.0), 1.0)
        r[i] = (1.0 - scaled / 3.0) / (1.0 + scaled / 3.0)
    return r


def _issue_round_py(
    x: FloatArray,
    c: FloatArray,
    s: FloatArray,
    q: float,
    span: float,
    kind: IntArray,
    counterpart: IntArray,
    end: FloatArray,
    resist: FloatArray,
) -> None:
    """Each actor's chosen move on one issue, written into the output rows (§2.6–2.7)."""
    n = len(x)
    kind[:] = NO_MOVE
    counterpart[:] = NO_MOVE
    if x.max() - x.min() <= 0.0:
        return
    median = _median(x, c * s)
    r = _risk(x, c, s, median, span, q)
    p = _win_probability(x, c * s, r, span)
    for i in range(n):
        best_kind, best_key, best_scale = NO_MOVE, math.inf, 0.0
        keys = np.full(n, math.inf)
        kinds = np.full(n, NO_MOVE)
        ends = np.zeros(n)
        utilities = np.zeros(n)
        for j in range(n):
            if x[i] == x[j]:
                continue
            a = _challenge(x, s, p, median, span, q, i, j, r[i])
            b = _challenge(x, s, p, median, span, q, j, i, r[i])
            tol = TIE_TOLERANCE * max(1.0, abs(a), abs(b))
            if a > tol and b > tol and b - a > tol:
                k, moved = 0, x[j]
            elif a < -tol and b > tol:
                if abs(a) >= abs(b):
                    k, moved = 2, x[j]
                else:
                    k, moved = 1, x[i] + (x[j] - x[i]) * abs(a / b)
            else:
                continue
            moved = min(max(moved, min(x[i], x[j])), max(x[i], x[j]))
            kinds[j], ends[j], utilities[j] = k, moved, a
            keys[j] = abs(moved - x[i])
            if best_kind == NO_MOVE or k < best_kind:
                best_kind = k
        if best_kind == NO_MOVE:
            continue
        for j in range(n):
            if kinds[j] == best_kind:
                best_key = min(best_key, keys[j])
                best_scale = max(best_scale, abs(x[i]), abs(x[j]))
        for j in range(n):
            if kinds[j] == best_kind and keys[j] - best_key <= TIE_TOLERANCE * (1.0 + best_scale):
                kind[i], counterpart[i], end[i], resist[i] = best_kind, j, ends[j], utilities[j]
                break


def _rounds_py(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    q: FloatArray,
    span: float,
    kind: IntArray,
    counterpart: IntArray,
    end: FloatArray,
    resist: FloatArray,
) -> None:
    """:func:`_issue_round_py` for every run and issue of runs × issues × participants arrays."""
    for r in range(position.shape[0]):
        for k in range(position.shape[1]):
            _issue_round(
                position[r, k],
                capability[r],
                salience[r, k],
                q[r],
                span,
                kind[r, k],
                counterpart[r, k],
                end[r, k],
                resist[r, k],
            )


_median = _median_py
_win_probability = _win_probability_py
_utility = _utility_py
_challenge = _challenge_py
_risk = _risk_py
_issue_round = _issue_round_py


@cache
def _compiled() -> Any:
    """Compile the kernels on first use (numba's import alone takes about a second).

    The helpers are bound to their compiled versions under the names the kernels call, so the
    same source runs compiled here and as plain Python under ``NUMBA_DISABLE_JIT=1``.
    """
    import numba

    jit = numba.njit(cache=True, nogil=True)
    module = globals()
    for name in ("_median", "_win_probability", "_utility", "_challenge", "_risk", "_issue_round"):
        module[name] = jit(module[f"{name}_py"])
    return jit(_rounds_py)


def compile_kernels() -> None:
    """Compile (or load from numba's cache) before forking workers, so each need not."""
    _compiled()


def engine_round(
    position: FloatArray, capability: FloatArray, salience: FloatArray, q: float, span: float
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Every participant's chosen move on every issue: (kind, counterpart, end, E(U_ij)).

    *position* and *salience* are participants × issues. Kind indexes ``KINDS`` (conflict,
    compromise, capitulate) or is :data:`NO_MOVE`; the counterpart is the participant the mover
    moves toward (who proposes the move), in participant order.
    """
    moves = engine_rounds(position[None], capability[None], salience[None], np.array([q]), span)
    kind, counterpart, end, resist = (grid[0] for grid in moves)
    return kind, counterpart, end, resist


def engine_rounds(
    position: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    q: FloatArray,
    span: float,
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Every run's chosen moves in one call: :func:`engine_round` with a run axis in front.

    *position* and *salience* are runs × participants × issues, *capability* runs ×
    participants, *q* one value per run; so are the results. Each run's and each issue's round
    reads only that run's and that issue's numbers, so a batch of runs at a venue can put every
    issue on the table through the kernel and keep the ones still open.
    """
    shape = (position.shape[0], position.shape[2], position.shape[1])
    kind = np.full(shape, NO_MOVE, dtype=np.intp)
    counterpart = np.full(shape, NO_MOVE, dtype=np.intp)
    end = np.zeros(shape)
    resist = np.zeros(shape)
    _compiled()(
        np.ascontiguousarray(position.transpose(0, 2, 1), dtype=np.float64),
        np.ascontiguousarray(capability, dtype=np.float64),
        np.ascontiguousarray(salience.transpose(0, 2, 1), dtype=np.float64),
        np.ascontiguousarray(q, dtype=np.float64),
        float(span),
        kind,
        counterpart,
        end,
        resist,
    )
    swap = (0, 2, 1)
    return (
        kind.transpose(swap),
        counterpart.transpose(swap),
        end.transpose(swap),
        resist.transpose(swap),
    )
