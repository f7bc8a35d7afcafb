"""Benchmark: TWFE with unit and period effects and unit-clustered SEs, outcomelab vs pyfixest.

Each (size, tool, repeat) runs in its own Python subprocess, so imports count in the time and the
peak resident memory (``ru_maxrss`` of that child) belongs to one estimation alone. The data are a
seeded balanced panel with T = 10 periods, half the units treated from period 6 on with a true
effect of 1.0 (not staggered, so TWFE is unbiased), written to Parquet before timing; reading the
file is part of both tools' time.

Usage::

    .venv/bin/python benchmarks/did_twfe.py                 # 100k and 1M rows, 3 repeats
    flock /work/wt/bench.lock .venv/bin/python benchmarks/did_twfe.py --sizes 10000000 100000000 \
        --repeats 1 --peer-max-rows 10000000     # the goal: 100M rows (needs ~11 GB free)

Panels above 10 million rows are simulated and written in chunks of 1 million units (random
stream ``[seed, chunk]``). Printed beside the figures: CPU seconds, the ratio pyfixest / ours,
the peak per million rows and the goal (TWFE with unit and time effects and CR1 on 100M rows
under 16 GB): measured when the sizes reach 100M rows, else extrapolated linearly from the two
largest; and the machine's load.

pyfixest is a benchmark-only peer (``pip install pyfixest``); without it the peer column is empty.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

T = 10
TRUTH = 1.0

_OURS = """
import json, resource, sys, warnings
import pandas as pd
from outcomelab.did import twfe
data = pd.read_parquet(sys.argv[1])
res = twfe(data, outcome="y", unit="id", time="t", treatment="d")
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"estimate": res.estimate, "se": res.std_error, "maxrss_kb": rss}))
"""

_PYFIXEST = """
import json, resource, sys
import pandas as pd
import pyfixest as pf
data = pd.read_parquet(sys.argv[1])
fit = pf.feols("y ~ d | id + t", data=data, vcov={"CRV1": "id"})
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"estimate": float(fit.coef()["d"]), "se": float(fit.se()["d"]),
                  "maxrss_kb": rss}))
