"""The classic BDM data-set format: one issue as a CSV of actor, capability, position, salience.

The first line is a header naming the four columns (any case, any order; nothing else). Salience
is on 0–100 as in the published tables (bdm.md §6) and is divided by 100 on reading. Every bad
cell is reported at its line and column, all at once, as a :class:`~sim.errors.ScenarioError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import Problem, ScenarioError
from sim.scenario.textfile import read_text
from sim.vocabulary import MAX_ACTORS, control_characters

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

MAX_MAGNITUDE = 1e6
"""Capabilities and positions lie within ±10⁶, so the model's products and sums cannot overflow."""
COLUMNS = ("actor", "capability", "position", "salience")
"""The header's column names (compared case-insensitively)."""
_LIMITS = {
    "capability": (0.0, MAX_MAGNITUDE, f"a number from 0 to {MAX_MAGNITUDE:g}"),
    "position": (
        -MAX_MAGNITUDE,
        MAX_MAGNITUDE,
        f"a number from {-MAX_MAGNITUDE:g} to {MAX_MAGNITUDE:g}",
    ),
    "salience": (0.0, 100.0, "a number from 0 to 100"),
}
"""Allowed range of each numeric column, and how to say it."""
_CELL = re.compile(r'\s*"((?:[^"]|"")*)"\s*(?=,|$)|([^,"]*)(?=,|$)')
"""One CSV cell: double-quoted (with "" for a quote) or bare, up to the next comma."""


@dataclass(frozen=True, slots=True, eq=False)
class BdmData:
    """One issue's actors, in file order, with read-only arrays."""

    name: str
    """The file name without its suffix."""
    actors: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    """Salience as a probability in [0, 1] (the file's value / 100)."""


class _Cells:
    """The cells of one line with their 1-based columns, or where the line stops being CSV."""

    def __init__(self, line: str) -> None:
        self.values: list[str] = []
        self.columns: list[int] = []
        self.error_column = 0
        position = 0
        while position <= len(line):
            match = _CELL.match(line, position)
            if match is None:
                self.error_column = position + 1
                return
            quoted, bare = match.groups()
            if quoted is not None:
                self.values.append(quoted.replace('""', '"'))
                self.columns.append(match.start(1))  # the opening quote, 1-based
            else:
                self.values.append(bare.strip())
                self.columns.append(match.start(2) + len(bare) - len(bare.lstrip()) + 1)
            position = match.end() + 1


def read_bdm_csv(path: str | Path) -> BdmData:
    """Read a BDM data set, reporting every bad cell at ``file:line:column``.

    Raises:
        ScenarioError: the file cannot be read, the header is wrong, or cells are missing, extra,
            not numbers, out of range (capability ≥ 0, salience 0–100) or repeat an actor.
    """
    file = str(path)
    lines = read_text(path).splitlines()
    order = _header(file, lines[0] if lines else "")
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    actors: list[str] = []
    values: list[list[float]] = []
    for number, line in enumerate(lines[1:], start=2):
        row = _row(file, number, line, order, seen, problems) if line.strip() else None
        if row is not None:
            actors.append(row[0])
            values.append(row[1])
        if len(actors) > MAX_ACTORS:
            message = f"more than {MAX_ACTORS} actors; the model's rounds grow as actors³"
            raise ScenarioError([*problems, Problem(file, number, 1, "", message)])
    if len(seen) < 2 and not problems:
        problems.append(Problem(file, max(len(lines), 1), 1, "", "need at least two actors"))
    if problems:
        raise ScenarioError(problems)
    import numpy as np  # here, not at the top: ``negsim validate`` never needs numpy

    capability, position, salience = np.array(values, dtype=np.float64).T
    salience = salience / 100
    for array in (capability, position, salience):
        array.setflags(write=False)
    return BdmData(Path(path).stem, tuple(actors), capability, position, salience)


def _header(file: str, line: str) -> list[str]:
    """The column names in file order, or a ScenarioError locating what is wrong with them."""
    cells = _Cells(line)
    names = [v.lower() for v in cells.values]
    expected = ", ".join(COLUMNS)
    if cells.error_column or not set(names) & set(COLUMNS):
        message = f"the first line must be the header: {expected}"
        raise ScenarioError.single(file, message, 1, cells.error_column or 1, "header")
    problems = [
        Problem(file, 1, column, "header", f"unknown column {name!r}; expected {expected}")
        for name, column in zip(names, cells.columns, strict=True)
        if name not in COLUMNS
    ]
    problems += [
        Problem(file, 1, column, "header", f"column {name!r} appears twice")
        for k, (name, column) in enumerate(zip(names, cells.columns, strict=True))
        if name in COLUMNS and name in names[:k]
    ]
    problems += [
        Problem(file, 1, len(line) + 1, "header", f"missing column {name!r}")
        for name in COLUMNS
        if name not in names
    ]
    if problems:
        raise ScenarioError(problems)
    return names


def _row(
    file: str,
    number: int,
    line: str,
    order: list[str],
    seen: dict[str, int],
    problems: list[Problem],
) -> tuple[str, list[float]] | None:
    """One actor's name and [capability, position, salience], or None after adding problems."""
    cells = _Cells(line)
    if cells.error_column:
        problems.append(Problem(file, number, cells.error_column, "", "unbalanced quote"))
        return None
    before = len(problems)
    if len(cells.values) > len(order):
        message = f"extra cell: the header names {len(order)} columns"
        problems.append(Problem(file, number, cells.columns[len(order)], "", message))
    found = dict(zip(order, zip(cells.values, cells.columns, strict=False), strict=False))
    actor = found.get("actor", ("", 0))[0]
    numbers: list[float] = []
    for name in COLUMNS:
        where = f"{actor}.{name}" if actor and name != "actor" else name
        if name not in found:
            problems.append(Problem(file, number, len(line) + 1, where, f"missing {name}"))
            continue
        cell, column = found[name]
        problem = _check(name, cell, seen)
        if problem:
            problems.append(Problem(file, number, column, where, problem))
        elif name != "actor":
            numbers.append(float(cell))
    if actor:
        seen.setdefault(actor, number)
    return (actor, numbers) if len(problems) == before else None


def _check(name: str, cell: str, seen: dict[str, int]) -> str:
    """What is wrong with one cell, or "" if nothing."""
    if name == "actor":
        if not cell:
            return "the actor needs a name"
        if control_characters(cell):
            return f"the actor's name holds the control character {control_characters(cell)}"
        return f"actor {cell!r} already appears on line {seen[cell]}" if cell in seen else ""
    try:
        value = float(cell)
    except ValueError:
        return f"{name} must be a number, not {cell!r}"
    low, high, allowed = _LIMITS[name]
    if not math.isfinite(value) or not low <= value <= high:
        return f"{name} must be {allowed}, not {cell!r}"
    return ""
