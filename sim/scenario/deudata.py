"""The DEU data-set layout: recorded EU legislative negotiations as one tab-separated file.

The layout (``scenarios/deu/README.md``): 75 tab-separated, optionally double-quoted columns; row 1
the header, row 2 a capability per actor in the position columns, then one issue per row with each
actor's position and salience (0–100), the reference point and the adopted outcome. The first two
actor columns are the Commission and the Parliament, the other 28 the member states. Every bad
cell is reported at ``file:line:column``, all at once, as a :class:`~sim.errors.ScenarioError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sim.errors import Problem, ScenarioError
from sim.scenario.textfile import read_text

FIXED = (
    "prnrnmc",
    "isnrnmc",
    "prnr",
    "prname",
    "isnr",
    "type",
    "council",
    "proc",
    "counvte",
    "proccde",
    "issues",
    "intro",
    "finact",
)
"""The 13 columns before the actors' positions, in layout order."""
ACTORS = 30
"""Actor columns per block: the Commission, the Parliament and 28 member states."""
COLUMNS = len(FIXED) + 2 * ACTORS + 2
"""75: the fixed columns, positions, saliences, the reference point and the outcome."""
POSITIONS = len(FIXED)
SALIENCES = POSITIONS + ACTORS
REFERENCE = SALIENCES + ACTORS
OUTCOME = REFERENCE + 1
PROCEDURES = ("COD", "CNS")
"""The procedures the engine models: co-decision (Council and Parliament must both agree) and
consultation (the Council decides, the Parliament gives an opinion)."""
UNMODELLED_PROCEDURES = {
    "SYN": "the cooperation procedure (Parliament's second reading) is not modelled",
    "AVC": "the assent procedure (Parliament's yes/no veto) is not modelled",
}
"""Procedure codes of the DEU codebooks that the engine does not model: such a row is skipped
with this reason, not refused (docs/validation.md, "The DEU reader's codes")."""


class Voting(StrEnum):
    """The Council's voting rule on a proposal."""

    QMV = "qmv"
    UNANIMITY = "unanimity"


_VOTING = {"qmv": Voting.QMV, "unan": Voting.UNANIMITY, "unanimity": Voting.UNANIMITY}
_UNMODELLED_VOTING = {"smv": "the Council's simple-majority rule is not modelled"}
_VOTE_CODE = re.compile(r"^\s*([A-Za-z]+)\s*(?:\(\s*[^()]*\s*\))?\s*$")
"""A voting code with an optional parenthesised codebook annotation, e.g. ``QMV(10)``: the
annotation qualifies the record, not the rule, so ``QMV(10)`` is read as QMV."""


def voting_rule(cell: str) -> Voting | str | None:
    """The Council voting rule of a ``counvte`` cell.

    A skip reason for a codebook value the engine does not model; None for a cell that is no
    codebook value at all (the reader then reports it at file:line:column).
    """
    match = _VOTE_CODE.match(cell)
    if match is None:
        return None
    base = match.group(1).lower()
    return _VOTING.get(base) or _UNMODELLED_VOTING.get(base)


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """An issue row with codebook-valid cells that the backtest cannot score, and why."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class DeuIssue:
    """One issue row: the actors' stances on a 0–100 scale, its procedure and what was adopted."""

    line: int
    """The row's 1-based line in the file."""
    proposal: str
    """Proposal id (``prnr``); issues of one proposal are decided together."""
    proposal_name: str
    issue: str
    """Issue id (``isnr``)."""
    procedure: str
    """``COD`` (co-decision) or ``CNS`` (consultation)."""
    voting: Voting
    position: tuple[float | None, ...]
    """Per actor, in the data's actor order; None where none is recorded."""
    salience: tuple[float | None, ...]
    """Per actor, 0–100; None where none is recorded."""
    reference: float | None
    """The reference point: what holds without a decision; None where not recorded."""
    outcome: float | None
    """The adopted outcome; None where not recorded."""


