"""What separates runs with an outcome from the others: shocks, agreements and sampled inputs.

:func:`explain_outcome` compares runs with an outcome against the others on every shock,
agreement struck or blocked at a venue and sampled parameter, ranked by standardised difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.analysis.comparison import newcombe_difference
from sim.analysis.montecarlo import Progress, simulate_run
from sim.engine.outcomes import classify, outcome_rules
from sim.engine.record import Reason, RunRecord
from sim.engine.sampling import RunParameters, ScenarioArrays, compile_scenario
from sim.errors import SimulationError, unknown
from sim.scenario.format import Scenario

Z95 = 1.959964


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

    @property
    def excludes_zero(self) -> bool:
        """True when the 95 % interval lies wholly on one side of zero."""
        return self.low > 0.0 or self.high < 0.0


def _features(
    arrays: ScenarioArrays, params: RunParameters, record: RunRecord
) -> tuple[list[float], list[float]]:
    """Yes/no and numeric features of a run; NaN where a feature is not observed.

    Why: a run that reaches the top rung stops, so its later meetings never happen; counting them
    as failed would make every later meeting look like a driver of war. So an agreement blocked
    at a meeting counts only in runs that lasted to its date, and the meeting an agreement in
    force comes from (a later one may replace it) only in runs that lasted the whole calendar.
    Shocks are taken as drawn, for the same reason.
    """
    flags = params.shock_fired.astype(float).tolist()
    reached = np.zeros((len(arrays.venue_ids), arrays.n_issues))
    blocked = np.zeros_like(reached)
    for g in record.agreements:
        if g is not None:
            reached[g.venue, g.issue] = 1.0
    for b in record.blocked:
        if b.reason is not Reason.NOT_CONVERGED:  # "blocked": converged, then refused
            blocked[b.venue, b.issue] = 1.0
    blocked[arrays.venue_day > record.end_day] = np.nan
    if record.end_day < arrays.venue_day.max():
        reached[:] = np.nan
    flags += reached[arrays.venue_table].tolist() + blocked[arrays.venue_table].tolist()
    numbers = params.position.ravel().tolist() + params.salience.ravel().tolist()
    numbers += params.prevail.tolist()
    return flags, numbers


def _names(arrays: ScenarioArrays) -> tuple[list[str], list[str]]:
    flags = [f"shock drawn to fire: {s}" for s in arrays.shock_ids]
    table = list(zip(*np.nonzero(arrays.venue_table), strict=True))
    flags += [
        f"agreement on {arrays.issue_ids[k]} from {arrays.venue_ids[v]} in force at the end"
        for v, k in table
    ]
    flags += [
        f"agreement on {arrays.issue_ids[k]} blocked at {arrays.venue_ids[v]}" for v, k in table
    ]
    pairs = [(a, k) for a in arrays.actor_ids for k in arrays.issue_ids]
    numbers = [f"position of {a} on {k}" for a, k in pairs]
    numbers += [f"salience of {a} on {k}" for a, k in pairs]
    numbers += [f"belief of {arrays.actor_ids[a]} in prevailing" for a in arrays.option_actor]
    return flags, numbers


def _mean_driver(
    name: str, x: npt.NDArray[np.float64], hit: npt.NDArray[np.bool_], places: int
) -> Driver:
    a, b = x[hit], x[~hit]
    diff = float(a.mean() - b.mean())
    small = min(len(a), len(b)) < 2
    se = math.inf if small else math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    low, high, spread = diff - Z95 * se, diff + Z95 * se, float(x.std(ddof=1))
    standardised = diff / spread
    return Driver(
        name, "mean", float(a.mean()), float(b.mean()), diff, low, high, standardised, places
    )


def _share_driver(
    name: str, x: npt.NDArray[np.float64], hit: npt.NDArray[np.bool_]
) -> Driver | None:
    known = ~np.isnan(x)
    x, hit = x[known], hit[known]
    a, b = x[hit], x[~hit]
    if not (a.size and b.size and 0.0 < x.mean() < 1.0):
        return None
    d = newcombe_difference(int(a.sum()), len(a), int(b.sum()), len(b))
    p = float(x.mean())
    with_, without = float(a.mean()), float(b.mean())
    return Driver(
        name, "share", with_, without, d.value, d.low, d.high, d.value / math.sqrt(p - p * p)
    )


def explain_outcome(
    scenario: Scenario,
    outcome: str,
    runs: int = 1000,
    seed: int = 0,
    top: int = 12,
    progress: Progress | None = None,
) -> tuple[int, list[Driver]]:
    """Rank what separates runs with *outcome* from the others; return (runs with it, drivers).

    *outcome* may be an outcome or a primary-class id. Runs are the same as
    ``simulate(scenario, runs, seed)``. A meeting's features compare only the runs still going
    on its date (see :func:`_features`); features that never vary are left out. When every run
    or none has the outcome there is nothing to compare and the list is empty.
    """
    rules = outcome_rules(scenario)
    if outcome not in rules.outcome_ids + rules.primary_ids:
        raise SimulationError(unknown("outcome", outcome, rules.outcome_ids + rules.primary_ids))
    if runs < 2:
        raise SimulationError(f"runs must be at least 2 to compare runs (got {runs})")
    if seed < 0:
        raise SimulationError(f"seed must be non-negative (got {seed})")
    arrays = compile_scenario(scenario)
    hit = np.zeros(runs, dtype=bool)
    flag_rows, number_rows = [], []
    for index in range(runs):
        params, record = simulate_run(arrays, seed, index)
        flags, primary = classify(record, rules)
        if outcome in rules.outcome_ids:
            hit[index] = flags[rules.outcome_ids.index(outcome)]
        else:
            hit[index] = primary == rules.primary_ids.index(outcome)
        f, n = _features(arrays, params, record)
        flag_rows.append(f)
        number_rows.append(n)
        if progress is not None and (index + 1 == runs or (index + 1) % 25 == 0):
            progress(index + 1)
    count = int(hit.sum())
    if count in (0, runs):
        return count, []
    flag_names, number_names = _names(arrays)
    flags_arr = np.array(flag_rows, dtype=float).reshape(runs, len(flag_names))
    numbers_arr = np.array(number_rows, dtype=float).reshape(runs, len(number_names))
    shares = (_share_driver(n, flags_arr[:, i], hit) for i, n in enumerate(flag_names))
    drivers = [d for d in shares if d is not None]
    positions = arrays.position.size
    drivers += [
        _mean_driver(n, numbers_arr[:, i], hit, 1 if i < positions else 3)
        for i, n in enumerate(number_names)
        if numbers_arr[:, i].std() > 1e-9
    ]
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
