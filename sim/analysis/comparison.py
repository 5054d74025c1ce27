"""Scenarios side by side: each outcome's share per scenario and its difference from the first.

Run *k* of every scenario uses the same seed, so the runs are paired: the difference of two
shares gets Newcombe's (1998) method-10 interval for paired proportions (the two Wilson
intervals from statsmodels' ``proportion_confint``, combined by square-and-add with the
correlation of the paired runs), McNemar's exact test (statsmodels' ``mcnemar``) on the runs
that disagree, and "identical in every run" when no run disagrees. :class:`Transitions` counts
how runs moved from each primary class of the first scenario to each class of another.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.analysis.design import SPREAD_POINTS, SPREAD_RUNS
from sim.analysis.executors import call_executor, chunk_count
from sim.analysis.montecarlo import simulate
from sim.analysis.results import CONFIDENCE, Results, wilson_interval
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.vocabulary import MAX_WORKERS

ScenarioProgress = Callable[[int, int], None]
"""Called with a scenario's index and the number of its runs finished so far."""


METHOD = {
    "shares": "Wilson score interval (statsmodels proportion_confint)",
    "differences": "Newcombe (1998) method 10 for paired proportions: run k of every scenario "
    "uses the same seed",
    "test": "McNemar's exact test on the runs whose outcome differs (statsmodels mcnemar)",
}
"""How the comparison's intervals and tests are computed, as the JSON states it."""

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Difference:
    """One outcome's share in a scenario minus its share in the first scenario."""

    value: float
    low: float
    high: float
    first_only: int | None = None
    """Paired runs with the outcome in the first scenario only (None: not paired)."""
    this_only: int | None = None
    """Paired runs with the outcome in this scenario only (None: not paired)."""
    p_value: float | None = None
    """McNemar's exact p-value over the discordant runs (None: not paired)."""

    @property
    def excludes_zero(self) -> bool:
        """True when the 95 % interval lies wholly on one side of zero."""
        return self.low > 0.0 or self.high < 0.0

    @property
    def identical(self) -> bool:
        """True when paired runs never disagree: run k has the outcome in both or in neither."""
        return self.first_only == 0 and self.this_only == 0


def paired_difference(this: BoolArray, first: BoolArray) -> Difference:
    """Share of runs with an outcome in *this* minus in *first*, run k paired with run k.

    Why: run k of every scenario uses the same seed, so the two shares are correlated and an
    interval for independent samples is too wide (two identical scenarios would get ±3.4 points
    at 1,000 runs). Newcombe's method 10 combines the Wilson intervals of the two shares,
    ``[l1, u1]`` and ``[l2, u2]``, by square-and-add with the correlation ψ of the paired runs:
    ``θ − √((p1 − l1)² − 2ψ(p1 − l1)(u2 − p2) + (u2 − p2)²)`` to
    ``θ + √((u1 − p1)² − 2ψ(u1 − p1)(p2 − l2) + (p2 − l2)²)``, with ψ from the 2×2 table of runs
    ``[[a, b], [c, d]]`` as ``(ad − bc − n/2)/√(margins)`` when ``ad − bc > n/2``, 0 when
    ``0 ≤ ad − bc ≤ n/2`` and ``(ad − bc)/√(margins)`` below (Newcombe 1998, Stat Med 17:2635).
    statsmodels 0.15 has no paired interval; its Wilson intervals and exact McNemar test are used.
    """
    n = int(this.size)
    both = int(np.count_nonzero(this & first))
    this_only = int(np.count_nonzero(this & ~first))
    first_only = int(np.count_nonzero(~this & first))
    neither = n - both - this_only - first_only
    p1, p2 = (both + this_only) / n, (both + first_only) / n
    lows, highs = wilson_interval(np.array([both + this_only, both + first_only]), n)
    (l1, l2), (u1, u2) = (float(v) for v in lows), (float(v) for v in highs)
    margins = (both + this_only) * (first_only + neither) * (both + first_only)
    margins *= this_only + neither
    cross = both * neither - this_only * first_only
    if margins == 0 or 0 <= cross <= n / 2:
        psi = 0.0
    elif cross > n / 2:
        psi = (cross - n / 2) / math.sqrt(margins)
    else:
        psi = cross / math.sqrt(margins)
    value = p1 - p2
    below = (p1 - l1) ** 2 - 2 * psi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    above = (u1 - p1) ** 2 - 2 * psi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2
    table = [[both, this_only], [first_only, neither]]
    from statsmodels.stats.contingency_tables import mcnemar  # slow: imported on use

    p_value = 1.0 if this_only == first_only == 0 else float(mcnemar(table, exact=True).pvalue)
    return Difference(
        value,
        max(value - math.sqrt(max(below, 0.0)), -1.0),
        min(value + math.sqrt(max(above, 0.0)), 1.0),
        first_only,
        this_only,
        p_value,
    )


