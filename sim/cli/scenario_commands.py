"""``negsim validate`` and ``negsim schema``: check scenario files, publish the format's schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import console, user_errors_exit_2
from sim.engine.reachability import structural_zeros
from sim.errors import NegsimError, ScenarioError
from sim.files import atomic_write
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario_checked
from sim.scenario.overview import overview


def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files to check.")],
) -> None:
    """Check scenario files: format, cross-references and every quote against its source."""
    failed: list[NegsimError] = []
    out = console()
    for file in files:
        try:
            scenario, quotes = load_scenario_checked(file)
        except NegsimError as error:
            failed.append(error)
            continue
        o = overview(scenario)
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
    if failed:
        with user_errors_exit_2():
            raise ScenarioError(p for e in failed for p in getattr(e, "problems", ()))


def schema(
    output: Annotated[Path, typer.Option(help="Where to write the JSON Schema.")] = Path(
        "schema/scenario.schema.json"
    ),
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write the JSON Schema of the scenario format, for editor completion."""
    with user_errors_exit_2():
        document = Scenario.model_json_schema(by_alias=True)
        document["title"] = "negsim scenario"
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        console().print(f"schema: {atomic_write(output, text, overwrite=force)}")
