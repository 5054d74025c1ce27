from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.analysis.montecarlo import simulate
from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario, load_scenario_checked

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.mark.parametrize("path", sorted(SCENARIOS.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_validates_and_runs(path: Path) -> None:
    scenario, quotes = load_scenario_checked(path)
    assert quotes.verified == quotes.total
    results = simulate(scenario, runs=20, seed=1)
    assert int(results.primary_counts().sum()) == 20


def test_altering_one_character_of_a_flagship_quote_fails_at_that_line(tmp_path: Path) -> None:
    copy = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, copy)
    flagship = copy / "geneva-2022.yaml"
    lines = flagship.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if "quote: Russia does not trust oral" in line)
    lines[number] = lines[number].replace("oral", "orai")
    flagship.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario(flagship)
    assert [p.line for p in error.value.problems] == [number + 1]
    assert "does not occur verbatim" in error.value.problems[0].message
