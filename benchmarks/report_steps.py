"""Where a standard report's analysis time and memory go: each step in one process, in order.

Usage::

    flock /work/wt/bench.lock .venv/bin/python benchmarks/report_steps.py --size large

Runs the analysis steps of the standard evaluation (:mod:`outcomelab.evaluation`) on the stored
example of ``benchmarks/report.py`` (run that first: it generates and stores the examples) in this
process, with the report kernel's environment (BLAS on one thread), and prints per step the CPU
and wall seconds and the peak resident memory of the process after it. The robustness step is
split into its checks: the other DiD comparison group, DiD without covariates, matching, and the
event-study rows (Sun-Abraham and imputation). There is no peer; the goals of the whole report
(``benchmarks/report.py``) are printed beside the total.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as in the report kernel (reports/kernel.py)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import load
from report import GOAL_MB, SIZES, WORK


def _step(name: str, run: Callable[[], Any]) -> Any:
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{name:<34} {time.process_time() - cpu:>8.2f} {time.perf_counter() - wall:>8.2f} "
        f"{peak:>9,.0f}",
        flush=True,
    )
    return result


def main() -> None:
    """Run the steps and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="example", choices=list(SIZES))
    args = parser.parse_args()
    from outcomelab import evaluation
    from outcomelab.evaluation import estimates, robustness
    from outcomelab.store import Store

    store = WORK / f"store-{args.size}"
    submission = str(Store(store).list()["submission_id"].iloc[0])
    params = {"submission": submission, "store_dir": str(store), "lang": "en"}
    print(f"# {load()}; {args.size} = {SIZES[args.size][0]:,} / {SIZES[args.size][1]:,}")
    print(f"{'step':<34} {'CPU s':>8} {'wall s':>8} {'peak MB':>9}")
    total = time.process_time()
    setup = _step("prepare (panel, covariates)", lambda: evaluation.prepare(params))
    est = _step("estimate (every outcome)", lambda: evaluation.estimate(setup))
    _step("diagnose", lambda: evaluation.diagnose(setup, est))
    code, other = setup.primary, "not_yet_treated"
    _step(
        "robustness: other control group",
        lambda: estimates.did_estimate(setup, code, control_group=other),
    )
    _step("robustness: no covariates", lambda: estimates.did_estimate(setup, code, covariates=None))
    _step("robustness: matching", lambda: estimates.run_matching(setup, adjust=True))
    _step("robustness: event-study rows", lambda: robustness._event_study_checks(setup))
    _step("value", lambda: evaluation.value_effects(setup, est))
    cpu = time.process_time() - total
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"total CPU {cpu:.1f} s (goal of the whole report: < {SIZES[args.size][2]:g} s wall); "
        f"peak {peak:,.0f} MB (goal < {GOAL_MB:,.0f} MB for the report's process tree)"
    )
    print(f"# {load()}")


if __name__ == "__main__":
    main()
