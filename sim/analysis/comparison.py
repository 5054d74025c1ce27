"""Scenarios side by side: each outcome's share per scenario and its difference from the first.

Differences carry 95 % intervals by Newcombe's hybrid score method (statsmodels'
``confint_proportions_2indep(method="newcomb")``), built from the two Wilson intervals.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sim.analysis.montecarlo import simulate
from sim.analysis.results import CONFIDENCE, Results
from sim.errors import SimulationError
from sim.scenario.format import Scenario

ScenarioProgress = Callable[[int, int], None]
"""Called with a scenario's index and the number of its runs finished so far."""


@dataclass(frozen=True)
class Difference:
    """One outcome's share in a scenario minus its share in the first scenario."""

    value: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        """True when the 95 % interval lies wholly on one side of zero."""
        return self.low > 0.0 or self.high < 0.0


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
        """Share of *outcome* in scenario *index* minus its share in the first scenario."""
        base, other = self.results[0], self.results[index]
        return newcombe_difference(other.count(outcome), other.runs, base.count(outcome), base.runs)

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
                    }
                )
        return {
            "runs": self.results[0].runs,
            "seed": self.results[0].seed,
            "scenarios": list(self.scenario_ids),
            "outcomes": rows,
            "not_compared": {k: list(v) for k, v in self.unshared.items()},
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
) -> Comparison:
    """Simulate each scenario with the same runs and seed, then :func:`compare` the results.

    Why: the same runs and seed make the comparison reproducible. Newcombe's intervals treat the
    scenarios as independent samples, which errs on the wide side when shared seeds make runs
    alike.

    Args:
        scenarios: two or more validated scenarios; the first is the baseline.
        runs: Monte Carlo runs per scenario.
        seed: root seed shared by every scenario.
        workers: worker processes (0 = one per CPU); results do not depend on it.
        progress: optional callback with a scenario's index and its runs finished so far.

    Raises:
        SimulationError: with fewer than two scenarios, or a bad run count or seed.
    """
    if len(scenarios) < 2:
        raise SimulationError("compare needs at least two scenarios")
    results = []
    for index, scenario in enumerate(scenarios):
        report = None if progress is None else _progress_of(progress, index)
        results.append(simulate(scenario, runs=runs, seed=seed, workers=workers, progress=report))
    return compare(results)


def _progress_of(progress: ScenarioProgress, index: int) -> Callable[[int], None]:
    return lambda done: progress(index, done)
