"""The report's shared look, and how numbers and scenario text enter a figure.

Plotly renders figure text as a small subset of HTML, so text from the scenario is escaped
before it reaches a title, a tick or a hover label. Numbers are rounded so that the figure data
(and the golden file made from it) does not carry floating-point noise.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go

from sim.vocabulary import FORM_NAMES

TEMPLATE = "plotly_white"
"""Plotly template of every figure."""
FORMS = FORM_NAMES
"""Agreement forms, weakest first, as coded in ``RunTable.agreement_form``."""
FORM_COLOURS = ("#9ecae1", "#4292c6", "#08306b")
"""One colour per form, light (verbal) to dark (binding)."""
DIGITS = 6


def rounded(values: Iterable[float] | npt.NDArray[np.floating]) -> list[float]:
    """Plain floats rounded to six digits: stable figure data."""
    return [round(float(v), DIGITS) for v in values]


def escape(text: str) -> str:
    """Scenario text made safe for plotly's HTML-like labels."""
    return html.escape(text, quote=False)


def wrap(text: str, width: int, lines: int = 3) -> str:
    """Escaped *text* broken into at most *lines* lines of about *width* characters."""
    parts = textwrap.wrap(
        text, width=width, max_lines=lines, placeholder=" …", break_long_words=False
    )
    return "<br>".join(escape(p) for p in parts)


DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
"""Line styles cycled through so that lines of one colour family stay apart."""
TITLE_WIDTH = 36
"""Characters per title line: a title fits a 400 px phone screen."""
LABEL_WIDTH = 18
"""Characters per line of a category label on an axis."""


def finish(
    figure: go.Figure,
    title: str,
    *,
    legend: str | None = None,
    height: int | None = None,
    top: int = 0,
) -> go.Figure:
    """Give *figure* the report's look: a wrapped title that fits a phone, the legend below.

    Args:
        figure: the figure to lay out (changed in place and returned).
        title: plain text, escaped and wrapped here.
        legend: the legend's title, or None for no legend title.
        height: the figure's height in px.
        top: extra room in px between the title and the plot (for labels above the plot).

    The title is pinned to the top of the figure (plotly's default centres it in the top margin,
    where it would run into the labels above the plot when that margin grows).
    """
    lines = textwrap.wrap(title, width=TITLE_WIDTH) or [""]
    figure.update_layout(
        template=TEMPLATE,
        title={
            "text": "<br>".join(escape(line) for line in lines),
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 24},
            "font": {"size": 15},
        },
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
            "xanchor": "left",
            "title": {"text": escape(legend) if legend else "", "side": "top"},
        },
        margin={"t": 30 + 20 * len(lines) + top, "l": 10, "r": 30, "b": 10},
        **({"height": height} if height else {}),
    )
    return figure
