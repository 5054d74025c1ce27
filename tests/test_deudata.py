from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from deu_files import Row, write_deu
from typer.testing import CliRunner

from sim.cli.app import app
from sim.errors import Problem, ScenarioError
from sim.scenario.deudata import COLUMNS, Voting, read_deu_tsv

SHIPPED = Path(__file__).resolve().parent.parent / "scenarios" / "deu" / "deu3-dev.tsv"
runner = CliRunner()


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        read_deu_tsv(path)
    return list(caught.value.problems)


def _good(path: Path) -> Path:
    row = Row("p1i1", positions={"com": 60, "m01": 20}, saliences={"com": 50, "m01": 80})
    return write_deu(path, [row])


def test_the_shipped_development_half_loads() -> None:
    data = read_deu_tsv(SHIPPED)
    assert len(data.actors) == 30 and data.actors[:3] == ("com", "ep", "at")
    assert data.capability[:3] == (4.1, 4.1, 0.48)
    assert len(data.issues) == 184
    assert sum(i.outcome is not None for i in data.issues) == 183
    first = data.issues[0]
    assert (first.line, first.proposal, first.issue) == (3, "d00032", "d00032i1")
    assert (first.procedure, first.voting, first.reference, first.outcome) == (
        "COD",
        Voting.QMV,
        0.0,
        100.0,
    )
    assert {i.voting for i in data.issues} == {Voting.QMV, Voting.UNANIMITY}


def test_a_hand_made_file_round_trips(tmp_path: Path) -> None:
    data = read_deu_tsv(_good(tmp_path / "d.tsv"))
    (issue,) = data.issues
    assert issue.position[0] == 60 and issue.position[2] == 20 and issue.position[1] is None
    assert issue.salience[0] == 50 and issue.reference is None and issue.outcome is None


def test_a_row_with_the_wrong_number_of_cells_is_located(tmp_path: Path) -> None:
    path = _good(tmp_path / "d.tsv")
    lines = path.read_text().splitlines()
    lines[2] = lines[2].rsplit("\t", 1)[0]  # drop the outcome cell
    path.write_text("\n".join(lines) + "\n")
    (problem,) = _problems(path)
    assert (problem.line, problem.column) == (3, len(lines[2]) + 1)
    assert f"{COLUMNS - 1} cells; the layout has {COLUMNS}" in problem.message


def test_text_in_a_number_cell_is_located_at_its_column(tmp_path: Path) -> None:
    path = _good(tmp_path / "d.tsv")
    lines = path.read_text().splitlines()
    cells = lines[2].split("\t")
    cells[13] = "sixty"  # the Commission's position
    lines[2] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n")
    (problem,) = _problems(path)
    column = sum(len(c) + 1 for c in cells[:13]) + 1
    assert (problem.line, problem.column, problem.path) == (3, column, "p1i1.position.com")
    assert "must be a number, not 'sixty'" in problem.message


def test_a_file_without_its_capability_row_is_refused(tmp_path: Path) -> None:
    path = _good(tmp_path / "d.tsv")
    lines = path.read_text().splitlines()
    del lines[1]
    path.write_text("\n".join(lines) + "\n")
    (problem,) = _problems(path)
    assert (problem.line, problem.column) == (2, 1)
    assert "capability row" in problem.message


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    rows = [
        Row("p1i1", procedure="XYZ", positions={"com": 120}, saliences={"com": 50}),
        Row("p1i1", voting="Majority", positions={"com": 1}, saliences={"com": 50}),
    ]
    problems = _problems(write_deu(tmp_path / "d.tsv", rows, {"m05": -1}))
    assert [(p.line, p.path) for p in problems] == [
        (2, "capability.m05"),
        (3, "proc"),
        (3, "p1i1.position.com"),
        (4, "counvte"),
    ]


def _drop_outcome_cell(lines: list[str]) -> tuple[int, str]:
    lines[2] = lines[2].rsplit("\t", 1)[0]
    return 3, "cells; the layout has 75"


def _text_in_a_number(lines: list[str]) -> tuple[int, str]:
    lines[2] = lines[2].replace("60", "6o", 1)
    return 3, "must be a number, not '6o'"


def _no_capability_row(lines: list[str]) -> tuple[int, str]:
    del lines[1]
    return 2, "capability row"


@pytest.mark.parametrize("damage", [_drop_outcome_cell, _text_in_a_number, _no_capability_row])
def test_the_command_exits_2_with_file_line_column_and_no_traceback(
    tmp_path: Path, damage: Callable[[list[str]], tuple[int, str]]
) -> None:
    path = _good(tmp_path / "d.tsv")
    lines = path.read_text().splitlines()
    line, message = damage(lines)
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["backtest", str(path), "--runs", "2"])
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(str(path))}:{line}:\d+: ", result.output)
    assert message in result.output and "Traceback" not in result.output


def test_every_codebook_value_is_read_and_unmodelled_rows_are_skipped(tmp_path: Path) -> None:
    stance = {"positions": {"com": 10.0, "m01": 90.0}, "saliences": {"com": 50.0, "m01": 50.0}}
    rows = [
        Row("i1", procedure="COD", voting="QMV", **stance),  # type: ignore[arg-type]
        Row("i2", procedure="CNS", voting="Unan", **stance),  # type: ignore[arg-type]
        Row("i3", procedure="cod", voting="QMV(10)", **stance),  # type: ignore[arg-type]
        Row("i4", procedure="CNS", voting="Unanimity", **stance),  # type: ignore[arg-type]
        Row("i5", procedure="SYN", voting="QMV", **stance),  # type: ignore[arg-type]
        Row("i6", procedure="AVC", voting="Unan", **stance),  # type: ignore[arg-type]
        Row("i7", procedure="CNS", voting="SMV", **stance),  # type: ignore[arg-type]
        Row("i8", procedure="", voting="QMV", **stance),  # type: ignore[arg-type]
        Row("i9", procedure="COD", voting="", **stance),  # type: ignore[arg-type]
    ]
    data = read_deu_tsv(write_deu(tmp_path / "d.tsv", rows))
    assert [(i.issue, i.procedure, i.voting) for i in data.issues] == [
        ("i1", "COD", Voting.QMV),
        ("i2", "CNS", Voting.UNANIMITY),
        ("i3", "COD", Voting.QMV),
        ("i4", "CNS", Voting.UNANIMITY),
    ]
    assert [(s.line, s.reason.split(" ")[:3]) for s in data.skipped] == [
        (7, ["the", "cooperation", "procedure"]),
        (8, ["the", "assent", "procedure"]),
        (9, ["the", "Council's", "simple-majority"]),
        (10, ["no", "procedure", "recorded"]),
        (11, ["no", "Council", "voting"]),
    ]


@pytest.mark.parametrize("voting", ["QMV(10", "Q M V", "Majority", "QMV)(1)"])
def test_a_voting_cell_outside_the_codebook_is_still_refused(tmp_path: Path, voting: str) -> None:
    rows = [Row("i1", voting=voting, positions={"com": 1}, saliences={"com": 50})]
    (problem,) = _problems(write_deu(tmp_path / "d.tsv", rows))
    assert (problem.line, problem.path) == (3, "counvte")
    assert problem.column == 1 + sum(len(c) + 1 for c in rows[0].cells()[:8])
