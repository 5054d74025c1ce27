"""Every command's output fits an 80-column terminal, and takes more when the terminal is wider.

Each command runs as a real process with ``COLUMNS`` set, as a shell would run it; no line may
be wider than the terminal, no cell may be cut short with "…", and no word may be split across
lines. JSON (``--json``, ``schema --output -``) is data for programs and is not wrapped.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from classroom_server import classroom_folder, start_server

from sim.cli.app import COMMANDS as CLI_COMMANDS
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = str(ROOT / "scenarios" / "geneva-2022.yaml")
VARIANT = str(ROOT / "scenarios" / "variants" / "no-insurgency-plan.yaml")
TINY = str(ROOT / "tests" / "testdata" / "tiny" / "tiny.yaml")
TINY_MOVES = str(ROOT / "tests" / "testdata" / "test_play" / "tiny-south.moves")
COMMANDS = {
    "validate": ["validate", FLAGSHIP],
    "run": ["run", FLAGSHIP, "--runs", "30", "--seed", "1", "--workers", "1"],
    "compare": ["compare", FLAGSHIP, VARIANT, "--runs", "30", "--seed", "1", "--workers", "1"],
    "forecast": ["forecast", str(ROOT / "scenarios" / "bdm" / "ec-emissions.csv")],
    "handout": ["handout", FLAGSHIP],
    "explain --run": ["explain", FLAGSHIP, "--run", "3"],
    "explain --outcome": ["explain", FLAGSHIP, "--outcome", "full-scale-war", "--runs", "60"],
    "play": ["play", TINY, "--as", "south", "--moves", TINY_MOVES],
    "play the flagship": ["play", FLAGSHIP, "--as", "russia", "--moves", "-"],
    "backtest": ["backtest", "deu3-dev.tsv", "--runs", "4"],  # copied in: see COPIES
    "sensitivity": f"sensitivity {FLAGSHIP} --trajectories 2 --runs-per-point 3 "
    "--discovery-runs 40 --workers 1".split(),
    "help": ["--help"],
    **{f"{name} --help": [name, "--help"] for name in CLI_COMMANDS},
}
STDIN = {"play the flagship": "rest\n"}
COPIES = {"backtest": ROOT / "scenarios" / "deu" / "deu3-dev.tsv"}
"""Files a command reads from its working folder, as a user names them: the backtest prints
the data file's name as given, and a checkout's absolute path can be longer than 80 columns."""
"""Standard input of the commands that read it."""
SCENARIOS = {"play": TINY}
"""The scenario whose words each command prints (default: the flagship)."""
OWN_ELLIPSES = ("[; ask …]", "<id2>….html")
"""Ellipses that are part of the text (a move's syntax, a file name pattern), not a cut."""


def _negsim(args: list[str], columns: int, cwd: Path, stdin: str | None = None) -> str:
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "sim", *args], input=stdin,
        capture_output=True, text=True, env=env, cwd=cwd, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def tokens(text: str) -> set[str]:
    """The words of *text*, without the punctuation around them."""
    return {t.strip(".,;:()[]“”\"'*") for t in text.split()}


def vocabulary(scenario: Scenario) -> set[str]:
    """Every word of a scenario's ids, names and labels that a command may print."""
    texts = [scenario.scenario.title]
    texts += [f"{a.id} {a.name}" for a in scenario.actors]
    texts += [f"{i.id} {i.name} {i.low} {i.high}" for i in scenario.issues]
    texts += [w.label for i in scenario.issues for w in i.waypoints]
    texts += [f"{o.id} {o.label}" for o in scenario.outcomes]
    texts += [f"{p.id} {p.label}" for p in scenario.primary]
    texts += [f"{v.id} {v.name} {v.place}" for v in scenario.venues]
    if scenario.escalation:
        texts += [f"{r.id} {r.label}" for r in scenario.escalation.ladder]
    texts += [u.input for u in scenario.uncertainties]
    return {w for w in tokens(" ".join(texts)) if len(w) >= 6}


