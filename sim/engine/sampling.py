"""The scenario as arrays, and the draw of one run's uncertain parameters.

:class:`ScenarioArrays` holds what every run shares (actor × issue order of the scenario);
:func:`apply_inputs` sets a run's uncertain inputs (judgement numbers, the reality of red lines)
in a copy of them; :func:`sample_parameters` draws what differs between runs from a generator
passed in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.engine.inputs import NO_INPUTS, REDLINE, InputSpace, compile_inputs
from sim.scenario.format import Scenario, Stance
from sim.scenario.inputs import InputKind
from sim.vocabulary import Form

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EFFECT_CODES = ("position", "salience", "capability", "cost", "prevail", "trust", "escalation")
"""Effect parameters as integer codes, in this order."""

NO_FORM = -1
"""Red-line form code meaning the actor counts an agreement of any form."""


@dataclass(frozen=True, slots=True)
class ShockEffect:
    """One effect of a shock, as indices: parameter code, actor (-1: none), issue (-1: none)."""

    parameter: int
    actor: int
    issue: int
    change: float


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """Everything the engine needs from a scenario, as arrays in scenario order."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    position: FloatArray
    """Stated positions, actors × issues."""
    position_sd: FloatArray
    salience: FloatArray
    salience_sd: FloatArray
    capability: FloatArray
    red_low: FloatArray
    """Lowest acceptable position, actors × issues (0 where open)."""
    red_high: FloatArray
    red_form: IntArray
    """Weakest form counted (Form.rank), or NO_FORM."""
    consent_low: FloatArray
    """The red lines consent is judged by: the stated ones, or the fallback where a run draws
    a stated line as a bluff (:func:`apply_inputs`); offers and positions see the stated ones."""
    consent_high: FloatArray
    consent_form: IntArray
    status_quo: FloatArray
    trust: FloatArray
    """Actors × forms (verbal, written, binding)."""
    veto: BoolArray
    """Actors × issues: whose consent an agreement needs."""
    venue_ids: tuple[str, ...]
    venue_day: FloatArray
    venue_participants: BoolArray
    venue_table: BoolArray
    venue_rounds: IntArray
    venue_form: IntArray
    rung_ids: tuple[str, ...]
    option_actor: IntArray
    option_opponents: BoolArray
    option_prevail: FloatArray
    option_prevail_sd: FloatArray
    option_costs: FloatArray
    """Options × rungs: cost of standing on each rung (0 on the first)."""
    response_ids: tuple[str, ...]
    response_actor: IntArray
    response_target: IntArray
    response_from: IntArray
    response_cost: FloatArray
    shock_ids: tuple[str, ...]
    shock_probability: FloatArray
    shock_start: FloatArray
    shock_end: FloatArray
    shock_effects: tuple[tuple[ShockEffect, ...], ...]
    horizon_day: float
    convergence: float
    q: float
    logit_scale: float
    signal_learning: float
    escalation_salience: float
    start_level: int = 0
    """Index of the rung every run starts on."""
    space: InputSpace = NO_INPUTS
    """The scenario's uncertain inputs (none: every run uses the numbers above)."""
    inputs: tuple[float, ...] = ()
    """The values of ``space``'s factors set in these arrays (empty before :func:`apply_inputs`)."""

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return len(self.issue_ids)


def _mask(ids: tuple[str, ...], chosen: tuple[str, ...] | list[str]) -> BoolArray:
    picked = set(chosen)
    return np.array([i in picked for i in ids], dtype=bool)


