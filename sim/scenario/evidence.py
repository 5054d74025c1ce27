"""The base of every scenario model and the evidence behind its numbers: citations and sources.

Every stance, red line and judgement number in a scenario either cites a verbatim quote from a
source or states an assumption; :class:`Evidenced` is the model for both.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.vocabulary import (
    Id,
)

Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors and nothing can be edited afterwards."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class Citation(Strict):
    """A verbatim quote from one of the scenario's sources."""

    source: Id
    quote: Text


class Evidenced(Strict):
    """Something that must say where its value comes from: cited quotes, an assumption, or both."""

    cites: tuple[Citation, ...] = ()
    """Quotes supporting the value; each must occur verbatim in its source."""
    assumption: str | None = None
    """Why this value, when no source speaks to it (or to explain the number beside a quote)."""

    @model_validator(mode="after")
    def _has_evidence(self) -> Evidenced:
        if not self.cites and not (self.assumption and self.assumption.strip()):
            raise ValueError("give `cites` (a quote from a source) or an `assumption` saying why")
        return self

    @property
    def is_cited(self) -> bool:
        """True when at least one source quote backs the value."""
        return bool(self.cites)


class Source(Strict):
    """A text the scenario's evidence is quoted from."""

    id: Id
    file: Text
    """Path of the plain-text source, relative to the scenario file, inside its folder tree."""
    title: Text
    outlet: Text
    date: dt.date
