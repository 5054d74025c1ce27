"""The per-run table as a file: CSV, or Parquet when pyarrow is installed.

This is pyarrow's only home (``pip install negsim[parquet]``). Both formats carry the columns
of :meth:`~sim.analysis.results.Results.to_csv` in its order: run, primary class, peak and
final rung, one flag per outcome, each issue's agreed position and form, each shock fired, then
every sampled input named by its id path.

A Parquet export is written while the runs finish (:class:`RunParquet`), in row groups of
:data:`ROWS_PER_GROUP` runs whatever the chunks the runs came in, so the file is byte-identical
for every chunk size, worker count and executor, and memory holds at most one row group.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import numpy as np

from sim.analysis.results import Results
from sim.analysis.runs import RunTable
from sim.errors import NegsimError
from sim.files import write_output
from sim.scenario.format import Scenario
from sim.vocabulary import FORM_NAMES

ROWS_PER_GROUP = 10_000
"""Runs per Parquet row group: what a streamed export holds in memory at most.

Why not more: a flagship row is about 0.8 kB in Arrow, so a group is about 8 MB held (twice
that while it is written), the same at 10,000 runs as at a million.
"""


class ExportColumns:
    """The per-run table's columns for one scenario: their names, types and values."""

    def __init__(
        self, scenario: Scenario, input_names: Sequence[str], draw_names: Sequence[str]
    ) -> None:
        self.outcomes = [o.id for o in scenario.outcomes]
        self.primary = [p.id for p in scenario.primary]
        self.rungs = [r.id for r in scenario.escalation.ladder] if scenario.escalation else []
        self.issues = [i.id for i in scenario.issues]
        self.shocks = [s.id for s in scenario.shocks]
        self.input_names = list(input_names)
        self.draw_names = list(draw_names)

    def kinds(self) -> dict[str, str]:
        """Column name → its Arrow type (``int64``, ``string``, ``bool_``, ``float64``)."""
        kinds = {"run": "int64", "primary": "string", "peak_rung": "string", "final_rung": "string"}
        kinds["war_day"] = "float64"
        kinds |= dict.fromkeys(self.outcomes, "bool_")
        kinds |= {f"agreement:{issue}": "float64" for issue in self.issues}
        kinds |= {f"form:{issue}": "string" for issue in self.issues}
        kinds |= {f"shock:{shock}": "bool_" for shock in self.shocks}
        kinds |= dict.fromkeys(self.input_names + self.draw_names, "float64")
        return kinds

    def columns(self, start: int, t: RunTable) -> dict[str, list[Any]]:
        """The rows of runs *start*, *start* + 1, … of *t* as typed columns (None: missing)."""
        rungs = self.rungs
        columns: dict[str, list[Any]] = {
            "run": list(range(start, start + len(t.primary))),
            "primary": [self.primary[p] for p in t.primary],
            "peak_rung": [rungs[v] if rungs else None for v in t.peak_level],
            "final_rung": [rungs[v] if rungs else None for v in t.final_level],
            "war_day": [None if np.isnan(v) else round(float(v), 2) for v in t.war_day],
        }
        for j, outcome in enumerate(self.outcomes):
            columns[outcome] = [bool(v) for v in t.outcomes[:, j]]
        for k, issue in enumerate(self.issues):
            columns[f"agreement:{issue}"] = [
                None if np.isnan(v) else round(float(v), 4) for v in t.agreement_position[:, k]
            ]
        for k, issue in enumerate(self.issues):
            columns[f"form:{issue}"] = [
                None if f < 0 else FORM_NAMES[f] for f in t.agreement_form[:, k]
            ]
        for j, shock in enumerate(self.shocks):
            columns[f"shock:{shock}"] = [bool(v) for v in t.shocks[:, j]]
        for j, name in enumerate(self.input_names):
            columns[name] = [float(v) for v in t.inputs[:, j]]
        for j, name in enumerate(self.draw_names):
            columns[name] = [float(v) for v in t.draws[:, j]]
        return columns


def export_columns(results: Results) -> dict[str, list[Any]]:
    """The kept per-run table as typed columns (None where a value is missing)."""
    labels = ExportColumns(results.scenario, results.input_names, results.draw_names)
    return labels.columns(0, results.table)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise NegsimError(
            "--export *.parquet needs pyarrow: pip install 'negsim[parquet]', or export .csv"
        ) from None
    return pa, pq


class RunParquet:
    """Writes the per-run table as Parquet to a binary stream, while the runs finish.

    Chunks of rows come in run order; they are cut into row groups of *rows_per_group* runs
    (default :data:`ROWS_PER_GROUP`; the last one shorter), each written as soon as it is full.
    Use as a context manager: a clean exit writes the last row group and the footer (the stream
    itself stays open).

    Raises:
        NegsimError: when pyarrow is not installed (at once, before any run).
    """

    def __init__(
        self,
        scenario: Scenario,
        input_names: Sequence[str],
        draw_names: Sequence[str],
        stream: BinaryIO,
        rows_per_group: int | None = None,
    ) -> None:
        self._pa, pq = _pyarrow()
        self._labels = ExportColumns(scenario, input_names, draw_names)
        kinds = self._labels.kinds()
        self._schema = self._pa.schema([(k, getattr(self._pa, v)()) for k, v in kinds.items()])
        self._writer = pq.ParquetWriter(stream, self._schema)
        self._group = rows_per_group or ROWS_PER_GROUP
        self._pending: list[Any] = []
        self._rows = 0

    @property
    def pending_rows(self) -> int:
        """Rows held until their row group is full."""
        return self._rows

    def write(self, start: int, table: RunTable) -> None:
        """Add the rows of runs *start*, *start* + 1, … of *table*."""
        columns = self._labels.columns(start, table)
        self._pending.append(self._pa.table(columns, schema=self._schema))
        self._rows += len(table.primary)
        while self._rows >= self._group:
            self._flush(self._group)

    def _flush(self, rows: int) -> None:
        joined = self._pa.concat_tables(self._pending)
        # one contiguous array per column: the pages never depend on how the rows came in
        self._writer.write_table(joined.slice(0, rows).combine_chunks(), row_group_size=rows)
        rest = joined.slice(rows)
        self._pending = [rest.combine_chunks()] if rest.num_rows else []
        self._rows -= rows

    def close(self) -> None:
        """Write the last row group and the footer."""
        if self._rows:
            self._flush(self._rows)
        self._writer.close()

    def __enter__(self) -> RunParquet:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
            return
        with suppress(Exception):  # the file is being discarded; its own error comes first
            self._writer.close()


def parquet_bytes(results: Results) -> bytes:
    """The kept per-run table as a Parquet file's bytes (those a streamed export writes).

    Raises:
        NegsimError: when pyarrow is not installed.
    """
    buffer = io.BytesIO()
    with RunParquet(results.scenario, results.input_names, results.draw_names, buffer) as out:
        out.write(0, results.table)
    return buffer.getvalue()


def write_export(results: Results, path: Path, *, force: bool = False) -> Path:
    """Write the per-run table to *path*: Parquet for ``.parquet``, CSV for anything else.

    Needs the kept rows (``simulate(..., keep_runs=True)``); ``negsim run --export`` streams
    the table instead, with ``simulate(..., export=text)`` or ``simulate(..., parquet=binary)``.
    """
    if path.suffix.lower() == ".parquet":
        return write_output(path, path, parquet_bytes(results), force=force)
    return write_output(path, path, results.to_csv(), force=force)
