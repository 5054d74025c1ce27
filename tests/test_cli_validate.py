from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

TINY = Path(__file__).resolve().parent / "testdata" / "tiny"
runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(TINY / "tiny.yaml", tmp_path / "tiny.yaml")
    shutil.copy(TINY / "source.txt", tmp_path / "source.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _listing(folder: Path) -> list[tuple[str, int, int]]:
    return sorted(
        (str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    )


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_bad_file_exits_2_with_located_lines_no_traceback_and_writes_nothing(
    workdir: Path,
) -> None:
    _break(workdir / "tiny.yaml", "salience: 0.8", "salience: 8")
    _break(workdir / "tiny.yaml", "form: verbal", "form: oral")
    before = _listing(workdir)
    result = runner.invoke(app, ["validate", "tiny.yaml"])
    assert result.exit_code == 2
    assert (
        "tiny.yaml:40:9: actors.0.stances.toll.salience: Input should be less than" in result.output
    )
    assert "tiny.yaml:102:5: venues.0.form: Input should be 'verbal'" in result.output
    assert "2 problems found." in result.output
    assert "Traceback" not in result.output
    assert _listing(workdir) == before


def test_a_good_file_exits_0_with_every_quote_verified(workdir: Path) -> None:
    before = _listing(workdir)
    result = runner.invoke(app, ["validate", "tiny.yaml"])
    assert result.exit_code == 0, result.output
    assert "6 of 6 verified against sources" in result.output
    assert "tiny: River talks" in result.output
    assert _listing(workdir) == before


def test_a_yaml_syntax_error_exits_2_at_its_line(workdir: Path) -> None:
    _break(workdir / "tiny.yaml", "  id: tiny\n", "  id: [tiny\n")
    result = runner.invoke(app, ["validate", "tiny.yaml"])
    assert result.exit_code == 2
    assert result.output.startswith("tiny.yaml:5:8: YAML syntax: ")
    assert "Traceback" not in result.output


def test_a_missing_file_exits_2_without_a_traceback(workdir: Path) -> None:
    result = runner.invoke(app, ["validate", "absent.yaml"])
    assert result.exit_code == 2
    assert "absent.yaml:1:1: cannot read the file" in result.output
    assert "Traceback" not in result.output


def test_every_file_is_checked_and_any_bad_one_exits_2(workdir: Path) -> None:
    shutil.copy(workdir / "tiny.yaml", workdir / "bad.yaml")
    _break(workdir / "bad.yaml", "quote: no lower dam is acceptable", "quote: no lower dam is fine")
    result = runner.invoke(app, ["validate", "bad.yaml", "tiny.yaml"])
    assert result.exit_code == 2
    assert "tiny.yaml: valid" in result.output
    assert (
        "bad.yaml:75:15: actors.1.stances.dam.red_line.cites.0.quote: the quote does not"
        in result.output
    )


def test_a_variant_is_validated_against_its_merged_base(workdir: Path) -> None:
    (workdir / "variants").mkdir()
    (workdir / "variants" / "soft.yaml").write_text(
        "extends: ../tiny.yaml\n"
        "scenario: {id: soft}\n"
        "actors:\n"
        "  - id: north\n"
        "    stances:\n"
        "      toll: {position: 45, assumption: North softens.}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "variants/soft.yaml"])
    assert result.exit_code == 0, result.output
    assert "5 of 5 verified against sources" in result.output
