"""``negsim validate`` and ``negsim schema``: check scenario files, publish the format's schema."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.analysis.stamp import Stamp
from sim.cli.common import Force, Json, console, print_stamped, user_errors_exit_2
from sim.engine.reachability import structural_zeros
from sim.errors import Problem, ScenarioError
from sim.files import JSON, plan_output, write_outputs
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario_checked
from sim.scenario.overview import overview


def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="SCENARIO.yaml...", help="Scenario YAML files to check.", show_default=False
        ),
    ],
    json: Json = False,
) -> None:
    """Check scenario files: format, cross-references and every quote against its source.

    Exits 2 when any file has a problem (with --json, after printing the payload).
    """
    problems: list[Problem] = []
    checked: list[dict[str, Any]] = []
    valid: list[Scenario] = []
    out = console()
    for file in files:
        try:
            scenario, quotes = load_scenario_checked(file)
        except ScenarioError as error:
            problems += error.problems
            checked.append(
                {"file": str(file), "valid": False, "problems": [asdict(p) for p in error.problems]}
            )
            continue
        valid.append(scenario)
        o = overview(scenario)
        checked.append(
            {
                "file": str(file),
                "valid": True,
                "scenario": scenario.id,
                "title": scenario.scenario.title,
                "overview": asdict(o),
                "quotes": {"total": quotes.total, "verified": quotes.verified},
                "cannot_occur": dict(structural_zeros(scenario)),
            }
        )
        if json:
            continue
        table = Table(title=f"{file}: valid", show_header=False, title_justify="left")
        table.add_row("scenario", f"{scenario.id}: {scenario.scenario.title}")
        table.add_row("actors × issues", f"{o.actors} × {o.issues}")
        table.add_row("stances", f"{o.stances_cited} cited, {o.stances_assumed} assumed")
        table.add_row("red lines", f"{o.red_lines_cited} cited, {o.red_lines_assumed} assumed")
        table.add_row("quotes", f"{quotes.verified} of {quotes.total} verified against sources")
        table.add_row("venues", str(o.venues))
        table.add_row("escalation rungs", str(o.rungs))
        table.add_row("shocks", str(o.shocks))
        table.add_row("outcomes", f"{o.outcomes} (+ {o.primary_classes} primary classes)")
        bluffs = sum(
            1
            for a in scenario.actors
            for st in a.stances.values()
            if st.red_line is not None and st.red_line.credibility < 1.0
        )
        table.add_row(
            "uncertain inputs",
            f"{len(scenario.uncertainties)} judgement numbers, {bluffs} red lines with credibility",
        )
        out.print(table)
        for key, why in structural_zeros(scenario).items():
            out.print(f"{key}: cannot occur: {why}", markup=False, highlight=False)
    if json:
        print_stamped("validate", Stamp.of(tuple(valid), None, None), files=checked)
    if problems:
        with user_errors_exit_2():
            raise ScenarioError(problems)


def schema(
    output: Annotated[
        Path,
        typer.Option(
            metavar="FILE.json|DIR|-",
            help="Where to write the JSON Schema (- for standard output).",
        ),
    ] = Path("schema/scenario.schema.json"),
    force: Force = False,
) -> None:
    """Write the JSON Schema of the scenario format, for editor completion."""
    with user_errors_exit_2():
        target = plan_output(
            output, option="--output", kind=JSON, default=Path("scenario.schema.json"), force=force
        )
        document = Scenario.model_json_schema(by_alias=True)
        document["title"] = "negsim scenario"
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        write_outputs([(target, text)])
        if target.path is not None:
            console().print(f"schema: {target.shown}")
