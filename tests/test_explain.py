from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from golden import check_golden
from typer.testing import CliRunner

from sim.analysis.drivers import explain_outcome
from sim.analysis.montecarlo import simulate, simulate_run
from sim.analysis.story import EntryKind, RunStory, explain_run
from sim.cli import app
from sim.engine.outcomes import classify, outcome_rules
from sim.engine.record import Reason
from sim.engine.sampling import compile_scenario
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario
from sim.vocabulary import FORM_NAMES

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parent / "testdata" / "test_explain"


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
    results = simulate(scenario, runs=runs, seed=5, workers=1)
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
    results = simulate(scenario, runs=6, seed=2, workers=1)
    rungs = [r.id for r in scenario.escalation.ladder] if scenario.escalation else []
    for k in range(6):
        result = runner.invoke(app, ["explain", str(flagship_path), "--run", str(k), "--seed", "2"])
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
    output = runner.invoke(app, args).output
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
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    _, drivers = explain_outcome(load_scenario(tiny_path), "toll-deal", runs=200, top=5)
    assert "runs with “Toll agreed” (toll-deal)" in result.output
    for rank, driver in enumerate(drivers, 1):
        assert any(
            line.split()[:1] == [str(rank)] and driver.feature in line
            for line in result.output.splitlines()
        )
    reading = result.output.rstrip().splitlines()[-1]
    assert drivers[0].feature in reading
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


def test_a_meeting_counts_only_in_runs_that_lasted_until_it(flagship_path: Path) -> None:
    scenario = load_scenario(flagship_path)
    _, drivers = explain_outcome(scenario, "war", runs=150, seed=0, top=1000)
    feature = "agreement on enlargement blocked at madrid-summit"
    driver = next(d for d in drivers if d.feature == feature)
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    madrid = arrays.venue_ids.index("madrid-summit")
    issue = arrays.issue_ids.index("enlargement")
    war: list[bool] = []
    other: list[bool] = []
    for run in range(150):
        _, record = simulate_run(arrays, 0, run)
        if record.end_day < arrays.venue_day[madrid]:
            continue
        blocked = any(
            b.venue == madrid and b.issue == issue and b.reason is not Reason.NOT_CONVERGED
            for b in record.blocked
        )
        hit = rules.primary_ids[classify(record, rules)[1]] == "war"
        (war if hit else other).append(blocked)
    assert driver.with_outcome == pytest.approx(sum(war) / len(war))
    assert driver.without_outcome == pytest.approx(sum(other) / len(other))
