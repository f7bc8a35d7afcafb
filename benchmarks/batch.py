"""Batch evaluation benchmark: N evaluations with 1 and 2 local workers and a 2-worker Dask cluster.

Usage::

    flock /work/wt/bench.lock .venv/bin/python benchmarks/batch.py [--n 8] [--participants 300]
        [--pool 1500] [--dask-profiler]

About 3-4 minutes on an idle 2-core machine with the defaults (8 small reports three times).

Each evaluation is the standard report on its own generated intervention (a different seed). The
cache is cleared between configurations (``force=True``) so every configuration runs everything.
Printed per configuration: wall time, CPU seconds of this process's tree (workers and their
report kernels), time per evaluation, the speed-up over one worker against the goal (near-linear:
2 workers >= 1.8x, printed as the ratio to the ideal 2x), and the peak resident memory of one
worker (the worker process and the report kernel it runs, sampled every 50 ms) and of the whole
tree. The Dask configuration starts a ``LocalCluster`` (2 worker processes, one thread each)
before the timing starts (``batch --scheduler`` finds its cluster running) and points
``run_batch(scheduler=...)`` at its address: the code path of
``outcomelab batch MANIFEST --scheduler tcp://host:8786`` against an existing cluster. Its
workers run with Dask's statistical profiler off, as the README advises for a lab cluster (the
profiler samples the worker's threads every 10 ms: ~2.3 s of CPU per report here, most of the
extra CPU Dask used to show); ``--dask-profiler`` adds a run with it on. The load of the machine
is printed: on a shared 2-core machine the speed-up is bounded by what else runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import psutil
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import load, tree_rss

from outcomelab.batch import BatchSummary, EvaluationJob, load_manifest, run_batch
from outcomelab.example import generate_example

#: one configuration: runs the jobs, returns the summary
Runner = Callable[[list[EvaluationJob]], BatchSummary]
#: a configuration's set-up (a Dask cluster is started before and stopped after the timing)
Setup = Callable[[], AbstractContextManager[Runner]]

#: near-linear speed-up from 1 to 2 workers
GOAL_SPEEDUP = 1.8


def _manifest(folder: Path, n: int, participants: int, pool: int) -> Path:
    entries = []
    for i in range(n):
        data = folder / "data" / f"intervention_{i:03d}"
        generate_example(data, n_participants=participants, n_pool=pool, seed=1000 + i)
        entries.append({"name": f"intervention_{i:03d}", "data": str(data)})
    path = folder / "manifest.yaml"
    path.write_text(yaml.safe_dump({"defaults": {"lang": "en"}, "evaluations": entries}))
    return path


@contextmanager
def _memory() -> Iterator[dict[str, float]]:
    """Sample, every 50 ms, the resident memory of each worker's process tree and of the whole
    tree under this process; yields a dict filled with ``worker_mb`` and ``total_mb`` peaks.

    A worker is a process that runs report kernels: a child of this process (local pool) or of a
    Dask nanny (LocalCluster); a process tree without kernels (the nanny, the scheduler's
    helpers) is not counted as a worker."""
    me = psutil.Process()
    peaks = {"worker_mb": 0.0, "total_mb": 0.0}
    done = threading.Event()

    def workers() -> list[psutil.Process]:
        found = []
        for proc in me.children(recursive=True):
            try:
                kids = proc.children()
                if any("ipykernel" in " ".join(k.cmdline()) for k in kids):
                    found.append(proc)
            except psutil.Error:
                continue
        return found

    def sample() -> None:
        while not done.is_set():
            peaks["total_mb"] = max(peaks["total_mb"], (tree_rss(me)) / 2**20)
            for proc in workers():
                peaks["worker_mb"] = max(peaks["worker_mb"], tree_rss(proc) / 2**20)
            done.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        done.set()
        thread.join()


def _cpu() -> tuple[float, dict[int, float]]:
    """CPU seconds so far: this process and its reaped children, and each live descendant
    (with the children it reaped: a worker's report kernels)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    live: dict[int, float] = {}
    for proc in psutil.Process().children(recursive=True):
        try:
            t = proc.cpu_times()
        except psutil.Error:
            continue
        live[proc.pid] = t.user + t.system + t.children_user + t.children_system
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime, live


def _cpu_since(before: tuple[float, dict[int, float]]) -> float:
    """CPU seconds of the tree since ``before``, counting processes that outlive the
    measurement (a Dask cluster's workers) as well as those reaped during it (a local pool)."""
    now, live = _cpu()
    return now - before[0] + sum(v - before[1].get(pid, 0.0) for pid, v in live.items())


def _configurations(folder: Path, profiler: bool) -> list[tuple[str, Setup]]:
    def local(workers: int) -> Runner:
        def run(jobs: list[EvaluationJob]) -> BatchSummary:
            return run_batch(
                jobs,
                folder / "out",
                workers=workers,
                force=True,
                show_progress=False,
            )

        return run

    def dask(profile: bool) -> Setup:
        @contextmanager
        def cluster_runner() -> Iterator[Runner]:
            import dask
            from distributed import LocalCluster

            # `batch --scheduler` finds its cluster running: its start is not timed. The
            # workers' processes get the config from their nanny.
            with (
                dask.config.set({"distributed.worker.profile.enabled": profile}),
                LocalCluster(
                    n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
                ) as cluster,
            ):

                def run(jobs: list[EvaluationJob]) -> BatchSummary:
                    return run_batch(
                        jobs,
                        folder / "out",
                        scheduler=cluster.scheduler_address,
                        force=True,
                        show_progress=False,
                    )

                yield run

        return cluster_runner

    configurations: list[tuple[str, Setup]] = [
        ("local, 1 worker", lambda: nullcontext(local(1))),
        ("local, 2 workers", lambda: nullcontext(local(2))),
        ("Dask LocalCluster, 2 workers", dask(False)),
    ]
    if profiler:
        configurations.append(("Dask, 2 workers, profiler on", dask(True)))
    return configurations


#: one measured configuration: label, wall s, CPU s, memory peaks, summary
Row = tuple[str, float, float, dict[str, float], BatchSummary]


def _measure(label: str, run: Runner, jobs: list[EvaluationJob]) -> Row:
    """Run the jobs once; wall and CPU time of the tree, memory peaks."""
    cpu0 = _cpu()
    start = time.perf_counter()
    with _memory() as peaks:
        summary = run(jobs)
    wall = time.perf_counter() - start
    cpu = _cpu_since(cpu0)
    print(f"# {label}: {wall:.1f} s wall, {cpu:.1f} s CPU ({load()})", flush=True)
    return label, wall, cpu, dict(peaks), summary


def main() -> None:
    """Run the configurations and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="evaluations (even: 2 workers share)")
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--pool", type=int, default=1500)
    parser.add_argument(
        "--dask-profiler",
        action="store_true",
        help="also run the Dask cluster with its statistical profiler on (Dask's default)",
    )
    args = parser.parse_args()

    print(f"# {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jobs = list(load_manifest(_manifest(folder, args.n, args.participants, args.pool)))
        rows: list[Row] = []
        failures: list[str] = []
        for label, setup in _configurations(folder, args.dask_profiler):
            with setup() as run:
                rows.append(_measure(label, run, jobs))
                summary = rows[-1][4]
            failures.extend(f"{label}: {f.name}: {f.reason}" for f in summary.failures)

    base, base_cpu = rows[0][1], rows[0][2]
    print(f"\n{args.n} evaluations ({args.participants} participants, {args.pool} pool each)")
    print(
        f"{'configuration':<30}{'wall s':>8}{'CPU s':>8}{'s/eval':>8}{'speed-up':>9}"
        f"{'of ideal':>9}  {'goal':<20}{'CPU x':>6}{'worker MB':>10}{'total MB':>10}{'done':>6}"
        f"{'failed':>7}"
    )
    for label, wall, cpu, peaks, summary in rows:
        speedup = base / wall
        ideal = 1.0 if label.endswith("1 worker") else 2.0
        verdict = "-" if ideal == 1.0 else ("met" if speedup >= GOAL_SPEEDUP else "NOT met")
        print(
            f"{label:<30}{wall:>8.1f}{cpu:>8.1f}{wall / args.n:>8.2f}{speedup:>9.2f}"
            f"{speedup / ideal:>9.2f}  {f'>= {GOAL_SPEEDUP}x {verdict}':<20}{cpu / base_cpu:>6.2f}"
            f"{peaks['worker_mb']:>10,.0f}{peaks['total_mb']:>10,.0f}"
            f"{summary.count('done'):>6}{summary.count('failed'):>7}"
        )
    for failure in failures:
        print(f"failed: {failure}")
    print(
        f"(one run each; {os.cpu_count()} cores shared with other users: the speed-up is bounded "
        "by the load printed above; speed-up = 1-worker wall / this wall; CPU x = this CPU / "
        "1-worker CPU (the cost of the parallel machinery); worker MB = peak of one worker "
        "process + its report kernel)"
    )


if __name__ == "__main__":
    main()
