"""The batched engine: a run is the same whatever batch, chunk, worker count it is simulated in."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import scenarios
from uncertain_tiny import tiny_data, uncertain

from sim.analysis.montecarlo import simulate
from sim.analysis.streams import run_generator, simulate_run, simulate_runs
from sim.engine.policy import (
    Demand,
    DemandView,
    EscalationChoice,
    EscalationView,
    ModelPolicy,
    ProposalView,
)
from sim.engine.run import run_batch, run_once
from sim.engine.sampling import FloatArray, compile_scenario, sample_parameters
from sim.engine.valuation import Valuation
from sim.model.bargaining import issue_utility, smallest_sufficient_step
from sim.scenario.loader import load_scenario, scenario_from_data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios())
def test_every_run_of_a_batch_is_the_run_it_would_be_alone(data: dict[str, Any]) -> None:
    arrays = compile_scenario(scenario_from_data(data))
    together = simulate_runs(arrays, 5, range(3, 11))
    for index, (params, record) in zip(range(3, 11), together, strict=True):
        alone_params, alone = simulate_run(arrays, 5, index)
        assert record == alone
        assert params.position.tolist() == alone_params.position.tolist()


class AskedModel(ModelPolicy):
    """The model's answers, given through the policy hooks (as a player's policy is asked)."""

    def __init__(self) -> None:
        self.asked = 0

    def propose(self, view: DemandView) -> tuple[Demand, ...]:
        self.asked += 1
        return view.model

    def respond(self, view: ProposalView) -> float:
        self.asked += 1
        return view.model_answer

    def escalate(self, view: EscalationView) -> EscalationChoice:
        self.asked += 1
        return view.model_choice


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios())
def test_a_policy_asked_at_every_decision_that_answers_as_the_model_gives_the_model_s_runs(
    data: dict[str, Any],
) -> None:
    # The model policy is not asked (the engine takes the model's answers directly); a policy
    # that is asked and answers the same must give the same runs.
    arrays = compile_scenario(scenario_from_data(data))
    policy = AskedModel()
    for index in range(4):
        rng = run_generator(9, index)
        params = sample_parameters(arrays, rng)
        asked = run_once(arrays, params, rng, index, policy)
        assert asked == simulate_run(arrays, 9, index)[1]
    assert policy.asked > 0


def test_runs_with_different_uncertain_inputs_share_a_batch() -> None:
    data = tiny_data()
    data["uncertainties"] = [
        uncertain("north.capability", 0.2, 0.9),
        uncertain("model.logit_scale", 0.0, 0.3),
        uncertain("model.signal_learning", 0.0, 1.0),
    ]
    arrays = compile_scenario(scenario_from_data(data))
    together = simulate_runs(arrays, 2, range(40))
    assert len({record.inputs for _, record in together}) == 40
    for index, (_, record) in enumerate(together):
        assert record == simulate_run(arrays, 2, index)[1]


def test_a_batch_refuses_runs_on_different_calendars() -> None:
    data = tiny_data()
    later = tiny_data()
    later["venues"][0]["date"] = later["venues"][1]["date"]
    first, second = (compile_scenario(scenario_from_data(d)) for d in (data, later))
    params = [simulate_run(first, 0, 0)[0], simulate_run(second, 0, 0)[0]]
    with pytest.raises(ValueError, match="venue_day"):
        run_batch([first, second], params, [None, None], [0, 1])  # type: ignore[list-item]


def _export(scenario_path: Path, runs: int, **options: Any) -> str:
    stream = io.StringIO()
    simulate(load_scenario(scenario_path), runs=runs, seed=11, export=stream, **options)
    return stream.getvalue()


@pytest.mark.parametrize("chunk_size", [1, 7])
def test_the_flagship_export_is_the_same_for_every_batch_size(
    flagship_path: Path, chunk_size: int
) -> None:
    default = _export(flagship_path, 30, workers=1)
    assert _export(flagship_path, 30, workers=1, chunk_size=chunk_size) == default


@pytest.mark.parametrize("workers", [2, 4])
def test_the_export_is_the_same_for_every_worker_count_and_batch_size(
    tiny_path: Path, workers: int
) -> None:
    default = _export(tiny_path, 90, workers=1)
    assert _export(tiny_path, 90, workers=workers, chunk_size=7) == default
    assert _export(tiny_path, 90, workers=workers) == default


def test_the_reviews_search_finds_the_step_the_scalar_search_finds() -> None:
    # The reviews search every run's smallest sufficient concession at once; run by run it must
    # be exactly bargaining.smallest_sufficient_step on that run's talks.
    rng = np.random.default_rng(3)
    runs, issues = 60, 4

    def grid(low: float, high: float) -> FloatArray:
        return rng.uniform(low, high, (runs, issues))

    trust, ideal, salience = grid(0, 1), grid(0, 100), grid(0, 1)
    status_quo = rng.uniform(0, 100, issues)
    value = Valuation(
        expected=grid(0, 100),
        trust=trust,
        target=ideal,
        low=np.zeros((runs, issues)),
        high=np.full((runs, issues), 100.0),
        ideal=ideal,
        salience=salience,
        total=salience.sum(axis=1),
        reverted=(1.0 - trust) * issue_utility(status_quo, ideal),
        if_lost=issue_utility(grid(0, 100), ideal),
        negotiated=grid(0, 1),
        stakes=np.array([True, True, False, False]),
        share=rng.uniform(0.2, 1, runs),
        rung_costs=np.sort(rng.uniform(0, 0.3, (runs, 4)), axis=1),
    )
    belief = rng.uniform(0, 1, runs)
    talks, step = value.at(belief)
    goal = value.war(belief)
    searched = 0
    for run in range(runs):
        alone = value.of_runs(np.array([run]))

        def at(t: float, alone: Valuation = alone) -> float:
            return float(alone.talks(np.array([t]))[0])

        expected = smallest_sufficient_step(at, float(goal[run])) or 0.0
        assert step[run] == expected
        assert talks[run] == at(expected)
        searched += 0.0 < expected < 1.0
    assert searched > 0
