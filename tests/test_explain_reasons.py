"""``explain --run`` says why an issue was not agreed at every venue that had it on the table.

Before, the "no agreement on …, because …" line was missing wherever the participants'
positions were still apart at the last round (the line docs/classroom.md tells students to look
for), and ``--run 5000 --runs 1000`` was accepted silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.analysis.story import EntryKind, explain_run, venue_conduct
from sim.analysis.streams import run_arrays
from sim.cli import app
from sim.engine.record import Basis
from sim.engine.sampling import ScenarioArrays, compile_scenario
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario
from sim.vocabulary import FORM_NAMES

runner = CliRunner()
WIDE = {"COLUMNS": "250"}
"""A terminal wide enough that no entry wraps, for tests that read one entry per line."""


def _unexplained(path: Path, runs: int) -> list[str]:
    """(run, venue, issue) on the table at a venue that met, with neither an agreement there
    nor a reason; an issue agreed elsewhere in a form that settles it is accounted for."""
    scenario = load_scenario(path)
    arrays = compile_scenario(scenario)
    missing = []
    for run in range(runs):
        story = explain_run(scenario, run, seed=0)
        record = story.record
        said = {
            (e.venue, e.text.split(" on ", 1)[1].split()[0].rstrip(":"))
            for e in story.timeline
            if e.kind in (EntryKind.BLOCKED, EntryKind.AGREEMENT)
        }
        for v, venue in enumerate(arrays.venue_ids):
            if arrays.venue_day[v] > record.end_day:
                continue  # the run ended before this meeting
            form = int(arrays.venue_form[v])
            for k in map(int, arrays.venue_table[v].nonzero()[0]):
                issue = arrays.issue_ids[k]
                voided = {g.issue: g for g in record.voided}  # in force until war voided it
                final = record.agreements[k] or voided.get(k)
                settled = final is not None and (
                    (arrays.venue_day[final.venue] < arrays.venue_day[v] and final.form >= form)
                    or (arrays.venue_day[final.venue] > arrays.venue_day[v] and final.form > form)
                )
                if (venue, issue) not in said and not settled:
                    missing.append(f"run {run}: {issue} at {venue}")
    return missing


def test_every_open_issue_at_every_venue_has_an_agreement_or_a_reason(
    tiny_path: Path, flagship_path: Path
) -> None:
    assert _unexplained(tiny_path, 40) == []
    assert _unexplained(flagship_path, 15) == []


def test_positions_still_apart_are_named_as_the_reason(flagship_path: Path, tmp_path: Path) -> None:
    # Without compromise settlements an unconverged last round ends with no agreement.
    variant = tmp_path / "no-compromise.yaml"
    variant.write_text(
        f"extends: {flagship_path.resolve()}\n"
        "scenario: {id: no-compromise, title: Without compromise settlements}\n"
        "model: {compromise: false}\n"
    )
    scenario = load_scenario(variant)
    texts = [
        e.text
        for run in range(10)
        for e in explain_run(scenario, run).timeline
        if e.kind is EntryKind.BLOCKED
    ]
    assert any(
        "positions were still more than 5 points apart after the last round" in t for t in texts
    )


@pytest.mark.parametrize("run", ["1000", "5000"])
def test_a_run_index_outside_the_run_count_is_refused(tiny_path: Path, run: str) -> None:
    result = runner.invoke(app, ["explain", str(tiny_path), "--run", run, "--runs", "1000"])
    assert result.exit_code == 2
    assert f"--run {run} is outside the 1,000 runs (0 to 999)" in result.output


VARIANTS = Path(__file__).resolve().parent.parent / "scenarios" / "variants"
FORM_REFUSAL = re.compile(
    r"(\S+) counts only (\S+) agreements(?: on (\S+))? or stronger; "
    r"(?:this meeting's|the agreement's) form is (\w+)"
)
LINE_REFUSAL = re.compile(
    r"the text on (\S+) lies outside (\S+)'s red line"
    r"|the text lies outside (\S+)'s red line on at least one of (.+)$"
)


def _refusals(
    scenario: Scenario, pattern: re.Pattern[str], runs: int = 8
) -> Iterator[tuple[ScenarioArrays, str, re.Match[str]]]:
    """(the run's arrays, the entry's text, the match) of blocked entries *pattern* finds."""
    for run in range(runs):
        arrays = run_arrays(compile_scenario(scenario), 0, run)
        for e in explain_run(scenario, run).timeline:
            if e.kind is EntryKind.BLOCKED and (found := pattern.search(e.text)) is not None:
                yield arrays, e.text, found


@pytest.mark.parametrize("scenario_path", [VARIANTS / "us-moratorium.yaml", None])
def test_a_refused_form_names_the_form_the_refusing_actor_counts_and_on_which_issue(
    scenario_path: Path | None, flagship_path: Path
) -> None:
    # A written reply is rejected as a whole for the first issue whose form the recipient does
    # not count; the other issues of the text carry that reason too. Before, their lines read
    # "russia counts only ? agreements or stronger", looking up a form on an issue without one.
    names = {name: rank for rank, name in enumerate(FORM_NAMES)}
    told = list(_refusals(load_scenario(scenario_path or flagship_path), FORM_REFUSAL))
    assert told
    for arrays, text, found in told:
        actor, wanted, other, held = found.groups()
        issue = other or text.split(" on ", 1)[1].split()[0].rstrip(":")
        a, k = arrays.actor_ids.index(actor), arrays.issue_ids.index(issue)
        assert wanted in names and held in names, text
        assert int(arrays.consent_form[a, k]) == names[wanted] > names[held], text


def test_a_rejected_reply_names_only_issues_the_refusing_actors_red_line_bounds() -> None:
    # Before, each issue of a rejected text read "the text on <issue> lies outside russia's red
    # line", also an issue on which russia has no red line at all.
    told = list(_refusals(load_scenario(VARIANTS / "us-moratorium.yaml"), LINE_REFUSAL))
    assert told
    for arrays, text, found in told:
        one, actor, someone, several = found.groups()
        a = arrays.actor_ids.index(actor or someone)
        for issue in [one] if one else several.split(", "):
            k = arrays.issue_ids.index(issue)
            bounded = arrays.consent_low[a, k] > 0 or arrays.consent_high[a, k] < 100
            assert bounded, f"{issue} is unbounded for {actor or someone}: {text}"


def test_an_agreement_settled_by_compromise_at_the_last_round_says_so(flagship_path: Path) -> None:
    scenario = load_scenario(flagship_path)
    arrays = compile_scenario(scenario)
    compromises = 0
    for run in range(6):
        story = explain_run(scenario, run)
        r = story.record
        concluded = [
            *(g for g in r.agreements if g is not None),
            *r.voided,
            *r.rejected,
            *r.pending,
        ]
        by_compromise = sum(g.basis is Basis.COMPROMISE for g in concluded)
        said = [
            e
            for e in story.timeline
            if e.kind is EntryKind.AGREEMENT and "settled by compromise at the last round" in e.text
        ]
        assert len(said) == by_compromise
        for e in said:
            assert e.round == arrays.venue_rounds[arrays.venue_ids.index(e.venue)]
        compromises += by_compromise
    assert compromises > 0


def test_a_reply_venue_is_headed_by_its_kind_and_has_no_rounds(flagship_path: Path) -> None:
    scenario = load_scenario(flagship_path)
    reply = next(v for v in scenario.venues if v.kind == "reply")
    result = runner.invoke(app, ["explain", str(flagship_path), "--run", "0"], env=WIDE)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if f"({reply.id})" in line)
    authors = ", ".join(reply.authors)
    assert lines[at + 1].startswith(
        f"{reply.form.value} · reply (one decision on the text of {authors}) · "
    )
    under = lines[at + 2 : lines.index("", at)]
    assert under, "the reply's decision is told under its heading"
    assert not [line for line in under if line.strip().startswith("round ")]
    assert all(e.round == 0 for e in explain_run(scenario, 0).timeline if e.venue == reply.id)


def test_a_venue_is_told_by_its_rounds_or_as_a_reply(flagship_path: Path) -> None:
    venues = {v.kind: v for v in load_scenario(flagship_path).venues}
    assert venue_conduct(venues["meeting"]) == f"{venues['meeting'].rounds} rounds"
    assert venue_conduct(venues["reply"]).startswith("reply (one decision on the text of ")
    assert venue_conduct(venues["meeting"].model_copy(update={"rounds": 1})) == "1 round"
