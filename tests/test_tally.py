from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.runs import RunTable
from sim.analysis.tally import GRID, Tally, convergence_marks

OUTCOMES, PRIMARY, RUNGS, WEEKS, SHOCKS, ISSUES = 3, 2, 4, 5, 2, 2


def _table(seed: int, runs: int) -> RunTable:
    rng = np.random.default_rng(seed)
    agreed = rng.random((runs, ISSUES)) < 0.6
    position = np.where(agreed, rng.uniform(0, 100, (runs, ISSUES)), np.nan)
    return RunTable(
        outcomes=rng.random((runs, OUTCOMES)) < 0.4,
        primary=rng.integers(0, PRIMARY, runs).astype(np.int8),
        peak_level=rng.integers(0, RUNGS, runs).astype(np.int8),
        final_level=rng.integers(0, RUNGS, runs).astype(np.int8),
        agreement_position=position.astype(np.float32),
        agreement_form=np.where(agreed, rng.integers(0, 3, (runs, ISSUES)), -1).astype(np.int8),
        shocks=rng.random((runs, SHOCKS)) < 0.3,
        level_by_week=rng.integers(0, RUNGS, (runs, WEEKS)).astype(np.int8),
        inputs=np.zeros((runs, 0)),
        draws=np.zeros((runs, 0)),
    )


def _rows(table: RunTable, start: int, stop: int) -> RunTable:
    return RunTable(
        **{name: getattr(table, name)[start:stop] for name in RunTable.__dataclass_fields__}
    )


def _tally(table: RunTable, cuts: list[int]) -> Tally:
    runs = len(table.primary)
    tally = Tally.empty(OUTCOMES, PRIMARY, RUNGS, WEEKS, SHOCKS, ISSUES, runs)
    edges = [0, *sorted(c for c in set(cuts) if 0 < c < runs), runs]
    for start, stop in itertools.pairwise(edges):
        tally.add(_rows(table, start, stop))
    return tally


def _grid(table: RunTable, issue: int) -> np.ndarray:
    positions = table.agreement_position[:, issue].astype(np.float64)
    return np.rint(positions[~np.isnan(positions)] * GRID) / GRID


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    runs=st.integers(1, 120),
    cuts=st.lists(st.integers(0, 120), max_size=8),
)
def test_the_tally_is_the_same_however_the_runs_are_chunked(
    seed: int, runs: int, cuts: list[int]
) -> None:
    table = _table(seed, runs)
    whole, chunked = _tally(table, []), _tally(table, cuts)
    for name in Tally.__dataclass_fields__:
        assert np.array_equal(getattr(whole, name), getattr(chunked, name)), name


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), runs=st.integers(1, 150))
def test_counts_are_those_of_the_per_run_table(seed: int, runs: int) -> None:
    table = _table(seed, runs)
    tally = _tally(table, [runs // 3])
    assert tally.runs == runs
    assert np.array_equal(tally.outcomes, table.outcomes.sum(axis=0))
    assert np.array_equal(tally.primary, np.bincount(table.primary, minlength=PRIMARY))
    assert np.array_equal(tally.shocks, table.shocks.sum(axis=0))
    for week in range(WEEKS):
        expected = np.bincount(table.level_by_week[:, week], minlength=RUNGS)
        assert np.array_equal(tally.level_by_week[week], expected)
    marks = convergence_marks(runs)
    assert np.array_equal(tally.running, np.cumsum(table.outcomes, axis=0)[marks - 1])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), runs=st.integers(2, 150))
def test_positions_are_summarised_exactly_on_the_grid(seed: int, runs: int) -> None:
    table = _table(seed, runs)
    tally = _tally(table, [runs // 2])
    edges = np.arange(0, 105, 5, dtype=np.float64)
    for issue in range(ISSUES):
        values = _grid(table, issue)
        assert tally.agreed(issue) == values.size
        if values.size == 0:
            assert tally.mean_position(issue) is None
            continue
        assert np.isclose(tally.mean_position(issue) or 0.0, values.mean(), rtol=0, atol=1e-9)
        assert np.allclose(
            tally.percentiles(issue, [10, 50, 90]), np.percentile(values, [10, 50, 90])
        )
        assert np.array_equal(tally.histogram(issue, 5), np.histogram(values, edges)[0])
        forms = table.agreement_form[:, issue]
        for form in range(3):
            mask = forms[forms >= 0] == form
            assert np.array_equal(
                tally.histogram(issue, 5, form=form), np.histogram(values[mask], edges)[0]
            )


def test_a_position_of_100_falls_in_the_last_bin() -> None:
    table = _table(1, 4)
    table.agreement_form[:] = 0
    table.agreement_position[:] = np.float32(100.0)
    tally = _tally(table, [])
    assert tally.histogram(0, 5)[-1] == 4
