"""The flagship's results at a fixed seed and run count are pinned: any change to them is seen."""

from __future__ import annotations

from pathlib import Path

from golden import check_golden

from sim.analysis.montecarlo import simulate
from sim.scenario.loader import load_scenario

GOLDEN = Path(__file__).parent / "testdata" / "test_flagship_results" / "geneva-2022-400-runs.json"


def test_flagship_results_match_the_golden_file(flagship_path: Path, update_golden: bool) -> None:
    results = simulate(load_scenario(flagship_path), runs=400, seed=2022, workers=2)
    check_golden(GOLDEN, results.to_json(), update_golden)


def test_flagship_primary_classes_cover_every_run(flagship_path: Path) -> None:
    results = simulate(load_scenario(flagship_path), runs=400, seed=2022, workers=1)
    assert sum(results.count(p) for p in results.primary_ids) == results.runs
