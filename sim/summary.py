"""The terminal table of a scenario's results: outcome shares, primary classes, issues."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console
from rich.table import Table

from sim.results import Results, wilson_interval

FORMS = ("verbal", "written", "binding")


def _pct(value: float) -> str:
    return f"{100 * value:5.1f} %"


def _share_table(
    title: str, ids: tuple[str, ...], labels: list[str], counts: np.ndarray, runs: int
) -> Table:
    low, high = wilson_interval(counts, runs)
    table = Table(title=title, title_justify="left")
    for name, justify in (
        ("outcome", "left"),
        ("runs", "right"),
        ("share", "right"),
        ("95 % interval", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for i, label in enumerate(labels):
        table.add_row(
            f"{label} ({ids[i]})",
            str(int(counts[i])),
            _pct(counts[i] / runs),
            f"{_pct(float(low[i]))} – {_pct(float(high[i]))}",
        )
    return table


def _nearest_waypoint(results: Results, issue: int, value: float) -> str:
    waypoints = results.scenario.issues[issue].waypoints
    if not waypoints:
        return ""
    best = min(waypoints, key=lambda w: abs(w.at - value))
    return best.label


def _issue_table(results: Results) -> Table:
    table = Table(title="Issues: baselines and simulated agreements", title_justify="left")
    for name in (
        "issue",
        "median",
        "mean",
        "EU model",
        "agreed",
        "agreed position (10–90 %)",
        "forms v/w/b",
    ):
        table.add_column(name)
    positions = results.table.agreement_position
    for k, issue in enumerate(results.scenario.issues):
        base = results.baselines.get(issue.id, {})
        agreed = ~np.isnan(positions[:, k])
        share = agreed.mean()
        if agreed.any():
            values = positions[agreed, k].astype(float)
            mean = float(values.mean())
            p10, p90 = np.percentile(values, [10, 90])
            near = _nearest_waypoint(results, k, mean)
            where = f"{mean:.1f} ({p10:.1f}–{p90:.1f})" + (f" ≈ {near}" if near else "")
            forms = np.bincount(results.table.agreement_form[agreed, k], minlength=3) / agreed.sum()
            form_text = "/".join(f"{100 * f:.0f}" for f in forms)
        else:
            where, form_text = "—", "—"

        def fmt(key: str, base: dict[str, float] = base) -> str:
            return f"{base[key]:.1f}" if key in base else "—"

        table.add_row(
            issue.id,
            fmt("median"),
            fmt("mean"),
            fmt("expected_utility"),
            _pct(float(share)),
            where,
            form_text,
        )
    return table


def format_table(results: Results, width: int = 110) -> str:
    """The results as plain text: stable for a given width, no colour."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        highlight=False,
        force_terminal=False,
        legacy_windows=False,
    )
    s = results.scenario
    console.print(f"{s.id}: {s.scenario.title} — {results.runs} runs, seed {results.seed}")
    console.print(
        _share_table(
            "Outcomes (a run may satisfy several or none)",
            results.outcome_ids,
            [o.label for o in s.outcomes],
            results.counts(),
            results.runs,
        )
    )
    console.print(
        _share_table(
            "Primary classes (one per run; they sum to 100 %)",
            results.primary_ids,
            [p.label for p in s.primary],
            results.primary_counts(),
            results.runs,
        )
    )
    console.print(_issue_table(results))
    return buffer.getvalue()
