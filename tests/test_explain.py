from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import yaml
from golden import check_golden
from typer.testing import CliRunner
from uncertain_tiny import tiny_data

from sim.analysis.drivers import explain_outcome
from sim.analysis.montecarlo import simulate, simulate_run
from sim.analysis.story import EntryKind, RunStory, explain_run
from sim.cli import app
from sim.engine.outcomes import classify, outcome_rules
from sim.engine.sampling import compile_scenario, draw_names
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario, scenario_from_data
from sim.vocabulary import FORM_NAMES

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parent / "testdata" / "test_explain"
WIDE = {"COLUMNS": "200"}
"""A terminal wide enough that no entry wraps, for tests that read one entry per line."""


def _satisfied(ids: tuple[str, ...], flags: npt.NDArray[np.bool_]) -> list[str]:
    return [o for o, hit in zip(ids, flags, strict=True) if hit]


def _story_with_agreement_and_escalation(scenario: Scenario, seed: int) -> RunStory:
    for run in range(60):
        story = explain_run(scenario, run, seed)
        if story.record.escalation and story.record.agreement_count:
            return story
    raise AssertionError("no run among the first 60 both agrees and escalates")


@pytest.mark.parametrize(("fixture", "runs"), [("tiny_path", 40), ("flagship_path", 16)])
def test_explain_run_reports_the_outcomes_and_peak_that_simulate_recorded(
    fixture: str, runs: int, request: pytest.FixtureRequest
) -> None:
    scenario = load_scenario(request.getfixturevalue(fixture))
    results = simulate(scenario, runs=runs, seed=5, workers=1, keep_runs=True)
    rungs = [r.id for r in scenario.escalation.ladder] if scenario.escalation else ["-"]
    for k in range(runs):
        story = explain_run(scenario, k, seed=5)
        expected = tuple(
            o for o, hit in zip(results.outcome_ids, results.table.outcomes[k], strict=True) if hit
        )
        assert story.outcomes == expected
        assert story.peak_rung == rungs[results.table.peak_level[k]]
        assert story.primary == results.primary_ids[results.table.primary[k]]


def test_explain_run_cli_prints_the_same_outcomes_and_peak_as_simulate(
    flagship_path: Path,
) -> None:
    scenario = load_scenario(flagship_path)
    results = simulate(scenario, runs=6, seed=2, workers=1, keep_runs=True)
    rungs = [r.id for r in scenario.escalation.ladder] if scenario.escalation else []
    for k in range(6):
        args = ["explain", str(flagship_path), "--run", str(k), "--seed", "2"]
        result = runner.invoke(app, args, env=WIDE)
        assert result.exit_code == 0, result.output
        satisfied = [
            o for o, hit in zip(results.outcome_ids, results.table.outcomes[k], strict=True) if hit
        ]
        line = next(x for x in result.output.splitlines() if x.startswith("outcomes satisfied:"))
        assert re.findall(r"(?:: |, )([a-z0-9-]+) \(", line) == satisfied
        assert line.endswith(": none") == (not satisfied)
        assert f"peak {rungs[results.table.peak_level[k]]} (" in result.output


def test_the_timeline_tells_every_agreement_and_escalation_step(flagship_path: Path) -> None:
    story = _story_with_agreement_and_escalation(load_scenario(flagship_path), seed=0)
    kinds = [entry.kind for entry in story.timeline]
    steps = kinds.count(EntryKind.ESCALATION) + kinds.count(EntryKind.DE_ESCALATION)
    assert steps == len(story.record.escalation)
    assert kinds.count(EntryKind.AGREEMENT) == story.record.agreement_count
    assert kinds.count(EntryKind.PROPOSAL) == len(story.record.events)
    assert kinds.count(EntryKind.BLOCKED) == len(story.record.blocked)
    assert kinds.count(EntryKind.SHOCK) == len(story.record.shocks)