@dataclass(frozen=True, slots=True)
class DeuData:
    """A whole file: the actor codes and capabilities of row 2, and every issue row."""

    file: str
    actors: tuple[str, ...]
    """Actor codes from the header (``pcom`` → ``com``): Commission, Parliament, member states."""
    capability: tuple[float, ...]
    issues: tuple[DeuIssue, ...]
    skipped: tuple[SkippedRow, ...] = ()
    """Rows read but not scorable (an unmodelled procedure or rule, no rule recorded)."""

    @property
    def commission(self) -> int:
        """Index of the Commission (the first actor column)."""
        return 0

    @property
    def parliament(self) -> int:
        """Index of the Parliament (the second actor column)."""
        return 1

    def is_member_state(self, actor: int) -> bool:
        """True for the member-state columns (all but the Commission and the Parliament)."""
        return actor >= 2


def _cells(line: str) -> tuple[list[str], list[int]]:
    """The line's cells without their surrounding double quotes, and each cell's 1-based column."""
    values, columns, start = [], [], 0
    for raw in line.split("\t"):
        text = raw.strip()
        quoted = len(text) >= 2 and text[0] == text[-1] == '"'
        values.append(text[1:-1] if quoted else text)
        columns.append(start + 1 + (len(raw) - len(raw.lstrip())))
        start += len(raw) + 1
    return values, columns


def _number(cell: str, low: float, high: float) -> float | str:
    """The cell as a number within [low, high], or what is wrong with it."""
    try:
        value = float(cell)
    except ValueError:
        return f"must be a number, not {cell!r}"
    if not math.isfinite(value) or not low <= value <= high:
        span = "a positive number" if high == math.inf else f"a number from {low:g} to {high:g}"
        return f"must be {span}, not {cell!r}"
    return value


