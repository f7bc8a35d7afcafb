"""Measuring one tool run as a whole process: wall and CPU time, peak memory, the machine's load.

Every benchmark in this folder runs each tool in a process of its own (imports count, memory is
not shared) through :func:`measure`, which samples the resident memory of that process *and its
children* (a Jupyter kernel, DuckDB threads are in-process) every 20 ms and reports the peak of
their sum. CPU time is user + system of the process tree. On a shared machine the wall time
depends on what else runs; the ratio against a peer measured in the same run, and the CPU time,
are the steadier figures, so every table prints the load (:func:`load`) next to them.

Run the benchmarks under the shared lock so that two of them never compete::

    flock /work/wt/bench.lock .venv/bin/python benchmarks/panel.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import psutil

__all__ = ["Measured", "goal", "load", "measure", "median", "summarise"]


@dataclass
class Measured:
    """One run of one tool.

    Attributes
    ----------
    wall, cpu
        Seconds of wall-clock time and of CPU (user + system, the process and its children).
    peak_mb
        Largest sum of resident memory of the process and its children, in MiB.
    stdout, stderr
        What the process printed.
    error
        ``None``, or why the run failed (exit status, timeout).
    """

    wall: float
    cpu: float
    peak_mb: float
    stdout: str = ""
    stderr: str = ""
    error: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def load() -> str:
    """The machine's load: ``uptime`` as one line, with the number of cores."""
    one, five, fifteen = os.getloadavg()
    return (
        f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores "
        f"({time.strftime('%Y-%m-%d %H:%M')})"
    )


def tree_rss(proc: psutil.Process) -> int:
    """Resident memory (bytes) of ``proc`` and all its descendants; 0 if it is gone."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def measure(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    cwd: str | None = None,
    max_rss_mb: float | None = None,
) -> Measured:
    """Run ``argv`` to its end and measure it.

    Parameters
    ----------
    argv
        The command.
    env
        Extra environment variables (added to this process's environment).
    timeout
        Seconds before the run is stopped and reported as failed.
    cwd
        Working directory.
    max_rss_mb
        Stop the run (reported as failed) when the resident memory of its process tree exceeds
        this many MiB: a cap for peers that would take the shared machine's memory.

    Returns
    -------
    Measured
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(
        list(argv),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    peak = [0]
    done = threading.Event()
    over = threading.Event()
    cap = None if max_rss_mb is None else max_rss_mb * 2**20

    def sample() -> None:
        proc = psutil.Process(child.pid)
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc))
            if cap is not None and peak[0] > cap and not over.is_set():
                over.set()
                child.kill()
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    error = None
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        error = f"timeout after {timeout:.0f} s"
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of the children is a maximum over every child waited for so far; the sampled sum
    # over the tree is the figure of this run (the sampler can miss a peak shorter than 20 ms)
    if over.is_set():
        error = f"memory over {max_rss_mb:,.0f} MB"
    if error is None and child.returncode != 0:
        tail = (err.strip().splitlines() or ["?"])[-1][:200]
        error = f"exit {child.returncode}: {tail}"
    return Measured(wall, cpu, peak[0] / 2**20, out, err, error)


def median(values: Sequence[float]) -> float:
    """Median, NaN for no values."""
    return statistics.median(values) if values else float("nan")


def summarise(runs: Sequence[Measured]) -> dict[str, float]:
    """Median wall and CPU seconds and the largest peak over the successful runs."""
    ok = [r for r in runs if r.error is None]
    return {
        "wall": median([r.wall for r in ok]),
        "cpu": median([r.cpu for r in ok]),
        "peak_mb": max((r.peak_mb for r in ok), default=float("nan")),
        "runs": float(len(ok)),
    }


def goal(value: float, limit: float, unit: str = "s") -> str:
    """``"12.3 s < 20 s met"``-style cell: the figure against its goal."""
    if value != value:  # NaN
        return f"- (goal < {limit:g} {unit})"
    verdict = "met" if value < limit else "NOT met"
    return f"< {limit:g} {unit} {verdict}"
