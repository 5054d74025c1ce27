from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from variant_pair import write_pair

from sim.cli import app

runner = CliRunner()
REPORT = Path("reports") / "compare-tiny-vs-tiny-soft.html"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_pair(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _compare(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["compare", "tiny.yaml", "soft.yaml", "--runs", "40", *args])
    return result.exit_code, result.output


def test_compare_prints_every_shared_outcome_and_each_scenario(workdir: Path) -> None:
    code, output = _compare("--workers", "1")
    assert code == 0, output
    for label in ("Toll agreed", "High dam, written", "War", "Agreement", "Stalemate"):
        assert label in output
    assert "tiny: River talks" in output
    assert "tiny-soft: River talks, North softens" in output
    assert "tiny-soft − tiny" in " ".join(output.split())
    assert f"report: {REPORT}" in output
    assert (workdir / REPORT).exists()


def test_outcomes_of_some_scenarios_only_are_listed_as_not_compared(workdir: Path) -> None:
    code, output = _compare()
    assert code == 0, output
    not_compared = output[output.index("Not compared") :]
    assert "tiny: War (fighting)" in not_compared
    assert "tiny-soft: Low toll (low-toll)" in not_compared


def test_a_bad_file_exits_2_with_located_errors_and_writes_nothing(workdir: Path) -> None:
    soft = workdir / "soft.yaml"
    soft.write_text(soft.read_text().replace("position: 35", "position: 350"))
    before = sorted(p.name for p in workdir.rglob("*"))
    code, output = _compare("--json")
    assert code == 2
    assert "soft.yaml:9:9: actors.0.stances.toll.position" in output
    assert "Traceback" not in output
    assert sorted(p.name for p in workdir.rglob("*")) == before


def test_problems_of_every_bad_file_are_reported_together(workdir: Path) -> None:
    result = runner.invoke(app, ["compare", "tiny.yaml", "missing.yaml", "absent.yaml"])
    assert result.exit_code == 2
    assert "missing.yaml:1:1" in result.output
    assert "absent.yaml:1:1" in result.output
    assert not (workdir / "reports").exists()


def test_one_scenario_is_not_a_comparison(workdir: Path) -> None:
    result = runner.invoke(app, ["compare", "tiny.yaml", "--runs", "10"])
    assert result.exit_code == 2
    assert "at least two" in result.output


def test_an_existing_report_is_kept_unless_forced(workdir: Path) -> None:
    assert _compare()[0] == 0
    report = workdir / REPORT
    report.write_text("earlier", encoding="utf-8")
    code, output = _compare()
    assert code == 0
    assert (workdir / "reports" / "compare-tiny-vs-tiny-soft-2.html").exists()
    assert report.read_text(encoding="utf-8") == "earlier"
    code, output = _compare("--output", str(REPORT))
    assert code == 2
    assert "already exists" in output
    assert _compare("--force")[0] == 0
    assert report.read_text(encoding="utf-8") != "earlier"


def test_json_holds_the_comparison(workdir: Path) -> None:
    result = runner.invoke(
        app, ["compare", "tiny.yaml", "soft.yaml", "--runs", "40", "--seed", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["comparison"]
    assert data["scenarios"] == ["tiny", "tiny-soft"]
    assert (data["runs"], data["seed"]) == (40, 3)
    assert data["not_compared"] == {"tiny": ["fighting"], "tiny-soft": ["low-toll"]}
