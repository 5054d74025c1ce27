"""The CLI surface: readable help, bounds that refuse cleanly, escaped text, matched ids.

Each test reproduces a failure: ``--help`` showed ``<list[Path]>`` and ``{scenario}``;
``--runs 10**12`` and a 1,000-actor data set ended in memory tracebacks; ``--workers 64`` forked
64 processes for a 4-chunk job; ``forecast --issue nope`` was ignored for a data set; an
``extends`` chain of ~480 files failed as "nested too deeply" at a 3-line file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from processes import copy_tiny
from typer.testing import CliRunner

from sim.analysis.montecarlo import simulate
from sim.cli import app
from sim.cli.app import COMMANDS
from sim.errors import SimulationError
from sim.scenario.loader import load_scenario
from sim.vocabulary import printable

runner = CliRunner()
EC = Path(__file__).resolve().parent.parent / "scenarios" / "bdm" / "ec-emissions.csv"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_tiny(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_help_shows_readable_placeholders_and_one_example(name: str) -> None:
    result = runner.invoke(app, [name, "--help"], terminal_width=160)
    assert result.exit_code == 0
    assert "Example: negsim " + name in result.output
    for python_type in ("<list[", "<path>", "<bool>", "<int>", "<str>", "<float>", "{"):
        assert python_type not in result.output, python_type


def test_runs_above_the_bound_are_refused_before_any_work(folder: Path) -> None:
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", str(10**12)])
    assert result.exit_code == 2
    assert "--runs" in result.output
    assert "10000000" in result.output
    assert not (folder / "reports").exists()
    with pytest.raises(SimulationError, match="runs must be from 1 to 10,000,000"):
        simulate(load_scenario(folder / "tiny.yaml"), runs=10**12)


def test_workers_above_the_bound_are_refused(folder: Path) -> None:
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", "5", "--workers", "65"])
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_a_pool_never_has_more_workers_than_chunks(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    sizes: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    class Counting(real):  # type: ignore[misc,valid-type]
        def __init__(self, max_workers: int, **kwargs: object) -> None:
            sizes.append(max_workers)
            super().__init__(max_workers, **kwargs)

    monkeypatch.setattr("sim.analysis.executors.ProcessPoolExecutor", Counting)
    simulate(load_scenario(folder / "tiny.yaml"), runs=100, workers=64)  # 4 chunks of 25
    assert sizes == [4]


def test_a_data_set_of_1000_actors_is_refused_with_the_bound(folder: Path) -> None:
    rows = [f"a{i},1,{i % 100},50" for i in range(1000)]
    (folder / "big.csv").write_text("actor,capability,position,salience\n" + "\n".join(rows))
    result = runner.invoke(app, ["forecast", "big.csv"])
    assert result.exit_code == 2
    assert (
        result.output == "big.csv:202:1: more than 200 actors; the model's rounds grow as actors³\n"
    )


def test_forecast_refuses_an_issue_a_data_set_does_not_hold() -> None:
    result = runner.invoke(app, ["forecast", str(EC), "--issue", "nope"])
    assert result.exit_code == 2
    assert "unknown issue 'nope': a data set holds one issue, 'ec-emissions'" in result.output


def test_a_long_extends_chain_is_reported_at_the_extends_key(folder: Path) -> None:
    for index in range(1, 41):
        (folder / f"v{index}.yaml").write_text(
            f"extends: {'tiny' if index == 1 else f'v{index - 1}'}.yaml\n"
            f"scenario:\n  title: step {index}\n"
        )
    result = runner.invoke(app, ["validate", "v40.yaml"])
    assert result.exit_code == 2
    assert result.output == (
        "v9.yaml:1:1: extends: the `extends` chain from v40.yaml is longer than 32 files; "
        "merge some variants into their base\n"
    )
    assert runner.invoke(app, ["validate", "v31.yaml"]).exit_code == 0


def test_scenario_text_never_reaches_the_terminal_as_control_characters(folder: Path) -> None:
    path = folder / "tiny.yaml"
    path.write_text(path.read_text().replace("name: North", 'name: "North\\e]0;owned\\a"'))
    result = runner.invoke(app, ["validate", "tiny.yaml"])
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert printable("a\x1b]0;x\x07b\tc\n") == "a\\x1b]0;x\\x07b\tc\n"


def test_markup_in_scenario_text_is_printed_as_written(folder: Path) -> None:
    path = folder / "tiny.yaml"
    path.write_text(path.read_text().replace("title: River talks", "title: '[link=x]River[/]'", 1))
    result = runner.invoke(app, ["validate", "tiny.yaml"], color=True)
    assert result.exit_code == 0, result.output
    assert "[link=x]River[/]" in result.output
    assert not re.search(r"\x1b\]8;", result.output)


def test_play_matches_an_actor_id_in_any_case(folder: Path) -> None:
    result = runner.invoke(app, ["play", "tiny.yaml", "--as", "South"], input="rest\n")
    assert result.exit_code == 0, result.output
    assert "You play South (south)" in result.output
