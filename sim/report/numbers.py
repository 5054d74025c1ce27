"""The numbers under each chart of the run report, as tables: a printout needs no hovering.

Each function returns a table's heading row and rows as plain text; :func:`report_tables`
lists them under the element id of the chart they belong to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sim.analysis.results import Results, wilson_interval
from sim.report.figures import BASELINE_NAMES, issue_div_id
from sim.report.palette import NAMES
from sim.report.redlines import redlines_div_id, zone_text
from sim.report.stances import red_line_text
from sim.report.summary import agreed_position
from sim.report.theme import FORMS
from sim.scenario.families import family
from sim.scenario.format import Outcome, PrimaryClass

Rows = tuple[list[str], list[list[str]]]
"""A table: its heading row and its rows, as plain text."""


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _interval(count: int, runs: int) -> str:
    low, high = wilson_interval(count, runs)
    return f"{_pct(float(low))} – {_pct(float(high))}"


def share_rows(
    results: Results, items: Sequence[Outcome | PrimaryClass], counts: npt.NDArray[np.int64]
) -> Rows:
    """Label, family, runs, share and 95 % interval of each outcome (or primary class)."""
    ruled_out = results.structural_zeros
    rows = []
    for item, count in zip(items, counts, strict=True):
        impossible = count == 0 and item.id in ruled_out
        rows.append(
            [
                item.label,
                NAMES[family(item, results.scenario)],
                str(int(count)),
                "unreachable" if impossible else _pct(int(count) / results.runs),
                "— (cannot occur)" if impossible else _interval(int(count), results.runs),
            ]
        )
    return ["outcome", "family", "runs", "share", "95 % interval"], rows


def escalation_rows(results: Results) -> Rows:
    """Per rung: the runs whose peak it was and the runs that ended on it, with shares."""
    ladder = results.scenario.escalation.ladder if results.scenario.escalation else ()
    tally = results.tally
    rows = [
        [
            rung.label,
            f"{int(p)} ({_pct(int(p) / results.runs)})",
            f"{int(f)} ({_pct(int(f) / results.runs)})",
        ]
        for rung, p, f in zip(ladder, tally.peak_level, tally.final_level, strict=False)
    ]
    return ["rung", "runs peaking here", "runs ending here"], rows


def issue_rows(results: Results, issue: int) -> Rows:
    """Per form of agreement (and none): runs, share, interval; agreed median (10–90 %), mean."""
    tally = results.tally
    forms = [int(n) for n in tally.form_counts(issue)]
    rows = [
        [name, str(n), _pct(n / results.runs), _interval(n, results.runs)]
        for name, n in [
            *zip(FORMS, forms, strict=True),
            ("no agreement", results.runs - sum(forms)),
        ]
    ]
    position = agreed_position(results, issue)
    mean = tally.mean_position(issue)
    if position is not None and mean is not None:
        median, p10, p90 = position
        rows.append(
            ["agreed position: median (10–90 %)", "", "", f"{median:.1f} ({p10:.1f}–{p90:.1f})"]
        )
        rows.append(["agreed position: mean", "", "", f"{mean:.1f}"])
    base = results.baselines.get(results.scenario.issues[issue].id, {})
    for key, value in base.items():
        rows.append([f"baseline: {BASELINE_NAMES.get(key, key)}", "", "", f"{value:.1f}"])
    return ["agreement", "runs", "share", "95 % interval"], rows


WORD_COLUMNS = frozenset({"red line"})
"""Headings of the columns that hold sentences, not numbers: on a page they wrap (a red line
with its fallback, or where an agreement is possible, is wider than a desktop screen)."""


def redline_rows(results: Results, issue: int) -> Rows:
    """Per actor: position, salience, red line and whether its consent is needed (veto)."""
    s = results.scenario
    spec = s.issues[issue]
    vetoes = {v.actor for v in s.vetoes if spec.id in v.issues}
    rows = [
        [
            a.name,
            f"{a.stances[spec.id].position:g}",
            f"{a.stances[spec.id].salience:g}",
            red_line_text(a.stances[spec.id].red_line),
            "yes" if a.id in vetoes else "",
        ]
        for a in s.actors
        if spec.id in a.stances
    ]
    rows.append(["where an agreement is possible", "", "", zone_text(s, spec.id), ""])
    return ["actor", "position", "salience", "red line", "veto"], rows


def convergence_rows(results: Results) -> Rows:
    """Each outcome's share among the first runs, at a few of the recorded run counts."""
    marks, shares = results.convergence()
    last = len(marks) - 1
    wanted = (results.runs // 10, results.runs // 2)
    picks = sorted({*(min(int(np.searchsorted(marks, w)), last) for w in wanted), last})
    rows = [
        [o.label, *(_pct(float(shares[i, k])) for i in picks)]
        for k, o in enumerate(results.scenario.outcomes)
    ]
    return ["outcome", *(f"after {int(marks[i])} runs" for i in picks)], rows


def war_date_rows(results: Results) -> Rows:
    """Per calendar week with a war: its date, the runs that reached the top rung, cumulative."""
    weekly = results.war_weeks()[: len(results.weeks)]
    start = results.scenario.scenario.as_of
    rows, total = [], 0
    for day, count in zip(results.weeks, weekly.tolist(), strict=True):
        total += int(count)
        if count:
            week = (start + dt.timedelta(days=int(day))).isoformat()
            rows.append([week, f"{int(count)} ({_pct(int(count) / results.runs)})",
                         _pct(total / results.runs)])  # fmt: skip
    return ["week starting", "runs reaching the top rung", "by the end of the week"], rows


def report_tables(results: Results) -> dict[str, Rows]:
    """The table under each chart, keyed by the chart's element id."""
    s = results.scenario
    tables: dict[str, Rows] = {
        "outcomes": share_rows(results, s.outcomes, results.counts()),
        "primary": share_rows(results, s.primary, results.primary_counts()),
        "escalation": escalation_rows(results),
        "war-dates": war_date_rows(results),
    }
    for k, issue in enumerate(s.issues):
        tables[redlines_div_id(issue.id)] = redline_rows(results, k)
        tables[issue_div_id(issue.id)] = issue_rows(results, k)
    tables["convergence"] = convergence_rows(results)
    return tables
