from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from deu_files import Row, write_deu
from golden import check_golden
from typer.testing import CliRunner

from sim.analysis.backtest import MODELS, backtest
from sim.cli.app import app
from sim.report.backtest import backtest_figures
from sim.report.backtest_summary import backtest_payload, format_backtest

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parent / "testdata" / "test_backtest_cli"


def _rows() -> list[Row]:
    return [
        Row(
            f"p{p}i{i}",
            proposal=f"p{p}",
            procedure="COD" if p % 2 else "CNS",
            voting="QMV" if p < 3 else "Unan",
            positions={"com": 20.0 * p, "ep": 100 - 10.0 * i, "m01": 0, "m02": 50, "m03": 80},
            saliences={"com": 60, "ep": 40, "m01": 90, "m02": 50, "m03": 30},
            reference=0 if p < 4 else None,
            outcome=35 + 5 * p - 3 * i,
        )
        for p in range(1, 5)
        for i in range(1, 3)
    ]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_deu(tmp_path / "small.tsv", _rows(), {"com": 3, "ep": 3, "m02": 2})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_json_goes_to_stdout_and_the_report_is_never_overwritten(workdir: Path) -> None:
    first = runner.invoke(app, ["backtest", "small.tsv", "--runs", "6", "--json"])
    assert first.exit_code == 0, first.output
    stamped = json.loads(first.stdout)
    payload = stamped["backtest"]
    assert payload["issues_scored"] == 6 and payload["proposals"] == 3
    assert [m["model"] for m in payload["models"]] == list(MODELS)
    assert set(payload["crps"]) == {"engine", "compromise", "spread", "engine-minus-compromise"}
    assert sum(payload["pit"]["counts"]) == 6
    assert stamped["outputs"] == {"--output": "reports/backtest-small.html"}
    second = runner.invoke(app, ["backtest", "small.tsv", "--runs", "6"])
    assert second.exit_code == 0
    assert (
        "Compromise model" in second.stdout
        and "report: reports/backtest-small-2.html" in second.stdout
    )
    assert (workdir / "reports" / "backtest-small.html").exists()


def test_tune_cross_validates_and_bad_tune_values_exit_2(workdir: Path) -> None:
    good = runner.invoke(
        app,
        ["backtest", "small.tsv", "--runs", "4", "--tune", "rounds=1,8", "--folds", "2", "--json"],
    )
    assert good.exit_code == 0, good.output
    tuning = json.loads(good.stdout)["backtest"]["tuning"]
    assert tuning["parameter"] == "rounds" and len(tuning["folds"]) == 2
    for text in ("speed=1,2", "rounds=a,b", "rounds"):
        bad = runner.invoke(app, ["backtest", "small.tsv", "--tune", text])
        assert bad.exit_code == 2 and "Traceback" not in bad.output
    out_of_range = runner.invoke(app, ["backtest", "small.tsv", "--tune", "position_sd=1,99"])
    assert out_of_range.exit_code == 2 and "position_sd must be" in out_of_range.output


def test_the_backtest_of_a_small_file_matches_its_golden_files(
    workdir: Path, update_golden: bool
) -> None:
    result = backtest(workdir / "small.tsv", runs=12, seed=5, workers=1)
    payload = backtest_payload(result)
    payload["file"] = "small.tsv"
    check_golden(GOLDEN / "payload.json", json.dumps(payload, indent=1) + "\n", update_golden)
    figures = {
        div: json.loads(fig.to_json())["data"] for div, fig in backtest_figures(result).items()
    }
    check_golden(GOLDEN / "figures.json", json.dumps(figures, indent=1) + "\n", update_golden)
    table = format_backtest(dataclasses.replace(result, file="small.tsv"))
    assert max(len(line) for line in table.splitlines()[1:]) <= 80
    assert table.splitlines()[0] == "small.tsv: 6 issues of 3 proposals scored"
