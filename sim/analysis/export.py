"""The per-run table as a file: CSV, or Parquet when pyarrow is installed.

This is pyarrow's only home (``pip install negsim[parquet]``). Both formats carry the columns
of :meth:`~sim.analysis.results.Results.to_csv` in its order: run, primary class, peak and
final rung, one flag per outcome, each issue's agreed position and form, each shock fired, then
every sampled input named by its id path.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.results import Results
from sim.errors import NegsimError
from sim.files import write_output
from sim.vocabulary import FORM_NAMES


def export_columns(results: Results) -> dict[str, list[Any]]:
    """The per-run table as typed columns (None where a value is missing)."""
    t = results.table
    rungs = (
        [r.id for r in results.scenario.escalation.ladder] if results.scenario.escalation else []
    )
    issues = [i.id for i in results.scenario.issues]
    columns: dict[str, list[Any]] = {
        "run": list(range(results.runs)),
        "primary": [results.primary_ids[p] for p in t.primary],
        "peak_rung": [rungs[v] if rungs else None for v in t.peak_level],
        "final_rung": [rungs[v] if rungs else None for v in t.final_level],
    }
    for j, outcome in enumerate(results.outcome_ids):
        columns[outcome] = [bool(v) for v in t.outcomes[:, j]]
    for k, issue in enumerate(issues):
        columns[f"agreement:{issue}"] = [
            None if np.isnan(v) else round(float(v), 4) for v in t.agreement_position[:, k]
        ]
    for k, issue in enumerate(issues):
        columns[f"form:{issue}"] = [
            None if f < 0 else FORM_NAMES[f] for f in t.agreement_form[:, k]
        ]
    for j, shock in enumerate(results.scenario.shocks):
        columns[f"shock:{shock.id}"] = [bool(v) for v in t.shocks[:, j]]
    for j, name in enumerate(results.input_names):
        columns[name] = [float(v) for v in t.inputs[:, j]]
    for j, name in enumerate(results.draw_names):
        columns[name] = [float(v) for v in t.draws[:, j]]
    return columns


def parquet_bytes(results: Results) -> bytes:
    """The per-run table as a Parquet file's bytes.

    Raises:
        NegsimError: when pyarrow is not installed.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise NegsimError(
            "--export *.parquet needs pyarrow: pip install 'negsim[parquet]', or export .csv"
        ) from None
    table = pa.table(export_columns(results))
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def write_export(results: Results, path: Path, *, force: bool = False) -> Path:
    """Write the per-run table to *path*: Parquet for ``.parquet``, CSV for anything else.

    Needs the kept rows (``simulate(..., keep_runs=True)``); ``negsim run --export runs.csv``
    streams the CSV instead, with ``simulate(..., export=stream)``.
    """
    if path.suffix.lower() == ".parquet":
        return write_output(path, path, parquet_bytes(results), force=force)
    return write_output(path, path, results.to_csv(), force=force)
