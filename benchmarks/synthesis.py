"""Benchmark: random-effects pooling of many outcomes at once, outcomelab vs PyMARE and metafor.

The data are seeded: for each of ``outcomes`` outcomes, ``per_outcome`` evaluations with standard
errors uniform on [0.02, 0.12], true effects drawn around a known outcome mean with tau = 0.04.
Every tool fits REML tau² with the Hartung-Knapp-Sidik-Jonkman interval per outcome. Times are
in-process medians over ``--repeats`` runs of the pooling call alone (data already in memory; R's
start-up and CSV read are outside its timer); peak memory is the tracemalloc peak of that call
(Python tools only). The number check column is the largest absolute difference of the pooled
estimates from outcomelab's; "bias" is the mean of (pooled estimate - true outcome mean).

Usage::

    .venv/bin/python benchmarks/synthesis.py                         # 50 x 200 and 50 x 10,000
    flock /work/wt/bench.lock .venv/bin/python benchmarks/synthesis.py --repeats 7

Peers are benchmark-only: PyMARE (``uv pip install pymare``) and R metafor (``Rscript``). metafor
and PyMARE form k x k matrices per outcome, so at 10,000 evaluations per outcome they are skipped
(``--peer-max`` sets the largest per-outcome size a peer is run at).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from outcomelab.synthesis import meta_analysis_by

TAU = 0.04

_R = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); repeats <- as.integer(args[2])
groups <- split(d, d$outcome)
times <- c()
for (r in seq_len(repeats)) {
  t0 <- proc.time()[["elapsed"]]
  est <- vapply(groups, function(g) as.numeric(rma(estimate, sei = std_error, data = g,
                method = "REML", test = "knha")$b), numeric(1))
  times <- c(times, proc.time()[["elapsed"]] - t0)
}
cat(jsonlite::toJSON(list(seconds = times, estimate = unname(est)), digits = NA))
"""


def make_data(per_outcome: int, outcomes: int, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Evaluations of ``outcomes`` outcomes with known outcome means (returned second)."""
    rng = np.random.default_rng(seed)
    mu = rng.normal(0.0, 0.1, outcomes)
    se = rng.uniform(0.02, 0.12, (outcomes, per_outcome))
    theta = mu[:, None] + TAU * rng.standard_normal((outcomes, per_outcome))
    y = theta + se * rng.standard_normal((outcomes, per_outcome))
    data = pd.DataFrame(
        {
            "outcome": np.repeat([f"o{i:03d}" for i in range(outcomes)], per_outcome),
            "estimate": y.ravel(),
            "std_error": se.ravel(),
        }
    )
    return data, mu


def _timed(fn: Callable[[], np.ndarray], repeats: int) -> tuple[float, float, np.ndarray]:
    times = []
    out = np.empty(0)
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, out


def ours(data: pd.DataFrame) -> np.ndarray:
    table = meta_analysis_by(data, by="outcome", method="reml", ci="hksj")
    return table["estimate"].to_numpy()


def pymare_fit(data: pd.DataFrame, per_outcome: int, outcomes: int) -> np.ndarray:
    from pymare import estimators

    y = data["estimate"].to_numpy().reshape(outcomes, per_outcome).T
    v = (data["std_error"].to_numpy() ** 2).reshape(outcomes, per_outcome).T
    est = estimators.VarianceBasedLikelihoodEstimator(method="REML")
    est.fit(y=y, v=v, X=np.ones((per_outcome, 1)))
    return np.asarray(est.params_["fe_params"]).ravel()


def metafor_fit(data: pd.DataFrame, repeats: int) -> tuple[float, np.ndarray] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "d.csv"
        data.to_csv(csv, index=False)
        script = Path(tmp) / "fit.R"
        script.write_text(_R)
        run = subprocess.run(
            ["Rscript", str(script), str(csv), str(repeats)],
            capture_output=True,
            text=True,
            check=True,
        )
    out = json.loads(run.stdout)
    return statistics.median(out["seconds"]), np.asarray(out["estimate"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", type=int, default=50)
    parser.add_argument("--per-outcome", type=int, nargs="+", default=[200, 10_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peer-max", type=int, default=1000)
    args = parser.parse_args()
    header = (
        f"{'evaluations':>11} {'outcomes':>8} {'tool':>9} {'median s':>9} {'ratio':>7} "
        f"{'peak MiB':>9} {'max |diff|':>11} {'bias':>9}"
    )
    print(header)
    print("-" * len(header))
    for per in args.per_outcome:
        data, mu = make_data(per, args.outcomes)
        total = per * args.outcomes
        t_ours, mem, est = _timed(lambda data=data: ours(data), args.repeats)
        rows = [("outcomelab", t_ours, mem, 0.0, float(np.mean(est - mu)))]
        if per <= args.peer_max:
            try:
                t, m, e = _timed(
                    lambda data=data, per=per: pymare_fit(data, per, args.outcomes), args.repeats
                )
                rows.append(
                    ("PyMARE", t, m, float(np.max(np.abs(e - est))), float(np.mean(e - mu)))
                )
            except ImportError:
                rows.append(("PyMARE", float("nan"), float("nan"), float("nan"), float("nan")))
            r = metafor_fit(data, args.repeats)
            if r is not None:
                rows.append(
                    (
                        "metafor",
                        r[0],
                        float("nan"),
                        float(np.max(np.abs(r[1] - est))),
                        float(np.mean(r[1] - mu)),
                    )
                )
        for tool, seconds, peak, diff, bias in rows:
            print(
                f"{total:>11,} {args.outcomes:>8} {tool:>9} {seconds:>9.4f} "
                f"{seconds / t_ours:>7.1f} {peak:>9.1f} {diff:>11.2e} {bias:>9.4f}"
            )


if __name__ == "__main__":
    main()
