from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model.bargaining import (
    choice_probability,
    consenting_package,
    force_value,
    issue_utility,
    package_utility,
    smallest_sufficient_step,
    talks_value,
    zone_of_agreement,
)

unit = st.floats(0, 1)
scale = st.floats(0, 100)


def test_utility_is_one_at_the_ideal_and_zero_a_scale_away() -> None:
    assert float(issue_utility(30.0, 30.0)) == 1.0
    assert float(issue_utility(0.0, 100.0)) == 0.0


def test_package_utility_weights_issues_by_salience() -> None:
    value = package_utility(np.array([0.0, 100.0]), np.array([0.0, 0.0]), np.array([3.0, 1.0]))
    assert value == 0.75


def test_zone_of_agreement_is_the_overlap_of_red_lines() -> None:
    assert zone_of_agreement(np.array([10.0, 30.0]), np.array([60.0, 80.0])) == (30.0, 60.0)
    assert zone_of_agreement(np.array([70.0, 0.0]), np.array([100.0, 50.0])) is None


@settings(max_examples=200, deadline=None)  # timings vary on a shared machine
@given(st.data(), st.integers(2, 5), st.integers(1, 4))
def test_a_consented_package_leaves_every_needed_actor_no_worse_than_the_status_quo(
    data: st.DataObject, n_actors: int, n_issues: int
) -> None:
    candidates = data.draw(arrays(float, n_issues, elements=scale))
    offered = data.draw(arrays(bool, n_issues))
    status_quo = data.draw(arrays(float, n_issues, elements=scale))
    ideal = data.draw(arrays(float, (n_actors, n_issues), elements=scale))
    salience = data.draw(arrays(float, (n_actors, n_issues), elements=unit))
    needed = data.draw(arrays(bool, (n_actors, n_issues)))
    package = consenting_package(candidates, offered, status_quo, ideal, salience, needed)
    assert not np.any(package & ~offered)
    if package.any():
        gain = salience[:, package] * (
            issue_utility(candidates[package], ideal[:, package])
            - issue_utility(status_quo[package], ideal[:, package])
        )
        involved = needed[:, package].any(axis=1)
        assert np.all(gain.sum(axis=1)[involved] >= -1e-9)


def test_a_package_lets_a_loss_on_one_issue_buy_a_gain_on_another() -> None:
    ideal = np.array([[0.0, 100.0], [100.0, 0.0]])
    salience = np.array([[0.2, 1.0], [1.0, 0.2]])
    candidates = np.array([60.0, 60.0])
    status_quo = np.array([0.0, 0.0])
    needed = np.ones((2, 2), dtype=bool)
    both = consenting_package(
        candidates, np.array([True, True]), status_quo, ideal, salience, needed
    )
    assert both.tolist() == [True, True]
    alone = consenting_package(
        candidates, np.array([True, False]), status_quo, ideal, salience, needed
    )
    assert alone.tolist() == [False, False]


@given(unit, unit, st.floats(0.001, 1))
def test_force_is_worth_less_than_certain_victory_when_fighting_costs(
    prevail: float, utility_lost: float, cost: float
) -> None:
    assert force_value(prevail, utility_lost, cost) < 1.0


def test_talks_value_discounts_untrusted_settlements_toward_the_status_quo() -> None:
    ideal, salience = np.array([100.0]), np.array([1.0])
    trusted = talks_value(np.array([100.0]), np.array([1.0]), np.array([0.0]), ideal, salience)
    mistrusted = talks_value(np.array([100.0]), np.array([0.25]), np.array([0.0]), ideal, salience)
    assert trusted == 1.0
    assert mistrusted == 0.25


@given(st.floats(-1, 1), st.floats(0.001, 1))
def test_logit_choice_is_a_probability_increasing_in_the_advantage(
    advantage: float, scale_: float
) -> None:
    p = choice_probability(advantage, scale_)
    assert 0.0 <= p <= 1.0
    assert choice_probability(advantage + 0.1, scale_) >= p


def test_strict_choice_takes_only_a_positive_advantage() -> None:
    assert choice_probability(0.01, 0.0) == 1.0
    assert choice_probability(0.0, 0.0) == 0.0


@given(st.floats(0, 1), st.floats(0.1, 5))
def test_smallest_sufficient_step_is_the_least_step_reaching_the_target(
    target: float, power: float
) -> None:
    step = smallest_sufficient_step(lambda t: t**power, target)
    assert step is not None
    assert step**power >= target
    assert step == 0.0 or max(step - 1e-5, 0.0) ** power < target


def test_smallest_sufficient_step_is_none_when_even_everything_falls_short() -> None:
    assert smallest_sufficient_step(lambda t: t / 2, 0.9) is None


def test_an_actor_to_whom_nothing_matters_values_talks_and_any_package_as_its_ideal() -> None:
    nothing = np.array([0.0, 0.0])
    far, ideal = np.array([100.0, 100.0]), np.array([0.0, 0.0])
    assert package_utility(far, ideal, nothing) == 1.0
    assert talks_value(far, np.array([1.0, 1.0]), far, ideal, nothing) == 1.0
