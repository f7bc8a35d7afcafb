"""Benchmark: 1:1 greedy nearest-neighbour propensity-score matching without replacement, with a
0.2 SD caliper, 10 covariates: outcomelab.matching.match vs MatchIt 4.5.1 (R) on the same data.

Each run is its own subprocess (Python or Rscript) measured by :func:`harness.measure`: wall and
CPU seconds of the whole process and the peak resident memory of its process tree (interpreter,
data, model). The seconds in the table are the matching call alone -- ``match()`` (logit model +
matching) and ``matchit()`` -- not reading the file, which is what the issue's MatchIt figures
measure; outcomelab's ``effect()`` time is shown separately. Printed beside the figures: the goal
(1 million treated / 10 million controls under 60 s and under 8 GB), the ratio MatchIt / ours
where MatchIt ran in the same run, and the machine's load.

The data are seeded and written to Parquet in chunks of :data:`CHUNK_ROWS` rows (random stream
``[seed, chunk]``), so that simulating 11 million rows never holds more than one chunk: every
chunk has the same share of treated rows at random positions; controls X ~ N(0, I_10), treated
X ~ N(mu, I_10) (so the logit propensity model is correct), Y = X b + 1.0 * A + e, true ATT 1.0.
Both tools use MatchIt's default caliper meaning (0.2 SD of the propensity score:
``caliper_scale="ps_sd"``).

Note: MatchIt 4.5.1's vector matching code compares score differences with an integer ``abs()``,
so its caliper on the propensity score does not bind and it takes the lower neighbour; its
estimate is therefore not the same matching as ours (see tests/reference/matchit_lalonde/SOURCE.md).

Usage::

    .venv/bin/python benchmarks/matching.py                       # 5k/50k, 50k/500k, 200k/2M
    .venv/bin/python benchmarks/matching.py --sizes 5000 --repeats 3 --matchit-max 50000
    flock /work/wt/bench.lock .venv/bin/python benchmarks/matching.py --sizes 1000000 \
        --repeats 1 --matchit-max 0                               # the goal: 1M / 10M
    .venv/bin/python benchmarks/matching.py --sizes 200000 --baseline /tmp/old/src  # before/after
    .venv/bin/python benchmarks/matching.py --sizes 200000 --exact 290  # exact=region, 290 levels
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import harness
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

TRUTH = 1.0
P = 10
#: rows simulated (and written) at a time
CHUNK_ROWS = 1_100_000
#: goal: 1 million treated / 10 million controls under 60 s and under 8 GB
GOAL_TREATED, GOAL_SECONDS, GOAL_MB = 1_000_000, 60.0, 8 * 1024

_OURS = """
import json, os, sys, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import pandas as pd
from outcomelab.matching import match
data = pd.read_parquet(sys.argv[1])
covs = [f"x{j}" for j in range(1, 11)]
match(data.head(2000), treatment="treat", covariates=covs)  # warm the compiled kernel cache
t0 = time.perf_counter()
c0 = time.process_time()
exact = "region" if "region" in data.columns else None
m = match(data, treatment="treat", covariates=covs, caliper=0.2, caliper_scale="ps_sd",
          exact=exact)
t1 = time.perf_counter()
c1 = time.process_time()
res = m.effect("y")
t2 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "cpu": c1 - c0, "effect_seconds": t2 - t1,
                  "estimate": res.estimate, "se": res.std_error, "matched": m.n_treated}))
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


def make_chunk(rows: int, treated: int, seed: list[int], strata: int = 0) -> pa.Table:
    """``rows`` simulated rows of which ``treated`` (at random positions) are treated; with
    ``strata``, a column ``region`` of that many equally likely levels (drawn independently)."""
    rng = np.random.default_rng(seed)
    a = np.zeros(rows, dtype=np.int64)
    a[rng.choice(rows, size=treated, replace=False)] = 1
    X = rng.normal(size=(rows, P))
    X += np.outer(a, np.linspace(0.05, 0.5, P))
    y = X @ np.linspace(1.0, -1.0, P) + TRUTH * a + rng.normal(size=rows)
    columns = {f"x{j + 1}": X[:, j] for j in range(P)}
    if strata:
        columns["region"] = rng.integers(0, strata, rows)
    return pa.table({**columns, "treat": a, "y": y})


def write_data(n1: int, n0: int, path: Path, seed: int = 1, strata: int = 0) -> None:
    """Write ``n1`` treated and ``n0`` comparison rows to Parquet, one chunk at a time."""
    total = n1 + n0
    writer = None
    done_rows = done_treated = 0
    for i, start in enumerate(range(0, total, CHUNK_ROWS)):
        rows = min(CHUNK_ROWS, total - start)
        treated = round((start + rows) * n1 / total) - done_treated
        table = make_chunk(rows, treated, [seed, i], strata)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        done_rows, done_treated = done_rows + rows, done_treated + treated
    assert writer is not None and done_rows == total and done_treated == n1
    writer.close()


