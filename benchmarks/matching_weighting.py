"""Benchmark: IPW and AIPW (ATE) with sandwich SEs, outcomelab vs statsmodels' TreatmentEffect.

Each (size, tool, method, repeat) runs in its own Python subprocess, so imports count in the time
and the peak resident memory (``ru_maxrss`` of that child) belongs to one estimation alone. The
data are seeded and confounded (logit propensity in two covariates, one binary), with a true
average effect of 2.0, written to Parquet before timing; reading the file is part of both tools'
time. outcomelab's time includes the balance table it always computes.

Usage::

    .venv/bin/python benchmarks/matching_weighting.py                 # 10k and 100k rows
    .venv/bin/python benchmarks/matching_weighting.py --sizes 1000000 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

TRUTH = 2.0

_OURS = """
import json, resource, sys, time
start = time.perf_counter()
import pandas as pd
from outcomelab.matching import weighting
data = pd.read_parquet(sys.argv[1])
res = weighting(data, outcome="y", treatment="t", covariates=["x1", "x2"], estimand="ATE",
                method=sys.argv[2])
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"estimate": res.estimate, "se": res.std_error, "seconds": elapsed,
                  "maxrss_kb": rss}))
"""

_STATSMODELS = """
import json, resource, sys, time
start = time.perf_counter()
import numpy as np, pandas as pd, statsmodels.api as sm
from statsmodels.treatment.treatment_effects import TreatmentEffect
data = pd.read_parquet(sys.argv[1])
X = sm.add_constant(data[["x1", "x2"]].to_numpy(dtype=float))
t = data["t"].to_numpy()
sel = sm.Logit(t, X).fit(disp=0)
te = TreatmentEffect(sm.OLS(data["y"].to_numpy(), X), t, results_select=sel)
res = te.ipw() if sys.argv[2] == "ipw" else te.aipw()
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"estimate": float(res.effect[0]), "se": float(res.sd[0]), "seconds": elapsed,
                  "maxrss_kb": rss}))
"""


def make_data(rows: int, seed: int = 1) -> pd.DataFrame:
    """Confounded cross-section with a true ATE of ``TRUTH``."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=rows)
    x2 = rng.binomial(1, 0.4, size=rows)
    e = 1 / (1 + np.exp(-(-0.3 + 0.8 * x1 + 0.5 * x2)))
    t = rng.binomial(1, e)
    y = 1 + TRUTH * t + x1 + 0.5 * x2 + 0.5 * t * x1 + rng.normal(size=rows)
    return pd.DataFrame({"y": y, "t": t, "x1": x1, "x2": x2})


def run(script: str, path: Path, method: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), method],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    header = (
        f"{'rows':>9} {'method':>6} {'ours s':>8} {'statsm. s':>9} {'ratio':>6} "
        f"{'ours MB':>8} {'sm MB':>7} {'estimate':>9} {'truth':>6} {'SE ours':>8} {'SE sm':>8}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.sizes:
            path = Path(tmp) / f"data_{rows}.parquet"
            make_data(rows).to_parquet(path)
            for method in ("ipw", "aipw"):
                ours = [run(_OURS, path, method) for _ in range(args.repeats)]
                peer = [run(_STATSMODELS, path, method) for _ in range(args.repeats)]
                t_ours = statistics.median(r["seconds"] for r in ours)
                t_peer = statistics.median(r["seconds"] for r in peer)
                print(
                    f"{rows:>9} {method:>6} {t_ours:>8.2f} {t_peer:>9.2f} "
                    f"{t_ours / t_peer:>6.2f} {max(r['maxrss_kb'] for r in ours) / 1024:>8.0f} "
                    f"{max(r['maxrss_kb'] for r in peer) / 1024:>7.0f} "
                    f"{ours[0]['estimate']:>9.4f} {TRUTH:>6.2f} {ours[0]['se']:>8.4f} "
                    f"{peer[0]['se']:>8.4f}"
                )


if __name__ == "__main__":
    main()
