"""The handout page under construction: its sections' names, evidence paragraphs, tables, blocks.

:mod:`sim.report.handout_sections` fills a :class:`Page` section by section; every text from the
scenario is HTML-escaped on the way in.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from sim.report.tables import html_table
from sim.scenario.format import Citation, Scenario

SECTIONS = (
    ("actors", "Actors"),
    ("issues", "Issues and stances"),
    ("calendar", "Calendar of meetings"),
    ("escalation", "Escalation"),
    ("shocks", "Shocks"),
    ("outcomes", "Outcomes"),
    ("model", "Model parameters"),
    ("sources", "Sources"),
)
PAGE_BREAKS = ("issues", "calendar", "outcomes")


NONE = '<p class="ev">—</p>'
esc = html.escape
"""Every text from the scenario passes through this before it reaches the page."""


def _short(title: str, width: int = 60) -> str:
    """A long title cut at a word before *width* characters (the sources list has it whole)."""
    return title if len(title) <= width else title[: title.rfind(" ", 0, width)] + " …"


class Page:
    """The handout under construction: the scenario, its source index and the HTML parts."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.sources = {src.id: src for src in scenario.scenario.sources}
        self.parts: list[str] = []

    def add(self, *parts: str) -> None:
        """Append HTML parts, skipping empty ones."""
        self.parts.extend(p for p in parts if p)

    def evidence(self, cites: Iterable[Citation], assumption: str | None) -> str:
        """Quotes with their source, then the assumption, as HTML paragraphs."""
        out = []
        for c in cites:
            src = self.sources.get(c.source)
            about = f"{esc(_short(src.title))}, {esc(src.outlet)}, {src.date}" if src else ""
            out.append(
                f'<p class="ev"><q>{esc(c.quote)}</q> <span class="src">[{esc(c.source)}] '
                f"{about}</span></p>"
            )
        if assumption and assumption.strip():
            out.append(f'<p class="assumed"><b>assumption</b> {esc(assumption)}</p>')
        return "".join(out)

    def table(self, head: Iterable[str], rows: Iterable[Iterable[str]], nums: set[int]) -> None:
        """A table whose cells are already HTML; columns in *nums* are right-aligned."""
        body = [[(c, "num") if i in nums else c for i, c in enumerate(row)] for row in rows]
        self.add(html_table(list(head), body, raw=True))

    def block(self, head: str, *columns: tuple[str, str]) -> None:
        """A headed block whose evidence sits side by side in columns (*title*, HTML)."""
        cells = "".join(f"<div><h4>{esc(t)}</h4>{body or NONE}</div>" for t, body in columns)
        self.add(f'<div class="block"><p class="who">{head}</p>{cells}</div>')

    def heading(self, anchor: str) -> None:
        """A section heading; some sections start a new printed page."""
        new_page = ' class="page"' if anchor in PAGE_BREAKS else ""
        self.add(f'<h2 id="{anchor}"{new_page}>{esc(dict(SECTIONS)[anchor])}</h2>')
