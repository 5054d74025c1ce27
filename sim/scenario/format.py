"""The scenario file as strict, frozen pydantic models: data only, no behaviour.

Field names are the YAML keys. Cross-references between sections (an actor named in a venue, a
source named in a citation) are checked by :mod:`sim.scenario.consistency`, which can point
at the exact key.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.conditions import Condition
from sim.scenario.evidence import Citation as Citation
from sim.scenario.evidence import Evidenced as Evidenced
from sim.scenario.evidence import Source as Source
from sim.scenario.evidence import Strict as Strict
from sim.scenario.evidence import Text as Text
from sim.scenario.ladder import Escalation as Escalation
from sim.scenario.ladder import EscalationOption as EscalationOption
from sim.scenario.ladder import Response as Response
from sim.scenario.ladder import Rung as Rung
from sim.scenario.ladder import StartRung as StartRung
from sim.vocabulary import (
    MAX_ACTORS,
    Capability,
    Change,
    Count,
    Family,
    Form,
    Id,
    Number,
    Position,
    Probability,
    Salience,
)


class Meta(Strict):
    """What the scenario is: identity, dates and its sources."""

    id: Id
    title: Text
    description: str = ""
    as_of: dt.date
    """Day 0 of the simulation clock."""
    horizon: dt.date | None = None
    """Last day simulated; defaults to the last venue's date."""
    sources: tuple[Source, ...] = ()


class Waypoint(Strict):
    """A labelled point on an issue's scale."""

    at: Position
    label: Text


class StatusQuo(Evidenced):
    """Where an issue stays when no agreement is reached (the reversion point)."""

    position: Position


class Issue(Strict):
    """A contested question as a 0–100 scale."""

    id: Id
    name: Text
    low: Text
    """What 0 means."""
    high: Text
    """What 100 means."""
    waypoints: tuple[Waypoint, ...] = ()
    status_quo: StatusQuo


class Uncertainty(Strict):
    """Standard deviations for Monte Carlo sampling of a stance."""

    position: Annotated[Number, Field(ge=0, le=50)] = 0.0
    salience: Annotated[Number, Field(ge=0, le=1)] = 0.0


class Fallback(Evidenced):
    """What an actor would truly accept on an issue when its stated red line is a bluff."""

    min: Position | None = None
    max: Position | None = None
    form: Form | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Fallback:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self

    @property
    def low(self) -> float:
        """Lowest truly acceptable position (0 when open)."""
        return 0.0 if self.min is None else self.min

    @property
    def high(self) -> float:
        """Highest truly acceptable position (100 when open)."""
        return 100.0 if self.max is None else self.max


class RedLine(Evidenced):
    """The range an actor can accept on an issue, and the weakest form of agreement it counts."""

    min: Position | None = None
    max: Position | None = None
    form: Form | None = None
    credibility: Probability = 1.0
    """Probability that the stated line is the real one (1: certain; below 1 needs a fallback)."""
    fallback: Fallback | None = None
    """The bound and form the actor truly accepts in the runs where the line is not real."""

    @model_validator(mode="after")
    def _ordered(self) -> RedLine:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.credibility < 1.0 and self.fallback is None:
            raise ValueError(
                f"credibility {self.credibility:g} < 1 needs a `fallback`: what the actor "
                "truly accepts when the line is a bluff"
            )
        back = self.fallback
        if back is not None and not (back.low <= self.low and back.high >= self.high):
            raise ValueError(
                f"the fallback [{back.low:g}, {back.high:g}] must contain the stated line "
                f"[{self.low:g}, {self.high:g}]: a bluff overstates, it never understates"
            )
        weaker = back is None or self.form is None or back.form is None
        if not weaker and back and back.form and self.form and back.form.rank > self.form.rank:
            raise ValueError(
                f"the fallback form {back.form.value} is stronger than the stated "
                f"{self.form.value}: a bluff overstates, it never understates"
            )
        return self

    @property
    def low(self) -> float:
        """Lowest acceptable position (0 when open)."""
        return 0.0 if self.min is None else self.min

    @property
    def high(self) -> float:
        """Highest acceptable position (100 when open)."""
        return 100.0 if self.max is None else self.max


class Stance(Evidenced):
    """An actor's position, salience and red line on one issue."""

    position: Position
    salience: Salience
    uncertainty: Uncertainty = Uncertainty()
    red_line: RedLine | None = None


class TrustLevels(Strict):
    """How far an agreement of each form is trusted to hold, 0–1."""

    verbal: Probability = 0.3
    written: Probability = 0.6
    binding: Probability = 0.9

    def of(self, form: Form) -> float:
        """Trust placed in an agreement of *form*."""
        return float(getattr(self, form.value))


class ActorTrust(TrustLevels, Evidenced):
    """An actor's own trust levels, with their evidence."""


class Actor(Strict):
    """A party to the talks."""

    id: Id
    name: Text
    capability: Capability
    """Relative clout, on any scale from 10⁻⁶ to 10⁶."""
    assumption: str | None = None
    """Why this capability."""
    trust: ActorTrust | None = None
    stances: dict[Id, Stance]
    """Issue id → stance; every actor has one on every issue."""


class Veto(Evidenced):
    """An actor whose consent an agreement on these issues needs."""

    actor: Id
    issues: Annotated[tuple[Id, ...], Field(min_length=1)]
    ratification: dt.date | None = None
    """A day on which the holder decides on agreements concluded without it (besides the next
    venue it attends); None when only its venues count."""


