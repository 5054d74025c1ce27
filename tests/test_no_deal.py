from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model.no_deal import accepts, no_deal_values

unit = st.floats(0, 1)


def test_without_war_risk_no_deal_is_the_status_quo() -> None:
    quo = np.array([[0.4, 0.9]])
    value = no_deal_values(quo, np.array([0.0]), np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]))
    np.testing.assert_array_equal(value, quo)


def test_certain_war_is_its_value_less_the_actors_own_cost() -> None:
    value = no_deal_values(
        np.array([[0.4, 0.9]]), np.array([1.0]), np.array([[1.0, 0.2]]), np.array([[0.3, 0.1]])
    )
    np.testing.assert_allclose(value, [[0.7, 0.1]])


def test_a_veto_holder_under_war_risk_accepts_a_deal_it_likes_less_than_the_status_quo() -> None:
    quo, war, cost = np.array([[0.6]]), np.array([[0.3]]), np.array([[0.2]])
    deal = np.array([[0.5]])  # worse than the status quo
    risky = no_deal_values(quo, np.array([0.4]), war, cost)
    calm = no_deal_values(quo, np.array([0.0]), war, cost)
    assert accepts(deal, risky).all()
    assert not accepts(deal, calm).any()


def test_shifting_power_lowers_the_status_quo_with_time() -> None:
    quo = np.array([[0.5], [0.5]])
    value = no_deal_values(
        quo, np.zeros(2), np.zeros((2, 1)), np.zeros((2, 1)), np.array([0.001]), np.array([0, 100])
    )
    np.testing.assert_allclose(value, [[0.5], [0.4]])


def test_a_probability_outside_zero_one_is_refused() -> None:
    with pytest.raises(ValueError, match="war_probability"):
        no_deal_values(np.zeros((1, 1)), np.array([1.5]), np.zeros((1, 1)), np.zeros((1, 1)))


@given(unit, unit, unit, unit, st.floats(0, 1), st.floats(0, 1))
def test_raising_an_actors_war_cost_never_raises_its_no_deal_value(
    quo: float, p: float, war: float, cost: float, more: float, _: float
) -> None:
    args = (np.array([[quo]]), np.array([p]), np.array([[war]]))
    low = no_deal_values(*args, np.array([[cost]]))
    high = no_deal_values(*args, np.array([[cost + more]]))
    assert high[0, 0] <= low[0, 0] + 1e-12


@given(unit, unit, unit, unit)
def test_each_run_is_valued_as_if_alone(quo: float, p: float, war: float, cost: float) -> None:
    one = no_deal_values(np.array([[quo]]), np.array([p]), np.array([[war]]), np.array([[cost]]))
    many = no_deal_values(
        np.array([[0.1], [quo]]),
        np.array([0.9, p]),
        np.array([[0.2], [war]]),
        np.array([[0.3], [cost]]),
    )
    assert many[1, 0] == one[0, 0]
