"""Errors negsim raises for bad input, as opposed to bugs.

Hierarchy::

    NegsimError                 any problem a user can fix; the CLI prints it and exits 2
    ├── ScenarioError           a scenario, variant or data file is wrong (located problems)
    └── SimulationError         a valid scenario asked for something the engine cannot do
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One located problem in an input file."""

    file: str
    """Path of the file, as the user gave it."""
    line: int
    """1-based line."""
    column: int
    """1-based column."""
    path: str
    """Dotted key path inside the document, e.g. ``actors.0.stances.enlargement.salience``."""
    message: str
    """What is wrong, in words."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class NegsimError(Exception):
    """Base class of every error a user can fix by changing input or options."""


class ScenarioError(NegsimError):
    """One or more located problems in input files, reported all at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls, file: str | Path, message: str, line: int = 1, column: int = 1, path: str = ""
    ) -> ScenarioError:
        """Build an error holding one problem."""
        return cls([Problem(str(file), line, column, path, message)])


class SimulationError(NegsimError):
    """A request the engine cannot honour (for example, an unknown actor or run index)."""


def unknown(what: str, given: str, known: Sequence[str]) -> str:
    """``unknown actor 'Alpha' (did you mean 'alpha'?); known: …``: a message for a bad id."""
    lowered = {k.lower(): k for k in known}
    close = [lowered[given.lower()]] if given.lower() in lowered else []
    close = close or difflib.get_close_matches(given, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {what} {given!r}{hint}; known: {', '.join(known)}"
