"""Constrained types shared by the file formats: ids, scales, forms of agreement."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
"""A lower-case slug naming something in a scenario."""

Position = Annotated[float, Field(ge=0, le=100, description="Place on the issue's 0–100 scale.")]
Salience = Annotated[float, Field(ge=0, le=1, description="How much the actor cares, 0–1.")]
Probability = Annotated[float, Field(ge=0, le=1)]


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
