"""A run's uncertain inputs: the declared judgement numbers and the reality of each red line.

:func:`compile_inputs` lists a scenario's *factors* in a fixed order: its ``uncertainties`` in
declaration order, then every red line with a credibility below 1 (actors × issues order).
A factor's value comes from one uniform number *u* in [0, 1): the distribution's quantile for a
judgement number, ``1`` (the stated line is real) when *u* < credibility for a red line, else
``0``. ``apply_inputs`` puts the values into a copy of the scenario's arrays, so the
engine runs unchanged on them (:func:`~sim.engine.sampling.apply_inputs`). The per-run draw
and a sensitivity design use the same mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.scenario.format import Scenario, Uncertain
from sim.scenario.inputs import InputKind, InputPath, quantile, resolve_path
from sim.vocabulary import Form

FloatArray = npt.NDArray[np.float64]
REDLINE = "redline"
"""Kind of a red-line factor."""


@dataclass(frozen=True)
class Factor:
    """One uncertain input of a scenario and where its value goes in the arrays."""

    name: str
    """Its id path, the column name in records and exports."""
    kind: str
    """An :class:`~sim.scenario.inputs.InputKind` value, or ``"redline"``."""
    low: float
    """Smallest value it can take (0 for a red line)."""
    high: float
    stated: float
    """The value the scenario states (1 for a red line: stated lines are real)."""
    spec: Uncertain | None = None
    target: tuple[int, ...] = ()
    """Array indices the value goes to (actor, option, rung, response, shock, effect...)."""
    credibility: float = 1.0
    fallback: tuple[float, float, int | None] = (0.0, 100.0, None)
    """A red line's true (low, high, form rank or None for any form) when it is not real."""
    assumption: str = ""

    def value(self, u: float) -> float:
        """The factor's value at cumulative probability *u*."""
        if self.spec is None:
            return 1.0 if u < self.credibility else 0.0
        return quantile(u, self.spec)


@dataclass(frozen=True)
class InputSpace:
    """A scenario's uncertain inputs, in draw order."""

    factors: tuple[Factor, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Id paths of the factors."""
        return tuple(f.name for f in self.factors)

    def __len__(self) -> int:
        return len(self.factors)

    def values(self, u: FloatArray) -> tuple[float, ...]:
        """Factor values for one point of the unit cube."""
        return tuple(f.value(float(x)) for f, x in zip(self.factors, u, strict=True))


NO_INPUTS = InputSpace(())
"""The input space of a scenario that declares no uncertainty."""


def _target(s: Scenario, p: InputPath) -> tuple[int, ...]:
    actors = [a.id for a in s.actors]
    options = [o.actor for o in s.escalation.options] if s.escalation else []
    forms = [f.value for f in Form]
    if p.kind is InputKind.CAPABILITY:
        return (actors.index(p.owner),)
    if p.kind is InputKind.TRUST:
        return (actors.index(p.owner), forms.index(p.key))
    if p.kind is InputKind.MODEL_TRUST:
        defaults = [k for k, a in enumerate(s.actors) if a.trust is None]
        return (forms.index(p.key), *defaults)
    if p.kind in (InputKind.PREVAIL, InputKind.PREVAIL_SD):
        return (options.index(p.owner),)
    if p.kind is InputKind.COST:
        assert s.escalation is not None
        rungs = [r.id for r in s.escalation.ladder]
        return (options.index(p.owner), rungs.index(p.key))
    if p.kind is InputKind.RESPONSE_COST:
        assert s.escalation is not None
        return ([r.id for r in s.escalation.responses].index(p.owner),)
    if p.kind in (InputKind.SHOCK_PROBABILITY, InputKind.SHOCK_EFFECT):
        shock = [k.id for k in s.shocks].index(p.owner)
        return (shock, int(p.key)) if p.key else (shock,)
    return ()


def compile_inputs(scenario: Scenario) -> InputSpace:
    """The scenario's factors: its declared uncertainties, then its red lines with credibility."""
    factors: list[Factor] = []
    for spec in scenario.uncertainties:
        resolved = resolve_path(scenario, spec.input)
        if isinstance(resolved, str):  # the loader refuses these; a bare Scenario may not have
            raise ValueError(resolved)
        factors.append(
            Factor(
                name=spec.input,
                kind=resolved.kind.value,
                low=spec.low,
                high=spec.high,
                stated=resolved.stated,
                spec=spec,
                target=_target(scenario, resolved),
                assumption=spec.assumption or "",
            )
        )
    issues = [i.id for i in scenario.issues]
    for a, actor in enumerate(scenario.actors):
        for k, issue in enumerate(issues):
            red = actor.stances[issue].red_line
            if red is None or red.credibility >= 1.0 or red.fallback is None:
                continue
            back = red.fallback
            form = back.form.rank if back.form is not None else None
            factors.append(
                Factor(
                    name=f"{REDLINE}.{actor.id}.{issue}.real",
                    kind=REDLINE,
                    low=0.0,
                    high=1.0,
                    stated=1.0,
                    target=(a, k),
                    credibility=red.credibility,
                    fallback=(back.low, back.high, form),
                    assumption=back.assumption or "",
                )
            )
    return InputSpace(tuple(factors))


def draw_inputs(space: InputSpace, rng: np.random.Generator) -> tuple[float, ...]:
    """One run's factor values: one uniform number per factor, in order, from *rng*."""
    return space.values(rng.random(len(space)))
