"""How a run ended and how well a seat did: its outcomes, and the settlement's utility to its actor.

The settlement of a run is each issue's agreement in force at the end, else its status quo. An
actor's settlement utility is the salience-weighted mean of its issue utilities there
(docs/model.md §1, U_i), with the ideal points and saliences its run drew. It prices what was
agreed, not the cost of escalation: the primary class tells that part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.montecarlo import simulate_run
from sim.engine.outcomes import OutcomeRules, classify
from sim.engine.record import RunRecord
from sim.engine.sampling import FloatArray, RunParameters, ScenarioArrays
from sim.model.bargaining import package_utility


def settlement(record: RunRecord, arrays: ScenarioArrays) -> FloatArray:
    """Per issue: the agreement in force at the end of *record*, else the status quo."""
    points = np.array(arrays.status_quo, dtype=np.float64, copy=True)
    for k, agreement in enumerate(record.agreements):
        if agreement is not None:
            points[k] = agreement.position
    return points


def settlement_utilities(
    record: RunRecord, arrays: ScenarioArrays, parameters: RunParameters
) -> tuple[float, ...]:
    """Each actor's utility of the run's settlement, with the run's drawn ideals and saliences."""
    points = settlement(record, arrays)
    return tuple(
        package_utility(points, parameters.position[i], parameters.salience[i])
        for i in range(arrays.n_actors)
    )


def ending(record: RunRecord, rules: OutcomeRules) -> tuple[tuple[str, ...], str]:
    """The ids of the outcomes *record* reached (in scenario order) and of its primary class."""
    flags, primary = classify(record, rules)
    reached = tuple(o for o, f in zip(rules.outcome_ids, flags, strict=True) if f)
    return reached, rules.primary_ids[primary]


@dataclass(frozen=True, kw_only=True)
class AgainstModel:
    """How a run people played ended, beside the same run with the model in every seat."""

    outcomes: tuple[str, ...]
    """Ids of the outcomes the run reached, in scenario order."""
    primary: str
    model_record: RunRecord
    """The same run with the model taking every decision."""
    model_outcomes: tuple[str, ...]
    model_primary: str


def against_model(
    record: RunRecord, arrays: ScenarioArrays, seed: int, run_index: int, rules: OutcomeRules
) -> AgainstModel:
    """The ending of *record*, run *run_index* of *seed* played by people, and the model's."""
    _, model_record = simulate_run(arrays, seed, run_index)
    outcomes, primary = ending(record, rules)
    model_outcomes, model_primary = ending(model_record, rules)
    return AgainstModel(
        outcomes=outcomes,
        primary=primary,
        model_record=model_record,
        model_outcomes=model_outcomes,
        model_primary=model_primary,
    )
