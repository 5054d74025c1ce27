"""Deterministic forecasts: the expected-utility model and the one-line baselines, per issue."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.errors import SimulationError, unknown
from sim.model.expected_utility import (
    EUConfig,
    Trajectory,
    run_rounds,
    weighted_mean,
    weighted_median,
)
from sim.scenario.bdmdata import BdmData
from sim.scenario.format import Scenario


@dataclass(frozen=True)
class IssueForecast:
    """The EU model's rounds on one issue, with the weighted-median and weighted-mean baselines."""

    issue: str
    actors: tuple[str, ...]
    trajectory: Trajectory
    weighted_median: float
    weighted_mean: float
    names: tuple[str, ...] = ()
    """The actors' names, in the order of ``actors`` (empty: the ids are the names)."""
    issue_name: str = ""
    """The issue's name (empty: the id is the name)."""

    @property
    def labels(self) -> tuple[str, ...]:
        """What a reader should see for each actor: its name, else its id."""
        return self.names or self.actors

    @property
    def forecast(self) -> float:
        """The model's forecast: the median after the last round."""
        return float(self.trajectory.medians[-1])


def _issue_forecast(
    name: str,
    actors: tuple[str, ...],
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    rounds: int,
    config: EUConfig,
) -> IssueForecast:
    weight = capability * salience
    return IssueForecast(
        issue=name,
        actors=actors,
        trajectory=run_rounds(position, capability, salience, rounds, config),
        weighted_median=weighted_median(position, weight),
        weighted_mean=weighted_mean(position, weight),
    )


def forecast(
    source: Scenario | BdmData,
    rounds: int = 8,
    issue: str | None = None,
    config: EUConfig | None = None,
) -> tuple[IssueForecast, ...]:
    """Run the expected-utility model on every issue of a scenario (or one), or on a data set."""
    config = config or EUConfig()
    if rounds < 1:
        raise SimulationError(f"rounds must be at least 1 (got {rounds})")
    if isinstance(source, BdmData):
        if issue is not None and issue != source.name:
            raise SimulationError(
                f"unknown issue {issue!r}: a data set holds one issue, {source.name!r} "
                "(its file name)"
            )
        return (
            _issue_forecast(
                source.name,
                source.actors,
                source.capability,
                source.position,
                source.salience,
                rounds,
                config,
            ),
        )
    ids = [i.id for i in source.issues]
    if issue is not None and issue not in ids:
        raise SimulationError(unknown("issue", issue, ids))
    actors = tuple(a.id for a in source.actors)
    issue_names = {i.id: i.name for i in source.issues}
    capability = np.array([a.capability for a in source.actors], dtype=np.float64)
    results = []
    for k in ids if issue is None else [issue]:
        position = np.array([a.stances[k].position for a in source.actors], dtype=np.float64)
        salience = np.array([a.stances[k].salience for a in source.actors], dtype=np.float64)
        result = _issue_forecast(k, actors, capability, position, salience, rounds, config)
        names = tuple(a.name for a in source.actors)
        results.append(dataclasses.replace(result, names=names, issue_name=issue_names[k]))
    return tuple(results)


def baselines(scenario: Scenario) -> dict[str, dict[str, float]]:
    """Per issue: weighted median, weighted mean and the EU model's 8-round forecast."""
    return {
        f.issue: {
            "median": f.weighted_median,
            "mean": f.weighted_mean,
            "expected_utility": f.forecast,
        }
        for f in forecast(scenario)
    }