@dataclass(frozen=True)
class Transitions:
    """How paired runs moved between primary classes: run k of the first scenario against run k."""

    first: tuple[str, ...]
    """The first scenario's primary-class ids (rows)."""
    this: tuple[str, ...]
    """The other scenario's primary-class ids (columns)."""
    counts: tuple[tuple[int, ...], ...]
    """Runs in class ``first[i]`` in the first scenario and ``this[j]`` in the other."""

    @property
    def runs(self) -> int:
        """All paired runs."""
        return sum(sum(row) for row in self.counts)

    @property
    def moved(self) -> int:
        """Runs whose primary class differs (by id) between the two scenarios."""
        return sum(
            n
            for i, row in enumerate(self.counts)
            for j, n in enumerate(row)
            if self.first[i] != self.this[j]
        )

    def moves(self) -> list[tuple[str, str, int]]:
        """(from class, to class, runs) of every change of class, most runs first."""
        cells = [
            (self.first[i], self.this[j], n)
            for i, row in enumerate(self.counts)
            for j, n in enumerate(row)
            if n and self.first[i] != self.this[j]
        ]
        return sorted(cells, key=lambda cell: -cell[2])

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the class ids of rows and columns, the counts, and the runs that moved."""
        return {
            "from": list(self.first),
            "to": list(self.this),
            "counts": [list(row) for row in self.counts],
            "moved": self.moved,
        }


def newcombe_difference(count: int, runs: int, base_count: int, base_runs: int) -> Difference:
    """count/runs − base_count/base_runs with Newcombe's 95 % interval."""
    from statsmodels.stats.proportion import confint_proportions_2indep  # slow: imported on use

    low, high = confint_proportions_2indep(
        count,
        runs,
        base_count,
        base_runs,
        method="newcomb",
        compare="diff",
        alpha=1 - CONFIDENCE,
    )
    value = count / runs - base_count / base_runs
    return Difference(value, min(float(low), value), max(float(high), value))


