"""Benchmark: Callaway & Sant'Anna ``att_gt`` + simple and dynamic aggregation against peer tools.

Design: staggered adoption, 4 cohorts (first treated 2013, 2015, 2017, 2019, shares 0.15 each) and
40% never treated, T = 10 yearly periods (2011-2020), never-treated controls, doubly robust.
Untreated outcomes ``Y_it(0) = a_i + 0.2 t + 0.3 sum_k x_ik t / 3 + e_it``; the covariates'
means differ by cohort, so with covariates only the conditional parallel trends hold. Effects are
``ATT(g, t) = theta_g (1 + 0.2 (t - g))`` for ``t >= g`` (``theta = 1.0, 0.8, 0.6, 0.4``). The
true simple aggregate and dynamic overall effect are computed from the design.

Each tool runs in its own Python subprocess (``python -c``, measured by ``harness.measure``), so
import time and memory count and are separate: the timed process reads the same Parquet file,
estimates ATT(g,t) with analytic standard errors and the simple and dynamic aggregations. Wall
time and CPU time (user + system) cover the whole process; on a shared, loaded machine CPU time
is the steadier figure and the ratio is peer CPU / our CPU. Peak memory is the process's sampled
resident set. Medians over ``repeats``. BLAS is limited to one thread in every child
(``OPENBLAS_NUM_THREADS=1``): with many threads on a loaded 2-core machine OpenBLAS slows all
tools down by an order of magnitude.

The table has one line per size and covariate setting: our median CPU (wall) and peak, each
peer's median CPU (wall), its ratio to ours and its peak, and the goals of issue 18 beside them
(CPU at least 2x below the fastest peer's; 1M units under 15 s). Every run is capped
(``--timeout`` seconds, ``--max-rss-mb`` of resident memory): a peer that runs out of time or
memory is shown as such, with the CPU it had used over ours as a lower bound of the ratio, and is
not repeated, so the whole command finishes in minutes.

Usage (run it under the shared benchmark lock)::

    flock /work/wt/bench.lock .venv/bin/python benchmarks/did_attgt.py --sizes 50000 200000
    flock /work/wt/bench.lock .venv/bin/python benchmarks/did_attgt.py --sizes 1000000 \
        --repeats 1 --timeout 180 --max-rss-mb 8000

Peers (test-only, never imported by outcomelab): diff-diff, csdid, moderndid.

``--moments``: ours is ``att_gt_moments`` (no covariates; DuckDB reads the Parquet file and
returns per-cohort sufficient statistics), and the peer ``outcomelab-att_gt`` is the ordinary
``att_gt``, e.g.::

    flock /work/wt/bench.lock .venv/bin/python benchmarks/did_attgt.py --moments --covariates 0 \
        --sizes 200000 1000000 --peers outcomelab-att_gt diff-diff --peer-max-units 1000000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import load, measure

YEARS = np.arange(2011, 2021)
COHORTS = np.array([0, 2013, 2015, 2017, 2019])
SHARES = np.array([0.40, 0.15, 0.15, 0.15, 0.15])
THETA = {2013: 1.0, 2015: 0.8, 2017: 0.6, 2019: 0.4}
COV_SHIFT = {0: 0.0, 2013: 0.5, 2015: 0.25, 2017: -0.25, 2019: -0.5}
PEERS = ("diff-diff", "csdid", "moderndid")


def true_att(g: int, t: int) -> float:
    """ATT(g,t) of the design."""
    return THETA[g] * (1 + 0.2 * (t - g)) if t >= g else 0.0


def truth() -> dict[str, float]:
    """The true simple aggregate and dynamic overall effect (population cohort shares)."""
    num = den = 0.0
    for g, p in zip(COHORTS[1:], SHARES[1:], strict=True):
        for t in YEARS[g <= YEARS]:
            num += p * true_att(int(g), int(t))
            den += p
    dyn = []
    for e in range(0, int(YEARS[-1] - COHORTS[1]) + 1):
        cells = [(g, p) for g, p in zip(COHORTS[1:], SHARES[1:], strict=True) if g + e <= YEARS[-1]]
        w = sum(p for _, p in cells)
        dyn.append(sum(p * true_att(int(g), int(g + e)) for g, p in cells) / w)
    return {"simple": num / den, "dynamic": float(np.mean(dyn))}


#: above this many units the panel is simulated and written in chunks of this many units
CHUNK_UNITS = 1_000_000


def _simulate(n_units: int, n_cov: int, rng: np.random.Generator, first_id: int) -> pd.DataFrame:
    """The long panel of ``n_units`` units (ids from ``first_id``)."""
    g = rng.choice(COHORTS, size=n_units, p=SHARES)
    shift = np.vectorize(COV_SHIFT.get)(g)
    t = (YEARS - YEARS[0]).astype(float)
    y = rng.normal(size=n_units)[:, None] + 0.2 * t + rng.normal(size=(n_units, len(YEARS)))
    cols: dict[str, Any] = {}
    for k in range(n_cov):
        x = rng.normal(size=n_units) + shift
        y += 0.3 * x[:, None] * t / n_cov
        cols[f"x{k + 1}"] = np.repeat(x, len(YEARS))
    for c in COHORTS[1:]:
        for j, yr in enumerate(YEARS):
            if yr >= c:
                y[g == c, j] += true_att(int(c), int(yr))
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(first_id, first_id + n_units, dtype=np.int64), len(YEARS)),
            "year": np.tile(YEARS, n_units).astype(np.int64),
            "g": np.repeat(g, len(YEARS)).astype(np.int64),
            "y": y.ravel(),
            **cols,
        }
    )


def make_data(n_units: int, n_cov: int, path: Path, seed: int = 1) -> Path:
    """Write the simulated long panel (``n_units * 10`` rows) to ``path`` as Parquet.

    Up to :data:`CHUNK_UNITS` units in one piece (the data of earlier runs); larger panels in
    chunks of that many units (random stream ``[seed, chunk]``), so that simulating 10 million
    units needs ~1 GB rather than ~8 GB.
    """
    if n_units <= CHUNK_UNITS:
        _simulate(n_units, n_cov, np.random.default_rng(seed), 0).to_parquet(path, index=False)
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    for i, start in enumerate(range(0, n_units, CHUNK_UNITS)):
        size = min(CHUNK_UNITS, n_units - start)
        part = _simulate(size, n_cov, np.random.default_rng([seed, i]), start)
        table = pa.Table.from_pandas(part, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    return path


_CHILD = {
    "outcomelab": """
