from __future__ import annotations

import inspect
import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app
from sim.cli.app import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("statsmodels", "scipy", "pandas", "plotly", "numba")

PROBE = """
import json, sys
from sim.cli import app
codes = []
for args in sys.argv[1:]:
    try:
        app(json.loads(args), prog_name="negsim")
    except SystemExit as done:
        codes.append(done.code)
print(json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
"""


def _probe(*commands: list[str]) -> tuple[list[int], set[str]]:
    """Run the CLI in a fresh interpreter; return exit codes and every module it imported."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *(json.dumps(c) for c in commands)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(out.stdout.splitlines()[-1])
    return result["codes"], set(result["modules"])


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


def test_help_and_validate_never_import_statistics_plots_or_the_compiler() -> None:
    codes, modules = _probe(["--help"], ["validate", "scenarios/geneva-2022.yaml"])
    assert codes == [0, 0]
    assert _heavy(modules) == set()


def test_help_imports_no_command_module_and_no_scenario_format() -> None:
    codes, modules = _probe(["--help"])
    assert codes == [0]
    assert {m for m in modules if m.startswith(("sim.cli.", "sim.scenario"))} == {"sim.cli.app"}


def test_every_listed_summary_is_the_first_line_of_its_command_docstring() -> None:
    for name, spec in COMMANDS.items():
        function = getattr(import_module(spec.module), spec.function)
        doc = inspect.getdoc(function) or ""
        assert spec.summary == doc.splitlines()[0], name


def test_help_lists_every_command_in_order() -> None:
    output = CliRunner().invoke(app, ["--help"], terminal_width=200).output
    positions = [output.index(f" {name} ") for name in COMMANDS]
    assert positions == sorted(positions)


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["simulate"])
    assert result.exit_code == 2
    assert "No such command" in result.output
