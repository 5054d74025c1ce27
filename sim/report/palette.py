"""Outcome colours by family, the same on every page.

Escalation is drawn in orange-reds, settlements in blues, side deals in blue-greens, endings
with none of these in greys.

Within a family, shades run from dark to light in the scenario's order (escalations: the
highest rung first), so that two outcomes of one family stay apart in a legend.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
from plotly.colors import sample_colorscale

from sim.scenario.families import family
from sim.scenario.format import Outcome, PrimaryClass, Scenario
from sim.vocabulary import Family

SCALES = {
    Family.ESCALATION: "OrRd",
    Family.SETTLEMENT: "Blues",
    Family.SIDE_DEAL: "BuGn",
    Family.NONE: "Greys",
}
"""Sequential plotly colour scale of each family."""
SHADES = {
    Family.ESCALATION: (0.95, 0.55),
    Family.SETTLEMENT: (0.9, 0.5),
    Family.SIDE_DEAL: (0.9, 0.55),
    Family.NONE: (0.6, 0.35),
}
"""Darkest and lightest point of each family's scale that outcomes are drawn with."""
NAMES = {
    Family.ESCALATION: "escalation",
    Family.SETTLEMENT: "settlement",
    Family.SIDE_DEAL: "side deal",
    Family.NONE: "none of these",
}
"""How each family is named on the pages."""


def _rung(item: Outcome | PrimaryClass, scenario: Scenario) -> int:
    """The highest rung an escalation's condition names, for ordering shades (−1: none)."""
    rungs = [r.id for r in scenario.escalation.ladder] if scenario.escalation else []
    text = item.condition.model_dump_json() if item.condition is not None else ""
    return max((i for i, r in enumerate(rungs) if f'"{r}"' in text), default=-1)


def colours(items: Sequence[Outcome | PrimaryClass], scenario: Scenario) -> list[str]:
    """One colour per item (outcomes, or primary classes), by family, in the items' order."""
    families = [family(item, scenario) for item in items]
    result = [""] * len(items)
    for kind in Family:
        members = [i for i, f in enumerate(families) if f == kind]
        if kind == Family.ESCALATION:
            members.sort(key=lambda i: -_rung(items[i], scenario))
        dark, light = SHADES[kind]
        points = [dark] if len(members) == 1 else list(np.linspace(dark, light, len(members)))
        for index, colour in zip(members, sample_colorscale(SCALES[kind], points), strict=True):
            result[index] = _hex(colour)
    return result


def outcome_colours(scenario: Scenario) -> dict[str, str]:
    """Outcome id → colour."""
    outcomes = scenario.outcomes
    return dict(zip((o.id for o in outcomes), colours(outcomes, scenario), strict=True))


def primary_colours(scenario: Scenario) -> dict[str, str]:
    """Primary-class id → colour."""
    classes = scenario.primary
    return dict(zip((p.id for p in classes), colours(classes, scenario), strict=True))


def chip(colour: str) -> str:
    """A small square of *colour* to set before a label, in plotly text or HTML."""
    return f'<span style="color:{html.escape(colour)}">■</span>'


def _hex(colour: str) -> str:
    """``rgb(r, g, b)`` as ``#rrggbb``: stable, short figure data."""
    r, g, b = (round(float(v)) for v in colour[colour.index("(") + 1 : -1].split(","))
    return f"#{r:02x}{g:02x}{b:02x}"
