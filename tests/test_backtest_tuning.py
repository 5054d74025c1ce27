from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from deu_files import Row, write_deu

from sim.analysis.backtest import backtest
from sim.analysis.backtest.tuning import cross_validate, proposal_folds
from sim.errors import SimulationError


def test_folds_partition_the_proposals() -> None:
    proposals = [f"p{k}" for k in range(23)]
    folds = proposal_folds(proposals * 2, k=5, seed=4)
    assert len(folds) == 5
    tests = [f.test for f in folds]
    assert set().union(*tests) == set(proposals) and sum(len(t) for t in tests) == 23
    for fold in folds:
        assert not fold.test & fold.train and fold.test | fold.train == set(proposals)


def test_cross_validation_never_scores_a_fold_on_a_proposal_it_tuned_on() -> None:
    # Value 1 is perfect on proposal "big" (ten issues) and poor elsewhere; value 2 is middling
    # everywhere. Tuned on all issues, value 1 wins (40 / 14 < 5); the fold holding "big" out
    # must not see that, so it picks value 2 and scores "big" with it.
    proposals = ["big"] * 10 + ["a", "b", "c", "d"]
    losses = {
        1.0: np.array([0.0] * 10 + [10.0] * 4),
        2.0: np.full(14, 5.0),
    }
    assert losses[1.0].mean() < losses[2.0].mean()
    folds = proposal_folds(proposals, k=5, seed=0)
    result = cross_validate(losses, proposals, folds)
    for choice in result.choices:
        train = np.isin(proposals, sorted(choice.fold.train))
        best = min(losses, key=lambda v: losses[v][train].mean())
        assert choice.chosen == best
    held_out_big = next(c for c in result.choices if "big" in c.fold.test)
    assert held_out_big.chosen == 2.0
    assert (result.out_of_fold[:10] == 5.0).all()


def test_a_backtest_tunes_across_proposals_and_reports_the_out_of_fold_score(
    tmp_path: Path,
) -> None:
    rows = [
        Row(
            f"p{p}i{i}",
            proposal=f"p{p}",
            positions={"com": 10.0 * p, "m01": 90 - 7.0 * i, "m02": 50},
            saliences={"com": 50, "m01": 80, "m02": 30},
            reference=0,
            outcome=40 + 3 * p - 2 * i,
        )
        for p in range(1, 7)
        for i in range(1, 3)
    ]
    path = write_deu(tmp_path / "t.tsv", rows)
    result = backtest(path, runs=3, tune=("rounds", [1, 4, 8]), folds=3, seed=2)
    tuning = result.tuning
    assert tuning is not None and tuning.criterion == "absolute error"
    assert len(tuning.validation.choices) == 3
    for choice in tuning.validation.choices:
        assert choice.chosen in (1, 4, 8) and not choice.fold.test & choice.fold.train
    assert tuning.out_of_fold.n == 12
    assert tuning.out_of_fold.value == pytest.approx(float(tuning.validation.out_of_fold.mean()))


def test_tuning_refuses_unknown_settings_and_out_of_range_values(tmp_path: Path) -> None:
    path = write_deu(
        tmp_path / "t.tsv",
        [Row("p1i1", positions={"com": 1, "m01": 2}, saliences={"com": 5, "m01": 5}, outcome=1)],
    )
    with pytest.raises(SimulationError, match="cannot tune 'speed'"):
        backtest(path, runs=2, tune=("speed", [1, 2]))
    with pytest.raises(SimulationError, match="convergence must be"):
        backtest(path, runs=2, tune=("convergence", [5, 80]))
    with pytest.raises(SimulationError, match=r"rounds must be a whole number \(got 2.5\)"):
        backtest(path, runs=2, tune=("rounds", [1, 2.5]))
