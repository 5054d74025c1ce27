"""Rounds per second of the expected-utility model for 10, 50 and 200 random actors.

Prints only, never asserts. Time per round is also divided by n³, the size of the win-probability
denominator (bdm.md §2.3b), so that growth faster or slower than cubic is visible.

Run: .venv/bin/python benchmarks/bench_forecast.py
"""

from __future__ import annotations

import time

import numpy as np

from sim.model.expected_utility import EUConfig, run_rounds

SIZES = ((10, 200), (50, 40), (200, 4))
"""(actors, rounds per timing)."""
REPEATS = 3


def seconds_per_round(n: int, rounds: int, rng: np.random.Generator) -> float:
    """Best of REPEATS timings of one run of *rounds* rounds, per round."""
    position = rng.uniform(0, 100, n)
    capability = rng.uniform(0.1, 1, n)
    salience = rng.uniform(0.1, 1, n)
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        run_rounds(position, capability, salience, rounds=rounds, config=EUConfig())
        best = min(best, time.perf_counter() - start)
    return best / rounds


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}; replication config; best of {REPEATS}")
    print(f"{'actors':>6} {'rounds/s':>10} {'ms/round':>10} {'ns per n^3':>11}")
    for n, rounds in SIZES:
        per_round = seconds_per_round(n, rounds, rng)
        cubic = 1e9 * per_round / n**3
        print(f"{n:>6} {1 / per_round:>10.1f} {1e3 * per_round:>10.3f} {cubic:>11.2f}")


if __name__ == "__main__":
    main()
