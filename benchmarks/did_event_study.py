"""Benchmark: ``sun_abraham`` and ``imputation`` against diff-diff's ``SunAbraham`` and
``ImputationDiD`` on the staggered design of ``did_attgt.py`` (4 cohorts and never-treated units,
10 yearly periods, heterogeneous dynamic effects, no covariates).

Each tool runs in its own Python subprocess (``did_attgt.run_tool``: the same prelude, timing and
memory figures) that reads the same Parquet file and estimates the event study and its overall
post-treatment effect (both tools' headline is the average over
treated unit-periods, whose true value is ``did_attgt.truth()["simple"]``). Wall time and CPU
time (user + system) of the whole process, imports included; medians over ``--repeats``; the
ratio is peer CPU / our CPU (> 1: we are faster). Peak memory is the child's maximum resident
set size. BLAS limited to one thread in every child.

Usage (wrap it in the shared benchmark lock)::

    flock /work/wt/bench.lock .venv/bin/python benchmarks/did_event_study.py --sizes 5000 50000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import did_attgt

_CHILD = {
    ("sun_abraham", "outcomelab"): """
from outcomelab.did import sun_abraham
res = sun_abraham(df, outcome="y", unit="id", time="year", cohort="g")
simple = res.estimate
dynamic = res.tidy().query("event_time >= 0")["estimate"].mean()
""",
    ("sun_abraham", "diff-diff"): """
from diff_diff import SunAbraham
res = SunAbraham().fit(df, outcome="y", unit="id", time="year", first_treat="g")
simple = res.overall_att
dynamic = sum(v["effect"] for e, v in res.event_study_effects.items() if e >= 0) / sum(
    1 for e in res.event_study_effects if e >= 0)
""",
    ("imputation", "outcomelab"): """
from outcomelab.did import imputation
res = imputation(df, outcome="y", unit="id", time="year", cohort="g")
simple = res.estimate
dynamic = res.tidy()["estimate"].mean()
""",
    ("imputation", "diff-diff"): """
from diff_diff import ImputationDiD
res = ImputationDiD().fit(df, outcome="y", unit="id", time="year", first_treat="g")
import numpy as np
es = res.aggregate("event_study")  # the event-time effects, as ours computes them
simple = res.overall_att
dynamic = float(np.nanmean(np.asarray(es.att)[~np.asarray(es.is_reference, bool)]))
""",
}
ESTIMATORS = ("sun_abraham", "imputation")
TOOLS = ("outcomelab", "diff-diff")
# the children run through did_attgt.run_tool (same prelude, epilogue, subprocess and timing)
did_attgt._CHILD.update({f"{est}/{tool}": code for (est, tool), code in _CHILD.items()})


def run(sizes: list[int], repeats: int = 3, timeout: float = 900.0) -> list[dict[str, Any]]:
    """One row per (estimator, size): ``<tool>_s``, ``<tool>_cpu``, ``<tool>_mb``,
    ``<tool>_estimate``, ``ratio`` (peer CPU / ours) and ``truth``."""
    truth = did_attgt.truth()["simple"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = did_attgt.make_data(n, 0, Path(tmp) / f"panel_{n}.parquet")
            for est in ESTIMATORS:
                row: dict[str, Any] = {"estimator": est, "units": n, "truth": truth}
                for tool in TOOLS:
                    key = f"{est}/{tool}"
                    runs = [did_attgt.run_tool(key, path, timeout) for _ in range(repeats)]
                    ok = [r for r in runs if "error" not in r]
                    if not ok:
                        row[f"{tool}_error"] = runs[0]["error"]
                        continue
                    row[f"{tool}_s"] = statistics.median(r["seconds"] for r in ok)
                    row[f"{tool}_cpu"] = statistics.median(r["cpu_seconds"] for r in ok)
                    row[f"{tool}_mb"] = max(r["rss_mb"] for r in ok)
                    row[f"{tool}_estimate"] = ok[0]["simple"]
                if "outcomelab_cpu" in row and "diff-diff_cpu" in row:
                    row["ratio"] = row["diff-diff_cpu"] / row["outcomelab_cpu"]
                rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = run(args.sizes, args.repeats)
    header = (
        f"{'estimator':<13}{'units':>9}{'ours s':>8}{'ours cpu':>9}{'dd s':>8}{'dd cpu':>8}"
        f"{'cpu dd/ours':>12}{'ours MB':>8}{'dd MB':>8}{'ours est':>10}{'dd est':>10}{'truth':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:

        def c(key: str, spec: str, r: dict[str, Any] = r) -> str:
            return format(r[key], spec) if key in r else format("-", spec[:-2].rstrip(".") or ">8")

        print(
            f"{r['estimator']:<13}{r['units']:>9,}{c('outcomelab_s', '8.2f')}"
            f"{c('outcomelab_cpu', '9.2f')}{c('diff-diff_s', '8.2f')}{c('diff-diff_cpu', '8.2f')}"
            f"{c('ratio', '12.2f')}{c('outcomelab_mb', '8.0f')}{c('diff-diff_mb', '8.0f')}"
            f"{c('outcomelab_estimate', '10.4f')}{c('diff-diff_estimate', '10.4f')}"
            f"{r['truth']:8.4f}"
        )
    print(f"medians over {args.repeats} run(s); each a fresh process (imports included).")


if __name__ == "__main__":
    main()
