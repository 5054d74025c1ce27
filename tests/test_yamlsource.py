from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.errors import Problem, ScenarioError
from sim.scenario.yamlsource import Mark, dump_yaml, parse_yaml, read_yaml

TEXT = """\
scenario:
  id: tiny
actors:
  - id: north
    stances:
      toll: {position: 20, salience: 0.8}
  - id: south
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as error:
        parse_yaml(text, "f.yaml")
    return [str(p) for p in error.value.problems]


def test_marks_point_at_nested_keys_and_sequence_items() -> None:
    marks = parse_yaml(TEXT, "f.yaml").marks
    assert marks[("scenario", "id")] == Mark(2, 3)
    assert marks[("actors", 0)] == Mark(4, 5)
    assert marks[("actors", 0, "stances", "toll")] == Mark(6, 7)
    assert marks[("actors", 0, "stances", "toll", "salience")] == Mark(6, 28)
    assert marks[("actors", 1, "id")] == Mark(7, 5)


def test_a_missing_key_is_located_at_its_nearest_ancestor() -> None:
    document = parse_yaml(TEXT, "f.yaml")
    problem = document.problem(("actors", 1, "stances", "toll"), "no stance")
    assert problem == Problem("f.yaml", 7, 5, "actors.1.stances.toll", "no stance")
    assert document.locate(("nowhere", "at", "all")) == Mark(1, 1)


def test_the_data_is_plain_dicts_lists_and_scalars() -> None:
    data = parse_yaml(TEXT, "f.yaml").data
    assert data["actors"][0]["stances"]["toll"] == {"position": 20, "salience": 0.8}


def test_duplicate_keys_are_located_at_the_repetition_and_name_the_first() -> None:
    text = "a: 1\nb:\n  - {c: 1, c: 2}\na: 3\n"
    assert _problems(text) == [
        "f.yaml:3:12: b.0.c: duplicate key 'c' (first given on line 3)",
        "f.yaml:4:1: a: duplicate key 'a' (first given on line 1)",
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a:\n  b: 1\n c: 2\n", "f.yaml:3:2:"),
        ("a: [1, 2\nb: 3\n", "f.yaml:2:2:"),
        ('a: "open\n', "f.yaml:2:1:"),
        ("a:\n\tb: 1\n", "f.yaml:2:1:"),
        ("a: *nowhere\n", "f.yaml:1:4:"),
    ],
)
def test_syntax_errors_are_located_at_line_and_column(text: str, where: str) -> None:
    [problem] = _problems(text)
    assert problem.startswith(f"{where} YAML syntax: ")


def test_an_unprintable_character_is_located_on_its_own_line() -> None:
    assert _problems("a: 1\nb: x\x07y\n") == ["f.yaml:2:5: character U+0007 is not allowed in YAML"]


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"a: 1\nb: caf" + b"\xe9\n")
    with pytest.raises(ScenarioError) as error:
        read_yaml(path, "latin.yaml")
    assert [str(p) for p in error.value.problems] == ["latin.yaml:2:7: the file is not UTF-8 text"]


def test_an_unreadable_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the file"):
        read_yaml(tmp_path / "absent.yaml")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_file_is_an_error(text: str) -> None:
    assert _problems(text) == ["f.yaml:1:1: the file is empty; a scenario is a YAML mapping"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("as_of: 2030-02-30\n", "f.yaml:1:8: as_of: invalid date '2030-02-30': day is out"),
        ("a:\n  - !!timestamp soon\n", "f.yaml:2:5: a.0: invalid date 'soon'"),
        ("rounds: !!int three\n", "f.yaml:1:9: rounds: cannot read 'three' as int"),
        ("x: !!bool maybe\n", "f.yaml:1:4: x: cannot read 'maybe' as bool"),
    ],
)
def test_unconvertible_values_are_located_at_their_key(text: str, message: str) -> None:
    [problem] = _problems(text)
    assert problem.startswith(message)


def test_python_object_tags_are_refused() -> None:
    [problem] = _problems("a: !!python/object/apply:os.system [echo hi]\n")
    assert problem == (
        "f.yaml:1:4: a: the tag !!python/object/apply:os.system is not allowed; "
        "write plain text or numbers"
    )


def test_an_alias_that_contains_itself_is_located_at_its_anchor() -> None:
    assert _problems("a: &loop\n  - *loop\n") == [
        "f.yaml:1:4: YAML alias: an alias refers to a node that contains it"
    ]


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        levels.append(f"a{level}: &a{level} [{refs}]")
    [problem] = _problems("\n".join(levels) + "\n")
    assert "YAML alias: the document expands to more than" in problem


def test_plain_aliases_are_allowed_and_expanded() -> None:
    data = parse_yaml("all: &all [a, b]\nvenue: {participants: *all}\n", "f.yaml").data
    assert data["venue"]["participants"] == ["a", "b"]


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    assert _problems("[" * 5000) == ["f.yaml:1:1: the YAML is nested too deeply"]


def test_dumped_yaml_reads_back_as_the_same_data() -> None:
    data = {"scenario": {"id": "x", "title": "Ünïcode"}, "issues": [{"id": "a"}]}
    assert parse_yaml(dump_yaml(data), "f.yaml").data == data


def _utf8(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return False
    return True


ROOT = Path(__file__).resolve().parent.parent
YAML_FILES = sorted(
    p
    for folder in ("scenarios", "tests/testdata")
    for p in (ROOT / folder).rglob("*.yaml")
    if _utf8(p)
)


def _both_parsers(text: str) -> tuple[object, object]:
    outcomes: list[object] = []
    for pure_python in (False, True):
        try:
            document = parse_yaml(text, "f.yaml", pure_python=pure_python)
            outcomes.append((document.data, document.marks))
        except ScenarioError as error:
            outcomes.append([str(p) for p in error.problems])
    return outcomes[0], outcomes[1]


def test_libyaml_is_there_so_the_fast_path_is_what_these_tests_compare() -> None:
    assert yaml.__with_libyaml__


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_libyaml_and_the_pure_python_parser_agree_on_every_file(path: Path) -> None:
    fast, slow = _both_parsers(path.read_text(encoding="utf-8"))
    assert fast == slow


def test_libyaml_columns_count_characters_not_bytes() -> None:
    text = "a:\n  é: {ü: 1, x: [ö, 2]}\n  y: 3\n"
    fast, slow = _both_parsers(text)
    assert fast == slow
    assert parse_yaml(text, "f.yaml").marks[("a", "é", "x")] == Mark(2, 13)


def test_a_file_libyaml_rejects_gets_the_pure_python_message() -> None:
    fast, slow = _both_parsers("a: [1, 2\nb: 3\n")
    assert fast == slow
    assert isinstance(fast, list)
    assert fast[0].startswith("f.yaml:2:")
