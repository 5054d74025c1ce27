"""The engine's hot path against an earlier revision, measured side by side (prints, never asserts).

Run: .venv/bin/python benchmarks/bench_hotpath.py [--against REV] [--runs N] [--rounds R]
     [--profile]

The earlier revision (default ``main``) is extracted with ``git archive`` into a temporary
folder; fresh processes then simulate the same runs of the same scenario file (this tree's
flagship) in one process each, this tree and the other taking turns, so both see the same
machine state. Prints each side's median CPU per run, their ratio, and whether the two per-run
exports are byte-identical (a speed-up must not change a result). ``--profile`` adds this
tree's top functions by own time over the same runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "geneva-2022.yaml"

CHILD = """
import hashlib, io, sys, time
import numpy as np
import sim
from sim.analysis.montecarlo import simulate
scenario = sim.load_scenario(sys.argv[1])
runs = int(sys.argv[2])
simulate(scenario, runs=20, seed=0, input_points=0)  # the kernel, caches, first calls
out = io.StringIO()
clock = time.process_time()
simulate(scenario, runs=runs, seed=1, workers=1, input_points=0, export=out)
cpu = time.process_time() - clock
print(cpu, hashlib.sha256(out.getvalue().encode()).hexdigest())
"""

PROFILE = """
import cProfile, pstats, sys
import sim
from sim.analysis.montecarlo import simulate
scenario = sim.load_scenario(sys.argv[1])
simulate(scenario, runs=20, seed=0, input_points=0)
cProfile.run(
    f"simulate(scenario, runs={int(sys.argv[2])}, seed=1, workers=1, input_points=0)",
    sys.argv[3],
)
stats = pstats.Stats(sys.argv[3])
stats.sort_stats("tottime").print_stats(18)
"""


def _measure(tree: Path, scenario: Path, runs: int) -> tuple[float, str]:
    environment = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(scenario), str(runs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
        env=environment,
    )
    cpu, digest = out.stdout.split()[-2:]
    return float(cpu), digest


def _extract(revision: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)


def main() -> None:
    """Measure this tree against --against, taking turns, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="the earlier revision (git)")
    parser.add_argument("--runs", type=int, default=400, help="flagship runs per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each side")
    parser.add_argument("--profile", action="store_true", help="this tree's top functions")
    args = parser.parse_args()
    one, five, _ = os.getloadavg()
    print(f"start: load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs")
    label = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", args.against],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="negsim-bench-") as folder:
        before_tree = Path(folder)
        _extract(args.against, before_tree)
        cpus: dict[str, list[float]] = {"before": [], "after": []}
        digests: dict[str, set[str]] = {"before": set(), "after": set()}
        for round_ in range(args.rounds):
            order = ("before", "after") if round_ % 2 == 0 else ("after", "before")
            for side in order:
                tree = before_tree if side == "before" else ROOT
                cpu, digest = _measure(tree, FLAGSHIP, args.runs)
                cpus[side].append(cpu)
                digests[side].add(digest)
    before = statistics.median(cpus["before"]) / args.runs
    after = statistics.median(cpus["after"]) / args.runs
    print(f"{args.runs:,} flagship runs per measurement, {args.rounds} each, taking turns:")
    print(f"  before ({args.against} = {label}): {1e3 * before:.2f} ms CPU per run (median)")
    print(f"  after (this tree): {1e3 * after:.2f} ms CPU per run (median)")
    print(f"  speed-up before / after: {before / after:.2f}x")
    same = len(digests["before"]) == 1 and digests["before"] == digests["after"]
    print(f"  per-run exports byte-identical: {'yes' if same else 'NO'}")
    one, five, _ = os.getloadavg()
    print(f"end: load average {one:.1f} (1 min), {five:.1f} (5 min)")
    if args.profile:
        with tempfile.NamedTemporaryFile(suffix=".prof") as stats:
            subprocess.run(
                [sys.executable, "-c", PROFILE, str(FLAGSHIP), str(args.runs), stats.name],
                check=True,
                cwd=ROOT,
                env=dict(os.environ, PYTHONPATH=str(ROOT)),
            )


if __name__ == "__main__":
    main()
