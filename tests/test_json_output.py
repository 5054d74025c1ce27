"""``--json`` prints one payload on stdout that validates against schema/output.schema.json.

Before, ``validate``, ``run`` and ``explain`` had no JSON, ``compare --json PATH`` wrote only a
file, and nothing said which seed, runs, scenario and version produced a number.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from deu_files import Row, write_deu
from processes import copy_tiny
from typer.testing import CliRunner
from uncertain_tiny import tiny_data, uncertain
from variant_pair import write_pair

from sim.analysis.stamp import input_hash
from sim.cli import app
from sim.cli.app import COMMANDS
from sim.report.handout import render_handout
from sim.scenario.deudata import read_deu_tsv
from sim.scenario.loader import load_scenario

runner = CliRunner()
SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "schema" / "output.schema.json").read_text()
)
EC = Path(__file__).resolve().parent.parent / "scenarios" / "bdm" / "ec-emissions.csv"
MOVES = Path(__file__).resolve().parent / "testdata" / "test_play" / "tiny-south.moves"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_pair(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _payload(*args: str, code: int = 0) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == code, result.output
    assert result.stdout.lstrip().startswith("{"), result.stdout[:200]
    payload: dict[str, Any] = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert payload["command"] == args[0]
    return payload


def test_the_published_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_run_json_carries_the_results_and_the_stamp(folder: Path) -> None:
    payload = _payload("run", "tiny.yaml", "--runs", "20", "--seed", "7", "--workers", "1")
    stamp = payload["stamp"]
    assert (stamp["seed"], stamp["runs"]) == (7, 20)
    digest = input_hash(load_scenario(folder / "tiny.yaml"))
    assert stamp["inputs"] == [{"id": "tiny", "sha256": digest}]
    assert sum(p["count"] for p in payload["results"]["primary"].values()) == 20
    assert payload["outputs"] == {"--output": "reports/tiny.html"}
    assert f"sha256:{digest[:16]}" in (folder / "reports" / "tiny.html").read_text()


def test_compare_json_goes_to_stdout_and_names_both_scenarios(folder: Path) -> None:
    payload = _payload("compare", "tiny.yaml", "soft.yaml", "--runs", "20")
    assert [i["id"] for i in payload["stamp"]["inputs"]] == ["tiny", "tiny-soft"]
    assert payload["comparison"]["scenarios"] == ["tiny", "tiny-soft"]


def test_explain_json_for_a_run_and_for_an_outcome(folder: Path) -> None:
    story = _payload("explain", "tiny.yaml", "--run", "3", "--runs", "10")
    assert story["run"]["index"] == 3
    assert story["run"]["timeline"]
    drivers = _payload("explain", "tiny.yaml", "--outcome", "agreement", "--runs", "30")
    assert drivers["outcome"]["id"] == "agreement"
    assert drivers["stamp"]["runs"] == 30


def test_validate_json_lists_good_and_bad_files_and_still_exits_2(folder: Path) -> None:
    (folder / "bad.yaml").write_text("scenario: {id: Bad}\n")
    payload = _payload("validate", "tiny.yaml", "bad.yaml", code=2)
    good, bad = payload["files"]
    assert (good["valid"], good["scenario"]) == (True, "tiny")
    assert bad["valid"] is False
    assert bad["problems"][0]["file"] == "bad.yaml"
    assert payload["stamp"]["runs"] is None


def test_forecast_json_of_a_data_set_is_deterministic_and_stamped() -> None:
    payload = _payload("forecast", str(EC))
    assert payload["stamp"]["seed"] is None
    [issue] = payload["issues"]
    assert issue["rounds"][8]["median"] == pytest.approx(9.6711, abs=1e-4)
    assert payload == _payload("forecast", str(EC))


def test_the_scenario_hash_ignores_layout_but_not_content(tmp_path: Path) -> None:
    path = copy_tiny(tmp_path)
    before = input_hash(load_scenario(path))
    path.write_text("# a comment\n" + path.read_text())
    assert input_hash(load_scenario(path)) == before
    path.write_text(path.read_text().replace("capability: 0.5", "capability: 0.6"))
    assert input_hash(load_scenario(path)) != before
    assert len(before) == len(hashlib.sha256().hexdigest())


def test_version_prints_the_installed_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("negsim ")
    assert result.stdout.split()[1][0].isdigit()


def test_every_command_with_json_has_its_payload_in_the_schema() -> None:
    with_json = {
        name for name in COMMANDS if "--json" in runner.invoke(app, [name, "--help"]).output
    }
    in_schema = {
        SCHEMA["$defs"][ref["$ref"].rsplit("/", 1)[1]]["properties"]["command"]["const"]
        for ref in SCHEMA["oneOf"]
    }
    assert with_json == in_schema
    assert {"play", "backtest", "sensitivity"} <= with_json


def test_play_json_holds_the_game_and_keeps_its_screens_on_stderr(folder: Path) -> None:
    payload = _payload("play", "tiny.yaml", "--as", "south", "--moves", str(MOVES))
    game, stamp = payload["game"], payload["stamp"]
    assert (game["actor"], game["run"]) == ("south", 0)
    assert (stamp["seed"], stamp["runs"]) == (0, None)
    assert stamp["inputs"] == [
        {"id": "tiny", "sha256": input_hash(load_scenario(folder / "tiny.yaml"))}
    ]
    moves = [d["move"] for d in game["decisions"]]
    assert moves[:3] == ["hold", "none", "refuse"]
    assert [d["number"] for d in game["decisions"]] == list(range(1, len(moves) + 1))
    args = ["play", "tiny.yaml", "--as", "south", "--moves", str(MOVES), "--json"]
    screens = runner.invoke(app, args).stderr
    assert "move> refuse" in screens
    assert f"primary class: {game['primary']} (" in screens


def _assert_stamped(
    payload: dict[str, Any], folder: Path, source: tuple[str, str], seed: int, runs: int
) -> None:
    """The payload's stamp names the one input, seed and runs; its report prints the hash."""
    ident, digest = source
    assert payload["stamp"]["inputs"] == [{"id": ident, "sha256": digest}]
    assert (payload["stamp"]["seed"], payload["stamp"]["runs"]) == (seed, runs)
    report = folder / payload["outputs"]["--output"]
    assert f"{ident} sha256:{digest[:16]}" in report.read_text()


