"""``negsim forecast``: the deterministic expected-utility forecast, round by round."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.analysis.forecast import IssueForecast, forecast
from sim.cli.common import console, user_errors_exit_2
from sim.scenario.bdmdata import read_bdm_csv
from sim.scenario.loader import load_scenario


def render(result: IssueForecast) -> str:
    """The rounds of one issue as plain text."""
    t = result.trajectory
    lines = [
        f"issue {result.issue}: weighted median {result.weighted_median:.4f}, "
        f"weighted mean {result.weighted_mean:.4f}"
    ]
    for r in range(1, len(t.medians)):
        lines.append(f"round {r}: median {t.medians[r]:.4f}  mean {t.means[r]:.4f}")
        for m in t.moves[r - 1]:
            lines.append(
                f"    {result.actors[m.mover]} moves toward {result.actors[m.counterpart]}"
                f" ({m.kind}): {m.start:.4f} -> {m.end:.4f}"
            )
    lines.append(f"forecast (median after round {len(t.medians) - 1}): {result.forecast:.4f}")
    return "\n".join(lines)


def forecast_command(
    file: Annotated[Path, typer.Argument(help="Scenario YAML, or a BDM data-set CSV.")],
    issue: Annotated[str | None, typer.Option(help="Only this issue of a scenario.")] = None,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds of the model.")] = 8,
    html: Annotated[Path | None, typer.Option(help="Also write a plotly chart here.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing chart file.")] = False,
) -> None:
    """Run Bueno de Mesquita's expected-utility model (docs/model.md, bdm.md) deterministically."""
    with user_errors_exit_2():
        source = read_bdm_csv(file) if file.suffix.lower() == ".csv" else load_scenario(file)
        results = forecast(source, rounds=rounds, issue=issue)
        console().print("\n\n".join(render(r) for r in results), highlight=False, soft_wrap=True)
        if html is not None:
            from sim.report.forecast import write_forecast_report  # plotly: only for a chart

            console().print(f"chart: {write_forecast_report(results, html, force=force)}")
