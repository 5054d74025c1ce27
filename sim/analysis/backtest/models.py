"""The models' forecasts of one DEU issue: the deterministic baselines and the engine's runs.

The reference point; the capability × salience-weighted median and mean (the compromise model)
and the expected-utility model's final median and mean, all from one call of
:func:`sim.analysis.forecast.forecast` on the issue's actors; the negsim engine on the issue as a
one-issue scenario (:mod:`sim.scenario.deuscenario`); and the spread baseline, the actors'
positions weighted by capability × salience taken as a forecast distribution.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Literal

import numpy as np
import numpy.typing as npt

from sim.analysis.backtest.engine import run_issues
from sim.analysis.backtest.scores import crps_weighted
from sim.analysis.forecast import forecast
from sim.errors import SimulationError
from sim.scenario.bdmdata import BdmData
from sim.scenario.deudata import DeuData, DeuIssue
from sim.scenario.deuscenario import EngineSettings, issue_actors, issue_scenario, status_quo

FloatArray = npt.NDArray[np.float64]
Capability = Literal["gdp", "equal"]
TUNABLE = {
    "rounds": "eu-median",
    "position_sd": "engine",
    "salience_sd": "engine",
    "convergence": "engine",
    "engine_rounds": "engine",
}
"""Settings that can be cross-validated, and the model each belongs to."""


def capabilities(data: DeuData, capability: Capability) -> tuple[float, ...]:
    """Every actor's capability: the data's row (``gdp``) or 1 each (``equal``)."""
    if capability == "gdp":
        return data.capability
    if capability == "equal":
        return tuple(1.0 for _ in data.actors)
    raise SimulationError(f"capability must be gdp or equal (got {capability!r})")


def point_forecasts(
    data: DeuData, issue: DeuIssue, capability: Sequence[float], rounds: int
) -> dict[str, float | None]:
    """The deterministic models' forecasts of *issue* (all but the engine)."""
    actors = issue_actors(data, issue, capability)
    source = BdmData(
        issue.issue,
        tuple(data.actors[k] for k in actors.index),
        np.array(actors.capability, dtype=np.float64),
        np.array(actors.position, dtype=np.float64),
        np.array(actors.salience, dtype=np.float64),
    )
    (result,) = forecast(source, rounds=rounds)
    return {
        "reference": issue.reference,
        "median": result.weighted_median,
        "compromise": result.weighted_mean,
        "eu-median": float(result.trajectory.medians[-1]),
        "eu-mean": float(result.trajectory.means[-1]),
    }


def check_settings(settings: EngineSettings, rounds: int) -> None:
    """Refuse settings outside the ranges the models accept.

    Raises:
        SimulationError: naming the setting and its range.
    """
    checks = [
        ("rounds", rounds, 1, 1000, True),
        ("engine_rounds", settings.rounds, 1, 50, True),
        ("convergence", settings.convergence, 1e-9, 50, False),
        ("position_sd", settings.position_sd, 0, 50, False),
        ("salience_sd", settings.salience_sd, 0, 1, False),
    ]
    for name, value, low, high, whole in checks:
        if not low <= value <= high or (whole and value != int(value)):
            kind = "a whole number" if whole else "a number"
            raise SimulationError(f"{name} must be {kind} from {low:g} to {high:g} (got {value:g})")


def with_setting(
    settings: EngineSettings, rounds: int, name: str, value: float
) -> tuple[EngineSettings, int]:
    """*settings* and *rounds* with the tunable setting *name* set to *value* (checked)."""
    if name not in TUNABLE:
        raise SimulationError(f"cannot tune {name!r}; tunable: {', '.join(TUNABLE)}")
    if name in ("rounds", "engine_rounds") and value != int(value):
        raise SimulationError(f"{name} must be a whole number (got {value:g})")
    if name == "rounds":
        changed, new_rounds = settings, int(value)
    elif name == "engine_rounds":
        changed, new_rounds = dataclasses.replace(settings, rounds=int(value)), rounds
    elif name == "convergence":
        changed, new_rounds = dataclasses.replace(settings, convergence=float(value)), rounds
    elif name == "position_sd":
        changed, new_rounds = dataclasses.replace(settings, position_sd=float(value)), rounds
    else:
        changed, new_rounds = dataclasses.replace(settings, salience_sd=float(value)), rounds
    check_settings(changed, new_rounds)
    return changed, new_rounds


def engine_samples(
    data: DeuData,
    issues: Sequence[DeuIssue],
    capability: Sequence[float],
    settings: EngineSettings,
    runs: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> tuple[list[FloatArray], list[float]]:
    """Per issue: the engine's outcomes (status quo where no agreement) and the adopted share."""
    scenarios = [issue_scenario(data, i, capability, settings) for i in issues]
    positions = run_issues(scenarios, runs, seed, workers, progress, executor)
    samples = [
        np.where(np.isnan(p), status_quo(i), p) for p, i in zip(positions, issues, strict=True)
    ]
    return samples, [float(np.mean(~np.isnan(p))) for p in positions]


def spread_crps(data: DeuData, issue: DeuIssue, capability: Sequence[float]) -> float:
    """CRPS of the actors' positions weighted by capability × salience: the spread baseline."""
    actors = issue_actors(data, issue, capability)
    weights = np.array(actors.capability) * np.array(actors.salience)
    return crps_weighted(outcome_of(issue), np.array(actors.position), weights)


def outcome_of(issue: DeuIssue) -> float:
    """The issue's recorded outcome (scored issues always have one)."""
    if issue.outcome is None:  # pragma: no cover - unscored issues are filtered out first
        raise SimulationError(f"issue {issue.issue} has no outcome")
    return issue.outcome