def compile_scenario(scenario: Scenario) -> ScenarioArrays:
    """Turn a validated scenario into the arrays every run of it shares."""
    actors = tuple(a.id for a in scenario.actors)
    issues = tuple(i.id for i in scenario.issues)
    shape = (len(actors), len(issues))
    stance = [[a.stances[i] for i in issues] for a in scenario.actors]

    def grid(value: Callable[[Stance], float]) -> FloatArray:
        return np.array([[value(s) for s in row] for row in stance], dtype=np.float64)

    red_form = np.full(shape, NO_FORM, dtype=np.int64)
    for a, row in enumerate(stance):
        for k, s in enumerate(row):
            if s.red_line is not None and s.red_line.form is not None:
                red_form[a, k] = s.red_line.form.rank
    default_trust = scenario.model.trust
    trust = np.array(
        [[(a.trust or default_trust).of(f) for f in Form] for a in scenario.actors], dtype=float
    )
    veto = np.zeros(shape, dtype=bool)
    for v in scenario.vetoes:
        veto[actors.index(v.actor)] |= _mask(issues, v.issues)

    as_of = scenario.scenario.as_of
    venues = sorted(scenario.venues, key=lambda v: v.date)
    ladder = scenario.escalation.ladder if scenario.escalation else ()
    rungs = tuple(r.id for r in ladder)
    options = scenario.escalation.options if scenario.escalation else ()
    responses = scenario.escalation.responses if scenario.escalation else ()
    costs = np.zeros((len(options), len(rungs)))
    for o, option in enumerate(options):
        for rung, cost in option.costs.items():
            costs[o, rungs.index(rung)] = cost
    code = {name: i for i, name in enumerate(EFFECT_CODES)}
    return ScenarioArrays(
        actor_ids=actors,
        issue_ids=issues,
        position=grid(lambda s: s.position),
        position_sd=grid(lambda s: s.uncertainty.position),
        salience=grid(lambda s: s.salience),
        salience_sd=grid(lambda s: s.uncertainty.salience),
        capability=np.array([a.capability for a in scenario.actors], dtype=float),
        red_low=grid(lambda s: s.red_line.low if s.red_line else 0.0),
        red_high=grid(lambda s: s.red_line.high if s.red_line else 100.0),
        red_form=red_form,
        consent_low=grid(lambda s: s.red_line.low if s.red_line else 0.0),
        consent_high=grid(lambda s: s.red_line.high if s.red_line else 100.0),
        consent_form=red_form.copy(),
        status_quo=np.array([i.status_quo.position for i in scenario.issues], dtype=float),
        trust=trust,
        veto=veto,
        venue_ids=tuple(v.id for v in venues),
        venue_day=np.array([(v.date - as_of).days for v in venues], dtype=float),
        venue_participants=np.array([_mask(actors, v.participants) for v in venues]),
        venue_table=np.array([_mask(issues, v.issues) for v in venues]),
        venue_rounds=np.array([v.rounds for v in venues], dtype=np.int64),
        venue_form=np.array([v.form.rank for v in venues], dtype=np.int64),
        rung_ids=rungs,
        option_actor=np.array([actors.index(o.actor) for o in options], dtype=np.int64),
        option_opponents=np.array(
            [_mask(actors, o.opponents) for o in options], dtype=bool
        ).reshape(len(options), len(actors)),
        option_prevail=np.array([o.prevail for o in options], dtype=float),
        option_prevail_sd=np.array([o.prevail_uncertainty for o in options], dtype=float),
        option_costs=costs,
        response_ids=tuple(r.id for r in responses),
        response_actor=np.array([actors.index(r.actor) for r in responses], dtype=np.int64),
        response_target=np.array([actors.index(r.target) for r in responses], dtype=np.int64),
        response_from=np.array([rungs.index(r.from_) for r in responses], dtype=np.int64),
        response_cost=np.array([r.cost for r in responses], dtype=float),
        shock_ids=tuple(s.id for s in scenario.shocks),
        shock_probability=np.array([s.probability for s in scenario.shocks], dtype=float),
        shock_start=np.array([(s.window.start - as_of).days for s in scenario.shocks], float),
        shock_end=np.array([(s.window.end - as_of).days for s in scenario.shocks], float),
        shock_effects=tuple(
            tuple(
                ShockEffect(
                    parameter=code[e.parameter],
                    actor=actors.index(e.actor) if e.actor else -1,
                    issue=issues.index(e.issue) if e.issue else -1,
                    change=e.change,
                )
                for e in s.effects
            )
            for s in scenario.shocks
        ),
        horizon_day=float((scenario.horizon - as_of).days),
        convergence=scenario.model.convergence,
        q=scenario.model.q,
        logit_scale=scenario.model.logit_scale,
        signal_learning=scenario.model.signal_learning,
        escalation_salience=scenario.model.escalation_salience,
        start_level=rungs.index(scenario.escalation.start.rung)
        if scenario.escalation and scenario.escalation.start
        else 0,
        space=compile_inputs(scenario),
    )


