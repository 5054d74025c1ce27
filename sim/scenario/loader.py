"""Load a scenario file into a validated :class:`~sim.scenario.format.Scenario`, or say why not.

The chain: YAML text (with marks) → variant merge → pydantic models → cross-references →
source quotes. Every problem found is reported at once, located at ``file:line:column``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from sim.errors import Problem, ScenarioError
from sim.scenario.conditions import CONDITION_KEYS
from sim.scenario.consistency import check_scenario
from sim.scenario.format import Scenario
from sim.scenario.sources import check_quotes, count_citations, source_paths
from sim.scenario.variants import read_scenario_document
from sim.scenario.yamlsource import KeyPath


class Located(Protocol):
    """Plain data that knows where each of its key paths came from."""

    @property
    def data(self) -> Any:
        """The document as dicts, lists and scalars."""

    def problem(self, path: KeyPath, message: str) -> Problem:
        """A problem located at *path*."""

    def origin(self, path: KeyPath) -> Path:
        """The file the value at *path* was read from."""


@dataclass(frozen=True)
class QuoteCheck:
    """How many citations a loaded scenario holds and how many were verified against sources."""

    total: int
    verified: int


@cache
def _all_field_names() -> frozenset[str]:
    names: set[str] = set(CONDITION_KEYS)
    stack: list[type[BaseModel]] = [Scenario]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(field.alias or name)
            for sub in _models_in(field.annotation):
                stack.append(sub)
    return frozenset(names)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) + getattr(annotation, "__metadata__", ()):
        found.extend(_models_in(arg))
    return found


def _clean_loc(loc: tuple[str | int, ...]) -> KeyPath:
    """Drop the tag pydantic inserts before each condition's key (``not.not`` → ``not``).

    Only inside a condition, and one tag per pair, so ``not: {not: …}`` keeps both keys and a
    stance on an issue whose id happens to be ``position`` keeps its ``position`` field.
    """
    cleaned: list[str | int] = []
    index = 0
    while index < len(loc):
        part = loc[index]
        tagged = part in CONDITION_KEYS and index + 1 < len(loc) and loc[index + 1] == part
        if tagged and "condition" in loc[:index]:
            index += 1  # skip the tag; the key itself follows
        cleaned.append(loc[index])
        index += 1
    return tuple(cleaned)


def _message(error: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, _all_field_names(), n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {key!r}{hint}"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if (
        kind not in ("missing", "extra_forbidden")
        and "input" in error
        and not isinstance(error["input"], dict | list)
    ):
        shown = repr(error["input"])
        shown = shown if len(shown) <= 40 else f"{shown[:36]}…"
        message = f"{message} (got {shown})"
    if kind == "string_type" and isinstance(error.get("input"), bool):
        message += "; YAML reads unquoted yes/no/on/off as true/false, so quote the text"
    elif kind in ("float_type", "int_type") and isinstance(error.get("input"), bool):
        message += "; YAML reads unquoted yes/no/on/off as true/false, not as a number"
    elif kind == "finite_number":
        message += "; .nan, .inf and numbers beyond ±1.8e308 are not numbers the model can use"
    return message


def _validation_problems(document: Located, error: ValidationError) -> list[Problem]:
    errors = error.errors()
    locs = [_clean_loc(tuple(item["loc"])) for item in errors]
    problems = []
    for item, loc in zip(errors, locs, strict=True):
        # An invalid item is dropped before a length check runs, so "too short" would be noise.
        if item["type"] == "too_short" and any(
            other[: len(loc)] == loc and len(other) > len(loc) for other in locs
        ):
            continue
        problems.append(document.problem(loc, _message(item)))
    return problems


def validate_document(document: Located) -> tuple[Scenario, QuoteCheck]:
    """Validate located data as a scenario and check its quotes.

    Raises:
        ScenarioError: with every problem found, located.
    """
    if not isinstance(document.data, dict):
        raise ScenarioError([document.problem((), "a scenario file is a YAML mapping")])
    try:
        scenario = Scenario.model_validate(document.data)
    except ValidationError as error:
        raise ScenarioError(_validation_problems(document, error)) from None
    findings = check_scenario(scenario)
    paths, missing = source_paths(scenario, document.origin)
    verified, bad_quotes = check_quotes(scenario, paths)
    findings += missing + bad_quotes
    if findings:
        raise ScenarioError(document.problem(path, message) for path, message in findings)
    return scenario, QuoteCheck(total=count_citations(scenario), verified=verified)


@dataclass(frozen=True)
class _InMemory:
    data: Any
    name: str

    def problem(self, path: KeyPath, message: str) -> Problem:
        return Problem(self.name, 1, 1, ".".join(str(p) for p in path), message)

    def origin(self, path: KeyPath) -> Path:
        del path
        return Path.cwd() / self.name


def scenario_from_data(data: dict[str, Any], name: str = "<data>") -> Scenario:
    """Validate a scenario given as plain data (built in code, e.g. in a notebook or a test).

    Raises:
        ScenarioError: every problem, located by key path (line and column are 1:1).
    """
    return validate_document(_InMemory(data, name))[0]


def load_scenario_checked(path: str | Path) -> tuple[Scenario, QuoteCheck]:
    """Load a scenario and also return the tally of verified quotes (for ``negsim validate``)."""
    return validate_document(read_scenario_document(Path(path)))


def load_scenario(path: str | Path) -> Scenario:
    """Load, validate and source-check the scenario at *path*.

    Raises:
        ScenarioError: every problem in the file (and any file it extends), each as
            ``file:line:column: key.path: message``.
    """
    return load_scenario_checked(path)[0]