def _child(argv: list[str], src: Path | None = None) -> dict[str, Any]:
    env = None if src is None else {"PYTHONPATH": str(src)}
    run = harness.measure(argv, env=env)
    if run.error is not None:
        raise RuntimeError(f"{argv[0]}: {run.error}\n{run.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    result.update(wall=run.wall, process_cpu=run.cpu, peak_mb=run.peak_mb)
    return result


def run_size(
    n1: int, repeats: int, matchit: int, tmp: Path, baseline: Path | None = None, strata: int = 0
) -> list[dict[str, Any]]:
    """Ours ``repeats`` times (and MatchIt ``matchit`` times, the code of ``baseline``
    ``repeats`` times) on ``n1`` / ``10 n1`` rows: one row of figures per code."""
    data = tmp / "d.parquet"
    write_data(n1, 10 * n1, data, strata=strata)
    rows = [_ours(n1, data, repeats, matchit, tmp, None)]
    if baseline is not None:
        rows.append(_ours(n1, data, repeats, 0, tmp, baseline))
    data.unlink()
    return rows


def _ours(
    n1: int, data: Path, repeats: int, matchit: int, tmp: Path, src: Path | None
) -> dict[str, Any]:
    n0 = 10 * n1
    ours = [_child([sys.executable, "-c", _OURS, str(data)], src) for _ in range(repeats)]
    row: dict[str, Any] = {
        "code": "this" if src is None else "baseline",
        "treated/control": f"{n1:,}/{n0:,}",
        "match_s": harness.median([r["seconds"] for r in ours]),
        "match_cpu": harness.median([r["cpu"] for r in ours]),
        "effect_s": harness.median([r["effect_seconds"] for r in ours]),
        "process_s": harness.median([r["wall"] for r in ours]),
        "process_cpu": harness.median([r["process_cpu"] for r in ours]),
        "peak_mb": max(r["peak_mb"] for r in ours),
        "att": ours[0]["estimate"],
        "se": ours[0]["se"],
        "matched": ours[0]["matched"],
    }
    if matchit:
        csv = tmp / "d.csv"
        pq.read_table(data).to_pandas().to_csv(csv, index=False)
        script = tmp / "matchit.R"
        script.write_text(_MATCHIT)
        theirs = [_child(["Rscript", str(script), str(csv)]) for _ in range(matchit)]
        row.update(
            matchit_s=harness.median([r["seconds"] for r in theirs]),
            matchit_peak_mb=max(r["peak_mb"] for r in theirs),
            matchit_att=theirs[0]["estimate"],
            matchit_matched=theirs[0]["matched"],
        )
        row["ratio"] = row["matchit_s"] / row["match_s"]
    return row


def _fmt(value: object, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(rows: list[dict[str, Any]], repeats: int, matchit_repeats: int) -> None:
    """Print the table, the goal beside the figures and the load."""
    print(
        f"{'code':>8} {'treated/control':>21} {'match s':>8} {'CPU s':>6} {'effect s':>8} "
        f"{'process s':>9} {'peak MB':>8} {'matched':>9} {'ATT':>7} {'MatchIt s':>9} {'ratio':>6} "
        f"{'MatchIt ATT':>11}"
    )
    for r in rows:
        print(
            f"{r['code']:>8} {r['treated/control']:>21} {r['match_s']:8.2f} {r['match_cpu']:6.1f} "
            f"{r['effect_s']:8.2f} {r['process_s']:9.1f} {r['peak_mb']:8,.0f} "
            f"{r['matched']:>9,} {r['att']:7.4f} {_fmt(r.get('matchit_s'), '9.1f')} "
            f"{_fmt(r.get('ratio'), '6.1f')} {_fmt(r.get('matchit_att'), '11.4f')}"
        )
    print(
        f"medians over {repeats} runs of ours, {matchit_repeats} of MatchIt (ratio = MatchIt s / "
        "match s, same data, same run); truth ATT 1.0; peak = process tree, whole run"
    )
    base = {r["treated/control"]: r for r in rows if r["code"] == "baseline"}
    for r in rows:
        b = base.get(r["treated/control"])
        if r["code"] == "this" and b is not None:
            print(
                f"{r['treated/control']}: baseline / this code = "
                f"{b['match_s'] / r['match_s']:.2f}x match() wall, "
                f"{b['match_cpu'] / r['match_cpu']:.2f}x CPU, "
                f"{b['peak_mb'] / r['peak_mb']:.2f}x peak (same data, same run)"
            )
    for r in rows:
        n1 = int(r["treated/control"].split("/")[0].replace(",", ""))
        if n1 >= GOAL_TREATED:
            print(
                f"goal 1M/10M ({r['code']} code): match() {r['match_s']:.1f} s "
                f"{harness.goal(r['match_s'], GOAL_SECONDS)}; peak {r['peak_mb']:,.0f} MB "
                f"{harness.goal(r['peak_mb'], GOAL_MB, 'MB')}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000, 200_000],
                        help="numbers of treated units (controls = 10x)")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--matchit-max", type=int, default=50_000,
                        help="largest treated count MatchIt is run on")  # fmt: skip
    parser.add_argument("--matchit-repeats", type=int, default=1)
    parser.add_argument("--exact", type=int, default=0,
                        help="exact= within this many regions (MatchIt not run)")  # fmt: skip
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout's src/, run on the same data")  # fmt: skip
    args = parser.parse_args()
    print(f"# {harness.load()}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n1 in args.sizes:
            matchit = args.matchit_repeats if n1 <= args.matchit_max and not args.exact else 0
            runs = run_size(n1, args.repeats, matchit, Path(tmp), args.baseline, args.exact)
            for row in runs:
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    report(rows, args.repeats, args.matchit_repeats)
    print(f"# {harness.load()}")


if __name__ == "__main__":
    main()
