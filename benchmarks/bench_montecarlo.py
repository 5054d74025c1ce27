"""Monte Carlo cost of the flagship: ms per run with 1 and 2 workers, per-event cost against a
bare SimPy timeout, and peak memory at 10,000 and 100,000 runs (prints, never asserts).

Run: .venv/bin/python benchmarks/bench_montecarlo.py [--quick]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import simpy

from sim.loader import load_scenario
from sim.montecarlo import simulate

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios" / "geneva-2022.yaml"


def _bare_timeout_cost(events: int = 200_000) -> float:
    env = simpy.Environment()

    def ticker(env: simpy.Environment) -> simpy.events.ProcessGenerator:
        for _ in range(events):
            yield env.timeout(1)

    env.process(ticker(env))
    start = time.perf_counter()
    env.run()
    return (time.perf_counter() - start) / events


def _events_per_run(runs: int = 50) -> float:
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


def _peak_memory_mb(runs: int) -> float:
    code = (
        "import resource, sim; from sim.montecarlo import simulate; "
        f"simulate(sim.load_scenario({str(FLAGSHIP)!r}), runs={runs}, seed=1, workers=2); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 500 if quick else 2_000
    scenario = load_scenario(FLAGSHIP)
    timings = {}
    for workers in (1, 2):
        start = time.perf_counter()
        simulate(scenario, runs=runs, seed=1, workers=workers)
        timings[workers] = (time.perf_counter() - start) / runs
        print(
            f"workers={workers}: {1e3 * timings[workers]:.2f} ms/run, "
            f"{1 / timings[workers]:.0f} runs/s"
        )
    print(f"speed-up 2 workers / 1 worker: {timings[1] / timings[2]:.2f}x")
    print(f"projected 10,000 runs with 2 workers: {10_000 * timings[2]:.1f} s")
    events = _events_per_run()
    bare = _bare_timeout_cost()
    per_event = timings[1] / events
    print(
        f"events per run: {events:.1f}; engine cost per event {1e6 * per_event:.1f} us; "
        f"bare SimPy timeout {1e6 * bare:.2f} us; ratio {per_event / bare:.0f}x"
    )
    small, large = (1_000, 10_000) if quick else (10_000, 100_000)
    m_small, m_large = _peak_memory_mb(small), _peak_memory_mb(large)
    print(
        f"peak memory: {m_small:.0f} MB at {small} runs, {m_large:.0f} MB at {large} runs, "
        f"ratio {m_large / m_small:.2f}"
    )


if __name__ == "__main__":
    main()