class Venue(Strict):
    """One meeting of the calendar."""

    id: Id
    name: Text
    place: Text
    date: dt.date
    participants: Annotated[tuple[Id, ...], Field(min_length=2)]
    issues: Annotated[tuple[Id, ...], Field(min_length=1)]
    rounds: Annotated[Count, Field(ge=1, le=50)] = 3
    form: Form
    kind: Literal["meeting", "reply"] = "meeting"
    """A meeting runs rounds; a reply is the authors' text, accepted or rejected in one decision."""
    authors: tuple[Id, ...] = ()
    """For a reply: the participants whose text it is; the others decide on it."""
    cites: tuple[Citation, ...] = ()
    assumption: str | None = None


class Window(Strict):
    """The dates between which a shock may fire."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        return self


EffectParameter = Literal[
    "position", "salience", "capability", "cost", "prevail", "trust", "escalation"
]


class Effect(Strict):
    """A shock's change to one named parameter (added, then clipped to its range)."""

    parameter: EffectParameter
    actor: Id | None = None
    issue: Id | None = None
    change: Change


class Shock(Evidenced):
    """A stochastic event that may fire within a window and change parameters."""

    id: Id
    description: Text
    probability: Probability
    window: Window
    effects: Annotated[tuple[Effect, ...], Field(min_length=1)]


class Outcome(Strict):
    """A named condition on a run's end state; runs may satisfy several or none."""

    id: Id
    label: Text
    description: str = ""
    condition: Condition
    family: Family | None = None
    """Escalation, settlement, side deal or none; inferred from the condition when absent."""


class PrimaryClass(Strict):
    """One of the mutually exclusive classes; a run takes the first whose condition holds."""

    id: Id
    label: Text
    description: str = ""
    condition: Condition | None = None
    """None only for the last class, the catch-all."""
    family: Family | None = None
    """Escalation, settlement, side deal or none; inferred from the condition when absent."""


Distribution = Literal["uniform", "triangular", "normal"]
FiniteFloat = Annotated[Number, Field(allow_inf_nan=False)]


class Uncertain(Evidenced):
    """A judgement number drawn per run from a distribution, with why it is that wide.

    ``input`` is an id path naming the number (see :mod:`sim.scenario.inputs`); ``low`` and
    ``high`` bound every distribution (a normal is truncated to them).
    """

    input: Annotated[str, Field(min_length=1, max_length=300)]
    distribution: Distribution
    low: FiniteFloat
    high: FiniteFloat
    mode: FiniteFloat | None = None
    """Peak of a triangular distribution."""
    mean: FiniteFloat | None = None
    """Mean of a normal distribution before truncation."""
    sd: Annotated[Number, Field(gt=0, allow_inf_nan=False)] | None = None
    """Standard deviation of a normal distribution before truncation."""

    @model_validator(mode="after")
    def _parameters(self) -> Uncertain:
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) is greater than high ({self.high:g})")
        given = {k for k in ("mode", "mean", "sd") if getattr(self, k) is not None}
        needed = {"uniform": set(), "triangular": {"mode"}, "normal": {"mean", "sd"}}
        want = needed[self.distribution]
        if given != want:
            extra, missing = sorted(given - want), sorted(want - given)
            parts = [f"needs {', '.join(missing)}"] if missing else []
            parts += [f"takes no {', '.join(extra)}"] if extra else []
            raise ValueError(f"a {self.distribution} distribution {' and '.join(parts)}")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode:g}) lies outside [{self.low:g}, {self.high:g}]")
        return self


class ModelParameters(Strict):
    """Engine parameters; every one has a documented default (see docs/model.md)."""

    trust: TrustLevels = TrustLevels()
    """Default trust per agreement form, for actors that give none."""
    convergence: Annotated[Number, Field(gt=0, le=50)] = 5.0
    """Participants' positions within this many points of each other count as converged."""
    q: Probability = 1.0
    """BDM's probability that the status quo holds when an actor does not challenge (bdm.md §3)."""
    logit_scale: Annotated[Number, Field(ge=0, le=1)] = 0.02
    """λ of the logit escalation choice; 0 is the strict comparison (McKelvey & Palfrey)."""
    signal_learning: Probability = 0.5
    """How far opponents' estimate of an escalator's strength moves toward its own per rung."""
    escalation_salience: Annotated[Number, Field(ge=0, le=1)] = 0.05
    """Salience added to every actor's stances per rung climbed."""
    compromise: bool = True
    """At a meeting's last round, settle unconverged issues at the compromise point inside the
    zone of agreement when the package test holds (docs/model.md §3)."""
    decision_interval: Annotated[float, Field(gt=0, le=90)] = 7.0
    """Days between an escalating actor's reviews of its rung between meetings; also the unit
    of the rung costs below the top, which are costs per interval (docs/model.md §4)."""


class Scenario(Strict):
    """A whole scenario file."""

    scenario: Meta
    issues: Annotated[tuple[Issue, ...], Field(min_length=1)]
    actors: Annotated[tuple[Actor, ...], Field(min_length=2, max_length=MAX_ACTORS)]
    vetoes: tuple[Veto, ...] = ()
    venues: Annotated[tuple[Venue, ...], Field(min_length=1)]
    escalation: Escalation | None = None
    shocks: tuple[Shock, ...] = ()
    outcomes: Annotated[tuple[Outcome, ...], Field(min_length=1)]
    primary: Annotated[tuple[PrimaryClass, ...], Field(min_length=1)]
    model: ModelParameters = ModelParameters()
    uncertainties: tuple[Uncertain, ...] = ()
    """Judgement numbers drawn per run, each from its distribution (none: all fixed)."""

    @property
    def id(self) -> str:
        """The scenario's id."""
        return self.scenario.id

    @property
    def horizon(self) -> dt.date:
        """The last simulated day."""
        return self.scenario.horizon or max(v.date for v in self.venues)
