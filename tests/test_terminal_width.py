"""Every command's output fits an 80-column terminal, and takes more when the terminal is wider.

Each command runs as a real process with ``COLUMNS`` set, as a shell would run it; no line may
be wider than the terminal, and no word of a label may be split.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = str(ROOT / "scenarios" / "geneva-2022.yaml")
VARIANT = str(ROOT / "scenarios" / "variants" / "no-insurgency-plan.yaml")
COMMANDS = {
    "validate": ["validate", FLAGSHIP],
    "run": ["run", FLAGSHIP, "--runs", "30", "--seed", "1", "--workers", "1"],
    "compare": ["compare", FLAGSHIP, VARIANT, "--runs", "30", "--seed", "1", "--workers", "1"],
    "forecast": ["forecast", str(ROOT / "scenarios" / "bdm" / "ec-emissions.csv")],
    "handout": ["handout", FLAGSHIP],
    "help": ["--help"],
    "run --help": ["run", "--help"],
    "compare --help": ["compare", "--help"],
}


def _negsim(args: list[str], columns: int, cwd: Path) -> str:
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_line_fits_an_80_column_terminal(name: str, tmp_path: Path) -> None:
    out = _negsim(COMMANDS[name], 80, tmp_path)
    assert out.strip()
    wide = [line for line in out.splitlines() if len(line) > 80]
    assert wide == [], wide[:3]
    if "help" not in name:  # help texts may use an ellipsis of their own
        assert "…" not in out, "a cell was cut"


def test_the_run_tables_split_no_label_word_at_80_columns(tmp_path: Path) -> None:
    from sim.scenario.loader import load_scenario

    tokens = set(_negsim(COMMANDS["run"], 80, tmp_path).split())
    s = load_scenario(Path(FLAGSHIP))
    labels = [o.label for o in s.outcomes] + [i.name for i in s.issues]
    for word in (w for label in labels for w in label.split()):
        assert word in tokens, word


def test_a_wider_terminal_gets_wider_tables(tmp_path: Path) -> None:
    narrow = _negsim(COMMANDS["compare"], 80, tmp_path)
    wide = _negsim(COMMANDS["compare"], 140, tmp_path)
    assert max(map(len, wide.splitlines())) > 100
    assert "A = geneva-2022" in narrow or "geneva-2022" in narrow
    assert "no-insurgency-plan − geneva-2022" in " ".join(wide.split())
