"""Monte Carlo cost of the flagship: ms per run with 1 and 2 workers, per-event cost against a
bare SimPy timeout, and peak memory at 10,000 and 100,000 runs (prints, never asserts).

Run: .venv/bin/python benchmarks/bench_montecarlo.py [--quick]

Targets (issue 5): 10,000 flagship runs in ≤ 5 s with 2 workers; engine cost per event ≤ 5×
a bare SimPy timeout; 2 workers ≥ 1.8× one; memory at 100,000 runs ≤ 1.2× that at 10,000.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import simpy

from sim.analysis.montecarlo import simulate
from sim.scenario.loader import load_scenario

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios" / "geneva-2022.yaml"


def _bare_timeout_cost(events: int = 200_000) -> float:
    """Seconds per event of a SimPy process that only yields timeouts."""
    env = simpy.Environment()

    def ticker(env: simpy.Environment) -> simpy.events.ProcessGenerator:
        for _ in range(events):
            yield env.timeout(1)

    env.process(ticker(env))
    start = time.perf_counter()
    env.run()
    return (time.perf_counter() - start) / events


def _events_per_run(runs: int = 200) -> float:
    """Mean number of SimPy events processed per flagship run."""
    counted = 0
    original = simpy.Environment.step

    def counting(self: simpy.Environment) -> None:
        nonlocal counted
        counted += 1
        original(self)

    simpy.Environment.step = counting  # type: ignore[method-assign]
    try:
        simulate(load_scenario(FLAGSHIP), runs=runs, seed=1, workers=1)
    finally:
        simpy.Environment.step = original  # type: ignore[method-assign]
    return counted / runs


def _peak_memory_mb(runs: int) -> tuple[float, float]:
    """(parent, largest worker) peak resident memory of a fresh process simulating *runs*."""
    code = (
        "import resource, sim; from sim.analysis.montecarlo import simulate; "
        f"simulate(sim.load_scenario({str(FLAGSHIP)!r}), runs={runs}, seed=1, workers=2); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    parent, child = out.stdout.split()
    return int(parent) / 1024, int(child) / 1024


def _timed(runs: int, workers: int) -> float:
    """Wall-clock seconds per run, best of two."""
    scenario = load_scenario(FLAGSHIP)
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        simulate(scenario, runs=runs, seed=1, workers=workers)
        best = min(best, (time.perf_counter() - start) / runs)
    return best


def main() -> None:
    """Print every figure the issue asks for, measured in this one run."""
    quick = "--quick" in sys.argv
    runs = 1_000 if quick else 10_000
    simulate(load_scenario(FLAGSHIP), runs=20, seed=0, workers=1)  # compile the EU kernel
    timings = {workers: _timed(runs, workers) for workers in (1, 2)}
    for workers, per_run in timings.items():
        print(
            f"{runs} runs, workers={workers}: {1e3 * per_run:.2f} ms/run, "
            f"{1 / per_run:.0f} runs/s, {runs * per_run:.1f} s"
        )
    print(f"speed-up 2 workers / 1 worker: {timings[1] / timings[2]:.2f}x (target >= 1.8x)")
    print(f"10,000 runs with 2 workers: {10_000 * timings[2]:.1f} s (target <= 5 s)")
    events = _events_per_run()
    bare = _bare_timeout_cost()
    per_event = timings[1] / events
    print(
        f"events per run: {events:.1f}; engine cost per event {1e6 * per_event:.1f} us; "
        f"bare SimPy timeout {1e6 * bare:.2f} us; ratio {per_event / bare:.0f}x (target <= 5x)"
    )
    small, large = (1_000, 10_000) if quick else (10_000, 100_000)
    (p_small, c_small), (p_large, c_large) = _peak_memory_mb(small), _peak_memory_mb(large)
    print(
        f"peak memory, parent: {p_small:.0f} MB at {small} runs, {p_large:.0f} MB at {large} "
        f"runs, ratio {p_large / p_small:.2f} (target <= 1.2)"
    )
    print(
        f"peak memory, largest worker: {c_small:.0f} MB at {small} runs, {c_large:.0f} MB at "
        f"{large} runs, ratio {c_large / c_small:.2f}"
    )


if __name__ == "__main__":
    main()
