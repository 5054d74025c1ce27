"""Constrained types shared by the file formats: ids, scales, forms of agreement."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, Strict, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
"""A lower-case slug naming something in a scenario."""

Number = Annotated[float, Strict()]
"""A number written as one: never a boolean (YAML's unquoted yes/no) and never quoted text.

Models that hold numbers also set ``allow_inf_nan=False``, so ``.nan``, ``.inf`` and numbers
beyond ±1.8e308 (which YAML reads as infinite) are refused with their location."""
Count = Annotated[int, Strict()]
"""A whole number written as one (never a boolean)."""
Position = Annotated[Number, Field(ge=0, le=100, description="Place on the issue's 0–100 scale.")]
Salience = Annotated[Number, Field(ge=0, le=1, description="How much the actor cares, 0–1.")]
Probability = Annotated[Number, Field(ge=0, le=1)]
CAPABILITY_RANGE = (1e-6, 1e6)
"""Capabilities lie in [10⁻⁶, 10⁶]: products and sums of capabilities × saliences over any
number of actors stay far from overflow and underflow in the model's float64 arithmetic."""
Capability = Annotated[Number, Field(ge=CAPABILITY_RANGE[0], le=CAPABILITY_RANGE[1])]
MAX_COST = 100.0
"""Costs are on the 0–1 utility scale of the stakes; beyond 100 times the stakes, sums of
costs and responses could overflow."""
Cost = Annotated[Number, Field(ge=0, le=MAX_COST)]
MAX_CHANGE = 1e6
"""A shock's change lies within ±10⁶ (the result is clipped to the parameter's range)."""
Change = Annotated[Number, Field(ge=-MAX_CHANGE, le=MAX_CHANGE)]


class Form(StrEnum):
    """The form an agreement takes, weakest first: verbal < written < binding."""

    VERBAL = "verbal"
    WRITTEN = "written"
    BINDING = "binding"

    @property
    def rank(self) -> int:
        """0 for verbal, 1 for written, 2 for binding."""
        return list(Form).index(self)


FORM_NAMES = tuple(form.value for form in Form)
"""Form names indexed by ``Form.rank``, as records store forms."""


class Family(StrEnum):
    """What kind of ending an outcome or primary class is: the reports colour it by its family."""

    ESCALATION = "escalation"
    SETTLEMENT = "settlement"
    SIDE_DEAL = "side-deal"
    NONE = "none"


MAX_ACTORS = 200
"""Most actors a scenario or data set may have: the model's rounds grow as actors³ (200 actors
take about 300 MB and seconds per forecast)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters and DEL, except tab and newline: what a terminal obeys."""


def control_characters(text: str) -> str:
    """The first control character in *text* as ``U+001B``, or "" when there is none."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else ""


def printable(text: str) -> str:
    """*text* with every control character shown as a Python escape, safe for a terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


MAX_RUNS = 10_000_000
"""Most Monte Carlo runs one simulation takes: results are streamed, so memory stays flat, but
10⁷ runs already take hours of CPU (and about 1 GB when every row is kept for Parquet)."""
MAX_WORKERS = 64
"""Most worker processes; a pool never has more processes than chunks of work."""
MAX_SEED = 2**63 - 1
"""Seeds are non-negative 64-bit integers (as JSON payloads carry them)."""