def test_the_cli_timeline_mentions_every_agreement_and_escalation_step(
    flagship_path: Path,
) -> None:
    scenario = load_scenario(flagship_path)
    story = _story_with_agreement_and_escalation(scenario, seed=0)
    args = ["explain", str(flagship_path), "--run", str(story.run_index)]
    output = runner.invoke(app, args, env=WIDE).output
    for g in story.record.agreements:
        if g is not None:
            issue = scenario.issues[g.issue].id
            assert f"AGREEMENT on {issue} ({FORM_NAMES[g.form]}) at {g.position:.1f}" in output
    rungs = [r.id for r in scenario.escalation.ladder] if scenario.escalation else []
    told = [line for line in output.splitlines() if "ESCALATION: " in line]
    assert len(told) == len(story.record.escalation)
    for line, step in zip(told, story.record.escalation, strict=True):
        assert f" to {rungs[step.level]} (" in line
        assert f"talks worth {step.talks_value:.3f}" in line


def test_the_timeline_runs_in_time_order(flagship_path: Path) -> None:
    story = explain_run(load_scenario(flagship_path), 3, seed=1)
    days = [entry.day for entry in story.timeline]
    assert days == sorted(days)


def test_the_story_of_a_tiny_run_reads_as_recorded(tiny_path: Path, update_golden: bool) -> None:
    result = runner.invoke(app, ["explain", str(tiny_path), "--run", "3"])
    assert result.exit_code == 0, result.output
    check_golden(GOLDEN / "tiny-run-3.txt", result.output, update_golden)


def test_drivers_are_ranked_and_each_interval_contains_its_difference(flagship_path: Path) -> None:
    count, drivers = explain_outcome(load_scenario(flagship_path), "agreement", 120, 0, top=15)
    assert 0 < count < 120
    assert len(drivers) == 15
    ranks = [abs(d.standardised) for d in drivers]
    assert ranks == sorted(ranks, reverse=True)
    for d in drivers:
        assert d.low <= d.difference <= d.high
        assert d.difference == pytest.approx(d.with_outcome - d.without_outcome)


