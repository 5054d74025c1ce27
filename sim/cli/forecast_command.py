"""``negsim forecast``: the deterministic expected-utility forecast, round by round."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.analysis.forecast import IssueForecast, forecast
from sim.analysis.stamp import Stamp
from sim.cli.common import Force, Json, print_stamped, user_errors_exit_2
from sim.cli.outputs import Outputs
from sim.files import HTML
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


MAX_ROUNDS = 1000
"""Most rounds of the model one forecast runs."""


def payload(results: tuple[IssueForecast, ...]) -> list[dict[str, Any]]:
    """Every issue's forecast, round by round, as plain data for ``--json``."""
    issues = []
    for result in results:
        t = result.trajectory
        rounds = [
            {
                "round": r,
                "median": float(t.medians[r]),
                "mean": float(t.means[r]),
                "moves": [
                    {
                        "mover": result.actors[m.mover],
                        "counterpart": result.actors[m.counterpart],
                        "kind": m.kind,
                        "start": float(m.start),
                        "end": float(m.end),
                    }
                    for m in (t.moves[r - 1] if r > 0 else ())
                ],
            }
            for r in range(len(t.medians))
        ]
        issues.append(
            {
                "issue": result.issue,
                "actors": list(result.actors),
                "weighted_median": result.weighted_median,
                "weighted_mean": result.weighted_mean,
                "forecast": result.forecast,
                "rounds": rounds,
            }
        )
    return issues


def forecast_command(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="SCENARIO.yaml|DATA.csv",
            help="Scenario YAML, or a BDM data-set CSV (at most 200 actors, 1 MiB).",
            show_default=False,
        ),
    ],
    issue: Annotated[
        str | None, typer.Option(metavar="ID", help="Only this issue of a scenario.")
    ] = None,
    rounds: Annotated[
        int,
        typer.Option(
            min=1, max=MAX_ROUNDS, metavar="N", help=f"Rounds of the model (at most {MAX_ROUNDS})."
        ),
    ] = 8,
    html: Annotated[
        Path | None,
        typer.Option(metavar="FILE.html|-", help="Also write the charts as HTML (- for stdout)."),
    ] = None,
    force: Force = False,
    json: Json = False,
) -> None:
    """Run Bueno de Mesquita's expected-utility model (docs/model.md, bdm.md) deterministically."""
    with user_errors_exit_2():
        source = read_bdm_csv(file) if file.suffix.lower() == ".csv" else load_scenario(file)
        outputs = Outputs(inputs=[file], force=force, json=json)
        chart = outputs.add(html, "--html", HTML, Path("forecast.html")) if html else None
        results = forecast(source, rounds=rounds, issue=issue)
        stamp = Stamp.of((source,), None, None)
        with outputs.staging() as staging:
            if chart is not None:
                from sim.report.forecast import render_forecast_report  # plotly: only for a chart

                staging.write(chart, render_forecast_report(results, stamp))
            staging.install()
        people = outputs.people()
        if json:
            print_stamped("forecast", stamp, issues=payload(results))
        else:
            people.print("\n\n".join(render(r) for r in results), soft_wrap=True)
        if chart is not None:
            people.print(f"chart: {chart.shown}")
