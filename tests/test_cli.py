from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(tiny_path, tmp_path / "tiny.yaml")
    shutil.copy(tiny_path.parent / "source.txt", tmp_path / "source.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_bad_file_exits_2_with_located_errors_and_writes_nothing(workdir: Path) -> None:
    bad = workdir / "tiny.yaml"
    bad.write_text(bad.read_text().replace("salience: 0.8", "salience: 8"))
    before = sorted(p.name for p in workdir.rglob("*"))
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", "10"])
    assert result.exit_code == 2
    assert "tiny.yaml:40:9: actors.0.stances.toll.salience" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in workdir.rglob("*")) == before


def test_validate_reports_every_quote_verified(workdir: Path) -> None:
    result = runner.invoke(app, ["validate", "tiny.yaml"])
    assert result.exit_code == 0
    assert "6 of 6 verified" in result.output


def test_run_writes_a_report_and_never_overwrites_it(workdir: Path) -> None:
    first = runner.invoke(app, ["run", "tiny.yaml", "--runs", "30", "--workers", "1"])
    assert first.exit_code == 0, first.output
    report = workdir / "reports" / "tiny.html"
    content = report.read_bytes()
    second = runner.invoke(app, ["run", "tiny.yaml", "--runs", "30", "--workers", "1"])
    assert second.exit_code == 0
    assert (workdir / "reports" / "tiny-2.html").exists()
    assert report.read_bytes() == content
    third = runner.invoke(app, ["run", "tiny.yaml", "--runs", "30", "--output", str(report)])
    assert third.exit_code == 2
    assert "already exists" in third.output


def test_run_exports_the_per_run_table(workdir: Path) -> None:
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", "25", "--export", "runs.csv"])
    assert result.exit_code == 0, result.output
    lines = (workdir / "runs.csv").read_text().splitlines()
    assert len(lines) == 26
    assert lines[0].startswith("run,primary,peak_rung")


def test_forecast_prints_the_eight_rounds_of_the_ec_data() -> None:
    csv = Path(__file__).resolve().parent.parent / "scenarios" / "bdm" / "ec-emissions.csv"
    result = runner.invoke(app, ["forecast", str(csv)])
    assert result.exit_code == 0
    assert "round 8: median 9.6711" in result.output
