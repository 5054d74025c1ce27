from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.expected_utility import (
    EUConfig,
    expected_utilities,
    run_rounds,
    weighted_median,
    win_probability,
)

EC = Path(__file__).resolve().parent.parent / "scenarios" / "bdm" / "ec-emissions.csv"
TABLE2_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
TABLE2_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
SPEC_RISK = [1.4057, 0.7542, 0.5089, 1.4057, 1.0465, 1.0465, 1.9649, 0.5, 2.0, 1.1121]


def _ec() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = np.genfromtxt(EC, delimiter=",", skip_header=1, usecols=(1, 2, 3))
    return rows[:, 1], rows[:, 0], rows[:, 2] / 100


@pytest.fixture(scope="module")
def replication() -> object:
    x, c, s = _ec()
    return run_rounds(x, c, s, rounds=8)


@pytest.mark.parametrize(
    "round_",
    [
        pytest.param(
            r,
            marks=pytest.mark.xfail(
                strict=True,
                reason="bdm.md §4: no tested reading gives the published 9.9 (best: 9.611)",
            ),
        )
        if r == 2
        else r
        for r in range(1, 9)
    ],
)
def test_table2_median_is_replicated(replication: object, round_: int) -> None:
    published = TABLE2_MEDIAN[round_ - 1]
    assert published - 0.05 <= replication.medians[round_] < published + 0.1  # type: ignore[attr-defined]


@pytest.mark.parametrize("round_", range(1, 9))
def test_table2_mean_is_replicated(replication: object, round_: int) -> None:
    published = TABLE2_MEAN[round_ - 1]
    assert published - 0.05 <= replication.means[round_] < published + 0.1  # type: ignore[attr-defined]


def test_round_one_risk_exponents_match_the_spec(replication: object) -> None:
    assert np.allclose(replication.risk_exponents[0], SPEC_RISK, atol=1e-4)  # type: ignore[attr-defined]


def test_the_printed_equations_leave_the_median_at_seven() -> None:
    x, c, s = _ec()
    trajectory = run_rounds(x, c, s, rounds=8, config=EUConfig.printed())
    assert np.all(trajectory.medians == 7.0)


@given(st.integers(1, 6), st.floats(0, 40))
def test_equal_weights_and_symmetric_positions_put_the_median_in_the_middle(
    half: int, gap: float
) -> None:
    offsets = np.arange(-half, half + 1, dtype=float) * (gap + 1)
    position = 50 + offsets
    assert weighted_median(position, np.ones_like(position)) == 50.0


positions = arrays(float, st.integers(3, 7), elements=st.floats(0, 100))


@settings(max_examples=60, deadline=None)
@given(st.data(), positions)
def test_risk_exponents_stay_in_range_and_positions_stay_in_the_initial_range(
    data: st.DataObject, position: np.ndarray
) -> None:
    n = len(position)
    capability = data.draw(arrays(float, n, elements=st.floats(0.01, 1)))
    salience = data.draw(arrays(float, n, elements=st.floats(0.01, 1)))
    trajectory = run_rounds(position, capability, salience, rounds=4)
    assert np.all(
        (trajectory.risk_exponents >= 0.5 - 1e-12) & (trajectory.risk_exponents <= 2 + 1e-12)
    )
    assert np.all(trajectory.positions >= position.min() - 1e-9)
    assert np.all(trajectory.positions <= position.max() + 1e-9)


@settings(max_examples=40, deadline=None)
@given(st.data(), positions, st.floats(0.01, 100))
def test_scaling_every_capability_changes_nothing(
    data: st.DataObject, position: np.ndarray, factor: float
) -> None:
    n = len(position)
    capability = data.draw(arrays(float, n, elements=st.floats(0.01, 1)))
    salience = data.draw(arrays(float, n, elements=st.floats(0.01, 1)))
    a = run_rounds(position, capability, salience, rounds=3)
    b = run_rounds(position, capability * factor, salience, rounds=3)
    assert np.allclose(a.positions, b.positions, atol=1e-9)


def _loop_probability(x: np.ndarray, w: np.ndarray, r: np.ndarray, span: float) -> np.ndarray:
    n = len(x)
    vote = [
        [
            [
                w[k] * ((abs(x[k] - x[j]) / span) ** r[k] - (abs(x[k] - x[i]) / span) ** r[k])
                for j in range(n)
            ]
            for i in range(n)
        ]
        for k in range(n)
    ]
    total = sum(abs(vote[k][i][j]) for k in range(n) for i in range(n) for j in range(n))
    p = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if x[i] != x[j] and total > 0:
                p[i, j] = sum(max(0.0, vote[k][i][j]) for k in range(n)) / total
    return p


def _loop_eu(
    x: np.ndarray, s: np.ndarray, p: np.ndarray, mu: float, r: np.ndarray, span: float, q: float
) -> np.ndarray:
    n = len(x)
    eu = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            d, dm, e = abs(x[i] - x[j]) / span, abs(x[i] - mu) / span, r[i, j]
            us = 2 - 4 * (0.5 - 0.5 * d) ** e
            uf = 2 - 4 * (0.5 + 0.5 * d) ** e
            ub = 2 - 4 * (0.5 - 0.25 * (dm + d)) ** e
            usq = 2 - 4 * 0.5**e
            eu[i, j] = (
                s[j] * (p[i, j] * us + (1 - p[i, j]) * uf)
                + (1 - s[j]) * us
                - q * usq
                - (1 - q) * ub
            )
    return eu


@settings(max_examples=40, deadline=None)
@given(st.data(), positions, st.floats(0, 1))
def test_vectorised_functions_equal_a_per_dyad_loop(
    data: st.DataObject, position: np.ndarray, q: float
) -> None:
    n = len(position)
    weight = data.draw(arrays(float, n, elements=st.floats(0.01, 1)))
    salience = data.draw(arrays(float, n, elements=st.floats(0, 1)))
    exponent = data.draw(arrays(float, n, elements=st.floats(0.5, 2)))
    span = float(np.ptp(position)) or 1.0
    p = win_probability(position, weight, exponent, span, "scholz_code")
    assert np.allclose(p, _loop_probability(position, weight, exponent, span), atol=1e-12)
    mu = weighted_median(position, weight)
    r = np.broadcast_to(exponent[:, None], (n, n))
    eu = expected_utilities(position, salience, p, mu, r, span, EUConfig(q=q))
    assert np.allclose(eu, _loop_eu(position, salience, p, mu, r, span, q), atol=1e-12)
