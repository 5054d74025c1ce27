"""The terminal summary of a sensitivity analysis: indices per input, the spread, the PRIM box."""

from __future__ import annotations

from rich import box as boxes
from rich.console import Group
from rich.table import Table
from rich.text import Text

from sim.analysis.sensitivity import NOTE, Sensitivity
from sim.report.fitting import fits, longest_word
from sim.report.summary import plain_text


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


COLUMNS = {
    "morris": ("μ*", "95 % interval", "σ"),
    "sobol": ("S1 (95 % interval)", "ST (95 % interval)"),
    "oat": ("low → share", "high → share", "swing"),
}
"""The index columns of each method."""


def _index_table(s: Sensitivity, stacked: bool = False) -> Table:
    """One row per input, most influential first; *stacked*: its numbers on a line below it."""
    i = s.indices[s.outcome]
    table = Table(box=boxes.SIMPLE_HEAD)
    columns = COLUMNS[s.method]
    if stacked:
        table.add_column(f"input: {' · '.join(columns)}")
    else:
        table.add_column("input")
        for name in columns:
            table.add_column(name, justify="right", no_wrap=True)
    for j in s.ranking():
        f = s.factors[j]
        if s.method == "morris":
            mu, conf = float(i["mu_star"][j]), float(i["mu_star_conf"][j])
            cells = [
                f"{mu:.3f}",
                f"{max(mu - conf, 0.0):.3f} – {mu + conf:.3f}",
                f"{float(i['sigma'][j]):.3f}",
            ]
        elif s.method == "sobol":
            cells = [
                f"{float(i[k][j]):.3f} (±{float(i[k + '_conf'][j]):.3f})" for k in ("s1", "st")
            ]
        else:
            cells = [
                f"{f.low:g} → {_pct(float(i['low'][j]))}",
                f"{f.high:g} → {_pct(float(i['high'][j]))}",
                f"{100 * float(i['swing'][j]):.1f} pp",
            ]
        if stacked:
            table.add_row(Text(f"{f.name}\n  {' · '.join(cells)}"))
        else:
            table.add_row(Text(f.name), *cells)
    return table


def index_table(s: Sensitivity, width: int) -> Table:
    """The index table, stacked when its columns would not fit *width* without cutting a name."""
    least = longest_word(*(f.name for f in s.factors))
    return _index_table(s, stacked=not fits(_index_table(s), width, least))


def sensitivity_renderables(s: Sensitivity, width: int = 100) -> Group:
    """The summary as rich renderables, its table laid out for *width* columns."""
    label = s.labels.get(s.outcome, s.outcome)
    spread = s.spread(s.outcome)
    parts: list[Text | Table] = [
        Text(
            f"{s.scenario.id}: {s.method} over {len(s.factors)} uncertain inputs — "
            f"{len(s.points)} design points × {s.runs_per_point} runs (the same runs at every "
            f"point), seed {s.seed}"
        ),
        Text(f"\nInfluence on “{label}” ({s.outcome}), most influential first. {NOTE[s.method]}"),
        index_table(s, width),
        Text(
            f"Spread due to input uncertainty: across the design the share of “{label}” ranges "
            f"{_pct(spread['min'])} – {_pct(spread['max'])} (10–90 %: {_pct(spread['p10'])} – "
            f"{_pct(spread['p90'])}); simulation noise at one point is the Wilson interval of "
            f"{s.runs_per_point} runs."
        ),
    ]
    box = s.box
    if box is not None:
        parts.append(
            Text(
                f"\nPRIM box for “{label}” over {s.discovery_runs} runs with the inputs drawn per "
                f"run: {box.rules()}\n  density {_pct(box.density)} (base rate "
                f"{_pct(box.base_rate)}), coverage {_pct(box.coverage)}, mass {_pct(box.mass)}"
            )
        )
    return Group(*parts)


def format_sensitivity(s: Sensitivity, width: int = 100) -> str:
    """The summary as plain text, byte-stable for a given *width*."""
    return plain_text(sensitivity_renderables(s, width), width)
