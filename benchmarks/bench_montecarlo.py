"""Monte Carlo cost of the flagship, every figure measured in this one run (prints, never asserts).

Run: .venv/bin/python benchmarks/bench_montecarlo.py [--only SECTION] [--quick] [--runs N]
     [--memory-small N] [--memory-runs N] [--dask-runs N]

Sections, in the order they run (--only SECTION runs one):
  cold        ``negsim --help`` and ``negsim validate scenarios/geneva-2022.yaml``: best and
              median wall time and CPU of 5 fresh processes each.
  throughput  --runs flagship runs (default 10,000) with 1 worker, then 2: runs per second and
              their ratio, the time of 10,000 runs with 2 workers, and what the input spread
              (16 draws x 100 runs) adds; then the engine CPU per run-event (SimPy events
              counted over 200 runs) against a bare SimPy timeout event, in this process.
  memory      peak resident memory of the parent process (and of its largest worker) in a
              fresh process that simulates --memory-small runs (default 10,000), then another
              that simulates --memory-runs runs (default 100,000), 2 workers each, the per-run
              export streamed as CSV (and Parquet, with pyarrow) to /dev/null; their ratio.
  dask        --dask-runs runs (default 100,000) on the local pool of 2 workers, then on a
              Dask LocalCluster of 2 worker processes x 1 thread (negsim[dask]).

Why the memory section stops at 100,000 runs by default: the issue's target is memory at
1,000,000 runs <= 1.2x that at 10,000, but a flagship run costs about 9 ms of CPU with today's
per-run engine (more on a loaded machine), so 1,000,000 runs are about 9,000 CPU seconds: 75
minutes of both cores of a quiet 2-core machine, longer on a shared one. Memory is flat in the
number of runs by design (each chunk is folded into counts and streamed, then dropped), so
10,000 against 100,000 shows whether it grows; pass --memory-runs 1000000 to measure the target
itself.

The load average is printed first and last: on a shared machine every wall time is an upper
bound.

Targets (issue 14): 10,000 runs in <= 1 s with 2 workers; engine CPU per run-event <= 1x a bare
SimPy timeout; 2 workers >= 1.8x one; memory at 1,000,000 runs <= 1.2x that at 10,000;
--help <= 0.3 s and validate <= 0.5 s; Dask within 1.5x of the local pool at 100,000 runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import simpy

from sim.analysis.design import input_spread
from sim.analysis.montecarlo import simulate
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "geneva-2022.yaml"
NEGSIM = Path(sys.executable).parent / "negsim"
SECTIONS = ("cold", "throughput", "memory", "dask")
"""The benchmark's sections, in the order they run."""
ROWS: list[tuple[str, str, str, str]] = []
"""(measure, value, target, verdict) for the closing table."""


