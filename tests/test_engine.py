from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import scenarios

from sim.analysis.montecarlo import run_generator, simulate
from sim.engine.record import RunRecord
from sim.engine.run import run_once
from sim.engine.sampling import ScenarioArrays, compile_scenario, sample_parameters
from sim.errors import ScenarioError
from sim.scenario.loader import scenario_from_data

RUNS_PER_SCENARIO = 8


def _runs(data: dict[str, Any], seed: int) -> tuple[ScenarioArrays, list[RunRecord]]:
    arrays = compile_scenario(scenario_from_data(data))
    records = []
    for index in range(RUNS_PER_SCENARIO):
        rng = run_generator(seed, index)
        records.append(run_once(arrays, sample_parameters(arrays, rng), rng, index))
    return arrays, records


@settings(max_examples=40, deadline=None)
@given(scenarios(complete_information=True), st.integers(0, 2**32 - 1))
def test_complete_information_and_positive_costs_never_reach_war(
    data: dict[str, Any], seed: int
) -> None:
    arrays, records = _runs(data, seed)
    top = len(arrays.rung_ids) - 1
    assert all(record.peak_level < top for record in records)


@settings(max_examples=40, deadline=None)
@given(scenarios(complete_information=True), st.integers(0, 2**32 - 1))
def test_without_private_information_no_actor_climbs_even_one_rung(
    data: dict[str, Any], seed: int
) -> None:
    # A lower rung is a costly signal: when the opponents already know the actor's belief it
    # teaches them nothing, so it is never worth its cost (docs/model.md §4).
    _, records = _runs(data, seed)
    assert all(record.peak_level == 0 and not record.escalation for record in records)


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_positions_stay_on_their_scale_and_inside_red_lines(
    data: dict[str, Any], seed: int
) -> None:
    arrays, records = _runs(data, seed)
    for record in records:
        final = np.array(record.final_positions)
        assert np.all(final >= arrays.red_low - 1e-9)
        assert np.all(final <= arrays.red_high + 1e-9)
        assert np.all((final >= 0) & (final <= 100))


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_no_agreement_lies_outside_a_consenting_actors_red_line(
    data: dict[str, Any], seed: int
) -> None:
    arrays, records = _runs(data, seed)
    for record in records:
        for agreement in record.agreements:
            if agreement is None:
                continue
            k = agreement.issue
            consenting = arrays.venue_participants[agreement.venue] | arrays.veto[:, k]
            assert np.all(arrays.red_low[consenting, k] <= agreement.position + 1e-9)
            assert np.all(arrays.red_high[consenting, k] >= agreement.position - 1e-9)
            assert np.all(arrays.red_form[consenting, k] <= agreement.form)


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_a_vetoed_issue_is_agreed_only_where_the_veto_holder_sits_or_after_it_ratified(
    data: dict[str, Any], seed: int
) -> None:
    # Putnam's two-level game (docs/model.md §3): an agreement concluded without a veto holder
    # is in force only once that holder has ratified it.
    arrays, records = _runs(data, seed)
    for record in records:
        ratified = {k for k, _ in record.ratified}
        for agreement in record.agreements:
            if agreement is None:
                continue
            holders = arrays.veto[:, agreement.issue]
            present = np.all(arrays.venue_participants[agreement.venue][holders])
            assert present or agreement.issue in ratified


@settings(max_examples=25, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_runs_end_by_the_horizon_and_on_the_ladder(data: dict[str, Any], seed: int) -> None:
    arrays, records = _runs(data, seed)
    for record in records:
        assert 0 <= record.peak_level <= len(arrays.rung_ids) - 1
        assert record.end_day <= arrays.horizon_day + 1e-9


def test_the_same_generator_gives_the_same_run(tiny_path: Any) -> None:
    from sim.scenario.loader import load_scenario

    arrays = compile_scenario(load_scenario(tiny_path))
    first, second = run_generator(5, 3), run_generator(5, 3)
    a = run_once(arrays, sample_parameters(arrays, first), first, 3)
    b = run_once(arrays, sample_parameters(arrays, second), second, 3)
    assert a == b


def test_shocks_fire_on_their_sampled_day(tiny_path: Any) -> None:
    from sim.scenario.loader import load_scenario

    arrays = compile_scenario(load_scenario(tiny_path))
    for index in range(20):
        rng = run_generator(11, index)
        params = sample_parameters(arrays, rng)
        record = run_once(arrays, params, rng, index)
        fired = dict(record.shocks)
        for shock in np.flatnonzero(params.shock_fired):
            if params.shock_day[shock] <= record.end_day:
                assert fired[int(shock)] == params.shock_day[shock]
        assert set(fired) <= set(np.flatnonzero(params.shock_fired).tolist())


def _tiny_starting_on(tmp_path: Path, tiny_path: Path, start: str) -> Path:
    text = tiny_path.read_text(encoding="utf-8")
    start_line = f"  start: {{rung: {start}, assumption: The crisis is already under way.}}\n"
    text = text.replace("  options:\n", start_line + "  options:\n", 1)
    shutil.copy(tiny_path.parent / "source.txt", tmp_path / "source.txt")
    path = tmp_path / "started.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_run_starts_on_the_scenarios_start_rung(tmp_path: Path, tiny_path: Path) -> None:
    from sim.scenario.loader import load_scenario

    path = _tiny_starting_on(tmp_path, tiny_path, "threats")
    results = simulate(load_scenario(path), runs=60, seed=4, keep_runs=True)
    assert (results.table.level_by_week[:, 0] == 1).all()
    assert (results.table.peak_level >= 1).all()


def test_a_run_can_descend_below_its_start_rung(tmp_path: Path, tiny_path: Path) -> None:
    from sim.scenario.loader import load_scenario

    path = _tiny_starting_on(tmp_path, tiny_path, "blockade")
    results = simulate(load_scenario(path), runs=200, seed=4, keep_runs=True)
    assert (results.table.final_level < 2).any()


def test_a_start_on_an_unknown_or_top_rung_is_refused(tmp_path: Path, tiny_path: Path) -> None:
    from sim.scenario.loader import load_scenario

    for rung, message in (("siege", "unknown rung 'siege'"), ("war", "cannot start on the top")):
        with pytest.raises(ScenarioError, match=message):
            load_scenario(_tiny_starting_on(tmp_path, tiny_path, rung))
