"""Backtest: forecast recorded negotiations with every model and score them against the outcome.

For every issue of a DEU-layout file with an outcome, a recorded reference point and at least
two actors with a position and a positive salience (the others are counted as skipped): the
reference point, the capability × salience-weighted median, the compromise model (the weighted
mean), the expected-utility model's final median and mean after
*rounds* (exactly :func:`sim.analysis.forecast.forecast` on the issue), and the negsim engine on
the issue as a one-issue scenario (:mod:`sim.scenario.deuscenario`), run *runs* times. Scores
are in :mod:`sim.analysis.backtest.scores`; ``tune`` cross-validates one setting across
proposals (:mod:`sim.analysis.backtest.tuning`).

The package holds the backtest's parts: :mod:`~sim.analysis.backtest.models` (the
forecasting models), :mod:`~sim.analysis.backtest.engine` (the engine driver),
:mod:`~sim.analysis.backtest.scores` and :mod:`~sim.analysis.backtest.tuning`; this module
runs them together.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from sim.analysis.backtest.models import (
    TUNABLE,
    Capability,
    capabilities,
    check_settings,
    engine_samples,
    outcome_of,
    point_forecasts,
    spread_crps,
    with_setting,
)
from sim.analysis.backtest.scores import (
    WITHIN,
    Estimate,
    crps_samples,
    mean_with_interval,
    pit_histogram,
    pit_values,
)
from sim.analysis.backtest.tuning import FOLDS, CrossValidation, cross_validate, proposal_folds
from sim.analysis.executors import call_executor
from sim.analysis.stamp import Stamp
from sim.errors import SimulationError
from sim.scenario.deudata import DeuData, DeuIssue, read_deu_tsv
from sim.scenario.deuscenario import EngineSettings, issue_actors

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]
"""Called with (engine issues finished, engine issues in all)."""

MODELS = {
    "reference": "Reference point",
    "median": "Weighted median",
    "compromise": "Compromise model",
    "eu-median": "Expected utility, final median",
    "eu-mean": "Expected utility, final mean",
    "engine": "negsim engine, median of runs",
}
"""Point-forecast models, in table order, with their labels."""
BASELINE = "compromise"
"""The model every other is compared with."""
NO_REFERENCE = "no reference point"
"""Why an issue without a recorded reference point is excluded from every model's score: the
engine's reversion point (what holds if the act fails) is the reference point, and no value is
assumed for it (docs/validation.md, "Issues without a reference point")."""


@dataclass(frozen=True)
class IssueResult:
    """One scored issue: every model's forecast, the engine's runs and their scores."""

    issue: str
    proposal: str
    line: int
    procedure: str
    voting: str
    actors: int
    outcome: float
    reference: float | None
    forecasts: dict[str, float | None]
    """Model → point forecast (the reference point is None where not recorded)."""
    engine: FloatArray
    """The engine's outcome in each run: the agreement, or the status quo."""
    adopted: float
    """Share of engine runs that reached an agreement."""
    crps_engine: float
    crps_spread: float
    pit: float


@dataclass(frozen=True)
class ModelScore:
    """A model's accuracy over the issues it forecasts."""

    model: str
    label: str
    mae: Estimate
    within: Estimate
    """Share of issues forecast within 10 points."""
    versus_baseline: Estimate
    """Mean of (this model's absolute error − the compromise model's), paired by issue."""


@dataclass(frozen=True)
class Tuning:
    """A cross-validated setting: the folds' choices and the out-of-fold scores."""

    parameter: str
    values: tuple[float, ...]
    criterion: str
    in_sample: dict[float, float]
    """Each value's mean loss on every issue (for reference: chosen on the scored issues)."""
    validation: CrossValidation
    out_of_fold: Estimate
    """Mean held-out loss."""
    out_of_fold_mae: Estimate
    """Mean held-out absolute error of the tuned model's point forecast."""


@dataclass(frozen=True)
class Backtest:
    """Everything :func:`backtest` measured."""

    file: str
    rounds: int
    runs: int
    seed: int
    capability: str
    engine_settings: EngineSettings
    issues: tuple[IssueResult, ...]
    skipped: dict[str, int]
    scores: tuple[ModelScore, ...]
    crps: dict[str, Estimate]
    """engine, compromise (point forecast), spread (actors' positions), engine − compromise."""
    pit_counts: tuple[int, ...]
    stamp: Stamp
    """What reproduces it: negsim's version, the seed, the runs per issue, the data's hash."""
    tuning: Tuning | None = None
    skipped_rows: tuple[str, ...] = ()
    """``file:line: reason`` of each row the reader read but the backtest cannot score."""

    @property
    def proposals(self) -> int:
        """Number of distinct proposals scored."""
        return len({r.proposal for r in self.issues})


