"""What separates runs with an outcome from the others: the runs' inputs, causes not consequences.

:func:`explain_outcome` compares runs with an outcome against the others on every input a run
draws (declared uncertain inputs, the reality of red lines, positions, saliences, beliefs,
shocks), ranked by standardised difference, leaving out what the outcome's condition names.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.analysis.comparison import newcombe_difference
from sim.analysis.montecarlo import Progress, simulate_runs
from sim.engine.outcomes import classify, outcome_rules
from sim.engine.record import RunRecord
from sim.engine.sampling import (
    RunParameters,
    ScenarioArrays,
    compile_scenario,
    draw_names,
    draw_values,
)
from sim.errors import SimulationError, unknown
from sim.scenario.conditions import AllOf, AnyOf, Condition, FinalPosition, NotOf, ShockFired
from sim.scenario.format import Scenario

Z95 = 1.959964
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Driver:
    """A feature of runs and how it differs between runs with and without an outcome."""

    feature: str
    kind: str
    """"share" for yes/no features, "mean" for sampled numbers."""
    with_outcome: float
    without_outcome: float
    difference: float
    low: float
    high: float
    """The difference's 95 % interval: Newcombe's for shares, Welch's normal one for means."""
    standardised: float
    """Difference divided by the feature's standard deviation over all runs (the ranking key)."""
    places: int = 3
    """Decimals a mean is shown with: 1 on 0–100 scales, 3 on 0–1 ones."""
    input: str = ""
    """The input's id path, its column in the per-run export."""
    examples: tuple[int, ...] = ()
    """Runs with the outcome where the input lies on the driver's side (for ``explain --run``)."""

    @property
    def excludes_zero(self) -> bool:
        """True when the 95 % interval lies wholly on one side of zero."""
        return self.low > 0.0 or self.high < 0.0


def _condition_inputs(condition: Condition | None) -> set[str]:
    """Id paths of the run's inputs that *condition* itself names (never ranked as causes)."""
    if condition is None:
        return set()
    if isinstance(condition, AllOf | AnyOf):
        parts = condition.all if isinstance(condition, AllOf) else condition.any
        return set().union(*(_condition_inputs(p) for p in parts))
    if isinstance(condition, NotOf):
        return _condition_inputs(condition.not_)
    if isinstance(condition, ShockFired):
        return {f"shock.{condition.shock}.drawn", f"shock.{condition.shock}.day"}
    if isinstance(condition, FinalPosition):
        test = condition.position
        return {f"{test.actor}.{test.issue}.position", f"{test.actor}.{test.issue}.salience"}
    return set()


def condition_of(scenario: Scenario, outcome: str) -> Condition | None:
    """The condition of an outcome or primary class (outcomes first, as results count them)."""
    for o in scenario.outcomes:
        if o.id == outcome:
            return o.condition
    return next(p.condition for p in scenario.primary if p.id == outcome)


def describe(name: str) -> str:
    """A run input's id path in words."""
    parts = name.split(".")
    if parts[0] == "shock" and parts[-1] == "drawn":
        return f"shock {parts[1]} drawn to fire"
    if parts[0] == "shock" and parts[-1] == "day":
        return f"day shock {parts[1]} fires"
    if parts[0] == "redline":
        return f"red line of {parts[1]} on {parts[2]} is real"
    if len(parts) == 3 and parts[2] in ("position", "salience"):
        return f"{parts[2]} of {parts[0]} on {parts[1]}"
    if len(parts) == 2 and parts[1] == "belief":
        return f"belief of {parts[0]} in prevailing"
    return name


def _inputs(arrays: ScenarioArrays, params: RunParameters, record: RunRecord) -> FloatArray:
    """A run's inputs: its declared uncertain inputs, then its own draws; NaN where unobserved.

    Why only inputs: a feature of what happened in the run (an agreement struck or blocked) is
    part of the outcome, not a cause of it; and a shock's day counts only where it was drawn.
    """
    draws = draw_values(arrays, params)
    names = draw_names(arrays)
    for j, name in enumerate(names):
        if name.endswith(".day") and draws[j - 1] == 0.0:
            draws[j] = np.nan
    return np.concatenate([np.asarray(record.inputs, dtype=np.float64), draws])


def _binary(x: FloatArray) -> bool:
    known = x[~np.isnan(x)]
    return bool(known.size) and bool(np.all((known == 0.0) | (known == 1.0)))


def _mean_driver(name: str, x: FloatArray, hit: BoolArray, places: int) -> Driver | None:
    known = ~np.isnan(x)
    x, hit = x[known], hit[known]
    a, b = x[hit], x[~hit]
    if not (a.size and b.size) or float(x.std()) <= 1e-12:
        return None
    diff = float(a.mean() - b.mean())
    small = min(len(a), len(b)) < 2
    se = math.inf if small else math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    low, high, spread = diff - Z95 * se, diff + Z95 * se, float(x.std(ddof=1))
    return Driver(
        describe(name), "mean", float(a.mean()), float(b.mean()), diff, low, high,
        diff / spread, places, name,
    )  # fmt: skip


