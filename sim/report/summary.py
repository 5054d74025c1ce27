"""The terminal summary of a scenario's results: outcome shares, primary classes and issues.

Labels from the scenario enter the tables as :class:`rich.text.Text`, never as markup, so a
bracket or a colon in a label prints as written.
"""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from sim.analysis.results import Results, wilson_interval
from sim.report.fitting import fits, longest_word

NO_VALUE = "—"
BASELINES = ("median", "mean", "expected_utility")
"""Keys of ``Results.baselines[issue]``, in the order the table shows them."""


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _share_table(
    heading: str, ids: list[str], labels: list[str], counts: npt.NDArray[np.int64], results: Results
) -> Table:
    runs = results.runs
    low, high = wilson_interval(counts, runs)
    spread = results.input_spread
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(heading)
    for name in ("runs", "share", "95 % interval"):
        table.add_column(name, justify="right")
    if spread is not None:
        table.add_column("input spread", justify="right")
    for key, label, count, lo, hi in zip(ids, labels, counts, low, high, strict=True):
        noise = f"{_pct(lo)} – {_pct(hi)}"
        if key in results.structural_zeros:
            noise = "cannot occur"
        row: list[str | Text] = [Text(label), str(int(count)), _pct(count / runs), noise]
        if spread is not None:
            row.append(f"{_pct(spread.low[key])} – {_pct(spread.high[key])}")
        table.add_row(*row)
    return table


def uncertainty_note(results: Results) -> str:
    """What the intervals mean: simulation noise, and beside it the inputs' spread."""
    text = "The 95 % interval (Wilson) is simulation noise only: more runs narrow it."
    spread = results.input_spread
    if spread is not None:
        n = len(results.input_names)
        text += (
            f" The input spread is the 10–90 % range of the share across {spread.points} draws "
            f"of the scenario's {n} uncertain inputs, {spread.runs_per_point} runs each with "
            "common random numbers: what the analyst's judgements leave open, which more runs "
            "do not narrow."
        )
    return text


def zero_lines(results: Results) -> list[str]:
    """One "cannot occur" line per outcome that no run can reach, with the proof."""
    return [f"{key}: cannot occur: {why}" for key, why in results.structural_zeros.items()]


def nearest_waypoint(results: Results, issue: int, value: float) -> str:
    """Label of the waypoint nearest *value* on an issue's scale, counting both end points."""
    spec = results.scenario.issues[issue]
    points = [(0.0, spec.low), *((w.at, w.label) for w in spec.waypoints), (100.0, spec.high)]
    return min(points, key=lambda point: abs(point[0] - value))[1]


def agreed_position(results: Results, issue: int) -> tuple[float, float, float] | None:
    """Median, 10th and 90th percentile of the agreed positions on *issue* (None: no agreement).

    Why the median: all three come from the same counts, so the middle figure always lies inside
    its 10–90 % range; a mean beside the range can fall outside it when one tail is long.
    """
    if results.tally.agreed(issue) == 0:
        return None
    p50, p10, p90 = results.tally.percentiles(issue, [50, 10, 90])
    return p50, p10, p90


def skewed_mean_lines(results: Results) -> list[str]:
    """One line per issue whose mean agreed position lies outside its 10–90 % range."""
    lines = []
    for k, spec in enumerate(results.scenario.issues):
        mean, position = results.tally.mean_position(k), agreed_position(results, k)
        if mean is None or position is None:
            continue
        _, p10, p90 = position
        if not p10 <= mean <= p90:
            lines.append(
                f"{spec.name}: mean agreed position {mean:.1f} lies outside the 10–90 % range "
                f"({p10:.1f}–{p90:.1f}): a long tail of agreements far from most of them."
            )
    return lines


def _issue_row(results: Results, issue: int) -> list[str | Text]:
    spec = results.scenario.issues[issue]
    base = results.baselines.get(spec.id, {})
    cells: list[str | Text] = [Text(spec.name)]
    cells.append("/".join(f"{base[key]:.1f}" if key in base else NO_VALUE for key in BASELINES))
    tally = results.tally
    agreed = tally.agreed(issue)
    cells.append(_pct(agreed / results.runs))
    position = agreed_position(results, issue)
    if position is None:
        return [*cells, NO_VALUE, NO_VALUE, NO_VALUE]
    median, p10, p90 = position
    forms = tally.form_counts(issue) / agreed
    return [
        *cells,
        f"{median:.1f} ({p10:.1f}–{p90:.1f})",
        Text(nearest_waypoint(results, issue, median)),
        "/".join(f"{100 * f:.0f}" for f in forms),
    ]


def _issue_table(results: Results, columns: tuple[int, ...] = (0, 1, 2, 3, 4, 5)) -> Table:
    """The issue table with only the given *columns* (0 is the issue's name)."""
    heads = [
        "issue",
        "median/mean/EU",
        "agreed",
        "median (10–90 %)",
        "nearest waypoint",
        "v/w/b %",
    ]
    wrapping = {0, 4}
    table = Table(box=box.SIMPLE_HEAD)
    for c in columns:
        table.add_column(
            heads[c], justify="left" if c in wrapping else "right", no_wrap=c not in wrapping
        )
    for k in range(len(results.scenario.issues)):
        row = _issue_row(results, k)
        table.add_row(*(row[c] for c in columns))
    return table


def issue_tables(results: Results, width: int) -> list[Table]:
    """One issue table when it fits *width* without splitting a word, else two narrower ones."""
    s = results.scenario
    words = [i.name for i in s.issues] + [w.label for i in s.issues for w in i.waypoints]
    least = max(longest_word(*words), 12)
    if fits(_issue_table(results), width, least):
        return [_issue_table(results)]
    return [_issue_table(results, (0, 1, 2)), _issue_table(results, (0, 3, 4, 5))]


def summary_renderables(results: Results, width: int = 100) -> Group:
    """The summary as rich renderables: a header line and three tables (for the CLI's console)."""
    s = results.scenario
    header = Text(f"{s.id}: {s.scenario.title} — {results.runs} runs, seed {results.seed}")
    return Group(
        header,
        Text("\nOutcomes: a run may satisfy several or none."),
        _share_table(
            "outcome",
            [o.id for o in s.outcomes],
            [o.label for o in s.outcomes],
            results.counts(),
            results,
        ),
        Text("Primary classes: one per run; they sum to 100 %."),
        _share_table(
            "primary class",
            [p.id for p in s.primary],
            [p.label for p in s.primary],
            results.primary_counts(),
            results,
        ),
        Text(uncertainty_note(results)),
        *(Text(line) for line in zero_lines(results)),
        Text(
            "Issues: baseline forecasts (weighted median, weighted mean, expected-utility model) "
            "beside the runs that reached an agreement: their share, the median agreed position "
            "with its 10–90 % range, the waypoint nearest the median, and the forms "
            "(verbal/written/binding)."
        ),
        *issue_tables(results, width),
        *(Text(line) for line in skewed_mean_lines(results)),
    )


def format_table(results: Results, width: int = 100) -> str:
    """The summary as plain text, byte-stable for a given *width*."""
    return plain_text(summary_renderables(results, width), width)


def plain_text(renderable: RenderableType, width: int) -> str:
    """A rich renderable as plain text, byte-stable for a given *width*.

    Why: the terminal width, colour support and markup are injected or switched off, and trailing
    spaces are trimmed, so the text can be compared with a golden file.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        legacy_windows=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )
    console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