def _edges(line: str) -> tuple[set[str], set[str]]:
    """Tokens that begin a cell or the line, and tokens that end a cell or the line.

    A cell's text is separated from the next by two spaces or more (or a table's bar).
    """
    cells = [c.strip() for c in re.split(r"\s{2,}|│", line) if c.strip()]
    starts = {c.split()[0].strip(".,;:()[]“”\"'*") for c in cells}
    ends = {c.split()[-1].strip(".,;:()[]“”\"'*") for c in cells}
    return starts, ends


def split_words(text: str, words: set[str]) -> list[str]:
    """Words of *words* that *text* splits: a head ends a line's cell, the tail starts the next."""
    lines = text.splitlines()
    split = set()
    for above, below in itertools.pairwise(lines):
        _, ends = _edges(above)
        starts, _ = _edges(below)
        for w in words:
            if any(w[:k] in ends and w[k:] in starts for k in range(2, len(w) - 1)):
                split.add(w)
    return sorted(split)


def assert_fits(out: str, columns: int, scenario: Scenario | None) -> None:
    assert out.strip()
    wide = [line for line in out.splitlines() if len(line) > columns]
    assert wide == [], wide[:3]
    cut = out
    for own in OWN_ELLIPSES:
        cut = cut.replace(own, "")
    assert "…" not in cut, "a cell was cut: " + cut[max(cut.index("…") - 60, 0) :][:120]
    if scenario is not None:
        assert split_words(out, vocabulary(scenario)) == []


def test_the_width_test_runs_every_command() -> None:
    ran = {args[0] for args in COMMANDS.values() if args[0] != "--help"}
    unfit = {"schema", "classroom"}  # JSON on stdout; a server (its own test below)
    assert ran | unfit == set(CLI_COMMANDS)


def test_the_split_word_check_finds_a_split_word() -> None:
    table = "  us      strike-we   0.5\n          apons\n"
    assert split_words(table, {"strike-weapons"}) == ["strike-weapons"]
    assert split_words("runs with “Full-scale war”\n  drawn to fire", {"withdrawn"}) == []


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_line_fits_an_80_column_terminal(name: str, tmp_path: Path) -> None:
    if name in COPIES:
        shutil.copy(COPIES[name], tmp_path / COPIES[name].name)
    out = _negsim(COMMANDS[name], 80, tmp_path, STDIN.get(name))
    help_text = "help" in name
    assert_fits(out, 80, None if help_text else load_scenario(Path(SCENARIOS.get(name, FLAGSHIP))))


def test_the_classroom_server_prints_its_links_within_80_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    server = start_server(classroom_folder(tmp_path), "--runs", "20")
    try:
        assert_fits(server.output, 80, None)
        assert server.join in server.output.split()
    finally:
        server.stop()


def test_the_run_tables_split_no_label_word_at_80_columns(tmp_path: Path) -> None:
    seen = tokens(_negsim(COMMANDS["run"], 80, tmp_path))
    s = load_scenario(Path(FLAGSHIP))
    labels = [o.label for o in s.outcomes] + [i.name for i in s.issues]
    for word in tokens(" ".join(labels)):
        assert word in seen, word


def test_a_wider_terminal_gets_wider_tables(tmp_path: Path) -> None:
    narrow = _negsim(COMMANDS["compare"], 80, tmp_path)
    wide = _negsim(COMMANDS["compare"], 140, tmp_path)
    assert max(map(len, wide.splitlines())) > 100
    assert "A = geneva-2022" in narrow or "geneva-2022" in narrow
    assert "no-insurgency-plan − geneva-2022" in " ".join(wide.split())


def test_a_wider_terminal_gets_the_drivers_in_columns(tmp_path: Path) -> None:
    narrow = _negsim(COMMANDS["explain --outcome"], 80, tmp_path)
    wide = _negsim(COMMANDS["explain --outcome"], 150, tmp_path)
    assert "feature: with · without" in narrow
    heading = next(line for line in wide.splitlines() if "feature" in line)
    columns = "# feature with without difference 95 % interval e.g. runs"
    assert heading.split() == columns.split()
