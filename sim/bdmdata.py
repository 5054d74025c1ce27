"""The classic BDM data-set format: a CSV with columns actor, capability, position, salience.

Salience is on 0–100 as in the published tables; it is divided by 100 on reading.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import Problem, ScenarioError
from sim.expected_utility import FloatArray

COLUMNS = ("actor", "capability", "position", "salience")


@dataclass(frozen=True, eq=False)
class BdmData:
    """One issue's actors with capability, position and salience (0–1)."""

    name: str
    actors: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray


def read_bdm_csv(path: Path) -> BdmData:
    """Read a BDM data set; every bad cell is reported at its line and column.

    Raises:
        ScenarioError: unreadable file, wrong header, or a cell that is not a valid number.
    """
    file = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError.single(file, f"cannot read the file: {error}") from None
    rows = list(csv.reader(lines))
    if not rows or tuple(c.strip().lower() for c in rows[0]) != COLUMNS:
        raise ScenarioError.single(file, f"the header must be: {','.join(COLUMNS)}")
    problems: list[Problem] = []
    actors: list[str] = []
    values: list[list[float]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            problems.append(Problem(file, number, 1, "", f"expected {len(COLUMNS)} columns"))
            continue
        actors.append(row[0].strip())
        parsed: list[float] = []
        column = len(row[0]) + 2
        for name, cell in zip(COLUMNS[1:], row[1:], strict=True):
            try:
                value = float(cell)
                limits = {"capability": (0, None), "position": (None, None), "salience": (0, 100)}
                low, high = limits[name]
                if (
                    (low is not None and value < low)
                    or (high is not None and value > high)
                    or not np.isfinite(value)
                ):
                    raise ValueError
            except ValueError:
                problems.append(
                    Problem(file, number, column, name, f"not a valid {name}: {cell!r}")
                )
                value = 0.0
            parsed.append(value)
            column += len(cell) + 1
        values.append(parsed)
    if len(actors) < 2 and not problems:
        problems.append(Problem(file, 1, 1, "", "a data set needs at least two actors"))
    if problems:
        raise ScenarioError(problems)
    table = np.array(values, dtype=np.float64)
    return BdmData(Path(path).stem, tuple(actors), table[:, 0], table[:, 1], table[:, 2] / 100)