def _scored(data: DeuData, capability: Sequence[float]) -> tuple[list[DeuIssue], dict[str, int]]:
    kept: list[DeuIssue] = []
    skipped = {"no outcome": 0, NO_REFERENCE: 0, "fewer than two actors": 0}
    for row in data.skipped:
        skipped[row.reason] = skipped.get(row.reason, 0) + 1
    for issue in data.issues:
        if issue.outcome is None:
            skipped["no outcome"] += 1
        elif issue.reference is None:
            skipped[NO_REFERENCE] += 1
        elif len(issue_actors(data, issue, capability).index) < 2:
            skipped["fewer than two actors"] += 1
        else:
            kept.append(issue)
    return kept, skipped


class _Ticker:
    """Turns per-batch issue counts into (done, total) progress over the whole backtest."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def batch(self, finished: int) -> None:
        if self.progress is not None:
            self.progress(self.done + finished, self.total)

    def close_batch(self, size: int) -> None:
        self.done += size


def _results(
    data: DeuData,
    issues: Sequence[DeuIssue],
    capability: Sequence[float],
    points: Sequence[dict[str, float | None]],
    engine: tuple[list[FloatArray], list[float]],
    seed: int,
) -> tuple[IssueResult, ...]:
    samples, adopted = engine
    outcomes = np.array([outcome_of(i) for i in issues], dtype=np.float64)
    crps = crps_samples(outcomes, np.array(samples))
    pit = pit_values(outcomes, np.array(samples), np.random.default_rng(seed))
    return tuple(
        IssueResult(
            issue=i.issue,
            proposal=i.proposal,
            line=i.line,
            procedure=i.procedure,
            voting=i.voting.value,
            actors=len(issue_actors(data, i, capability).index),
            outcome=float(outcomes[j]),
            reference=i.reference,
            forecasts=points[j] | {"engine": float(np.median(samples[j]))},
            engine=samples[j],
            adopted=adopted[j],
            crps_engine=float(crps[j]),
            crps_spread=spread_crps(data, i, capability),
            pit=float(pit[j]),
        )
        for j, i in enumerate(issues)
    )


def _errors(results: Sequence[IssueResult], model: str) -> tuple[FloatArray, FloatArray, list[str]]:
    """(|model − outcome|, |compromise − outcome|, proposals) over issues the model forecasts."""
    rows = [(r, r.forecasts[model]) for r in results]
    kept = [(r, f) for r, f in rows if f is not None]
    errors = np.array([abs(f - r.outcome) for r, f in kept], dtype=np.float64)
    base = np.array([abs((r.forecasts[BASELINE] or 0.0) - r.outcome) for r, _ in kept])
    return errors, base, [r.proposal for r, _ in kept]


def _score(model: str, results: Sequence[IssueResult], seed: int) -> ModelScore:
    errors, base, clusters = _errors(results, model)
    return ModelScore(
        model,
        MODELS[model],
        mean_with_interval(errors, clusters, seed),
        mean_with_interval((errors <= WITHIN).astype(np.float64), clusters, seed),
        mean_with_interval(errors - base, clusters, seed),
    )


def _crps(results: Sequence[IssueResult], seed: int) -> dict[str, Estimate]:
    clusters = [r.proposal for r in results]
    engine = np.array([r.crps_engine for r in results])
    outcomes = np.array([r.outcome for r in results])
    compromise = np.array([[r.forecasts[BASELINE] or 0.0] for r in results])
    point = crps_samples(outcomes, compromise)  # a point mass: its absolute error (tested)
    return {
        "engine": mean_with_interval(engine, clusters, seed),
        "compromise": mean_with_interval(point, clusters, seed),
        "spread": mean_with_interval(np.array([r.crps_spread for r in results]), clusters, seed),
        "engine-minus-compromise": mean_with_interval(engine - point, clusters, seed),
    }


def backtest(
    source: str | Path | DeuData,
    *,
    rounds: int = 8,
    runs: int = 50,
    seed: int = 0,
    capability: Capability = "gdp",
    engine: EngineSettings | None = None,
    workers: int = 0,
    tune: tuple[str, Sequence[float]] | None = None,
    folds: int = FOLDS,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Backtest:
    """Forecast every scorable issue of a DEU-layout file with every model and score them.

    Args:
        source: a DEU-layout TSV file (see ``scenarios/deu/README.md``) or its data.
        rounds: rounds of the expected-utility model.
        runs: engine runs per issue.
        seed: root seed of the engine runs, the bootstrap and the folds.
        capability: ``gdp`` (the data's capability row) or ``equal``.
        engine: the engine's settings on every issue.
        workers: worker processes for the engine (0: one per CPU); results do not depend on it.
            With an *executor* it is not used.
        tune: a setting of :data:`TUNABLE` and its candidate values, cross-validated across
            proposals: each fold is scored with the value chosen on the other folds.
        folds: number of cross-validation folds.
        progress: called as engine issues finish.
        executor: where the engine's issues run instead of a local pool (any
            ``concurrent.futures.Executor``, as in :func:`sim.simulate`); results do not depend
            on it. Without one, a single local pool serves the whole backtest, tuning included.

    Raises:
        ScenarioError: the file is malformed (located at ``file:line:column``).
        SimulationError: a setting is out of range, or no issue can be scored.
    """
    settings = engine or EngineSettings()
    check_settings(settings, rounds)
    if runs < 1 or seed < 0:
        raise SimulationError(f"runs must be at least 1 and seed non-negative (got {runs}, {seed})")
    if tune is not None:
        if len(tune[1]) < 2:
            raise SimulationError(f"tuning {tune[0]} needs at least two values")
        for value in tune[1]:
            with_setting(settings, rounds, tune[0], value)
    data = source if isinstance(source, DeuData) else read_deu_tsv(source)
    caps = capabilities(data, capability)
    issues, skipped = _scored(data, caps)
    if not issues:
        raise SimulationError(
            f"{data.file}: no issue has an outcome, a reference point and two actors to score"
        )
    engine_tuned = tune is not None and TUNABLE[tune[0]] == "engine"
    ticker = _Ticker(progress, len(issues) * (1 + (len(tune[1]) if tune and engine_tuned else 0)))
    points = [point_forecasts(data, i, caps, rounds) for i in issues]
    workers = workers if workers > 0 else os.cpu_count() or 1
    with call_executor(workers, len(issues), executor) as shared:
        main = engine_samples(
            data, issues, caps, settings, runs, seed, workers, ticker.batch, shared
        )
        ticker.close_batch(len(issues))
        results = _results(data, issues, caps, points, main, seed)
        tuning = None
        if tune is not None:
            context = _Context(
                data, issues, caps, settings, rounds, runs, seed, workers, ticker, shared
            )
            tuning = _tune(context, tune[0], tuple(float(v) for v in tune[1]), results, folds)
    return Backtest(
        file=data.file,
        rounds=rounds,
        runs=runs,
        seed=seed,
        capability=capability,
        engine_settings=settings,
        issues=results,
        skipped=skipped,
        skipped_rows=tuple(f"{data.file}:{r.line}: {r.reason}" for r in data.skipped),
        scores=tuple(_score(m, results, seed) for m in MODELS),
        crps=_crps(results, seed),
        pit_counts=pit_histogram(np.array([r.pit for r in results])),
        tuning=tuning,
        stamp=Stamp.of((data,), seed, runs),
    )


@dataclass(frozen=True)
class _Context:
    data: DeuData
    issues: Sequence[DeuIssue]
    capability: Sequence[float]
    settings: EngineSettings
    rounds: int
    runs: int
    seed: int
    workers: int
    ticker: _Ticker
    executor: Executor | None


def _losses(
    c: _Context, name: str, value: float, results: Sequence[IssueResult]
) -> tuple[FloatArray, FloatArray]:
    """Per issue: the tuned model's loss under *value*, and its point forecast's error."""
    settings, rounds = with_setting(c.settings, c.rounds, name, value)
    outcomes = np.array([r.outcome for r in results])
    if TUNABLE[name] == "eu-median":
        medians = [point_forecasts(c.data, i, c.capability, rounds)["eu-median"] for i in c.issues]
        errors = np.abs(np.array(medians, dtype=np.float64) - outcomes)
        return errors, errors
    if settings == c.settings:
        samples = [r.engine for r in results]
        c.ticker.close_batch(len(c.issues))
    else:
        samples, _ = engine_samples(
            c.data,
            c.issues,
            c.capability,
            settings,
            c.runs,
            c.seed,
            c.workers,
            c.ticker.batch,
            c.executor,
        )
        c.ticker.close_batch(len(c.issues))
    crps = crps_samples(outcomes, np.array(samples))
    return crps, np.abs(np.median(np.array(samples), axis=1) - outcomes)


def _tune(
    c: _Context, name: str, values: tuple[float, ...], results: Sequence[IssueResult], k: int
) -> Tuning:
    proposals = [r.proposal for r in results]
    losses, errors = {}, {}
    for value in values:
        losses[value], errors[value] = _losses(c, name, value, results)
    validation = cross_validate(losses, proposals, proposal_folds(proposals, k, c.seed))
    held_out = np.array([errors[v][j] for j, v in enumerate(validation.chosen)])
    return Tuning(
        parameter=name,
        values=values,
        criterion="absolute error" if TUNABLE[name] == "eu-median" else "CRPS",
        in_sample={v: float(losses[v].mean()) for v in values},
        validation=validation,
        out_of_fold=mean_with_interval(validation.out_of_fold, proposals, c.seed),
        out_of_fold_mae=mean_with_interval(held_out, proposals, c.seed),
    )
