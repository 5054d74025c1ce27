from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.report.condition_text import condition_text
from sim.report.handout import render_handout
from sim.scenario.loader import load_scenario

runner = CliRunner()


def _values(node: Any, key: str) -> Iterator[str]:
    """Every string under *key* anywhere in a dumped scenario."""
    if isinstance(node, dict):
        for k, value in node.items():
            if k == key and isinstance(value, str):
                yield value
            yield from _values(value, key)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _values(item, key)


@pytest.fixture
def workdir(tmp_path: Path, tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(tiny_path, tmp_path / "tiny.yaml")
    shutil.copy(tiny_path.parent / "source.txt", tmp_path / "source.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_handout_holds_every_cited_quote_as_written(flagship_path: Path) -> None:
    scenario = load_scenario(flagship_path)
    page = render_handout(scenario)
    quotes = set(_values(scenario.model_dump(by_alias=True), "quote"))
    assert len(quotes) > 50
    missing = [q for q in quotes if html.escape(q) not in page]
    assert missing == []


def test_the_handout_holds_every_assumption_note(flagship_path: Path) -> None:
    scenario = load_scenario(flagship_path)
    page = render_handout(scenario)
    notes = list(_values(scenario.model_dump(by_alias=True), "assumption"))
    assert len(notes) > 30
    assert [n for n in notes if html.escape(n) not in page] == []


@pytest.mark.parametrize("fixture", ["tiny_path", "flagship_path"])
def test_the_handout_names_every_actor_issue_venue_outcome_and_source(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    s = load_scenario(request.getfixturevalue(fixture))
    page = render_handout(s)
    texts = [a.id for a in s.actors] + [a.name for a in s.actors]
    texts += [i.id for i in s.issues] + [i.name for i in s.issues]
    texts += [w.label for i in s.issues for w in i.waypoints] + [i.low for i in s.issues]
    texts += [v.id for v in s.venues] + [v.name for v in s.venues] + [v.place for v in s.venues]
    texts += [o.id for o in s.outcomes] + [o.label for o in s.outcomes]
    texts += [p.id for p in s.primary] + [p.label for p in s.primary]
    texts += [sh.id for sh in s.shocks] + [sh.description for sh in s.shocks]
    texts += [src.title for src in s.scenario.sources] + [src.id for src in s.scenario.sources]
    assert [t for t in texts if html.escape(t) not in page] == []


def test_every_stance_shows_its_position_salience_and_red_line(tiny_path: Path) -> None:
    page = render_handout(load_scenario(tiny_path))
    assert (
        "<b>South</b> <code>south</code> · position <b>100</b> (Full-height dam) · "
        "salience <b>0.9</b> · red line: <b>accepts 80–100, only in written form or stronger</b>"
    ) in page
    assert "position <b>40</b> (Toll on half the trade) · salience <b>0.5</b> · red line: " in page


def test_conditions_read_in_words(tiny_path: Path) -> None:
    s = load_scenario(tiny_path)
    words = {o.id: condition_text(o.condition, s) for o in s.outcomes}
    assert words["toll-deal"] == "an agreement on “River toll” between 20 and 50, in any form"
    assert words["high-dam"] == (
        "an agreement on “Dam height” at 80 or more, written or binding and escalation stays "
        "below “Blockade”"
    )
    assert words["fighting"] == "escalation peaks at “War” or higher"
    primary = {p.id: condition_text(p.condition, s) for p in s.primary if p.condition}
    assert primary["agreement"] == "agreements on at least 1 issue"


def test_scenario_text_is_escaped(workdir: Path) -> None:
    path = workdir / "tiny.yaml"
    text = path.read_text().replace("title: River talks\n", 'title: "River <b>talks</b> & co"\n')
    path.write_text(text)
    page = render_handout(load_scenario(path))
    assert "River &lt;b&gt;talks&lt;/b&gt; &amp; co" in page
    assert "<b>talks</b>" not in page


def test_the_handout_needs_no_script(flagship_path: Path) -> None:
    page = render_handout(load_scenario(flagship_path))
    assert "<script" not in page.lower()
    assert "@media print" in page


def test_the_same_scenario_gives_byte_identical_files(workdir: Path) -> None:
    assert runner.invoke(app, ["handout", "tiny.yaml"]).exit_code == 0
    assert runner.invoke(app, ["handout", "tiny.yaml"]).exit_code == 0
    first = (workdir / "reports" / "tiny-handout.html").read_bytes()
    assert first == (workdir / "reports" / "tiny-handout-2.html").read_bytes()


def test_an_existing_handout_is_never_overwritten(workdir: Path) -> None:
    target = workdir / "reports" / "tiny-handout.html"
    target.parent.mkdir()
    target.write_text("mine")
    result = runner.invoke(app, ["handout", "tiny.yaml"])
    assert result.exit_code == 0, result.output
    assert "reports/tiny-handout-2.html" in result.output
    assert target.read_text() == "mine"
    explicit = runner.invoke(app, ["handout", "tiny.yaml", "--output", str(target)])
    assert explicit.exit_code == 2
    assert "already exists" in explicit.output
    assert target.read_text() == "mine"


def test_force_replaces_an_existing_handout(workdir: Path) -> None:
    target = workdir / "out.html"
    target.write_text("old")
    result = runner.invoke(app, ["handout", "tiny.yaml", "--output", "out.html", "--force"])
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_a_bad_scenario_exits_2_and_writes_nothing(workdir: Path) -> None:
    bad = workdir / "tiny.yaml"
    bad.write_text(bad.read_text().replace("salience: 0.8", "salience: 8"))
    result = runner.invoke(app, ["handout", "tiny.yaml"])
    assert result.exit_code == 2
    assert "tiny.yaml:40:9: actors.0.stances.toll.salience" in result.output
    assert "Traceback" not in result.output
    assert not (workdir / "reports").exists()
