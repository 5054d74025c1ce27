"""The debrief's numbers: the model's distribution for the session, and each group beside it.

:func:`model_distribution` is the session's Monte Carlo (run *i* exactly as ``negsim run`` draws
it for the same seed), kept with each run's settlement utility per actor so that a group's seat
can be placed on it. :func:`group_result` compares a group's run with the same run played by the
model everywhere.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from sim.analysis.montecarlo import simulate_run
from sim.classroom.replay import GroupState, Taken
from sim.classroom.score import AgainstModel, against_model, settlement_utilities
from sim.engine.outcomes import classify, outcome_rules
from sim.engine.policy import ProposalView
from sim.engine.sampling import compile_scenario
from sim.scenario.loader import load_scenario


@dataclass(frozen=True)
class Distribution:
    """The model's outcome distribution for one scenario, seed and run count."""

    scenario_id: str
    seed: int
    runs: int
    primary_ids: tuple[str, ...]
    primary_counts: tuple[int, ...]
    outcome_ids: tuple[str, ...]
    outcome_counts: tuple[int, ...]
    utilities: tuple[tuple[float, ...], ...]
    """Actors × runs: each run's settlement utility to each actor."""

    def to_json(self) -> str:
        """The distribution as JSON (for the session's database row)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Distribution:
        """Read :meth:`to_json`'s output."""
        data = json.loads(text)
        return cls(
            data["scenario_id"],
            int(data["seed"]),
            int(data["runs"]),
            tuple(data["primary_ids"]),
            tuple(int(c) for c in data["primary_counts"]),
            tuple(data["outcome_ids"]),
            tuple(int(c) for c in data["outcome_counts"]),
            tuple(tuple(float(u) for u in row) for row in data["utilities"]),
        )

    def share(self, primary: str) -> float:
        """Share of runs in primary class *primary*."""
        return self.primary_counts[self.primary_ids.index(primary)] / self.runs

    def percentile(self, actor: int, utility: float) -> float:
        """Share of the model's runs whose settlement is worth less than *utility* to *actor*."""
        values = np.asarray(self.utilities[actor])
        return float((values < utility - 1e-12).mean())


def model_distribution(scenario_path: str, seed: int, runs: int) -> Distribution:
    """Runs 0…runs−1 of ``simulate(scenario, runs, seed)``, classified, with utilities.

    Takes a path, not a scenario, so that it can run in a worker process.
    """
    scenario = load_scenario(Path(scenario_path))
    arrays = compile_scenario(scenario)
    rules = outcome_rules(scenario)
    primary = np.zeros(len(rules.primary_ids), dtype=np.int64)
    outcomes = np.zeros(len(rules.outcome_ids), dtype=np.int64)
    utilities: list[tuple[float, ...]] = []
    for run in range(runs):
        params, record = simulate_run(arrays, seed, run)
        flags, cls = classify(record, rules)
        primary[cls] += 1
        outcomes += np.asarray(flags, dtype=np.int64)
        utilities.append(settlement_utilities(record, arrays, params))
    by_actor = tuple(tuple(row) for row in np.asarray(utilities).T.tolist())
    return Distribution(
        scenario.id,
        seed,
        runs,
        rules.primary_ids,
        tuple(int(c) for c in primary),
        rules.outcome_ids,
        tuple(int(c) for c in outcomes),
        by_actor,
    )


@dataclass(frozen=True)
class GroupResult(AgainstModel):
    """A group's run beside the same run with the model in every seat."""

    number: int
    state: GroupState
    utilities: tuple[float, ...]
    """Per actor: the settlement utility of the group's run (so far, if unfinished)."""
    model_utilities: tuple[float, ...]

    @property
    def differences(self) -> int:
        """Decisions at which a seat chose otherwise than the model would have."""
        return sum(not same_as_model(t) for t in self.state.taken)


def same_as_model(taken: Taken) -> bool:
    """True when a seat's decision has the model's effect."""
    if taken.by_model:
        return True
    view = taken.turn.view
    if isinstance(view, ProposalView):
        low, high = view.red_low, view.red_high
        mine = min(max(float(taken.choice), low), high)  # type: ignore[arg-type]
        model = min(max(float(taken.model_choice), low), high)  # type: ignore[arg-type]
        return abs(mine - model) <= 1e-9
    same: bool = taken.choice == taken.model_choice
    return same


def group_result(number: int, state: GroupState) -> GroupResult:
    """Compare group *number*'s run with the model's run of the same seed and run index."""
    t = state.table
    beside = against_model(state.record, t.arrays, t.seed, t.run_index, t.rules)
    return GroupResult(
        number,
        state,
        settlement_utilities(state.record, t.arrays, state.parameters),
        settlement_utilities(beside.model_record, t.arrays, state.parameters),
        **vars(beside),
    )
