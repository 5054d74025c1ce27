"""HTML tables for the pages: printable, and stacked into blocks on a narrow screen.

Every data cell carries its column heading as ``data-label``; below 600 px :data:`TABLE_CSS`
shows each row as a block of "heading: value" lines, so that no table is wider than a phone
screen and nothing scrolls sideways. Printed or on a desktop, the tables are ordinary tables.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence

Cell = str | tuple[str, str]
"""A cell's text, or (text, CSS class) for a cell that needs a class (e.g. a bold difference)."""

TABLE_CSS = (
    "table.stack{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:.6em 0 1em}"
    "table.stack th,table.stack td{padding:.25em .7em;border-bottom:1px solid #ddd;"
    "text-align:right;vertical-align:top}"
    "table.stack th:first-child,table.stack td:first-child{text-align:left}"
    "table.stack tr.group th{background:#f6f6f6;text-align:left}"
    "table.numbers td+td{white-space:nowrap}"
    "table.numbers .words{white-space:normal;text-align:left}"
    "@media (max-width:600px){table.stack,table.stack tbody,table.stack tr,table.stack td,"
    "table.stack tr.group th{display:block;width:auto}table.stack thead{display:none}"
    "table.stack tr{border-bottom:1px solid #ccc;padding:.35em 0}"
    "table.stack td,table.numbers td+td{border:0;text-align:left;padding:.05em .3em;"
    "white-space:normal}"
    "table.stack td:first-child{font-weight:600}"
    "table.stack td[data-label]::before{content:attr(data-label) ': ';color:#555}}"
)
"""Style of every :func:`html_table`, for a page's ``<style>``."""


def html_table(
    head: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    table_id: str | None = None,
    groups: Mapping[int, str] | None = None,
    raw: bool = False,
    caption: str | None = None,
    numbers: bool = False,
    words: Collection[int] = (),
) -> str:
    """A ``table.stack`` of *rows* under *head*; text is escaped unless *raw* (cells are HTML).

    Args:
        head: column headings, plain text.
        rows: one sequence of cells per row, as long as *head*.
        table_id: fixed element id of the table.
        groups: row index → heading of a group of rows that starts there.
        raw: the cells are already HTML (escaped by the caller).
        caption: a plain-text caption above the table.
        numbers: the cells after the first are numbers that must not break across lines
            (on a wide screen; stacked on a narrow one they may).
        words: columns of a *numbers* table that hold sentences: they wrap, so that the
            table fits a desktop screen.
    """
    e = html.escape
    ident = f' id="{e(table_id)}"' if table_id else ""
    kind = "stack numbers" if numbers else "stack"
    parts = [f'<table class="{kind}"{ident}>']
    if caption:
        parts.append(f"<caption>{e(caption)}</caption>")
    word = ' class="words"'
    headings = (f"<th{word if c in words else ''}>{e(h)}</th>" for c, h in enumerate(head))
    parts.append("<thead><tr>" + "".join(headings) + "</tr></thead><tbody>")
    for number, row in enumerate(rows):
        if groups and number in groups:
            parts.append(
                f'<tr class="group"><th colspan="{len(head)}">{e(groups[number])}</th></tr>'
            )
        cells = []
        for column, cell in enumerate(row):
            text, cls = cell if isinstance(cell, tuple) else (cell, "")
            cls = " ".join(filter(None, (cls, "words" if column in words else "")))
            label = f' data-label="{e(head[column])}"' if column and text else ""
            klass = f' class="{e(cls)}"' if cls else ""
            cells.append(f"<td{klass}{label}>{text if raw else e(text)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)
