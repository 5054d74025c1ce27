"""The per-run table: one row per run for a chunk of runs, and its CSV form (``--export``).

Chunks of rows are folded into a :class:`~sim.analysis.tally.Tally` and written out as they
finish, so no table of every run is ever held (unless asked: ``simulate(..., keep_runs=True)``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TextIO

import numpy as np
import numpy.typing as npt

from sim.scenario.format import Scenario
from sim.vocabulary import FORM_NAMES

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class RunTable:
    """One row per run, in run order."""

    outcomes: BoolArray
    """runs × outcomes: which outcome conditions each run satisfied."""
    primary: npt.NDArray[np.int8]
    """Primary class index per run."""
    peak_level: npt.NDArray[np.int8]
    final_level: npt.NDArray[np.int8]
    agreement_position: npt.NDArray[np.float32]
    """runs × issues, NaN where no agreement."""
    agreement_form: npt.NDArray[np.int8]
    """runs × issues, -1 where no agreement."""
    shocks: BoolArray
    """runs × shocks fired."""
    level_by_week: npt.NDArray[np.int8]
    """runs × calendar weeks: escalation rung at the start of each week."""
    inputs: FloatArray
    """runs × the scenario's uncertain inputs (``Results.input_names``)."""
    draws: FloatArray
    """runs × the run's own draws (``Results.draw_names``: positions, saliences, beliefs...)."""

    @classmethod
    def concatenate(cls, parts: Sequence[RunTable]) -> RunTable:
        """The rows of consecutive chunks as one table."""
        return cls(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)}
        )


class RunCsv:
    """Writes the per-run table as CSV to a text stream, a chunk of rows at a time."""

    def __init__(
        self,
        scenario: Scenario,
        input_names: Sequence[str],
        draw_names: Sequence[str],
        stream: TextIO,
    ) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")
        self._primary = [p.id for p in scenario.primary]
        ladder = scenario.escalation.ladder if scenario.escalation else ()
        self._rungs = [r.id for r in ladder]
        issues = [i.id for i in scenario.issues]
        self._writer.writerow(
            ["run", "primary", "peak_rung", "final_rung"]
            + [o.id for o in scenario.outcomes]
            + [f"agreement:{k}" for k in issues]
            + [f"form:{k}" for k in issues]
            + [f"shock:{s.id}" for s in scenario.shocks]
            + list(input_names)
            + list(draw_names)
        )

    def write(self, start: int, table: RunTable) -> None:
        """Write the rows of runs *start*, *start* + 1, … of *table*."""
        rungs, forms, t = self._rungs, FORM_NAMES, table
        for row in range(len(t.primary)):
            self._writer.writerow(
                [start + row, self._primary[t.primary[row]]]
                + [
                    rungs[t.peak_level[row]] if rungs else "",
                    rungs[t.final_level[row]] if rungs else "",
                ]
                + [int(v) for v in t.outcomes[row]]
                + ["" if np.isnan(v) else f"{v:.4f}" for v in t.agreement_position[row]]
                + ["" if f < 0 else forms[f] for f in t.agreement_form[row]]
                + [int(v) for v in t.shocks[row]]
                + [f"{v:.6g}" for v in t.inputs[row]]
                + [f"{v:.6g}" for v in t.draws[row]]
            )
