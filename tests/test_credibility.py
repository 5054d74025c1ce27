from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from uncertain_tiny import tiny_data

from sim.analysis.montecarlo import simulate
from sim.analysis.streams import inputs_generator, run_generator
from sim.engine.inputs import draw_inputs
from sim.engine.policy import ModelPolicy, ProposalView
from sim.engine.run import run_once
from sim.engine.sampling import apply_inputs, compile_scenario, sample_parameters
from sim.errors import ScenarioError
from sim.scenario.loader import scenario_from_data

STATED_MIN = 60.0
FALLBACK_MIN = 20.0


def _toll_bluff(credibility: float) -> dict[str, Any]:
    """South states it needs a toll of 60 or more; North will not go above 50."""
    data = tiny_data()
    data["actors"][0]["stances"]["toll"]["position"] = 45
    toll = data["actors"][1]["stances"]["toll"]
    toll["position"] = 62
    toll["red_line"] = {"min": STATED_MIN, "assumption": "test", "credibility": credibility}
    if credibility < 1:
        toll["red_line"]["fallback"] = {"min": FALLBACK_MIN, "assumption": "test"}
    data["model"] = {"convergence": 15}
    return data


class _Recorder(ModelPolicy):
    """The model's own answers, keeping every proposal view South sees on the toll."""

    def __init__(self) -> None:
        self.views: list[ProposalView] = []

    def respond(self, view: ProposalView) -> float:
        if view.target == 1 and view.issue == 0:
            self.views.append(view)
        return super().respond(view)


def _runs(credibility: float, runs: int = 200) -> tuple[list[float | None], list[ProposalView]]:
    arrays = compile_scenario(scenario_from_data(_toll_bluff(credibility)))
    tolls: list[float | None] = []
    recorder = _Recorder()
    for k in range(runs):
        run_arrays = arrays
        if arrays.space.factors:
            run_arrays = apply_inputs(arrays, draw_inputs(arrays.space, inputs_generator(1, k)))
        rng = run_generator(1, k)
        record = run_once(run_arrays, sample_parameters(run_arrays, rng), rng, k, recorder)
        toll = record.agreements[0]
        tolls.append(None if toll is None else toll.position)
    return tolls, recorder.views


def test_a_credible_red_line_that_leaves_no_common_point_blocks_every_agreement() -> None:
    tolls, _ = _runs(1.0)
    assert all(t is None for t in tolls)


def test_a_bluffed_red_line_lets_consent_follow_the_fallback_while_offers_see_the_stated_one() -> (
    None
):
    tolls, views = _runs(0.0)
    agreed = [t for t in tolls if t is not None]
    assert agreed, "with the bluff South consents below its stated line"
    assert all(FALLBACK_MIN <= t <= 50.0 for t in agreed)
    assert max(agreed) < STATED_MIN
    assert views and all(v.red_low == STATED_MIN for v in views)


def test_the_reality_of_a_red_line_is_drawn_per_run_with_its_credibility() -> None:
    results = simulate(
        scenario_from_data(_toll_bluff(0.3)), runs=400, seed=2, input_points=0, keep_runs=True
    )
    column = results.input_names.index("redline.south.toll.real")
    real = results.table.inputs[:, column]
    assert set(np.unique(real)) <= {0.0, 1.0}
    assert real.mean() == pytest.approx(0.3, abs=0.07)
    agreed = ~np.isnan(results.table.agreement_position[:, 0])
    assert agreed.any() and not (agreed & (real == 1.0)).any()


def test_a_red_line_below_full_credibility_needs_a_fallback_that_contains_it() -> None:
    data = _toll_bluff(0.5)
    data["actors"][1]["stances"]["toll"]["red_line"].pop("fallback")
    with pytest.raises(ScenarioError, match="needs a `fallback`"):
        scenario_from_data(data)
    data = _toll_bluff(0.5)
    data["actors"][1]["stances"]["toll"]["red_line"]["fallback"]["min"] = 70
    with pytest.raises(ScenarioError, match="must contain the stated line"):
        scenario_from_data(data)
