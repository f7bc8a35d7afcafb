"""Benchmark: TWFE with unit and period effects and unit-clustered SEs, outcomelab vs pyfixest.

Each (size, tool, repeat) runs in its own Python subprocess, so imports count in the time and the
peak resident memory (``ru_maxrss`` of that child) belongs to one estimation alone. The data are a
seeded balanced panel with T = 10 periods, half the units treated from period 6 on with a true
effect of 1.0 (not staggered, so TWFE is unbiased), written to Parquet before timing; reading the
file is part of both tools' time.

Usage::

    .venv/bin/python benchmarks/did_twfe.py                 # 100k and 1M rows, 3 repeats
    flock /tmp/outcomelab-bench.lock .venv/bin/python benchmarks/did_twfe.py --sizes 10000000 \
        --repeats 1

pyfixest is a benchmark-only peer (``pip install pyfixest``); without it the peer column is empty.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def make_panel(rows: int, seed: int = 1) -> pd.DataFrame:
    """Balanced panel of ``rows // T`` units x ``T`` periods with a known effect ``TRUTH``."""
    n = rows // T
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(n, dtype=np.int64), T)
    t = np.tile(np.arange(T, dtype=np.int64), n)
    d = ((ids % 2 == 0) & (t >= 5)).astype(np.int8)
    y = rng.standard_normal(n)[ids] + 0.2 * t + TRUTH * d + rng.standard_normal(n * T)
    return pd.DataFrame({"id": ids, "t": t, "d": d, "y": y})


def _run(script: str, path: Path) -> dict[str, float]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["seconds"] = elapsed
    return result


def _has_pyfixest() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import pyfixest"], capture_output=True)
    return probe.returncode == 0


def run(sizes: list[int], repeats: int = 3) -> list[dict[str, object]]:
    """Time both tools at each size; medians over ``repeats`` subprocess runs.

    Returns
    -------
    list of dict
        One row per size: ``rows, ours_s, peer_s, ratio, ours_peak_mb, peer_peak_mb,
        estimate, peer_estimate, truth, se``.
    """
    peer = _has_pyfixest()
    table: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"panel_{rows}.parquet"
            make_panel(rows).to_parquet(path)
            ours = [_run(_OURS, path) for _ in range(repeats)]
            theirs = [_run(_PYFIXEST, path) for _ in range(repeats)] if peer else []
            ours_s = statistics.median(r["seconds"] for r in ours)
            row: dict[str, object] = {
                "rows": rows,
                "ours_s": ours_s,
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
                    ratio=ours_s / peer_s,
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
    args = parser.parse_args()
    rows = run(args.sizes, args.repeats)
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
    print(f"medians over {args.repeats} runs; each run is a fresh process (imports included).")


if __name__ == "__main__":
    main()
