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
from processes import copy_tiny
from typer.testing import CliRunner
from variant_pair import write_pair

from sim.analysis.stamp import input_hash
from sim.cli import app
from sim.scenario.loader import load_scenario

runner = CliRunner()
SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "schema" / "output.schema.json").read_text()
)
EC = Path(__file__).resolve().parent.parent / "scenarios" / "bdm" / "ec-emissions.csv"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_pair(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _payload(*args: str, code: int = 0) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == code, result.output
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