"""


#: goal: 100 million rows under 16 GB
GOAL_ROWS, GOAL_MB = 100_000_000, 16 * 1024
#: above this many rows the panel is simulated and written in chunks of this many units
CHUNK_UNITS = 1_000_000


def make_panel(
    rows: int, seed: int | list[int] = 1, first_id: int = 0, drop: float = 0.0
) -> pd.DataFrame:
    """Balanced panel of ``rows // T`` units x ``T`` periods with a known effect ``TRUTH``;
    with ``drop`` that share of the rows is left out at random (an unbalanced panel)."""
    n = rows // T
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(first_id, first_id + n, dtype=np.int64), T)
    t = np.tile(np.arange(T, dtype=np.int64), n)
    d = ((ids % 2 == 0) & (t >= 5)).astype(np.int8)
    y = rng.standard_normal(n)[ids - first_id] + 0.2 * t + TRUTH * d + rng.standard_normal(n * T)
    panel = pd.DataFrame({"id": ids, "t": t, "d": d, "y": y})
    if drop:
        panel = panel[rng.random(n * T) >= drop].reset_index(drop=True)
    return panel


def write_panel(rows: int, path: Path, drop: float = 0.0) -> None:
    """Write :func:`make_panel`'s panel to Parquet; above 10M rows in 1M-unit chunks."""
    if rows <= 10 * CHUNK_UNITS:
        make_panel(rows, drop=drop).to_parquet(path)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    units = rows // T
    for i, start in enumerate(range(0, units, CHUNK_UNITS)):
        size = min(CHUNK_UNITS, units - start)
        part = make_panel(size * T, seed=[1, i], first_id=start, drop=drop)
        table = pa.Table.from_pandas(part, preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def _run(script: str, path: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["seconds"] = elapsed
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def _has_pyfixest() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import pyfixest"], capture_output=True)
    return probe.returncode == 0


def run(
    sizes: list[int], repeats: int = 3, peer_max_rows: int = 10_000_000, drop: float = 0.0
) -> list[dict[str, Any]]:
    """Time both tools at each size; medians over ``repeats`` subprocess runs.

    Returns
    -------
    list of dict
        One row per size: ``rows, ours_s, peer_s, ratio, ours_peak_mb, peer_peak_mb,
        estimate, peer_estimate, truth, se``.
    """
    peer = _has_pyfixest()
    table: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"panel_{rows}.parquet"
            write_panel(rows, path, drop)
            ours = [_run(_OURS, path) for _ in range(repeats)]
            use_peer = peer and rows <= peer_max_rows
            theirs = [_run(_PYFIXEST, path) for _ in range(repeats)] if use_peer else []
            ours_s = statistics.median(r["seconds"] for r in ours)
            row: dict[str, Any] = {
                "rows": rows,
                "ours_s": ours_s,
                "ours_cpu": statistics.median(r["cpu"] for r in ours),
                "ours_peak_mb": statistics.median(r["maxrss_kb"] for r in ours) / 1024,
                "estimate": ours[0]["estimate"],
                "se": ours[0]["se"],
                "truth": TRUTH,
                "peer_s": None,
                "ratio": None,
                "peer_peak_mb": None,
                "peer_estimate": None,
            }
            if theirs:
                peer_s = statistics.median(r["seconds"] for r in theirs)
                row.update(
                    peer_s=peer_s,
                    ratio=peer_s / ours_s,
                    peer_peak_mb=statistics.median(r["maxrss_kb"] for r in theirs) / 1024,
                    peer_estimate=theirs[0]["estimate"],
                )
            table.append(row)
            path.unlink()
    return table


def _fmt(value: object, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--peer-max-rows", type=int, default=10_000_000)
    parser.add_argument("--drop", type=float, default=0.0,
                        help="share of rows left out at random (an unbalanced panel)")  # fmt: skip
    args = parser.parse_args()
    print(f"# load {os.getloadavg()[0]:.2f} / {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores")
    rows = run(args.sizes, args.repeats, args.peer_max_rows, args.drop)
    if args.drop:
        print(f"unbalanced: {args.drop:.0%} of the rows left out at random (rows = before)")
    print(
        f"{'rows':>11} {'ours s':>8} {'pyfixest s':>11} {'ratio':>6} {'ours MB':>8} "
        f"{'pyfixest MB':>11} {'estimate':>9} {'pyfixest':>9} {'truth':>6} {'SE':>8}"
    )
    for r in rows:
        print(
            f"{r['rows']:>11,} {_fmt(r['ours_s'], '8.2f')} {_fmt(r['peer_s'], '11.2f')} "
            f"{_fmt(r['ratio'], '6.2f')} {_fmt(r['ours_peak_mb'], '8.0f')} "
            f"{_fmt(r['peer_peak_mb'], '11.0f')} {_fmt(r['estimate'], '9.5f')} "
            f"{_fmt(r['peer_estimate'], '9.5f')} {r['truth']:>6} {_fmt(r['se'], '8.5f')}"
        )
    print(
        f"medians over {args.repeats} runs; each run is a fresh process (imports included); "
        "ratio = pyfixest s / ours s (same data, same run)"
    )
    print(f"# load {os.getloadavg()[0]:.2f} / {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores")
    for r in rows:
        n, peak = int(r["rows"]), float(r["ours_peak_mb"])
        per_million = peak / (n / 1e6)
        print(
            f"{n:,} rows: CPU {float(r['ours_cpu']):.1f} s, peak {peak:,.0f} MB "
            f"= {per_million:.0f} MB per million rows"
        )
    if rows:
        last = rows[-1]
        n, peak = int(last["rows"]), float(last["ours_peak_mb"])
        if n >= GOAL_ROWS:
            verdict = "met" if peak < GOAL_MB else "NOT met"
            print(
                f"goal: {GOAL_ROWS:,} rows under {GOAL_MB:,} MB: measured {peak:,.0f} MB, {verdict}"
            )
        elif len(rows) >= 2:
            # the fixed cost (interpreter, imports) cancels in the slope of the two largest sizes
            n0, peak0 = int(rows[-2]["rows"]), float(rows[-2]["ours_peak_mb"])
            guess = peak + (peak - peak0) / (n - n0) * (GOAL_ROWS - n)
            verdict = "would be met" if guess < GOAL_MB else "would NOT be met"
            print(
                f"goal: {GOAL_ROWS:,} rows under {GOAL_MB:,} MB: linear extrapolation from "
                f"{n0:,} and {n:,} rows = {guess:,.0f} MB ({verdict}; not measured)"
            )


if __name__ == "__main__":
    main()