@dataclass(frozen=True, eq=False)
class Comparison:
    """Several scenarios' results on the outcomes they share, same seed and run count."""

    results: tuple[Results, ...]
    shared: tuple[str, ...]
    """Outcome ids every scenario defines, in the first scenario's order."""
    shared_primary: tuple[str, ...]
    """Primary-class ids every scenario defines."""
    unshared: dict[str, tuple[str, ...]]
    """Scenario id → outcomes (and primary classes) it has that are not compared."""

    @property
    def scenario_ids(self) -> tuple[str, ...]:
        """Scenario ids, first is the baseline."""
        return tuple(r.scenario.id for r in self.results)

    @property
    def names(self) -> tuple[str, ...]:
        """Scenario ids made unique for column headings and legends: a repeat gets " (2)"…."""
        names: list[str] = []
        for index, scenario_id in enumerate(self.scenario_ids):
            repeat = self.scenario_ids[:index].count(scenario_id)
            names.append(f"{scenario_id} ({repeat + 1})" if repeat else scenario_id)
        return tuple(names)

    @property
    def shared_issues(self) -> tuple[str, ...]:
        """Issue ids every scenario defines, in the first scenario's order."""
        ids = [{i.id for i in r.scenario.issues} for r in self.results]
        return tuple(i.id for i in self.results[0].scenario.issues if all(i.id in s for s in ids))

    def label(self, outcome: str, index: int = 0) -> str:
        """Scenario *index*'s label for an outcome or primary class (the first's by default)."""
        scenario = self.results[index].scenario
        labels = {o.id: o.label for o in scenario.outcomes} | {
            p.id: p.label for p in scenario.primary
        }
        return labels.get(outcome, outcome)

    def difference(self, outcome: str, index: int) -> Difference:
        """Share of *outcome* in scenario *index* minus its share in the first, runs paired."""
        return paired_difference(
            _indicator(self.results[index], outcome), _indicator(self.results[0], outcome)
        )

    def transitions(self, index: int) -> Transitions:
        """Runs by primary class in the first scenario (rows) and in scenario *index* (columns)."""
        first, this = self.results[0], self.results[index]
        counts = np.zeros((len(first.primary_ids), len(this.primary_ids)), dtype=np.int64)
        np.add.at(
            counts, (first.table.primary.astype(np.intp), this.table.primary.astype(np.intp)), 1
        )
        return Transitions(
            first.primary_ids,
            this.primary_ids,
            tuple(tuple(int(n) for n in row) for row in counts),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data: per outcome, per scenario, share, interval and difference from the first."""
        rows: dict[str, Any] = {}
        for outcome in self.shared + self.shared_primary:
            rows[outcome] = []
            for index, results in enumerate(self.results):
                low, high = results.interval(outcome)
                diff = self.difference(outcome, index)
                rows[outcome].append(
                    {
                        "scenario": results.scenario.id,
                        "share": round(results.share(outcome), 6),
                        "low": round(low, 6),
                        "high": round(high, 6),
                        "difference": round(diff.value, 6),
                        "difference_low": round(diff.low, 6),
                        "difference_high": round(diff.high, 6),
                        "excludes_zero": diff.excludes_zero,
                        "identical": diff.identical,
                        "runs_first_only": diff.first_only,
                        "runs_this_only": diff.this_only,
                        "mcnemar_p": None if diff.p_value is None else round(diff.p_value, 6),
                    }
                )
        return {
            "runs": self.results[0].runs,
            "seed": self.results[0].seed,
            "scenarios": list(self.scenario_ids),
            "outcomes": rows,
            "not_compared": {k: list(v) for k, v in self.unshared.items()},
            "method": METHOD,
            "transitions": {
                name: self.transitions(index).to_dict()
                for index, name in enumerate(self.names)
                if index
            },
        }

    def to_json(self) -> str:
        """Deterministic JSON of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


def compare(results: Sequence[Results]) -> Comparison:
    """Set results side by side; the first is the baseline for differences.

    Raises:
        SimulationError: with fewer than two results, or differing seeds or run counts.
    """
    if len(results) < 2:
        raise SimulationError("compare needs at least two scenarios")
    first = results[0]
    for other in results[1:]:
        if (other.runs, other.seed) != (first.runs, first.seed):
            raise SimulationError(
                f"{other.scenario.id} ran {other.runs} runs with seed {other.seed}; "
                f"{first.scenario.id} ran {first.runs} with seed {first.seed}: "
                "compare like with like"
            )
    shared = tuple(o for o in first.outcome_ids if all(o in r.outcome_ids for r in results))
    shared_primary = tuple(p for p in first.primary_ids if all(p in r.primary_ids for r in results))
    unshared = {
        r.scenario.id: tuple(
            o for o in r.outcome_ids + r.primary_ids if o not in shared + shared_primary
        )
        for r in results
    }
    return Comparison(
        tuple(results), shared, shared_primary, {k: v for k, v in unshared.items() if v}
    )


def compare_scenarios(
    scenarios: Sequence[Scenario],
    runs: int = 1000,
    seed: int = 0,
    workers: int = 1,
    progress: ScenarioProgress | None = None,
    *,
    executor: Executor | None = None,
) -> Comparison:
    """Simulate each scenario with the same runs and seed, then :func:`compare` the results.

    Why: the same runs and seed make the comparison reproducible, and pair run k of every
    scenario (the same seed), which :func:`paired_difference` uses.

    Args:
        scenarios: two or more validated scenarios; the first is the baseline.
        runs: Monte Carlo runs per scenario.
        seed: root seed shared by every scenario.
        workers: worker processes (0 = one per CPU); results do not depend on it.
        progress: optional callback with a scenario's index and its runs finished so far.
        executor: where the runs execute instead of a local pool (see :func:`simulate`).

    Raises:
        SimulationError: with fewer than two scenarios, or a bad run count or seed.
    """
    if len(scenarios) < 2:
        raise SimulationError("compare needs at least two scenarios")
    if not 0 <= workers <= MAX_WORKERS:  # before any pool is started
        raise SimulationError(f"workers must be from 0 to {MAX_WORKERS} (got {workers})")
    results = []
    workers = workers if workers > 0 else os.cpu_count() or 1
    # one executor for every scenario's runs and input spread: one pool, not one per scenario
    largest = max(chunk_count(runs, workers), chunk_count(SPREAD_POINTS * SPREAD_RUNS, workers))
    with call_executor(workers, largest, executor) as shared:
        for index, scenario in enumerate(scenarios):
            report = None if progress is None else _progress_of(progress, index)
            # Paired differences and transitions need each run's classes: keep the rows.
            results.append(
                simulate(
                    scenario,
                    runs=runs,
                    seed=seed,
                    workers=workers,
                    progress=report,
                    executor=shared,
                    keep_runs=True,
                )
            )
    return compare(results)


def _progress_of(progress: ScenarioProgress, index: int) -> Callable[[int], None]:
    return lambda done: progress(index, done)


def _indicator(results: Results, outcome: str) -> BoolArray:
    """Per run, whether it satisfied *outcome* (an outcome or a primary-class id)."""
    if outcome in results.outcome_ids:
        column: BoolArray = results.table.outcomes[:, results.outcome_ids.index(outcome)]
        return column
    if outcome in results.primary_ids:
        match: BoolArray = results.table.primary == results.primary_ids.index(outcome)
        return match
    raise KeyError(f"unknown outcome {outcome!r}")
