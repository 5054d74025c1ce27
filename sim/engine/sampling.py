"""The scenario as arrays, and the draw of one run's uncertain parameters.

:class:`ScenarioArrays` holds what every run shares (actor × issue order of the scenario);
:func:`sample_parameters` draws what differs between runs from a generator passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.scenario.format import Scenario, Stance
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
    decision_interval: float = 7.0
    """Days between escalation reviews; the unit of the rung cost rates."""
    start_level: int = 0
    """Index of the rung every run starts on."""

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
        decision_interval=scenario.model.decision_interval,
        start_level=rungs.index(scenario.escalation.start.rung)
        if scenario.escalation and scenario.escalation.start
        else 0,
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
