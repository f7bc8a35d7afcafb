"""Benchmark: 1:1 greedy nearest-neighbour propensity-score matching without replacement, with a
0.2 SD caliper, 10 covariates: outcomelab.matching.match vs MatchIt 4.5.1 (R) on the same data.

Each run is its own subprocess (Python or Rscript) under ``/usr/bin/time``, so the peak resident
memory is that of one matching alone (the whole process: interpreter, data and model). The time is
the matching call only -- ``match()`` (logit model + matching) and ``matchit()`` -- not reading the
file, which is what the issue's MatchIt figures measure; outcomelab's ``effect()`` time is shown
separately. The data are seeded: controls X ~ N(0, I_10), treated X ~ N(mu, I_10) (so the logit
propensity model is correct), Y = X b + 1.0 * A + e, true ATT 1.0. Both tools use MatchIt's
default caliper meaning (0.2 SD of the propensity score: ``caliper_scale="ps_sd"``).

Note: MatchIt 4.5.1's vector matching code compares score differences with an integer ``abs()``,
so its caliper on the propensity score does not bind and it takes the lower neighbour; its
estimate is therefore not the same matching as ours (see tests/reference/matchit_lalonde/SOURCE.md).

Usage::

    .venv/bin/python benchmarks/matching.py                       # 5k/50k, 50k/500k, 200k/2M
    .venv/bin/python benchmarks/matching.py --sizes 5000 --repeats 3 --matchit-max 50000
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

TRUTH = 1.0
P = 10

_OURS = """
import json, sys, time
import pandas as pd
from outcomelab.matching import match
data = pd.read_parquet(sys.argv[1])
covs = [f"x{j}" for j in range(1, 11)]
match(data.head(2000), treatment="treat", covariates=covs)  # warm the compiled kernel cache
t0 = time.perf_counter()
m = match(data, treatment="treat", covariates=covs, caliper=0.2, caliper_scale="ps_sd")
t1 = time.perf_counter()
res = m.effect("y")
t2 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "effect_seconds": t2 - t1, "estimate": res.estimate,
                  "se": res.std_error, "matched": m.n_treated}))
"""

_MATCHIT = r"""
suppressPackageStartupMessages({library(MatchIt); library(data.table)})
args <- commandArgs(trailingOnly = TRUE)
d <- as.data.frame(fread(args[1]))
f <- as.formula(paste("treat ~", paste0("x", 1:10, collapse = " + ")))
t0 <- proc.time()[["elapsed"]]
m <- matchit(f, data = d, method = "nearest", distance = "glm", caliper = 0.2)
t1 <- proc.time()[["elapsed"]]
md <- match.data(m)
est <- coef(lm(y ~ treat, data = md, weights = weights))[["treat"]]
cat(sprintf('{"seconds": %.6f, "estimate": %.8f, "matched": %d}\n', t1 - t0, est,
            sum(m$weights[d$treat == 1] > 0)))
"""


def make_data(n1: int, n0: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mu = np.linspace(0.05, 0.5, P)
    X = rng.normal(size=(n1 + n0, P))
    X[:n1] += mu
    a = np.r_[np.ones(n1, dtype=np.int64), np.zeros(n0, dtype=np.int64)]
    b = np.linspace(1.0, -1.0, P)
    y = X @ b + TRUTH * a + rng.normal(size=n1 + n0)
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(1, P + 1)])
    df["treat"] = a
    df["y"] = y
    return df.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def run(cmd: list[str]) -> dict[str, float]:
    out = subprocess.run(
        ["/usr/bin/time", "-f", "MAXRSS %M", *cmd], capture_output=True, text=True, check=True
    )
    rss_kb = next(int(x.split()[1]) for x in out.stderr.splitlines() if x.startswith("MAXRSS"))
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["peak_gb"] = rss_kb / 1024**2
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000, 200_000],
                        help="numbers of treated units (controls = 10x)")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--matchit-max", type=int, default=50_000,
                        help="largest treated count MatchIt is run on")  # fmt: skip
    parser.add_argument("--matchit-repeats", type=int, default=1)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        script_r = Path(tmp) / "matchit.R"
        script_r.write_text(_MATCHIT)
        for n1 in args.sizes:
            n0 = 10 * n1
            data = make_data(n1, n0)
            pq, csv = Path(tmp) / "d.parquet", Path(tmp) / "d.csv"
            data.to_parquet(pq)
            ours = [run([sys.executable, "-c", _OURS, str(pq)]) for _ in range(args.repeats)]
            row = {
                "treated/control": f"{n1:,}/{n0:,}",
                "ours_s": statistics.median(r["seconds"] for r in ours),
                "ours_effect_s": statistics.median(r["effect_seconds"] for r in ours),
                "ours_peak_gb": max(r["peak_gb"] for r in ours),
                "ours_att": ours[0]["estimate"],
                "ours_se": ours[0]["se"],
                "ours_matched": ours[0]["matched"],
            }
            if n1 <= args.matchit_max:
                data.to_csv(csv, index=False)
                theirs = [run(["Rscript", str(script_r), str(csv)])
                          for _ in range(args.matchit_repeats)]  # fmt: skip
                row.update(
                    matchit_s=statistics.median(r["seconds"] for r in theirs),
                    matchit_peak_gb=max(r["peak_gb"] for r in theirs),
                    matchit_att=theirs[0]["estimate"],
                    matchit_matched=theirs[0]["matched"],
                )
                row["ratio"] = row["matchit_s"] / row["ours_s"]
            else:
                row.update(matchit_s=float("nan"), matchit_peak_gb=float("nan"),
                           matchit_att=float("nan"), matchit_matched=float("nan"),
                           ratio=float("nan"))  # fmt: skip
            row["truth"] = TRUTH
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    print(f"repeats: ours {args.repeats} (median), MatchIt {args.matchit_repeats}; MatchIt not "
          f"run above {args.matchit_max:,} treated (minutes to hours); NaN = not run")  # fmt: skip
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