def _share_driver(name: str, x: FloatArray, hit: BoolArray) -> Driver | None:
    known = ~np.isnan(x)
    x, hit = x[known], hit[known]
    a, b = x[hit], x[~hit]
    if not (a.size and b.size and 0.0 < x.mean() < 1.0):
        return None
    d = newcombe_difference(int(a.sum()), len(a), int(b.sum()), len(b))
    p = float(x.mean())
    with_, without = float(a.mean()), float(b.mean())
    return Driver(
        describe(name), "share", with_, without, d.value, d.low, d.high,
        d.value / math.sqrt(p - p * p), 3, name,
    )  # fmt: skip


def _examples(x: FloatArray, hit: BoolArray, driver: Driver, count: int = 3) -> tuple[int, ...]:
    """The first runs with the outcome whose input lies on the driver's side of its median."""
    known = ~np.isnan(x)
    middle = float(np.median(x[known]))
    side = x > middle if driver.difference > 0 else x < middle
    if driver.kind == "share":
        side = x == (1.0 if driver.difference > 0 else 0.0)
    return tuple(int(i) for i in np.flatnonzero(hit & known & side)[:count])


def explain_outcome(
    scenario: Scenario,
    outcome: str,
    runs: int = 1000,
    seed: int = 0,
    top: int = 12,
    progress: Progress | None = None,
) -> tuple[int, list[Driver]]:
    """Rank the inputs that separate runs with *outcome* from the others: (runs with it, drivers).

    *outcome* may be an outcome or a primary-class id. Runs are the same as
    ``simulate(scenario, runs, seed)``. Only the runs' inputs are compared (the declared
    uncertain inputs, the reality of red lines, positions, saliences and beliefs drawn, shocks
    drawn to fire and their days), never an input the outcome's own condition names, since a
    restatement of the outcome explains nothing. Inputs that never vary are left out. When every
    run or none has the outcome there is nothing to compare and the list is empty.
    """
    rules = outcome_rules(scenario)
    if outcome not in rules.outcome_ids + rules.primary_ids:
        raise SimulationError(unknown("outcome", outcome, rules.outcome_ids + rules.primary_ids))
    if runs < 2:
        raise SimulationError(f"runs must be at least 2 to compare runs (got {runs})")
    if seed < 0:
        raise SimulationError(f"seed must be non-negative (got {seed})")
    arrays = compile_scenario(scenario)
    names = arrays.space.names + draw_names(arrays)
    excluded = _condition_inputs(condition_of(scenario, outcome))
    hit = np.zeros(runs, dtype=bool)
    rows = np.zeros((runs, len(names)))
    for index, (params, record) in enumerate(simulate_runs(arrays, seed, range(runs))):
        flags, primary = classify(record, rules)
        if outcome in rules.outcome_ids:
            hit[index] = flags[rules.outcome_ids.index(outcome)]
        else:
            hit[index] = primary == rules.primary_ids.index(outcome)
        rows[index] = _inputs(arrays, params, record)
        if progress is not None and (index + 1 == runs or (index + 1) % 25 == 0):
            progress(index + 1)
    count = int(hit.sum())
    if count in (0, runs):
        return count, []
    drivers = []
    for j, name in enumerate(names):
        if name in excluded:
            continue
        x = rows[:, j]
        places = 1 if name.endswith(".position") or name.endswith(".day") else 3
        d = _share_driver(name, x, hit) if _binary(x) else _mean_driver(name, x, hit, places)
        if d is not None:
            drivers.append(dataclasses.replace(d, examples=_examples(x, hit, d)))
    drivers.sort(key=lambda d: (-abs(d.standardised), d.feature))
    return count, drivers[:top]


def driver_number(driver: Driver, value: float, signed: bool = False) -> str:
    """*value* in the driver's unit: percent (points when *signed*) for shares, else a number."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if driver.kind == "share":
        return f"{100 * value:+.0f}" if signed else f"{100 * value:.0f} %"
    return f"{value:+.{driver.places}f}" if signed else f"{value:.{driver.places}f}"


def driver_reading(driver: Driver, label: str, runs: int) -> str:
    """One sentence that reads *driver* for a student: what differs, by how much, how sure."""
    d = driver
    low, high = driver_number(d, d.low, True), driver_number(d, d.high, True)
    if d.kind == "share":
        text = (
            f"“{d.feature}” holds in {driver_number(d, d.with_outcome)} of the runs with "
            f"“{label}” against {driver_number(d, d.without_outcome)} of the others "
            f"({driver_number(d, d.difference, True)} points, 95 % interval {low} to {high})"
        )
    else:
        text = (
            f"The {d.feature} averages {driver_number(d, d.with_outcome)} in the runs with "
            f"“{label}” against {driver_number(d, d.without_outcome)} in the others "
            f"({driver_number(d, d.difference, True)}, 95 % interval {low} to {high})"
        )
    if d.excludes_zero:
        return f"{text}: a real difference at {runs} runs, though an association, not a cause."
    return f"{text}: the interval includes zero, so at {runs} runs this may be chance."
