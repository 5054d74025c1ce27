"""A printable classroom handout of a scenario, as one self-contained HTML page.

Actors, issues, every stance with its evidence, the calendar, escalation, shocks, outcomes and
sources: what a student needs to read, play or discuss a scenario on paper.

The page has no script and records no clock, so the same scenario always gives the same bytes.
Every text from the scenario is HTML-escaped; print CSS keeps tables and quotes whole on a page.
"""

from __future__ import annotations

from pathlib import Path

from sim.files import write_output
from sim.report.handout_page import Page, esc
from sim.report.handout_sections import (
    actors,
    calendar,
    escalation,
    header,
    issues,
    model_and_sources,
    outcomes,
    shocks,
)
from sim.report.tables import TABLE_CSS
from sim.scenario.format import Scenario

CSS = """
:root{--ink:#1d1d1f;--mute:#5b5b60;--line:#d0d0d6;--soft:#f4f4f7;--accent:#28527a}
body{font:15px/1.45 Georgia,'Times New Roman',serif;color:var(--ink);max-width:62rem;
margin:2rem auto;padding:0 1.2rem}
h1,h2,h3{font-family:system-ui,'Helvetica Neue',Arial,sans-serif;line-height:1.2}
h1{font-size:1.9rem;margin:.2rem 0 .6rem}h2{font-size:1.35rem;margin:2.2rem 0 .6rem;
border-bottom:2px solid var(--accent);padding-bottom:.2rem;color:var(--accent)}
h3{font-size:1.08rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.92rem}
th,td{border-top:1px solid var(--line);padding:.3rem .45rem;vertical-align:top;text-align:left}
th{font-family:system-ui,Arial,sans-serif;font-size:.8rem;background:var(--soft)}
td.num{text-align:right;white-space:nowrap}code{font-size:.85em;color:var(--mute)}
.meta{color:var(--mute)}.d{white-space:nowrap}.small{font-size:.85rem}
.ev{margin:.15rem 0;font-size:.86rem}.ev q{font-style:italic}
.src{color:var(--mute);font-size:.8rem}
.assumed{margin:.15rem 0;font-size:.86rem;color:#6a4a00}
.assumed b{font-family:system-ui,Arial,sans-serif;font-size:.72rem;text-transform:uppercase}
.tag{font-family:system-ui,Arial,sans-serif;font-size:.7rem;border:1px solid var(--line);
border-radius:3px;padding:0 .25rem;color:var(--mute)}
nav ol{columns:2;font-family:system-ui,Arial,sans-serif;font-size:.9rem}
svg{display:block;margin:.3rem 0 .6rem;font-family:system-ui,Arial,sans-serif}
.issue{border-top:1px solid var(--line);margin-top:1.4rem}
.block{display:grid;grid-template-columns:1fr 1fr;gap:0 1.4rem;border-top:1px solid var(--line);
padding:.35rem 0 .5rem}.block .who{grid-column:1/-1;margin:.1rem 0 .2rem}
h4{font:600 .68rem system-ui,Arial,sans-serif;text-transform:uppercase;color:var(--mute);
margin:.1rem 0}
@page{size:A4;margin:14mm 12mm}
@media print{body{font-size:10.5pt;max-width:none;margin:0;padding:0}nav{display:none}
h2.page{break-before:page;margin-top:0}h2,h3,h4{break-after:avoid}
tr,.ev,.assumed,svg,.keep{break-inside:avoid}
thead{display:table-header-group}a{color:inherit;text-decoration:none}}
"""
"""The page's style: screen and print (A4, each part on a new page, rows never split)."""
"""Sections that start on a new page when printed."""


def render_handout(scenario: Scenario) -> str:
    """The handout as one HTML string: inline CSS, no script, nothing that changes between calls."""
    page = Page(scenario)
    page.add(
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(scenario.scenario.title)} — negsim handout</title>",
        f"<style>{CSS}{TABLE_CSS}</style></head><body>",
    )
    for part in (header, actors, issues, calendar, escalation, shocks, outcomes):
        part(page)
    model_and_sources(page)
    page.add("</body></html>\n")
    return "\n".join(page.parts)


def write_handout(scenario: Scenario, path: Path | None = None, *, force: bool = False) -> Path:
    """Write the handout atomically and return where it went.

    By default to ``reports/<scenario-id>-handout.html``, or the first free ``-2``, ``-3``…
    name; an explicit *path* that exists is replaced only with *force*.
    """
    return write_output(path, default_handout_path(scenario), render_handout(scenario), force=force)


def default_handout_path(scenario: Scenario) -> Path:
    """``reports/<scenario-id>-handout.html``."""
    return Path("reports") / f"{scenario.id}-handout.html"
