"""The compiled round the engine uses is the reference model's round under the engine's reading."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import eu_actors

from sim.engine.venue_round import SPAN, engine_config, propose
from sim.model.eu_kernel import NO_MOVE, engine_round, engine_rounds
from sim.model.expected_utility import KINDS, choose_offers, round_offers


def _reference(
    position: list[float], capability: list[float], salience: list[float], q: float
) -> list[tuple[int, int, int, float, float]]:
    x, c, s = np.array(position), np.array(capability), np.array(salience)
    if float(np.ptp(x)) <= 0.0:
        return []
    config = engine_config(q)
    offers = round_offers(x, c, s, config, span=SPAN)
    chosen = [o for o in choose_offers(offers, len(x), config) if o is not None]
    return [(o.mover, o.counterpart, KINDS.index(o.kind), o.end, o.a) for o in chosen]


@settings(max_examples=300, deadline=None)
@given(actors=eu_actors(), q=st.sampled_from([1.0, 0.5, 0.0]))
def test_compiled_round_chooses_the_reference_models_moves(
    actors: tuple[list[float], list[float], list[float]], q: float
) -> None:
    position, capability, salience = actors
    kind, counterpart, end, resist = engine_round(
        np.array(position)[:, None], np.array(capability), np.array(salience)[:, None], q, SPAN
    )
    got = [
        (i, int(counterpart[i, 0]), int(kind[i, 0]), float(end[i, 0]), float(resist[i, 0]))
        for i in range(len(position))
        if kind[i, 0] != NO_MOVE
    ]
    expected = _reference(position, capability, salience, q)
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    np.testing.assert_allclose([g[3:] for g in got], [e[3:] for e in expected], atol=1e-9)


def test_issues_of_one_round_are_independent_columns() -> None:
    rng = np.random.default_rng(5)
    position, salience = rng.uniform(0, 100, (4, 3)), rng.uniform(0, 1, (4, 3))
    capability = rng.uniform(0.1, 1, 4)
    together = engine_round(position, capability, salience, 1.0, SPAN)
    for k in range(3):
        alone = engine_round(position[:, [k]], capability, salience[:, [k]], 1.0, SPAN)
        for whole, column in zip(together, alone, strict=True):
            np.testing.assert_array_equal(whole[:, k], column[:, 0])


def test_runs_of_one_call_are_independent() -> None:
    rng = np.random.default_rng(8)
    position, salience = rng.uniform(0, 100, (6, 4, 3)), rng.uniform(0, 1, (6, 4, 3))
    capability, q = rng.uniform(0.1, 1, (6, 4)), np.array([1.0, 0.5, 0.0, 0.9, 0.2, 1.0])
    together = engine_rounds(position, capability, salience, q, SPAN)
    for run in range(6):
        alone = engine_round(position[run], capability[run], salience[run], float(q[run]), SPAN)
        for whole, own in zip(together, alone, strict=True):
            np.testing.assert_array_equal(whole[run], own)
    assert (together[0] != NO_MOVE).any()


def test_actors_at_one_position_propose_nothing() -> None:
    kind, counterpart, _, _ = engine_round(
        np.full((3, 1), 40.0), np.ones(3), np.full((3, 1), 0.5), 1.0, SPAN
    )
    assert (kind == NO_MOVE).all() and (counterpart == NO_MOVE).all()


def test_proposals_come_issue_by_issue_then_target_by_target() -> None:
    rng = np.random.default_rng(11)
    position, salience = rng.uniform(0, 100, (5, 4)), rng.uniform(0, 1, (5, 4))
    proposals = propose(position, rng.uniform(0.1, 1, 5), salience, 1.0)
    order = [(p.column, p.target) for p in proposals]
    assert order == sorted(order) and len(order) > 0
