"""Morris screening of the flagship: design points per second and runs per second, printed.

Run with ``.venv/bin/python benchmarks/bench_sensitivity.py [--trajectories 4 --runs-per-point
20 --workers 2]``. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.analysis.sensitivity import sensitivity
from sim.scenario.loader import load_scenario

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios" / "geneva-2022.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trajectories", type=int, default=4)
    parser.add_argument("--runs-per-point", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    scenario = load_scenario(FLAGSHIP)
    print(f"Morris on {scenario.id}: {args.trajectories} trajectories, "
          f"{args.runs_per_point} runs per point, PRIM off")  # fmt: skip
    print(f"{'workers':>8} {'inputs':>7} {'points':>7} {'runs':>7} {'seconds':>8} "
          f"{'points/s':>9} {'runs/s':>8}")  # fmt: skip
    for workers in args.workers:
        start = time.perf_counter()
        result = sensitivity(
            scenario,
            "morris",
            runs_per_point=args.runs_per_point,
            seed=2022,
            workers=workers,
            trajectories=args.trajectories,
            discovery_runs=0,
        )
        seconds = time.perf_counter() - start
        points = len(result.points)
        runs = points * args.runs_per_point
        print(f"{workers:>8} {len(result.factors):>7} {points:>7} {runs:>7} {seconds:>8.2f} "
              f"{points / seconds:>9.2f} {runs / seconds:>8.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
