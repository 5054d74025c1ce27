"""Rounds per second of the expected-utility model for 10, 50 and 200 actors (prints only).

Run: .venv/bin/python benchmarks/bench_forecast.py
"""

from __future__ import annotations

import time

import numpy as np

from sim.expected_utility import run_rounds


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'actors':>6} {'rounds/s':>10} {'ms/round':>10} {'ns per n^3':>12}")
    for n in (10, 50, 200):
        position = rng.uniform(0, 100, n)
        capability = rng.uniform(0.1, 1, n)
        salience = rng.uniform(0.1, 1, n)
        rounds = 8 if n < 200 else 2
        start = time.perf_counter()
        run_rounds(position, capability, salience, rounds=rounds)
        per_round = (time.perf_counter() - start) / rounds
        cubic = 1e9 * per_round / n**3
        print(f"{n:>6} {1 / per_round:>10.1f} {1e3 * per_round:>10.2f} {cubic:>12.2f}")


if __name__ == "__main__":
    main()