from outcomelab.did import att_gt
res = att_gt(df, outcome="y", unit="id", time="year", cohort="g", covariates=COVS or None)
simple = res.aggregate("simple").estimate
dynamic = res.aggregate("dynamic").estimate
""",
    "diff-diff": """
from diff_diff import CallawaySantAnna
res = CallawaySantAnna(control_group="never_treated", estimation_method="dr").fit(
    df, outcome="y", unit="id", time="year", first_treat="g", covariates=COVS or None)
import numpy as np
simple = float(np.ravel(res.aggregate("simple").att)[0])
es = res.aggregate("event_study")
e = np.asarray(es.event_time)
dynamic = float(np.mean(np.asarray(es.att)[(e >= 0) & ~np.asarray(es.is_reference, bool)]))
""",
    "csdid": """
from csdid.att_gt import ATTgt
xf = ("y~" + "+".join(COVS)) if COVS else None
res = ATTgt(yname="y", tname="year", idname="id", gname="g", data=df,
            control_group=["nevertreated"], xformla=xf).fit(est_method="dr", bstrap=False)
res.aggte(typec="simple", bstrap=False)
simple = float(res.atte["overall_att"])
res.aggte(typec="dynamic", bstrap=False)
dynamic = float(res.atte["overall_att"])
""",
    "moderndid": """
import moderndid as md
res = md.att_gt(data=df, yname="y", tname="year", idname="id", gname="g",
                xformla=("~" + "+".join(COVS)) if COVS else None,
                control_group="nevertreated", est_method="dr", boot=False, cband=False)
simple = md.aggte(res, type="simple", boot=False, cband=False).overall_att
dynamic = md.aggte(res, type="dynamic", boot=False, cband=False).overall_att
""",
}

# att_gt without covariates from sufficient statistics: DuckDB reads the Parquet file itself
_MOMENTS = """
from outcomelab.did import att_gt_moments
res = att_gt_moments(sys.argv[1], outcome="y", unit="id", time="year", cohort="g",
                     memory_limit=sys.argv[2] if len(sys.argv) > 2 else None)
