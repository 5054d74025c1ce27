"""Terminal tables that fit a width without splitting a word.

Rich shrinks a table that is too wide by wrapping its columns, and when a column is narrower than
its longest word it cuts that word (or ends it with "…"). These helpers measure a table before it
is printed, so that a caller can pick a narrower layout instead: the same table in groups of
columns, one under the other, each repeating the key column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table


def longest_word(*texts: str) -> int:
    """Length of the longest word among *texts*: the narrowest a column may get."""
    return max((len(word) for text in texts for word in text.split()), default=1)


def fits(table: Table, width: int, least: int | None = None) -> bool:
    """True when *table* fits *width* columns with no word split.

    Columns that wrap are measured at their narrowest: *least* characters when given (capped
    there; the caller passes its longest word), else the ``max_width`` the caller set. Columns
    that do not wrap are measured whole.
    """
    if least is not None:
        for column in table.columns:
            if not column.no_wrap:
                column.max_width = least
    console = Console(width=10_000, color_system=None, legacy_windows=False)
    return Measurement.get(console, console.options, table).maximum <= width


def column_groups(
    build: Callable[[Sequence[int]], Table], count: int, width: int, least: int | None = None
) -> list[Sequence[int]]:
    """Columns 1..*count*-1 in consecutive groups, each with column 0, whose tables fit *width*.

    *build* makes the table of the given columns (0 is the key, e.g. the row's name); *least*
    is passed to :func:`fits`. One group when the whole table fits; a column that does not fit
    even alone with the key gets a group of its own.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    for column in range(1, count):
        if current and not fits(build([0, *current, column]), width, least):
            groups.append(current)
            current = []
        current.append(column)
    if current or not groups:
        groups.append(current)
    return [[0, *group] for group in groups]
