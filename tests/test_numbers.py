"""Every number in a scenario is finite, a number, and small enough for the model's arithmetic.

Before the fix, ``capability: .inf`` (or ``1.0e+400``) passed ``negsim validate`` and ``run``
then ended in an IndexError; ``change: .nan`` silently changed outcomes; every capability at
``1.0e+308`` printed ``nan``; ``position: yes`` was read as 1.0; ``!!binary`` passed as text.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
TINY = Path(__file__).resolve().parent / "testdata" / "tiny"
LOCATED = re.compile(r"^tiny\.yaml:\d+:\d+: \S+: ", re.MULTILINE)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(TINY / "source.txt", tmp_path / "source.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(folder: Path, old: str, new: str, count: int = 1) -> None:
    text = (TINY / "tiny.yaml").read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    (folder / "tiny.yaml").write_text(text.replace(old, new, count), encoding="utf-8")


def _refused(*args: str) -> str:
    result = runner.invoke(app, [*args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("value", [".inf", "1.0e+400", "-.inf", ".nan"])
def test_an_infinite_or_nan_capability_is_refused_by_validate_and_run(
    folder: Path, value: str
) -> None:
    _write(folder, "capability: 0.5", f"capability: {value}")
    for command in (["validate", "tiny.yaml"], ["run", "tiny.yaml", "--runs", "5"]):
        output = _refused(*command)
        assert "tiny.yaml:35:5: actors.0.capability: Input should be a finite number" in output
    assert not (folder / "reports").exists()


def test_a_nan_shock_change_is_refused_at_its_key(folder: Path) -> None:
    _write(folder, "issue: dam, change: 0.1}", "issue: dam, change: .nan}")
    output = _refused("validate", "tiny.yaml")
    assert "shocks.0.effects.0.change: Input should be a finite number" in output


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("threats: 0.02", "threats: .inf", "escalation.options.0.costs.threats"),
        ("threats: 0.02", "threats: 1.0e+300", "escalation.options.0.costs.threats"),
        ("      cost: 0.1", "      cost: .nan", "escalation.responses.0.cost"),
    ],
)
def test_escalation_and_response_costs_must_be_finite_and_bounded(
    folder: Path, old: str, new: str, where: str
) -> None:
    _write(folder, old, new)
    output = _refused("validate", "tiny.yaml")
    assert f"{where}: Input should be" in output


def test_capabilities_that_would_overflow_are_refused_with_the_bound(folder: Path) -> None:
    text = (TINY / "tiny.yaml").read_text(encoding="utf-8")
    text = re.sub(r"capability: [0-9.]+", "capability: 1.0e+308", text)
    (folder / "tiny.yaml").write_text(text, encoding="utf-8")
    output = _refused("run", "tiny.yaml", "--runs", "5")
    assert output.count("Input should be less than or equal to 1000000") == 3
    assert "nan" not in output


def test_a_boolean_where_a_number_is_due_is_refused(folder: Path) -> None:
    _write(folder, "position: 20\n        salience: 0.8", "position: yes\n        salience: 0.8")
    output = _refused("validate", "tiny.yaml")
    assert (
        "actors.0.stances.toll.position: Input should be a valid number (got True); YAML reads "
        "unquoted yes/no/on/off as true/false, not as a number"
    ) in output


def test_a_boolean_where_a_count_is_due_is_refused(folder: Path) -> None:
    _write(folder, "rounds: 3", "rounds: on")
    assert "venues.0.rounds: Input should be a valid integer" in _refused("validate", "tiny.yaml")


def test_binary_and_other_non_text_tags_are_refused(folder: Path) -> None:
    _write(folder, "title: River talks", "title: !!binary Uml2ZXIgdGFsa3M=")
    output = _refused("validate", "tiny.yaml")
    assert "tiny.yaml:5:10: scenario.title: the tag !!binary is not allowed" in output


def test_control_characters_in_scenario_text_are_refused_at_their_key(folder: Path) -> None:
    _write(folder, "title: River talks", 'title: "River \\e]0;owned\\a talks"')
    output = _refused("validate", "tiny.yaml")
    assert "tiny.yaml:5:10: scenario.title: the text holds the control character U+001B" in output
    assert "\x1b" not in output


def _numeric_spans() -> list[tuple[int, int]]:
    """Start and end offsets of every number written in the tiny scenario."""
    text = (TINY / "tiny.yaml").read_text(encoding="utf-8")
    spans: list[tuple[int, int]] = []
    root = yaml.compose(text)
    assert root is not None
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack += [value for _, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif node.tag.endswith((":int", ":float")):
            spans.append((node.start_mark.index, node.end_mark.index))
    return sorted(spans)


NUMBERS = _numeric_spans()


def _not_a_number(constant: str) -> None:
    raise AssertionError(f"the JSON holds {constant}")


def _literal(value: float) -> str:
    """A YAML 1.1 float literal for *value* (PyYAML needs a dot before an exponent)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{exponent}" if exponent else mantissa


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    span=st.sampled_from(NUMBERS),
    value=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=-200, max_value=200),
    ),
)
def test_any_float_anywhere_numeric_loads_and_runs_or_is_refused_with_a_location(
    folder: Path, span: tuple[int, int], value: float
) -> None:
    text = (TINY / "tiny.yaml").read_text(encoding="utf-8")
    (folder / "tiny.yaml").write_text(
        text[: span[0]] + _literal(value) + text[span[1] :], encoding="utf-8"
    )
    for command in (
        ["explain", "tiny.yaml", "--run", "1", "--runs", "2", "--json"],
        ["forecast", "tiny.yaml", "--json"],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code in (0, 2), (command, result.output, result.exception)
        if result.exit_code == 2:
            assert LOCATED.search(result.stderr), result.stderr
            assert "Traceback" not in result.output
            return
        json.loads(result.stdout, parse_constant=_not_a_number)
