"""att_gt without covariates at 10 million units x 10 periods from sufficient statistics in DuckDB.

Usage::

    flock /work/wt/bench.lock .venv/bin/python benchmarks/did_attgt_10m.py [--units 10000000]
        [--memory-limit 8GB]

Writes the design of ``benchmarks/did_attgt.py`` (4 cohorts + 40 % never treated, T = 10; in
1M-unit chunks) to a Parquet file, then runs ``att_gt_moments`` on the file in a process of its
own (:func:`harness.measure`: wall and CPU seconds, peak resident memory of that process) with
DuckDB's ``memory_limit`` and a ``temp_directory`` to spill to, and prints the simple and dynamic
aggregates against the truth and the peak against the goal (10M units in 16 GB). No peer: the
in-memory estimators need the ``n x K`` matrix of influence functions (8 GB at this size for
``att_gt``'s 36 cells alone). Run it when the machine has the memory to spare (``free -g``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from did_attgt import make_data, truth
from harness import goal, load, measure

GOAL_MB = 16 * 1024

_CHILD = """
import json, sys
from outcomelab.did import att_gt_moments
res = att_gt_moments(sys.argv[1], outcome="y", unit="id", time="year", cohort="g",
                     memory_limit=sys.argv[2], temp_directory=sys.argv[3])
simple, dynamic = res.aggregate("simple"), res.aggregate("dynamic")
print(json.dumps({"simple": simple.estimate, "se": simple.std_error, "dynamic": dynamic.estimate}))
"""


def main() -> None:
    """Write the panel, run att_gt_moments on it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default="8GB")
    args = parser.parse_args()
    print(f"# {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.parquet"
        start = time.perf_counter()
        make_data(args.units, 0, path)
        size = path.stat().st_size / 2**20
        print(
            f"# wrote {args.units:,} units x 10 periods ({size:,.0f} MB Parquet) in "
            f"{time.perf_counter() - start:.0f} s"
        )
        spill = Path(tmp) / "spill"
        argv = [sys.executable, "-c", _CHILD, str(path), args.memory_limit, str(spill)]
        run = measure(argv, env={"OPENBLAS_NUM_THREADS": "1"})
    if run.error is not None:
        print(f"failed: {run.error}")
        return
    out = json.loads(next(x for x in reversed(run.stdout.splitlines()) if x.startswith("{")))
    true = truth()
    print(
        f"{'units':>12} {'wall s':>8} {'CPU s':>8} {'peak MB':>9}  {'goal':<22} "
        f"{'simple (truth)':>18} {'dynamic (truth)':>18}"
    )
    print(
        f"{args.units:>12,} {run.wall:>8.1f} {run.cpu:>8.1f} {run.peak_mb:>9,.0f}  "
        f"{goal(run.peak_mb, GOAL_MB, 'MB'):<22} "
        f"{out['simple']:>9.4f} ({true['simple']:.4f}) {out['dynamic']:>9.4f} "
        f"({true['dynamic']:.4f})"
    )
    print(f"# {load()}; DuckDB memory_limit {args.memory_limit}, spilling to a temporary folder")


if __name__ == "__main__":
    main()
