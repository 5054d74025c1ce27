"""Which judgements decide an outcome: one-at-a-time, Morris and Sobol' analyses, and PRIM.

Each method sets the scenario's uncertain inputs (its ``uncertainties`` and the reality of its
red lines with a credibility) at a design's points and simulates the same runs at every point
(common random numbers, :mod:`sim.analysis.design`); the indices come from SALib
(:mod:`sim.analysis.indices`). Scenario discovery runs the plain Monte Carlo, inputs drawn per
run, and finds with PRIM the box of inputs where the named outcome concentrates
(:mod:`sim.analysis.discovery`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from sim.analysis.design import PointShares, evaluate_points
from sim.analysis.discovery import Box, prim_box
from sim.analysis.executors import call_executor, chunk_count
from sim.analysis.indices import (
    morris_design,
    morris_indices,
    sobol_design,
    sobol_indices,
)
from sim.analysis.montecarlo import simulate
from sim.analysis.stamp import Stamp
from sim.engine.inputs import Factor
from sim.engine.sampling import compile_scenario
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.vocabulary import MAX_WORKERS

FloatArray = npt.NDArray[np.float64]
Method = Literal["oat", "morris", "sobol"]
METHODS: tuple[Method, ...] = ("oat", "morris", "sobol")
Stage = Callable[[str, int, int], None]
"""Progress: called with a stage name, the units done and the units in it."""


@dataclass(frozen=True)
class Sensitivity:
    """What :func:`sensitivity` found: per outcome, each input's indices, and a PRIM box."""

    scenario: Scenario
    method: Method
    seed: int
    runs_per_point: int
    factors: tuple[Factor, ...]
    outcome: str
    """The outcome (or primary class) the table, the chart and PRIM focus on."""
    points: FloatArray
    """Design points × factors: the input values simulated."""
    shares: PointShares
    indices: dict[str, dict[str, FloatArray]]
    """Outcome id → index name (``mu_star``, ``mu_star_conf``, ``sigma``, ``mu``; ``s1``,
    ``s1_conf``, ``st``, ``st_conf``; ``low``, ``high``, ``baseline`` for one-at-a-time) →
    one value per factor."""
    box: Box | None = None
    discovery_runs: int = 0
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Id paths of the inputs, in design order."""
        return tuple(f.name for f in self.factors)

    @property
    def stamp(self) -> Stamp:
        """What reproduces it: negsim's version, the seed, the runs per design point, the hash."""
        return Stamp.of((self.scenario,), self.seed, self.runs_per_point)

    def ranking(self, outcome: str | None = None) -> list[int]:
        """Factor indices from the most to the least influential on *outcome*."""
        i = self.indices[outcome or self.outcome]
        key = {"morris": "mu_star", "sobol": "st", "oat": "swing"}[self.method]
        values = i[key]
        return sorted(range(len(self.factors)), key=lambda j: (-float(values[j]), self.names[j]))

    def spread(self, outcome: str) -> dict[str, float]:
        """The outcome's share across the design points: min, 10th and 90th percentile, max."""
        column = self.shares.column(outcome)
        p10, p90 = np.percentile(column, [10, 90])
        return {
            "min": float(column.min()),
            "p10": float(p10),
            "p90": float(p90),
            "max": float(column.max()),
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON, every number rounded to 6 decimals."""
        outcomes = {}
        for outcome, values in self.indices.items():
            order = self.ranking(outcome)
            outcomes[outcome] = [
                {"input": self.names[j], **{k: _r(v[j]) for k, v in sorted(values.items())}}
                for j in order
            ]
        box = self.box
        return {
            "scenario": self.scenario.id,
            "method": self.method,
            "seed": self.seed,
            "runs_per_point": self.runs_per_point,
            "design_points": len(self.points),
            "runs": len(self.points) * self.runs_per_point,
            "outcome": self.outcome,
            "note": NOTE[self.method],
            "inputs": [
                {
                    "input": f.name,
                    "low": _r(f.low),
                    "high": _r(f.high),
                    "stated": _r(f.stated),
                    "distribution": f.spec.distribution
                    if f.spec
                    else f"credibility {f.credibility:g}",
                    "assumption": f.assumption,
                }
                for f in self.factors
            ],
            "indices": outcomes,
            "spread": {k: {m: _r(v) for m, v in self.spread(k).items()} for k in self.indices},
            "prim": None
            if box is None
            else {
                "outcome": box.outcome,
                "runs": self.discovery_runs,
                "rules": box.rules(),
                "restrictions": [
                    {"input": r.name, "low": r.low, "high": r.high} for r in box.restrictions
                ],
                "coverage": _r(box.coverage),
                "density": _r(box.density),
                "mass": _r(box.mass),
                "base_rate": _r(box.base_rate),
            },
        }

    def to_json(self) -> str:
        """Deterministic JSON of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


NOTE = {
    "oat": (
        "One at a time: each input at the low and the high end of its declared range, the others "
        "at their stated values; swing = |high − low| of the share."
    ),
    "morris": (
        "Morris elementary effects on the inputs' cumulative probabilities (a step is two thirds "
        "of each distribution): mu_star = mean |effect| on the share, with its 95 % bootstrap "
        "half-width mu_star_conf; sigma = their spread (interactions or non-linearity)."
    ),
    "sobol": (
        "Sobol' indices: s1 = share of the outcome's variance across the design due to the input "
        "alone, st = including its interactions, each with its 95 % bootstrap half-width."
    ),
}


def _r(value: float | np.floating[Any]) -> float:
    return round(float(value), 6)


def _oat_points(factors: tuple[Factor, ...]) -> list[tuple[float, ...]]:
    stated = tuple(f.stated for f in factors)
    points = [stated]
    for j, f in enumerate(factors):
        for value in (f.low, f.high):
            point = list(stated)
            point[j] = value
            points.append(tuple(point))
    return points


def _oat_indices(shares: FloatArray, factors: int) -> dict[str, FloatArray]:
    low, high = shares[1::2][:factors], shares[2::2][:factors]
    return {
        "baseline": np.full(factors, shares[0]),
        "low": low,
        "high": high,
        "swing": np.abs(high - low),
    }


def sensitivity(
    scenario: Scenario,
    method: Method = "morris",
    runs_per_point: int = 50,
    seed: int = 0,
    workers: int = 1,
    trajectories: int = 10,
    base: int = 64,
    outcome: str | None = None,
    discovery_runs: int = 2000,
    progress: Stage | None = None,
    *,
    executor: Executor | None = None,
    chunk_size: int | None = None,
) -> Sensitivity:
    """Rank the scenario's uncertain inputs by their influence on each outcome's share.

    Args:
        scenario: a scenario that declares uncertain inputs (``uncertainties`` or red lines
            with a ``credibility`` below 1).
        method: ``oat`` (one at a time, a tornado), ``morris`` (screening: μ*, σ) or
            ``sobol`` (first-order and total indices).
        runs_per_point: runs at each design point, the same runs at every point.
        seed: root seed of the runs and of the design.
        workers: worker processes; results do not depend on it.
        trajectories: Morris trajectories (each has inputs + 1 points).
        base: Sobol' base sample (inputs + 2 points each; a power of 2).
        outcome: the outcome or primary class PRIM and the table focus on (default: the
            first primary class).
        discovery_runs: Monte Carlo runs, inputs drawn per run, behind the PRIM box (0: none).
        progress: called with (stage, done, total) as design points and runs finish.
        executor: where the design points and the discovery runs execute instead of a local
            pool (any ``concurrent.futures.Executor``, as in :func:`sim.simulate`).
        chunk_size: runs per task sent to a worker; results do not depend on it.
    """
    if method not in METHODS:
        raise SimulationError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    factors = compile_scenario(scenario).space.factors
    if not factors:
        raise SimulationError(
            f"{scenario.id} declares no uncertain input: add an `uncertainties:` section or a "
            "red line `credibility` below 1"
        )
    ids = [o.id for o in scenario.outcomes] + [p.id for p in scenario.primary]
    focus = outcome or scenario.primary[0].id
    if focus not in ids:
        raise SimulationError(f"unknown outcome {focus!r}; known: {', '.join(ids)}")
    names = tuple(f.name for f in factors)
    if not 0 <= workers <= MAX_WORKERS:  # before any pool is started
        raise SimulationError(f"workers must be from 0 to {MAX_WORKERS} (got {workers})")
    space = compile_scenario(scenario).space
    workers = workers if workers > 0 else os.cpu_count() or 1
    if method == "oat":
        unit = None
        points = _oat_points(factors)
    else:
        unit = (
            morris_design(names, trajectories, seed)
            if method == "morris"
            else sobol_design(names, base, seed)
        )
        points = [space.values(row) for row in unit]

    def report(stage: str, total: int) -> Callable[[int], None] | None:
        if progress is None:
            return None
        return lambda done: progress(stage, done, total)

    # one executor for the design points and the discovery runs: never a second pool
    largest = max(
        chunk_count(len(points) * runs_per_point, workers, chunk_size),
        chunk_count(discovery_runs, workers, chunk_size) if discovery_runs > 0 else 0,
    )
    with call_executor(workers, largest, executor) as shared:
        result = evaluate_points(
            scenario,
            points,
            runs_per_point,
            seed,
            workers,
            report("design points", len(points)),
            executor=shared,
            chunk_size=chunk_size,
        )
        mc = None
        if discovery_runs > 0:
            mc = simulate(
                scenario,
                runs=discovery_runs,
                seed=seed,
                workers=workers,
                progress=report("discovery runs", discovery_runs),
                input_points=0,
                executor=shared,
                chunk_size=chunk_size,
                keep_runs=True,  # PRIM needs every run's inputs and outcome
            )
    indices: dict[str, dict[str, FloatArray]] = {}
    for key in dict.fromkeys(ids):
        y = result.column(key)
        if method == "oat":
            indices[key] = _oat_indices(y, len(factors))
        elif method == "morris":
            assert unit is not None
            m = morris_indices(names, unit, y, seed)
            indices[key] = {
                "mu_star": m.mu_star,
                "mu_star_conf": m.mu_star_conf,
                "sigma": m.sigma,
                "mu": m.mu,
            }
        else:
            s = sobol_indices(names, y, seed)
            indices[key] = {"s1": s.s1, "s1_conf": s.s1_conf, "st": s.st, "st_conf": s.st_conf}
    box = None
    if mc is not None:
        outcome_ids = [o.id for o in scenario.outcomes]
        if focus in outcome_ids:
            hit = mc.table.outcomes[:, outcome_ids.index(focus)]
        else:
            hit = mc.table.primary == [p.id for p in scenario.primary].index(focus)
        box = prim_box(focus, names, mc.table.inputs, np.asarray(hit, dtype=bool))
    labels = {p.id: p.label for p in scenario.primary} | {o.id: o.label for o in scenario.outcomes}
    return Sensitivity(
        scenario=scenario,
        method=method,
        seed=seed,
        runs_per_point=runs_per_point,
        factors=factors,
        outcome=focus,
        points=np.array(points, dtype=np.float64),
        shares=result,
        indices=indices,
        box=box,
        discovery_runs=discovery_runs,
        labels=labels,
    )
