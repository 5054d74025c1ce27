from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from certainty import certain
from uncertain_tiny import TINY, tiny_data, uncertain

from sim.analysis.montecarlo import simulate
from sim.analysis.streams import run_generator, simulate_run
from sim.engine.run import run_once
from sim.engine.sampling import compile_scenario, sample_parameters
from sim.scenario.loader import load_scenario, scenario_from_data

DATA = Path(__file__).resolve().parent / "testdata" / "test_streams"
FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios" / "geneva-2022.yaml"


@pytest.mark.parametrize(
    ("path", "golden"),
    [(TINY, "tiny-300-runs.csv"), (FLAGSHIP, "geneva-2022-certain-300-runs.csv")],
)
def test_certain_inputs_give_the_runs_the_engine_gave_before_inputs_could_be_uncertain(
    path: Path, golden: str
) -> None:
    # The golden files were written by the engine before this change (commit 197e135).
    before = (DATA / golden).read_text(encoding="utf-8").splitlines()
    now = (
        simulate(certain(load_scenario(path)), runs=300, seed=7, keep_runs=True)
        .to_csv()
        .splitlines()
    )
    width = len(before[0].split(","))
    assert [",".join(line.split(",")[:width]) for line in now] == before


def test_a_run_without_uncertain_inputs_draws_only_from_its_own_stream() -> None:
    scenario = scenario_from_data(tiny_data())
    arrays = compile_scenario(scenario)
    for index in range(20):
        rng = run_generator(5, index)
        plain = run_once(arrays, sample_parameters(arrays, rng), rng, index)
        assert simulate_run(arrays, 5, index)[1] == plain


STATED = [
    ("north.capability", 0.5),
    ("south.trust.written", 0.7),
    ("south.prevail", 0.4),
    ("south.costs.blockade", 0.1),
    ("response.embargo.cost", 0.1),
    ("shock.drought.probability", 0.5),
    ("shock.drought.salience.south.dam", 0.1),
    ("model.convergence", 5.0),
    ("model.trust.binding", 0.9),
]


def test_inputs_drawn_at_their_stated_values_leave_every_run_as_it_was() -> None:
    # The inputs come from a separate stream: drawing them does not move the run's own draws.
    plain = scenario_from_data(tiny_data())
    data = tiny_data()
    data["uncertainties"] = [uncertain(path, value, value) for path, value in STATED]
    pinned = scenario_from_data(data)
    a, b = compile_scenario(plain), compile_scenario(pinned)
    for index in range(30):
        first, second = simulate_run(a, 3, index)[1], simulate_run(b, 3, index)[1]
        assert second.inputs == tuple(value for _, value in STATED)
        assert dataclasses.replace(second, inputs=()) == first


def test_each_run_records_its_own_draw_of_the_inputs() -> None:
    data = tiny_data()
    data["uncertainties"] = [uncertain("south.prevail", 0.2, 0.6)]
    arrays = compile_scenario(scenario_from_data(data))
    values = [simulate_run(arrays, 3, index)[1].inputs[0] for index in range(200)]
    assert len(set(values)) == 200
    assert min(values) >= 0.2 and max(values) <= 0.6
    assert np.mean(values) == pytest.approx(0.4, abs=0.03)
    assert simulate_run(arrays, 3, 17)[1].inputs[0] == values[17]


def test_an_uncertain_belief_of_prevailing_is_the_belief_the_runs_escalate_on() -> None:
    low, high = tiny_data(), tiny_data()
    low["uncertainties"] = [uncertain("south.prevail", 0.05, 0.1)]
    high["uncertainties"] = [uncertain("south.prevail", 0.9, 0.95)]
    peaks = [
        simulate(
            scenario_from_data(d), runs=300, seed=1, input_points=0, keep_runs=True
        ).table.peak_level.mean()
        for d in (low, high)
    ]
    assert peaks[0] < peaks[1]