def test_the_outcome_count_is_the_one_simulate_reports(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    results = simulate(scenario, runs=150, seed=7, workers=1)
    for outcome in ("toll-deal", "agreement"):
        count, _ = explain_outcome(scenario, outcome, runs=150, seed=7)
        assert count == results.count(outcome)


def test_explain_outcome_prints_a_ranked_table_and_reads_the_top_driver(tiny_path: Path) -> None:
    args = ["explain", str(tiny_path), "--outcome", "toll-deal", "--runs", "200", "--top", "5"]
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 0, result.output
    _, drivers = explain_outcome(load_scenario(tiny_path), "toll-deal", runs=200, top=5)
    assert "runs with “Toll agreed” (toll-deal)" in result.output
    for rank, driver in enumerate(drivers, 1):
        assert any(
            line.split()[:1] == [str(rank)] and driver.feature in line
            for line in result.output.splitlines()
        )
    before, hint = " ".join(result.output.split()).rsplit(" e.g. runs ", 1)
    reading, hint = before.rsplit(". ", 1)[-1], "e.g. runs " + hint
    assert drivers[0].feature in reading
    first = drivers[0].examples[0]
    assert hint.startswith(f"e.g. runs {first}, ") and f"--run {first} --seed 0" in hint
    assert "95 % interval" in reading


def test_an_unknown_outcome_is_refused_with_the_known_ids(tiny_path: Path) -> None:
    result = runner.invoke(app, ["explain", str(tiny_path), "--outcome", "peace"])
    assert result.exit_code == 2
    assert "unknown outcome 'peace'" in result.output
    assert "toll-deal, high-dam, fighting, war, agreement, stalemate" in result.output
    with pytest.raises(SimulationError):
        explain_outcome(load_scenario(tiny_path), "peace", runs=10)


@pytest.mark.parametrize("flags", [[], ["--run", "1", "--outcome", "war"]], ids=["neither", "both"])
def test_explain_needs_exactly_one_of_run_and_outcome(tiny_path: Path, flags: list[str]) -> None:
    result = runner.invoke(app, ["explain", str(tiny_path), *flags])
    assert result.exit_code == 2
    assert "exactly one of --run K" in result.output
    assert "Traceback" not in result.output


def test_a_bad_scenario_exits_2_with_a_located_error(tiny_path: Path, tmp_path: Path) -> None:
    shutil.copy(tiny_path.parent / "source.txt", tmp_path / "source.txt")
    bad = tmp_path / "tiny.yaml"
    bad.write_text(tiny_path.read_text().replace("salience: 0.8", "salience: 8"))
    result = runner.invoke(app, ["explain", str(bad), "--run", "0"])
    assert result.exit_code == 2
    assert "tiny.yaml:40:9: actors.0.stances.toll.salience" in result.output
    assert "Traceback" not in result.output


def test_explain_outcome_ranks_the_runs_inputs_only_never_what_happened_in_them(
    flagship_path: Path,
) -> None:
    scenario = load_scenario(flagship_path)
    _, drivers = explain_outcome(scenario, "war", runs=150, seed=0, top=1000)
    arrays = compile_scenario(scenario)
    inputs = set(arrays.space.names) | set(draw_names(arrays))
    assert drivers and all(d.input in inputs for d in drivers)
    assert not any("agreement" in d.feature or "blocked" in d.feature for d in drivers)


def test_explain_outcome_never_ranks_an_input_the_outcome_s_condition_names(
    tiny_path: Path,
) -> None:
    data = tiny_data()
    data["outcomes"].append(
        {
            "id": "dry-toll",
            "label": "Drought and a low toll",
            "condition": {
                "all": [
                    {"shock": "drought"},
                    {"position": {"actor": "north", "issue": "toll", "max": 22}},
                ]
            },
        }
    )
    scenario = scenario_from_data(data)
    count, drivers = explain_outcome(scenario, "dry-toll", runs=200, seed=0, top=1000)
    assert 0 < count < 200
    named = {
        "shock.drought.drawn",
        "shock.drought.day",
        "north.toll.position",
        "north.toll.salience",
    }
    assert drivers and not named & {d.input for d in drivers}
    # The same inputs are ranked for an outcome whose condition does not name them.
    _, plain = explain_outcome(scenario, "toll-deal", runs=200, seed=0, top=1000)
    assert "shock.drought.drawn" in {d.input for d in plain}


def test_a_shock_s_day_counts_only_in_runs_where_it_was_drawn(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    _, drivers = explain_outcome(scenario, "toll-deal", runs=200, seed=0, top=1000)
    day = next(d for d in drivers if d.input == "shock.drought.day")
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    days: dict[bool, list[float]] = {True: [], False: []}
    for run in range(200):
        params, record = simulate_run(arrays, 0, run)
        if params.shock_fired[0]:
            days[bool(classify(record, rules)[0][0])].append(float(params.shock_day[0]))
    assert day.with_outcome == pytest.approx(sum(days[True]) / len(days[True]))
    assert day.without_outcome == pytest.approx(sum(days[False]) / len(days[False]))


def test_explain_outcome_says_an_unreachable_outcome_cannot_occur(tmp_path: Path) -> None:
    data = tiny_data()
    data["outcomes"].append(
        {
            "id": "dear-toll",
            "label": "Dear toll",
            "condition": {"agreement": {"issue": "toll", "min": 60}},
        }
    )
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["explain", str(path), "--outcome", "dear-toll"])
    assert result.exit_code == 0, result.output
    assert "“Dear toll” (dear-toll) cannot occur: an agreement on toll at 60 or above" in " ".join(
        result.output.split()
    )
    assert "north (at most 50)" in " ".join(result.output.split())
    assert "Try more runs" not in result.output