def _row(measure: str, value: str, target: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else ("met" if met else "MISSED")
    ROWS.append((measure, value, target, verdict))
    judged = f"{target}: {verdict}" if verdict else target
    print(f"  {measure}: {value}" + (f"  (target {judged})" if target else ""))


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def _wall(command: list[str], repeat: int = 5) -> tuple[float, float, float]:
    """(best wall, median wall, median CPU) seconds of a fresh process running *command*.

    CPU (user + system of the child) is what the wall time would be on an idle machine.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(walls), statistics.median(walls), statistics.median(cpus)


def cold_start() -> None:
    print("cold start (fresh processes, 5 each):")
    for name, args, target in (
        ("negsim --help", ["--help"], 0.3),
        ("negsim validate geneva-2022", ["validate", str(FLAGSHIP)], 0.5),
    ):
        best, median, cpu = _wall([str(NEGSIM), *args])
        value = f"{best:.2f} s best wall, {median:.2f} s median, {cpu:.2f} s CPU"
        _row(name, value, f"<= {target} s", best <= target)


def throughput(runs: int) -> float:
    """Runs per second with 1 and 2 workers; returns the CPU seconds per run with 1 worker."""
    print(f"throughput ({runs:,} flagship runs, seed 1, no input spread):")
    scenario = load_scenario(FLAGSHIP)
    simulate(scenario, runs=40, seed=0, workers=2, input_points=0)  # compile or load the kernel
    rates, cpu = {}, 0.0
    for workers in (1, 2):
        start, clock = time.perf_counter(), time.process_time()
        simulate(scenario, runs=runs, seed=1, workers=workers, input_points=0)
        wall = time.perf_counter() - start
        if workers == 1:
            cpu = (time.process_time() - clock) / runs
        rates[workers] = runs / wall
        _row(
            f"{workers} worker{'s' * (workers > 1)}", f"{rates[workers]:,.0f} runs/s ({wall:.1f} s)"
        )
    _row("2 workers / 1", f"{rates[2] / rates[1]:.2f}x", ">= 1.8x", rates[2] / rates[1] >= 1.8)
    ten_thousand = 10_000 / rates[2]
    _row("10,000 runs, 2 workers", f"{ten_thousand:.1f} s", "<= 1 s", ten_thousand <= 1.0)
    start = time.perf_counter()
    spread = input_spread(scenario, 1, workers=2)
    cost = f"{time.perf_counter() - start:.1f} s" if spread else "none (no uncertain input)"
    _row("input spread (16 draws x 100 runs) adds", cost)
    return cpu


def _events_per_run(runs: int = 200) -> float:
    counted = 0
    original = simpy.Environment.step

    def counting(self: simpy.Environment) -> None:
        nonlocal counted
        counted += 1
        original(self)

    simpy.Environment.step = counting  # type: ignore[method-assign]
    try:
        simulate(load_scenario(FLAGSHIP), runs=runs, seed=1, workers=1, input_points=0)
    finally:
        simpy.Environment.step = original  # type: ignore[method-assign]
    return counted / runs


def _bare_timeout(events: int = 200_000) -> float:
    """CPU seconds per event of a SimPy process that only yields timeouts."""
    env = simpy.Environment()

    def ticker(env: simpy.Environment) -> simpy.events.ProcessGenerator:
        for _ in range(events):
            yield env.timeout(1)

    env.process(ticker(env))
    clock = time.process_time()
    env.run()
    return (time.process_time() - clock) / events


def per_event(cpu_per_run: float) -> None:
    print("engine CPU per run-event (this process, 1 worker):")
    events, bare = _events_per_run(), _bare_timeout()
    per = cpu_per_run / events
    _row("CPU per run", f"{1e3 * cpu_per_run:.2f} ms, {events:.0f} SimPy events per run")
    _row(
        "per event vs bare timeout",
        f"{1e6 * per:.1f} us vs {1e6 * bare:.2f} us = {per / bare:.0f}x",
        "<= 1x",
        per <= bare,
    )


def _peak_memory(runs: int) -> tuple[float, float, float]:
    """(parent MB, largest worker MB, wall s) of a fresh process simulating *runs* runs.

    The per-run export is streamed to /dev/null as ``negsim run --export`` streams it: as CSV
    and, when pyarrow is installed, as Parquet too, both in the same run.
    """
    code = (
        "import os, resource, time, sim; from sim.analysis.montecarlo import simulate; "
        "from importlib.util import find_spec; "
        "binary = open(os.devnull, 'wb') if find_spec('pyarrow') else None; "
        "t = time.perf_counter(); "
        f"simulate(sim.load_scenario({str(FLAGSHIP)!r}), runs={runs}, seed=1, workers=2, "
        "input_points=0, export=open(os.devnull, 'w'), parquet=binary); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    parent, child, wall = out.stdout.split()
    return int(parent) / 1024, int(child) / 1024, float(wall)


def memory(small: int, large: int) -> None:
    print(
        f"peak resident memory (fresh process, 2 workers, CSV and Parquet streamed), {small:,} vs "
        f"{large:,}:"
    )
    measured = []
    for runs in (small, large):
        measured.append(_peak_memory(runs))
        parent, child, wall = measured[-1]
        print(f"    {runs:,} runs: parent {parent:.0f} MB, worker {child:.0f} MB, {wall:.0f} s")
        sys.stdout.flush()
    (p_small, c_small, _), (p_large, c_large, wall) = measured
    ratio = p_large / p_small
    growth = f"{p_small:.0f} MB -> {p_large:.0f} MB = {ratio:.2f}x"
    if large >= 1_000_000:
        _row("parent", growth, "<= 1.2x", ratio <= 1.2)
    else:  # the target is at 1,000,000 runs: a smaller count only shows the trend
        _row("parent", growth)
        _row("parent at 1,000,000 runs", "not run (--memory-runs 1000000: ~75 min)", "<= 1.2x")
    _row("largest worker", f"{c_small:.0f} MB -> {c_large:.0f} MB = {c_large / c_small:.2f}x")
    _row(f"{large:,} runs took", f"{wall:.0f} s")


def dask(runs: int) -> None:
    print(f"Dask LocalCluster, 2 worker processes x 1 thread, vs the local pool ({runs:,} runs):")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        _row("Dask", "not installed (pip install 'negsim[dask]')")
        return
    scenario = load_scenario(FLAGSHIP)
    start = time.perf_counter()
    simulate(scenario, runs=runs, seed=1, workers=2, input_points=0)
    local = time.perf_counter() - start
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,  # type: ignore[no-untyped-call]
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        executor = client.get_executor()
        simulate(scenario, runs=100, seed=0, executor=executor, input_points=0)  # warm workers
        start = time.perf_counter()
        simulate(scenario, runs=runs, seed=1, workers=2, executor=executor, input_points=0)
        remote = time.perf_counter() - start
    _row("local pool", f"{runs / local:,.0f} runs/s ({local:.1f} s)")
    _row("Dask", f"{runs / remote:,.0f} runs/s ({remote:.1f} s)")
    _row("Dask / local time", f"{remote / local:.2f}x", "<= 1.5x", remote / local <= 1.5)


def main() -> None:
    """Print every figure the issue asks for, measured in this one run, then the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=10_000,
        metavar="N",
        help="throughput: flagship runs with 1 worker, then with 2 (default: %(default)s)",
    )
    parser.add_argument(
        "--memory-small",
        type=int,
        default=10_000,
        metavar="N",
        help="memory: runs of the baseline process (default: %(default)s)",
    )
    parser.add_argument(
        "--memory-runs",
        type=int,
        default=100_000,
        metavar="N",
        help="memory: runs of the large process, compared with the baseline (default: "
        "%(default)s; 1000000 for the issue's target, about 75 min of both cores)",
    )
    parser.add_argument(
        "--dask-runs",
        type=int,
        default=100_000,
        metavar="N",
        help="dask: runs on the local pool and then on the Dask cluster (default: %(default)s)",
    )
    parser.add_argument(
        "--only",
        choices=SECTIONS,
        metavar="SECTION",
        help=f"measure only this section ({', '.join(SECTIONS)}), e.g. one long memory run "
        "while others use the machine",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small counts in every section (400 runs; memory 1,000 vs 4,000), to try the script",
    )
    args = parser.parse_args()
    small = args.memory_small
    if args.quick:
        args.runs, small, args.memory_runs, args.dask_runs = 400, 1_000, 4_000, 400
    print(f"start: {_load()}")
    if args.only in (None, "cold"):
        cold_start()
    if args.only in (None, "throughput"):
        per_event(throughput(args.runs))
    if args.only in (None, "memory"):
        memory(small, args.memory_runs)
    if args.only in (None, "dask"):
        dask(args.dask_runs)
    print(f"end: {_load()}")
    widths = [max(len(row[i]) for row in ROWS) for i in range(4)]
    print()
    for row in [("measure", "value", "target", ""), *ROWS]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
