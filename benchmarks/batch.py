"""Batch evaluation benchmark: N evaluations with 1 and 2 local workers and a 2-worker Dask cluster.

Usage::

    .venv/bin/python benchmarks/batch.py [--n 50] [--participants 300] [--pool 1500]

Each evaluation is the standard report on its own generated intervention (a different seed). The
cache is cleared between configurations (``force=True``) so every configuration runs everything.
Prints wall time, time per evaluation and the speed-up over one worker.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from outcomelab.batch import load_manifest, run_batch
from outcomelab.example import generate_example


def _manifest(folder: Path, n: int, participants: int, pool: int) -> Path:
    entries = []
    for i in range(n):
        data = folder / "data" / f"intervention_{i:03d}"
        generate_example(data, n_participants=participants, n_pool=pool, seed=1000 + i)
        entries.append({"name": f"intervention_{i:03d}", "data": str(data)})
    path = folder / "manifest.yaml"
    path.write_text(yaml.safe_dump({"defaults": {"lang": "en"}, "evaluations": entries}))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--pool", type=int, default=1500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jobs = load_manifest(_manifest(folder, args.n, args.participants, args.pool))
        rows = []
        failures: list[str] = []
        for label, kwargs in (
            ("local, 1 worker", {"workers": 1}),
            ("local, 2 workers", {"workers": 2}),
            ("Dask LocalCluster, 2 workers", {"cluster": 2}),
        ):
            start = time.perf_counter()
            if "cluster" in kwargs:
                from distributed import LocalCluster

                with LocalCluster(
                    n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
                ) as cluster:
                    summary = run_batch(
                        jobs,
                        folder / "out",
                        scheduler=cluster.scheduler_address,
                        force=True,
                        show_progress=False,
                    )
            else:
                summary = run_batch(
                    jobs,
                    folder / "out",
                    workers=kwargs["workers"],
                    force=True,
                    show_progress=False,
                )
            wall = time.perf_counter() - start
            rows.append((label, wall, summary.count("done"), summary.count("failed")))
            failures.extend(f"{label}: {f.name}: {f.reason}" for f in summary.failures)

    base = rows[0][1]
    print(f"{args.n} evaluations ({args.participants} participants, {args.pool} pool each)")
    print(
        f"{'configuration':<32}{'wall s':>9}{'s/eval':>9}{'speed-up':>10}{'done':>6}{'failed':>8}"
    )
    for label, wall, done, failed in rows:
        print(
            f"{label:<32}{wall:>9.1f}{wall / args.n:>9.2f}{base / wall:>10.2f}{done:>6}{failed:>8}"
        )


if __name__ == "__main__":
    main()