simple = res.aggregate("simple").estimate
dynamic = res.aggregate("dynamic").estimate
"""
_CHILD["outcomelab-att_gt"] = _CHILD["outcomelab"]  # the ordinary path, as a peer of --moments

_LIGHT_PRELUDE = """
import json, resource, sys, warnings
warnings.filterwarnings("ignore")
"""

_PRELUDE = """
import json, resource, sys, warnings
warnings.filterwarnings("ignore")
import pandas as pd
df = pd.read_parquet(sys.argv[1])
COVS = [c for c in df.columns if c.startswith("x")]
"""
_EPILOGUE = """
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps({"simple": float(simple), "dynamic": float(dynamic), "rss_mb": rss}))
"""


def run_tool(
    tool: str,
    path: Path,
    timeout: float,
    moments: bool = False,
    memory_limit: str | None = None,
    max_rss_mb: float | None = None,
) -> dict[str, Any]:
    """Run one tool in a fresh interpreter (:func:`harness.measure`): wall and CPU seconds of the
    whole process and its sampled peak memory; ``{"error": ...}`` when it fails, runs out of
    ``timeout`` seconds or goes over ``max_rss_mb`` (then ``cpu_seconds`` is the CPU it used).

    With ``moments`` "outcomelab" is ``att_gt_moments`` reading the Parquet file itself (with
    DuckDB's ``memory_limit`` when given).
    """
    if moments and tool == "outcomelab":
        code = _LIGHT_PRELUDE + _MOMENTS + _EPILOGUE
    else:
        code = _PRELUDE + _CHILD[tool] + _EPILOGUE
    run = measure(
        [sys.executable, "-c", code, str(path), *([memory_limit] if memory_limit else [])],
        env={"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
        timeout=timeout,
        max_rss_mb=max_rss_mb,
    )
    line = [x for x in run.stdout.splitlines() if x.startswith("RESULT ")]
    if run.error is not None or not line:
        return {"error": run.error or "no result line", "cpu_seconds": run.cpu}
    out: dict[str, Any] = json.loads(line[-1][7:])
    out["seconds"] = run.wall
    out["cpu_seconds"] = run.cpu
    out["rss_mb"] = max(out["rss_mb"], run.peak_mb)
    return out


def _time_tool(
    row: dict[str, Any], tool: str, path: Path, repeats: int, caps: dict[str, Any]
) -> None:
    """Time ``tool`` ``repeats`` times into ``row`` (medians); a run that fails, runs out of time
    or memory is not repeated and is recorded as ``<tool>_error``."""
    runs = []
    for _ in range(repeats):
        runs.append(run_tool(tool, path, **caps))
        if "error" in runs[-1]:
            break
    ok = [r for r in runs if "error" not in r]
    if len(ok) < len(runs):
        row[f"{tool}_s"] = float("nan")
        row[f"{tool}_error"] = runs[-1]["error"]
        row[f"{tool}_cpu_at_stop"] = runs[-1]["cpu_seconds"]
        return
    row[f"{tool}_runs"] = len(ok)
    row[f"{tool}_s"] = statistics.median(r["seconds"] for r in ok)
    row[f"{tool}_cpu"] = statistics.median(r["cpu_seconds"] for r in ok)
    row[f"{tool}_mb"] = max(r["rss_mb"] for r in ok)
    row[f"{tool}_simple"] = ok[0]["simple"]
    row[f"{tool}_dynamic"] = ok[0]["dynamic"]


def run(
    sizes: list[int],
    *,
    covariates: tuple[int, ...] = (0, 3),
    peers: tuple[str, ...] = PEERS,
    repeats: int = 3,
    peer_max_units: int = 1_000_000,
    timeout: float = 600.0,
    moments: bool = False,
    memory_limit: str | None = None,
    max_rss_mb: float | None = None,
    report: bool = True,
) -> list[dict[str, Any]]:
    """Run the benchmark and return one row per (size, covariates).

    Parameters
    ----------
    sizes
        Numbers of units (rows = 10 x units).
    covariates
        Numbers of covariates to run (0 = unconditional, 3 = doubly robust with 3 covariates).
    peers
        Peer tools to time in the same run.
    repeats
        Repeats per tool; the median time is reported.
    peer_max_units
        Peers are not run above this size.
    timeout
        Seconds before a run is stopped (a peer that runs out of time is shown as such).
    moments
        Ours is ``att_gt_moments`` (sufficient statistics in DuckDB; no covariates only);
        ``outcomelab-att_gt`` in ``peers`` is then the ordinary ``att_gt``.
    memory_limit
        DuckDB's memory limit for ``att_gt_moments`` (e.g. ``"4GB"``; it spills beyond).
    max_rss_mb
        A run whose process goes over this many MiB is stopped and shown as out of memory.
    report
        Print each row's table as it is measured.

    Returns
    -------
    list of dict
        ``units, rows, covariates, outcomelab_s, outcomelab_cpu, <peer>_s, <peer>_cpu,
        <peer>_cpu_ratio, outcomelab_mb, <peer>_mb, <peer>_error, simple_truth, dynamic_truth``.
    """
    true = truth()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for k in covariates:
                path = make_data(n, k, Path(tmp) / f"panel_{n}_{k}.parquet")
                row: dict[str, Any] = {"units": n, "rows": n * len(YEARS), "covariates": k}
                tools = ["outcomelab"] + [p for p in peers if n <= peer_max_units]
                for tool in tools:
                    caps = {
                        "timeout": timeout,
                        "moments": moments,
                        "memory_limit": memory_limit if tool == "outcomelab" else None,
                        "max_rss_mb": max_rss_mb,
                    }
                    _time_tool(row, tool, path, repeats, caps)
                for p in peers:
                    if np.isfinite(row.get(f"{p}_s", np.nan)):
                        row[f"{p}_ratio"] = row[f"{p}_s"] / row["outcomelab_s"]
                        row[f"{p}_cpu_ratio"] = row[f"{p}_cpu"] / row["outcomelab_cpu"]
                row["simple_truth"] = true["simple"]
                row["dynamic_truth"] = true["dynamic"]
                rows.append(row)
                path.unlink()
                if report:
                    print(_table([row], peers, header=len(rows) == 1), flush=True)
    return rows


#: the issue's goals: CPU at least this many times below the fastest peer's, and 1M units in
GOAL_RATIO = 2.0
#: ... under this many seconds
GOAL_1M_SECONDS = 15.0


def _peer_cell(r: dict[str, Any], p: str) -> str:
    """A peer's median CPU (wall) and its ratio to ours, or why it has none."""
    if np.isfinite(r.get(f"{p}_s", np.nan)):
        return (
            f"{r[f'{p}_cpu']:.2f} ({r[f'{p}_s']:.1f}) {r[f'{p}_cpu_ratio']:.1f}x "
            f"{r[f'{p}_mb']:.0f}MB"
        )
    if f"{p}_error" in r:
        ours = r.get("outcomelab_cpu", np.nan)
        lower = r[f"{p}_cpu_at_stop"] / ours if np.isfinite(ours) and ours > 0 else np.nan
        capped = r[f"{p}_error"].startswith(("timeout", "memory"))
        bound = f", >= {lower:.1f}x" if capped and np.isfinite(lower) else ""
        return f"{r[f'{p}_error'][:60]}{bound}"
    return "not run"


def fastest_peer(r: dict[str, Any], peers: tuple[str, ...]) -> tuple[str, float] | None:
    """The peer with the least CPU in this row and its CPU over ours, or ``None``."""
    timed = [(r[f"{p}_cpu"], p) for p in peers if np.isfinite(r.get(f"{p}_s", np.nan))]
    if not timed:
        return None
    cpu, name = min(timed)
    return name, cpu / r["outcomelab_cpu"]


def _goal_cell(r: dict[str, Any], peers: tuple[str, ...], moments: bool) -> str:
    """The goals beside the figures: >= 2x the fastest peer (CPU); 1M units < 15 s."""
    parts = []
    best = fastest_peer(r, peers)
    if best is not None:
        verdict = "met" if best[1] >= GOAL_RATIO else "NOT met"
        parts.append(f">= {GOAL_RATIO:g}x fastest peer ({best[0]} {best[1]:.1f}x): {verdict}")
    elif any(f"{p}_error" in r for p in peers):
        parts.append(f">= {GOAL_RATIO:g}x: every peer failed or ran out (see their cells)")
    if r["units"] == 1_000_000:
        wall, cpu = r.get("outcomelab_s", np.nan), r.get("outcomelab_cpu", np.nan)
        verdict = (
            "met"
            if wall < GOAL_1M_SECONDS
            else ("met on CPU, NOT on wall (load)" if cpu < GOAL_1M_SECONDS else "NOT met")
        )
        parts.append(f"1M < {GOAL_1M_SECONDS:g} s: {verdict}")
    if moments and r["units"] >= 10_000_000:
        mb = r.get("outcomelab_mb", np.nan)
        parts.append(f"< 16 GB: {'met' if mb < 16 * 1024 else 'NOT met'}")
    return "; ".join(parts) or "-"


def _table(rows: list[dict[str, Any]], peers: tuple[str, ...], header: bool = True) -> str:
    """One line per (size, covariates): our median CPU (wall) and peak, each peer's median CPU
    (wall), its CPU over ours and its peak (or why it has none), the goals, the estimates."""
    cols = ["units", "cov", "ours CPU s (wall)", "ours MB"]
    cols += [f"{p}: CPU s (wall) ratio MB" for p in peers]
    cols += ["goal", "simple (truth)", "dynamic (truth)"]
    lines = []
    if header:
        lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        ours = (
            f"{r['outcomelab_cpu']:.2f} ({r['outcomelab_s']:.1f})"
            if np.isfinite(r.get("outcomelab_s", np.nan))
            else f"failed: {r.get('outcomelab_error', '?')[:60]}"
        )
        cells = [f"{r['units']:,}", str(r["covariates"]), ours, f"{r.get('outcomelab_mb', 0):.0f}"]
        cells += [_peer_cell(r, p) for p in peers]
        cells.append(_goal_cell(r, peers, bool(r.get("moments"))))
        cells.append(f"{r.get('outcomelab_simple', np.nan):.4f} ({r['simple_truth']:.4f})")
        cells.append(f"{r.get('outcomelab_dynamic', np.nan):.4f} ({r['dynamic_truth']:.4f})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 200_000, 1_000_000])
    parser.add_argument("--covariates", type=int, nargs="+", default=[0, 3])
    parser.add_argument("--peers", nargs="*", default=list(PEERS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--peer-max-units", type=int, default=1_000_000)
    parser.add_argument(
        "--moments",
        action="store_true",
        help="ours = att_gt_moments (no covariates; add the peer outcomelab-att_gt for att_gt)",
    )
    parser.add_argument("--memory-limit", help="DuckDB memory limit of att_gt_moments, e.g. 4GB")
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds per run before it is stopped"
    )
    parser.add_argument(
        "--max-rss-mb",
        type=float,
        default=8000.0,
        help="a run over this resident memory (MiB) is stopped and shown as out of memory",
    )
    args = parser.parse_args()
    if args.moments and any(args.covariates):
        parser.error("--moments is att_gt without covariates: use --covariates 0")
    peers = tuple(args.peers)
    print(f"# {load()}; caps: {args.timeout:.0f} s and {args.max_rss_mb:,.0f} MB per run")
    rows = run(
        args.sizes,
        covariates=tuple(args.covariates),
        peers=peers,
        repeats=args.repeats,
        peer_max_units=args.peer_max_units,
        moments=args.moments,
        memory_limit=args.memory_limit,
        timeout=args.timeout,
        max_rss_mb=args.max_rss_mb,
    )
    for r in rows:
        r["moments"] = args.moments
    print()
    print(_table(rows, peers))
    print(f"# {load()}")
    print(
        "# medians of --repeats whole processes (import + read + estimate + simple/dynamic); "
        "ratio = peer CPU / our CPU (wall is pessimistic under load); a failed peer shows why, "
        "and for time/memory the CPU it had used over ours as a lower bound"
    )


if __name__ == "__main__":
    main()
