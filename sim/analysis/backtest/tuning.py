"""Cross-validation across proposals: choose a setting on some proposals, score it on others.

The proposals are dealt into *k* folds at random (seeded). For each fold, the value of the
setting with the lowest mean loss on the issues of the *other* folds is chosen, and the fold's
own issues are scored with it; the out-of-fold score is the mean of those held-out losses. No
issue is ever scored with a value chosen on its own proposal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

FOLDS = 5
"""Default number of folds."""


@dataclass(frozen=True, slots=True)
class Fold:
    """One fold: the proposals it holds out (scored) and those it tunes on."""

    test: frozenset[str]
    train: frozenset[str]


@dataclass(frozen=True, slots=True)
class FoldChoice:
    """What one fold chose and how it scored."""

    fold: Fold
    chosen: float
    """The value with the lowest mean loss on the training proposals."""
    train_loss: float
    test_loss: float
    """Mean loss of *chosen* on the held-out issues."""
    test_issues: int


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """The folds' choices and every issue's held-out loss."""

    choices: tuple[FoldChoice, ...]
    out_of_fold: FloatArray
    """Per issue (input order): its loss under the value chosen without its proposal."""
    chosen: tuple[float, ...]
    """Per issue: that value."""


def proposal_folds(proposals: Sequence[str], k: int = FOLDS, seed: int = 0) -> tuple[Fold, ...]:
    """Deal the distinct proposals into min(k, #proposals) folds, in a seeded random order."""
    names = sorted(set(proposals))
    if k < 2 or len(names) < 2:
        raise ValueError("cross-validation needs at least two folds and two proposals")
    order = np.random.default_rng(seed).permutation(len(names))
    k = min(k, len(names))
    groups = [frozenset(names[i] for i in order[f::k]) for f in range(k)]
    everything = frozenset(names)
    return tuple(Fold(test=g, train=everything - g) for g in groups)


def cross_validate(
    losses: Mapping[float, FloatArray], proposals: Sequence[str], folds: Sequence[Fold]
) -> CrossValidation:
    """Per fold, the value whose mean loss on the training proposals is lowest, scored out of fold.

    Args:
        losses: per candidate value (in the order to prefer on ties), the loss of every issue.
        proposals: every issue's proposal, in the order of the loss arrays.
        folds: from :func:`proposal_folds`.
    """
    owner = np.asarray(proposals)
    values = list(losses)
    table = np.array([np.asarray(losses[v], dtype=np.float64) for v in values])
    out = np.full(owner.size, np.nan)
    chosen = np.full(owner.size, np.nan)
    choices = []
    for fold in folds:
        train = np.isin(owner, sorted(fold.train))
        test = np.isin(owner, sorted(fold.test))
        train_means = table[:, train].mean(axis=1)
        best = int(np.argmin(train_means))
        out[test] = table[best, test]
        chosen[test] = values[best]
        choices.append(
            FoldChoice(
                fold,
                values[best],
                float(train_means[best]),
                float(table[best, test].mean()) if test.any() else float("nan"),
                int(test.sum()),
            )
        )
    return CrossValidation(tuple(choices), out, tuple(float(c) for c in chosen))
