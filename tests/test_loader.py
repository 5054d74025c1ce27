from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from golden import check_golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario, load_scenario_checked, scenario_from_data
from sim.scenario.yamlsource import read_yaml

DATA = Path(__file__).resolve().parent / "testdata" / "test_loader"
TINY = Path(__file__).resolve().parent / "testdata" / "tiny"
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FLAGSHIP = SCENARIOS / "geneva-2022.yaml"

MUTATED_FILES = 500
"""Mutated files the property test feeds the loader per seed file (two seeds)."""
QUOTES_ALTERED = 8
"""Flagship quotes, spread through the file, that the one-character test alters in turn."""


def _errors(*names: str) -> str:
    """The located problems of each file, as `negsim validate` prints them (paths relative)."""
    lines = []
    for name in names:
        with pytest.raises(ScenarioError) as error:
            load_scenario(name)
        lines += [str(problem) for problem in error.value.problems]
    return "\n".join(lines) + "\n"


@pytest.fixture
def in_testdata(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(DATA)
    return DATA


def test_wrong_input_reports_every_problem_at_its_line_and_column(
    in_testdata: Path, update_golden: bool
) -> None:
    check_golden(DATA / "expected_errors.txt", _errors("wrong_input.yaml"), update_golden)


def test_wrong_references_and_quotes_are_reported_at_the_offending_key(
    in_testdata: Path, update_golden: bool
) -> None:
    actual = _errors("wrong_references.yaml")
    check_golden(DATA / "expected_reference_errors.txt", actual, update_golden)


def test_syntax_level_mistakes_stop_at_the_first_located_problem(
    in_testdata: Path, update_golden: bool
) -> None:
    names = sorted(str(p.relative_to(DATA)) for p in (DATA / "wrong_syntax").glob("*.yaml"))
    check_golden(DATA / "expected_syntax_errors.txt", _errors(*names), update_golden)


def test_a_valid_file_loads_and_tallies_its_verified_quotes(tiny_path: Path) -> None:
    scenario, quotes = load_scenario_checked(tiny_path)
    assert scenario.id == "tiny"
    assert (quotes.verified, quotes.total) == (6, 6)


def test_a_stance_on_an_issue_named_like_a_condition_keeps_its_field_in_the_path() -> None:
    data = _tiny_data()
    data["actors"][0]["stances"]["toll"]["position"] = 500
    data["actors"][0]["stances"]["position"] = data["actors"][0]["stances"].pop("toll")
    with pytest.raises(ScenarioError) as error:
        scenario_from_data(data)
    assert "actors.0.stances.position.position" in {p.path for p in error.value.problems}


def test_nested_not_conditions_keep_every_key_in_the_path() -> None:
    data = _tiny_data()
    data["outcomes"][0]["condition"] = {"not": {"not": {"agreement": {"issue": "toll", "max": -1}}}}
    with pytest.raises(ScenarioError) as error:
        scenario_from_data(data)
    paths = [p.path for p in error.value.problems]
    assert paths == ["outcomes.0.condition.not.not.agreement.max"]


def test_data_built_in_code_is_located_by_key_path() -> None:
    data = _tiny_data()
    del data["actors"][1]["stances"]["dam"]["salience"]
    with pytest.raises(ScenarioError) as error:
        scenario_from_data(data, name="built")
    assert [str(p) for p in error.value.problems] == [
        "built:1:1: actors.1.stances.dam.salience: missing required key 'salience'"
    ]


# --- property: whatever the bytes, the loader answers with a Scenario or a ScenarioError -------

VALUES = (
    *("", "~", "[]", "{}", "[1, 2]", "{a: 1}", "yes", "no", "-5", "1e400", ".nan", ".inf"),
    *("0", "101", "0.5", "2030-13-45", "2030-02-30", "'x'", '"\\0"', "*nowhere", "&a x"),
    *("!!binary aGk=", "!!python/none", "|", ">", "- x", "x: y", "@", "`", "%", "[", "{"),
    *("&loop [*loop]", "!!timestamp 2030-01-01 25:00", "!!int x", "!!bool maybe", "!!set {a}"),
    *("? [a]", "<<: *nowhere", "\t", "\x85", "\u2028"),
    *("North", "toll", "wire", "war", "../tiny.yaml", "/etc/passwd", "written", "a" * 300),
)

Lines = list[str]
Mutation = Callable[[st.DrawFn, Lines], Lines]


def _index(draw: st.DrawFn, lines: Lines) -> int:
    return draw(st.integers(0, max(len(lines) - 1, 0)))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _delete_line(draw: st.DrawFn, lines: Lines) -> Lines:
    i = _index(draw, lines)
    return lines[:i] + lines[i + 1 :]


def _delete_key(draw: st.DrawFn, lines: Lines) -> Lines:
    i = _index(draw, lines)
    end = i + 1
    while end < len(lines) and lines[i].strip() and _indent(lines[end]) > _indent(lines[i]):
        end += 1
    return lines[:i] + lines[end:]


def _replace_value(draw: st.DrawFn, lines: Lines) -> Lines:
    i = _index(draw, lines)
    if not lines or ":" not in lines[i]:
        return lines
    key = lines[i].split(":", 1)[0]
    value = draw(st.sampled_from(VALUES) | st.text(max_size=12))
    return [*lines[:i], f"{key}: {value}\n", *lines[i + 1 :]]


def _reindent(draw: st.DrawFn, lines: Lines) -> Lines:
    i = _index(draw, lines)
    if not lines:
        return lines
    spaces = max(_indent(lines[i]) + draw(st.integers(-4, 4)), 0)
    return [*lines[:i], " " * spaces + lines[i].lstrip(" "), *lines[i + 1 :]]


def _swap(draw: st.DrawFn, lines: Lines) -> Lines:
    i, j = _index(draw, lines), _index(draw, lines)
    swapped = list(lines)
    if swapped:
        swapped[i], swapped[j] = swapped[j], swapped[i]
    return swapped


def _duplicate(draw: st.DrawFn, lines: Lines) -> Lines:
    i = _index(draw, lines)
    return lines[: i + 1] + lines[i:]


def _replace_character(draw: st.DrawFn, lines: Lines) -> Lines:
    i = _index(draw, lines)
    if not lines or not lines[i]:
        return lines
    at = draw(st.integers(0, len(lines[i]) - 1))
    new = draw(st.characters(codec="utf-8"))
    return [*lines[:i], lines[i][:at] + new + lines[i][at + 1 :], *lines[i + 1 :]]


MUTATIONS: tuple[Mutation, ...] = (
    _delete_line,
    _delete_key,
    _replace_value,
    _reindent,
    _swap,
    _duplicate,
    _replace_character,
)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    """*text* after one to three line edits, then maybe random bytes inserted or a truncation."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        lines = draw(st.sampled_from(MUTATIONS))(draw, lines)
    raw = "".join(lines).encode("utf-8")
    edit = draw(st.sampled_from(("none", "none", "insert", "truncate")))
    at = draw(st.integers(0, len(raw)))
    if edit == "insert":
        noise = st.binary(min_size=1, max_size=8) | st.text(min_size=1, max_size=8).map(str.encode)
        raw = raw[:at] + draw(noise) + raw[at:]
    elif edit == "truncate":
        raw = raw[:at]
    return raw


VARIANT = """extends: base.yaml
scenario:
  id: tiny-variant
actors:
  - id: north
    stances:
      toll: {position: 30, salience: 0.8, assumption: softer}
  - id: west
    name: West
    capability: 0.1
    stances:
      toll: {position: 50, salience: 0.3, assumption: new}
      dam: {position: 50, salience: 0.3, assumption: new}
remove:
  shocks: [drought]
"""


@pytest.mark.parametrize("seed", ["scenario", "variant"])
def test_mutated_files_only_ever_raise_scenario_error(seed: str, tmp_path: Path) -> None:
    shutil.copy(TINY / "source.txt", tmp_path / "source.txt")
    shutil.copy(TINY / "tiny.yaml", tmp_path / "base.yaml")
    text = VARIANT if seed == "variant" else (TINY / "tiny.yaml").read_text(encoding="utf-8")
    target = tmp_path / "mutated.yaml"
    tried: list[bytes] = []

    @settings(
        max_examples=MUTATED_FILES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(text))
    def load(raw: bytes) -> None:
        tried.append(raw)
        target.write_bytes(raw)
        try:
            assert isinstance(load_scenario(target), Scenario)
        except ScenarioError as error:
            assert error.problems, "a ScenarioError always says what is wrong"
            assert all(p.line >= 1 and p.column >= 1 for p in error.problems)

    load()
    assert len(tried) >= MUTATED_FILES
    print(f"{seed}: {len(tried)} mutated files loaded")


# --- the flagship and every shipped scenario --------------------------------------------------


def test_altering_one_character_of_a_flagship_quote_fails_at_that_line(tmp_path: Path) -> None:
    if not FLAGSHIP.exists():
        pytest.skip("scenarios/geneva-2022.yaml is not written yet")
    copy = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, copy)
    lines = FLAGSHIP.read_text(encoding="utf-8").splitlines(keepends=True)
    quotes = [n for n, line in enumerate(lines) if _a_letter_inside_the_quote(line) is not None]
    assert quotes, "the flagship holds no one-line quote to alter"
    for number in quotes[:: max(len(quotes) // QUOTES_ALTERED, 1)]:
        line = lines[number]
        spot = _a_letter_inside_the_quote(line)
        assert spot is not None
        letter = "x" if line[spot] != "x" else "z"
        edited = [*lines[:number], line[:spot] + letter + line[spot + 1 :], *lines[number + 1 :]]
        (copy / FLAGSHIP.name).write_text("".join(edited), encoding="utf-8")
        with pytest.raises(ScenarioError) as error:
            load_scenario(copy / FLAGSHIP.name)
        problems = error.value.problems
        assert [p.line for p in problems] == [number + 1], f"line {number + 1}: {problems}"
        assert "does not occur verbatim" in problems[0].message


def _a_letter_inside_the_quote(line: str) -> int | None:
    """Index of a letter in the middle of the first long word after ``quote:``, if any."""
    found = re.search(r"\bquote:\s*", line)
    if found is None:
        return None
    word = re.compile(r"[A-Za-z]{4,}").search(line, found.end())
    return None if word is None else (word.start() + word.end()) // 2


@pytest.mark.parametrize(
    "path", sorted(SCENARIOS.rglob("*.yaml")), ids=lambda p: str(p.relative_to(SCENARIOS))
)
def test_every_shipped_scenario_validates_with_every_quote_verified(path: Path) -> None:
    _, quotes = load_scenario_checked(path)
    assert quotes.verified == quotes.total


def _tiny_data() -> dict[str, Any]:
    data = read_yaml(TINY / "tiny.yaml").data
    data["scenario"]["sources"] = []
    for actor in data["actors"]:
        for stance in actor["stances"].values():
            _drop_cites(stance)
    for section in ("vetoes", "venues"):
        for item in data[section]:
            _drop_cites(item)
    return dict(data)


def _drop_cites(record: dict[str, Any]) -> None:
    if record.pop("cites", None) is not None:
        record["assumption"] = "built in code"
    if isinstance(record.get("red_line"), dict):
        _drop_cites(record["red_line"])


def test_the_documented_complete_example_is_the_tiny_scenario() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "scenario-format.md").read_text()
    example = doc.split("## A complete example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example == (TINY / "tiny.yaml").read_text(encoding="utf-8")
