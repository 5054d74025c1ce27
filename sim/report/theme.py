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
    parts = textwrap.wrap(text, width=width, max_lines=lines, placeholder=" …")
    return "<br>".join(escape(p) for p in parts)