def test_backtest_json_is_stamped_with_the_data_set_and_its_runs(folder: Path) -> None:
    rows = [
        Row(f"p{p}i1", proposal=f"p{p}", positions={"com": 20.0 * p, "ep": 80, "m01": 0},
            saliences={"com": 60, "ep": 40, "m01": 90}, reference=0,
            outcome=30 + 5 * p)
        for p in range(1, 4)
    ]  # fmt: skip
    write_deu(folder / "small.tsv", rows)
    payload = _payload("backtest", "small.tsv", "--runs", "3", "--seed", "5", "--workers", "1")
    digest = input_hash(read_deu_tsv(folder / "small.tsv"))
    _assert_stamped(payload, folder, ("small.tsv", digest), seed=5, runs=3)
    assert payload["backtest"]["issues_scored"] == 3
    rows[0].outcome = 99
    write_deu(folder / "other.tsv", rows)
    assert input_hash(read_deu_tsv(folder / "other.tsv")) != digest


def test_sensitivity_json_is_stamped_with_the_runs_per_point(folder: Path) -> None:
    data = tiny_data()
    data["uncertainties"] = [uncertain("south.prevail", 0.05, 0.95)]
    (folder / "u.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    args = ["u.yaml", "--runs-per-point", "4", "--trajectories", "2", "--discovery-runs", "0"]
    payload = _payload("sensitivity", *args, "--seed", "2", "--workers", "1")
    digest = input_hash(load_scenario(folder / "u.yaml"))
    _assert_stamped(payload, folder, ("tiny", digest), seed=2, runs=4)
    assert payload["sensitivity"]["runs_per_point"] == 4


def test_the_printed_handout_carries_the_stamp(folder: Path) -> None:
    scenario = load_scenario(folder / "tiny.yaml")
    page = render_handout(scenario)
    assert "Reproduce with: negsim " in page
    assert f"tiny sha256:{input_hash(scenario)[:16]}" in page