class _Reader:
    """Collects every located problem of one file while reading it."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, line: int, column: int, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, column, path, message))

    def optional(self, line: int, name: str, cell: str, column: int) -> float | None:
        if not cell:
            return None
        value = _number(cell, 0.0, 100.0)
        if isinstance(value, str):
            self.problem(line, column, name, value)
            return None
        return value

    def header(self, line: str) -> tuple[str, ...]:
        values, columns = _cells(line)
        if len(values) != COLUMNS:
            at = columns[min(len(values), COLUMNS) - 1] if values else 1
            message = f"the header has {len(values)} columns; the layout has {COLUMNS}"
            self.problem(1, at, "header", message)
            return ()
        for k, name in enumerate(FIXED):
            if values[k] != name:
                self.problem(1, columns[k], "header", f"column {k + 1} must be {name!r}")
        codes = [v[1:] for v in values[POSITIONS:SALIENCES]]
        for k in range(ACTORS):
            pos, sal = values[POSITIONS + k], values[SALIENCES + k]
            if not pos.startswith("p") or len(pos) < 2:
                self.problem(1, columns[POSITIONS + k], "header", f"{pos!r} is not 'p<actor>'")
            if sal != f"s{codes[k]}":
                expected = f"s{codes[k]}"
                self.problem(1, columns[SALIENCES + k], "header", f"expected {expected!r}")
        for k, name in ((REFERENCE, "rp"), (OUTCOME, "out")):
            if values[k] != name:
                self.problem(1, columns[k], "header", f"column {k + 1} must be {name!r}")
        if len(set(codes)) != len(codes):
            self.problem(1, columns[POSITIONS], "header", "an actor column appears twice")
        return tuple(codes)

    def width(self, number: int, values: list[str], columns: list[int], line: str) -> bool:
        if len(values) == COLUMNS:
            return True
        at = columns[COLUMNS] if len(values) > COLUMNS else len(line) + 1
        message = f"{len(values)} cells; the layout has {COLUMNS} (tab-separated)"
        self.problem(number, at, "", message)
        return False

    def capabilities(self, line: str, actors: tuple[str, ...]) -> tuple[float, ...]:
        values, columns = _cells(line)
        if not self.width(2, values, columns, line):
            return ()
        if any(values[:POSITIONS]) or not any(values[POSITIONS:SALIENCES]):
            message = (
                "row 2 must be the capability row: a capability per actor in the position "
                "columns and nothing in the issue columns"
            )
            self.problem(2, 1, "capability", message)
            return ()
        result = []
        for k, actor in enumerate(actors):
            cell, column = values[POSITIONS + k], columns[POSITIONS + k]
            value = _number(cell, 0.0, math.inf) if cell else "is missing"
            if isinstance(value, str) or value <= 0:
                why = (
                    value if isinstance(value, str) else f"must be a positive number, not {cell!r}"
                )
                self.problem(2, column, f"capability.{actor}", why)
                continue
            result.append(value)
        return tuple(result)

    def issue(
        self, number: int, line: str, actors: tuple[str, ...]
    ) -> DeuIssue | SkippedRow | None:
        values, columns = _cells(line)
        if not self.width(number, values, columns, line):
            return None
        before = len(self.problems)
        for k, name in ((2, "prnr"), (4, "isnr")):
            if not values[k]:
                self.problem(number, columns[k], name, f"{name} is missing")
        procedure = values[7].strip().upper()
        skip: str | None = None
        if not procedure:
            skip = "no procedure recorded"
        elif procedure in UNMODELLED_PROCEDURES:
            skip = UNMODELLED_PROCEDURES[procedure]
        elif procedure not in PROCEDURES:
            known = ", ".join((*PROCEDURES, *UNMODELLED_PROCEDURES))
            self.problem(number, columns[7], "proc", f"must be one of {known}, not {values[7]!r}")
        rule = voting_rule(values[8]) if values[8].strip() else "no Council voting rule recorded"
        voting = rule if isinstance(rule, Voting) else None
        if rule is None:
            message = f"must be QMV, Unan or SMV (optionally with a '(n)' note): {values[8]!r}"
            self.problem(number, columns[8], "counvte", message)
        elif voting is None:
            skip = skip or rule
        issue = values[4]

        def block(start: int, kind: str) -> tuple[float | None, ...]:
            return tuple(
                self.optional(
                    number, f"{issue}.{kind}.{actor}", values[start + k], columns[start + k]
                )
                for k, actor in enumerate(actors)
            )

        position, salience = block(POSITIONS, "position"), block(SALIENCES, "salience")
        reference = self.optional(number, f"{issue}.rp", values[REFERENCE], columns[REFERENCE])
        outcome = self.optional(number, f"{issue}.out", values[OUTCOME], columns[OUTCOME])
        if len(self.problems) > before:
            return None
        if skip is not None or voting is None:
            return SkippedRow(number, skip or "no Council voting rule recorded")
        return DeuIssue(
            number,
            values[2],
            values[3],
            issue,
            procedure,
            voting,
            position,
            salience,
            reference,
            outcome,
        )


def read_deu_tsv(path: str | Path) -> DeuData:
    """Read a file of the DEU layout, reporting every bad cell at ``file:line:column``.

    Raises:
        ScenarioError: the file cannot be read; the header is not the layout's; a row has the
            wrong number of cells; row 2 is not a capability row of positive numbers; a number
            cell holds text or lies off the 0–100 scale; a procedure or voting rule is no codebook
            value (a codebook value the engine does not model skips the row instead);
            an issue id repeats; or there is no issue row.
    """
    file = str(path)
    lines = read_text(path).splitlines()
    reader = _Reader(file)
    actors = reader.header(lines[0] if lines else "")
    if reader.problems:
        raise ScenarioError(reader.problems)
    if len(lines) < 2 or not lines[1].strip():
        raise ScenarioError.single(file, "no capability row: row 2 must hold them", 2, 1)
    capability = reader.capabilities(lines[1], actors)
    issues: list[DeuIssue] = []
    skipped: list[SkippedRow] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[2:], start=3):
        if not line.strip():
            continue
        issue = reader.issue(number, line, actors)
        if issue is None:
            continue
        if isinstance(issue, SkippedRow):
            skipped.append(issue)
            continue
        if issue.issue in seen:
            message = f"issue {issue.issue!r} already appears on line {seen[issue.issue]}"
            reader.problem(number, _cells(line)[1][4], "isnr", message)
            continue
        seen[issue.issue] = number
        issues.append(issue)
    if not issues and not skipped and not reader.problems:
        reader.problem(max(len(lines), 2), 1, "", "no issue rows after the capability row")
    if reader.problems:
        raise ScenarioError(reader.problems)
    return DeuData(file, actors, capability, tuple(issues), tuple(skipped))