def apply_inputs(arrays: ScenarioArrays, values: tuple[float, ...]) -> ScenarioArrays:
    """A copy of *arrays* with one run's factor values in place, recorded in ``inputs``.

    A red line drawn as not real (value 0) is replaced by its fallback for consent only
    (``consent_*``); every other factor replaces the number its id path names.
    """
    if not arrays.space.factors:
        return arrays
    grids: dict[str, npt.NDArray[np.generic]] = {}

    def grid(name: str) -> npt.NDArray[np.generic]:
        if name not in grids:
            grids[name] = np.array(getattr(arrays, name), copy=True)
        return grids[name]

    model: dict[str, float] = {}
    effects = [list(row) for row in arrays.shock_effects]
    simple = {
        InputKind.CAPABILITY: "capability",
        InputKind.TRUST: "trust",
        InputKind.PREVAIL: "option_prevail",
        InputKind.PREVAIL_SD: "option_prevail_sd",
        InputKind.COST: "option_costs",
        InputKind.RESPONSE_COST: "response_cost",
        InputKind.SHOCK_PROBABILITY: "shock_probability",
    }
    for factor, value in zip(arrays.space.factors, values, strict=True):
        t, kind = factor.target, factor.kind
        if kind == REDLINE:
            if value < 0.5:
                low, high, form = factor.fallback
                grid("consent_low")[t] = low
                grid("consent_high")[t] = high
                grid("consent_form")[t] = NO_FORM if form is None else form
        elif kind in simple:
            grid(simple[InputKind(kind)])[t] = value
        elif kind == InputKind.MODEL_TRUST:
            grid("trust")[list(t[1:]), t[0]] = value
        elif kind == InputKind.SHOCK_EFFECT:
            shock, effect = t
            effects[shock][effect] = dataclasses.replace(effects[shock][effect], change=value)
        elif kind == InputKind.MODEL:
            model[factor.name.split(".", 1)[1]] = value
    return dataclasses.replace(
        arrays,
        **grids,  # type: ignore[arg-type]
        **model,  # type: ignore[arg-type]
        shock_effects=tuple(tuple(row) for row in effects),
        inputs=tuple(float(v) for v in values),
    )


@dataclass(frozen=True, eq=False)
class RunParameters:
    """One run's draw of the uncertain parameters, in scenario order."""

    position: FloatArray
    """Ideal positions, actors × issues: on the scale and inside each actor's red line."""
    salience: FloatArray
    """Actors × issues, in [0, 1]."""
    prevail: FloatArray
    """Per escalation option: the escalating actor's private belief that it would prevail."""
    shock_fired: BoolArray
    shock_day: FloatArray
    """Day each shock fires (meaningful where it fired)."""


def sample_parameters(arrays: ScenarioArrays, rng: np.random.Generator) -> RunParameters:
    """Draw one run's parameters around the scenario's stated values.

    The draws are made in a fixed order (positions, saliences, beliefs, shocks), so a run's
    parameters depend only on its generator.
    """
    position = arrays.position + arrays.position_sd * rng.standard_normal(arrays.position.shape)
    position = np.clip(position, arrays.red_low, arrays.red_high)
    salience = arrays.salience + arrays.salience_sd * rng.standard_normal(arrays.salience.shape)
    salience = np.clip(salience, 0.0, 1.0)
    prevail = arrays.option_prevail + arrays.option_prevail_sd * rng.standard_normal(
        arrays.option_prevail.shape
    )
    prevail = np.clip(prevail, 0.01, 0.99)
    fired = rng.random(arrays.shock_probability.shape) < arrays.shock_probability
    day = arrays.shock_start + rng.random(arrays.shock_start.shape) * (
        arrays.shock_end - arrays.shock_start
    )
    for array in (position, salience, prevail, fired, day):
        array.setflags(write=False)
    return RunParameters(position, salience, prevail, fired, day)


def draw_names(arrays: ScenarioArrays) -> tuple[str, ...]:
    """Id paths of a run's own draws that vary between runs (:func:`draw_values` order).

    ``<actor>.<issue>.position`` and ``.salience`` where their spread is positive,
    ``<actor>.belief`` (the private belief of prevailing it holds in the run),
    ``shock.<id>.drawn`` (1 when drawn to fire) and ``shock.<id>.day``.
    """
    pairs = [f"{a}.{k}" for a in arrays.actor_ids for k in arrays.issue_ids]
    names = [f"{p}.position" for p, sd in zip(pairs, arrays.position_sd.ravel(), strict=True) if sd]
    names += [
        f"{p}.salience" for p, sd in zip(pairs, arrays.salience_sd.ravel(), strict=True) if sd
    ]
    names += [f"{arrays.actor_ids[a]}.belief" for a in arrays.option_actor]
    for shock in arrays.shock_ids:
        names += [f"shock.{shock}.drawn", f"shock.{shock}.day"]
    return tuple(names)


def draw_values(arrays: ScenarioArrays, params: RunParameters) -> FloatArray:
    """A run's own draws named by :func:`draw_names`, as one vector."""
    parts = [
        params.position.ravel()[arrays.position_sd.ravel() > 0],
        params.salience.ravel()[arrays.salience_sd.ravel() > 0],
        params.prevail,
        np.column_stack([params.shock_fired, params.shock_day]).ravel(),
    ]
    return np.concatenate([np.asarray(part, dtype=np.float64) for part in parts])
