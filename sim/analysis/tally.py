"""What the reports need from many runs, folded chunk by chunk: its size never depends on runs.

Every quantity is a count, so folding is exact and associative: the tally of a simulation is
the same whatever the chunks, the workers or the executor. Agreed positions are counted on a
grid of 1/:data:`GRID` of the 0–100 scale (the per-run export keeps them to four decimals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.analysis.runs import RunTable

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

GRID = 100
"""Grid points per unit of an issue's 0–100 scale on which agreed positions are counted."""
POINTS = 100 * GRID + 1
"""Grid points from 0 to 100 inclusive."""
FORMS = 3
"""Agreement forms: verbal, written, binding."""
CONVERGENCE_POINTS = 40
"""Run counts (log-spaced) at which the running share of each outcome is kept."""


def convergence_marks(runs: int, points: int = CONVERGENCE_POINTS) -> IntArray:
    """The run counts at which the running shares are recorded: 1 … *runs*, log-spaced."""
    marks: IntArray = np.unique(np.geomspace(1, runs, num=min(points, runs)).astype(np.int64))
    return marks


@dataclass(eq=False)
class Tally:
    """Counts over the runs folded so far, in run order (see :meth:`add`)."""

    outcomes: IntArray
    """Runs satisfying each outcome."""
    primary: IntArray
    """Runs in each primary class."""
    peak_level: IntArray
    """Runs whose highest rung was each rung."""
    final_level: IntArray
    """Runs that ended on each rung."""
    level_by_week: IntArray
    """weeks × rungs: runs on each rung at the start of each calendar week."""
    shocks: IntArray
    """Runs in which each shock fired."""
    positions: IntArray
    """issues × forms × grid points: agreements at each position (see :data:`GRID`)."""
    marks: IntArray
    """Run counts at which ``running`` is recorded."""
    running: IntArray
    """marks × outcomes: runs satisfying each outcome among the first *mark* runs."""
    folded: IntArray
    """One element: the runs folded so far."""

    @classmethod
    def empty(
        cls, outcomes: int, primary: int, rungs: int, weeks: int, shocks: int, issues: int,
        runs: int,
    ) -> Tally:  # fmt: skip
        """A tally of no runs yet, for a simulation of *runs* runs."""
        marks = convergence_marks(runs)
        zeros = np.zeros
        return cls(
            outcomes=zeros(outcomes, np.int64),
            primary=zeros(primary, np.int64),
            peak_level=zeros(rungs, np.int64),
            final_level=zeros(rungs, np.int64),
            level_by_week=zeros((weeks, rungs), np.int64),
            shocks=zeros(shocks, np.int64),
            positions=zeros((issues, FORMS, POINTS), np.int64),
            marks=marks,
            running=zeros((len(marks), outcomes), np.int64),
            folded=zeros(1, np.int64),
        )

    @property
    def runs(self) -> int:
        """Runs folded so far."""
        return int(self.folded[0])

    def add(self, table: RunTable) -> None:
        """Fold in the rows of the runs that follow those already folded."""
        start, n = self.runs, len(table.primary)
        inside = (self.marks > start) & (self.marks <= start + n)
        if inside.any():
            cumulative = np.cumsum(table.outcomes, axis=0, dtype=np.int64)
            self.running[inside] = self.outcomes + cumulative[self.marks[inside] - start - 1]
        self.outcomes += table.outcomes.sum(axis=0, dtype=np.int64)
        self.primary += np.bincount(table.primary, minlength=len(self.primary))
        self.peak_level += np.bincount(table.peak_level, minlength=len(self.peak_level))
        self.final_level += np.bincount(table.final_level, minlength=len(self.final_level))
        weeks = np.broadcast_to(np.arange(table.level_by_week.shape[1]), table.level_by_week.shape)
        np.add.at(self.level_by_week, (weeks, table.level_by_week.astype(np.intp)), 1)
        self.shocks += table.shocks.sum(axis=0, dtype=np.int64)
        rows, issues = np.nonzero(table.agreement_form >= 0)
        grid = np.rint(table.agreement_position[rows, issues].astype(np.float64) * GRID)
        points = np.clip(grid, 0, POINTS - 1).astype(np.intp)
        np.add.at(self.positions, (issues, table.agreement_form[rows, issues], points), 1)
        self.folded[0] += n

    def agreed(self, issue: int) -> int:
        """Runs that ended with an agreement on *issue*."""
        return int(self.positions[issue].sum())

    def form_counts(self, issue: int) -> IntArray:
        """Agreements on *issue* in each form."""
        counts: IntArray = self.positions[issue].sum(axis=1)
        return counts

    def mean_position(self, issue: int) -> float | None:
        """Mean agreed position on *issue* (None when no run agreed)."""
        counts = self.positions[issue].sum(axis=0)
        total = int(counts.sum())
        if total == 0:
            return None
        return float(int(np.dot(counts, np.arange(POINTS))) / total / GRID)

    def percentiles(self, issue: int, qs: list[float]) -> list[float]:
        """Percentiles of the agreed positions on *issue*, interpolated as ``np.percentile``."""
        cumulative = np.cumsum(self.positions[issue].sum(axis=0))
        total = int(cumulative[-1])
        values = []
        for q in qs:
            rank = (total - 1) * q / 100
            low = int(np.floor(rank))
            below = int(np.searchsorted(cumulative, low, side="right"))
            above = int(np.searchsorted(cumulative, min(low + 1, total - 1), side="right"))
            values.append((below + (rank - low) * (above - below)) / GRID)
        return values

    def histogram(self, issue: int, width: float, form: int | None = None) -> IntArray:
        """Agreed positions on *issue* in bins of *width* over 0–100 (the last bin holds 100).

        Bins are those of ``np.histogram(positions, np.arange(0, 100 + width, width))``; *width*
        must be a multiple of 1/:data:`GRID`.
        """
        bins = round(100 / width)
        counts = self.positions[issue] if form is None else self.positions[issue, form][None]
        index = np.minimum(np.arange(POINTS) // round(width * GRID), bins - 1)
        out = np.zeros(bins, np.int64)
        np.add.at(out, index, counts.sum(axis=0))
        return out
