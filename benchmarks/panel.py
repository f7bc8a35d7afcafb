"""Benchmark: ``build_panel`` / ``write_panel`` on a large submission, against a plain pandas pivot.

A synthetic submission of N persons (10 % participants with yearly cohorts 2019-2022, the rest
comparison candidates) x 10 years (2015-2024) x 3 outcomes is generated straight to Parquet by
DuckDB (no CSV, no pandas), e.g. N = 1,000,000 gives 30 million outcome rows. Each
(size, tool, repeat) then runs in its own Python subprocess, so the peak resident memory
(``ru_maxrss`` of that child) belongs to one panel build alone and imports count in the time.

Tools:

* ``write_panel``: outcomelab, DuckDB out of core, panel written to Parquet unsorted (its
  default; ``memory_limit`` and ``temp_directory`` set so the figure is honest);
* ``write_sorted``: the same with ``sort=True`` (rows ordered by unit and period);
* ``build_panel``: outcomelab, panel returned in memory as an Arrow table, sorted (its default);
* ``pandas``: the peer -- read both Parquet files with pandas, ``pivot`` the long outcomes and
  ``merge`` the participants (what an analyst would write by hand); skipped above
  ``--pandas-max`` persons because it needs several times the data in memory.

The check column compares the panel with what was generated: rows = N x 10 and the sum of every
outcome equals the sum in the long table.

Usage::

    .venv/bin/python benchmarks/panel.py --sizes 100000 --repeats 3
    flock /tmp/outcomelab-bench.lock .venv/bin/python benchmarks/panel.py \
        --sizes 100000 1000000 --repeats 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

YEARS = 10
OUTCOMES = ("employment", "social_assistance_receipt", "sick_leave_days")
IID = "BENCH-1"

_WRITE = """
import json, resource, sys
from outcomelab.design import write_panel
src, out, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
src = json.loads(src) if src.startswith("{") else src
info = write_panel(src, out, intervention_id="BENCH-1", memory_limit=sys.argv[4],
                   temp_directory=tmp, threads=int(sys.argv[5]), sort=sys.argv[6] == "sort")
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": info.n_rows, "maxrss_kb": rss}))
"""

_BUILD = """
import json, resource, sys
import pyarrow.compute as pc
from outcomelab.design import build_panel
src = json.loads(sys.argv[1]) if sys.argv[1].startswith("{") else sys.argv[1]
table = build_panel(src, intervention_id="BENCH-1", output="arrow", memory_limit=sys.argv[4],
                    temp_directory=sys.argv[3], threads=int(sys.argv[5]))
sums = [pc.sum(table[c]).as_py() for c in ("employment", "social_assistance_receipt",
                                           "sick_leave_days")]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": table.num_rows, "sums": sums, "maxrss_kb": rss}))
"""

_PANDAS = """
import json, resource, sys
import pandas as pd
src = sys.argv[1]
p = pd.read_parquet(f"{src}/participants.parquet")
o = pd.read_parquet(f"{src}/outcomes.parquet")
o["period"] = o["period"].astype(int)
wide = o.pivot(index=["person_id", "period"], columns="outcome_code", values="value").reset_index()
p = p[p["intervention_id"] == "BENCH-1"].copy()
p["cohort"] = pd.to_datetime(p["start_date"]).dt.year.fillna(0).astype(int)
panel = wide.merge(p.drop(columns=["intervention_id"]), on="person_id", how="inner")
panel["rel_time"] = (panel["period"] - panel["cohort"]).where(panel["cohort"] > 0)
panel["treated"] = (panel["group"] == "participant").astype(int)
panel = panel.sort_values(["person_id", "period"])
sums = [float(panel[c].sum()) for c in ("employment", "social_assistance_receipt",
                                        "sick_leave_days")]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": len(panel), "sums": sums, "maxrss_kb": rss}))
"""


#: persons per outcomes file: larger submissions are written (and read) as a folder of parts
CHUNK = 1_000_000


def source_of(folder: Path, n: int) -> str:
    """What the tools get as ``source``: the folder, or a JSON table -> path map for parts."""
    if n <= CHUNK:
        return str(folder)
    return json.dumps(
        {
            "participants": str(folder / "participants.parquet"),
            "outcomes": str(folder / "outcomes" / "*.parquet"),
        }
    )


def _outcome_sums(con: Any, pattern: str) -> list[float]:
    sql = "SELECT " + ", ".join(f"sum(value) FILTER (WHERE outcome_code = '{c}')" for c in OUTCOMES)
    found = con.execute(f"{sql} FROM read_parquet('{pattern}')").fetchone()
    return [float(s) for s in (found or [])]


def generate(folder: Path, n: int, seed: int = 1) -> list[float]:
    """Write participants.parquet and the outcomes for ``n`` persons; return outcome sums.

    Up to :data:`CHUNK` persons the outcomes are one file ``outcomes.parquet``; above, a folder
    ``outcomes/`` of one file per :data:`CHUNK` persons (written one at a time, so 300 million
    rows never sit in memory).
    """
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    parts = n > CHUNK
    pattern = str(folder / "outcomes" / "*.parquet") if parts else str(folder / "outcomes.parquet")
    done = folder / "complete"
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = '{folder / 'gen-tmp'}'")
    con.execute("SET memory_limit = '2GB'")
    if done.is_file() or (not parts and (folder / "outcomes.parquet").is_file()):  # reuse
        return _outcome_sums(con, pattern)
    con.execute(f"SELECT setseed({1 / (seed + 1)})")
    con.execute(
        f"""
        CREATE TABLE persons AS
        SELECT i, sha256('bench-person-' || i) AS person_id,
               CASE WHEN i % 10 = 0 THEN 'participant' ELSE 'comparison' END AS "group",
               CASE WHEN i % 10 = 0 THEN DATE '2019-01-01' + INTERVAL (i % 4) YEAR
                    + INTERVAL (i % 365) DAY END AS start_date,
               1990 + (i % 15) AS birth_year,
               CASE i % 3 WHEN 0 THEN 'female' WHEN 1 THEN 'male' ELSE 'unknown' END AS sex,
               i % 4 = 0 AS born_abroad,
               CASE i % 4 WHEN 0 THEN 'compulsory_or_less' WHEN 1 THEN 'upper_secondary'
                    WHEN 2 THEN 'post_secondary' ELSE 'unknown' END AS education_level,
               CAST(i % 13 AS INTEGER) AS employed_months_prev_year,
               CAST((i * 7) % 13 AS INTEGER) AS social_assistance_months_prev_year,
               CAST((i * 11) % 40 AS INTEGER) AS sick_leave_days_prev_year
        FROM range({n}) t(i)
        """
    )
    con.execute(
        f"""
        COPY (SELECT person_id, '{IID}' AS intervention_id, "group",
                     CAST(start_date AS DATE) AS start_date, birth_year, sex, born_abroad,
                     education_level, employed_months_prev_year,
                     social_assistance_months_prev_year, sick_leave_days_prev_year
              FROM persons) TO '{folder / "participants.parquet"}' (FORMAT parquet)
        """
    )
    codes = ", ".join(f"('{c}')" for c in OUTCOMES)
    if parts:
        (folder / "outcomes").mkdir(exist_ok=True)
    for lo in range(0, n, CHUNK):
        target = folder / "outcomes" / f"part-{lo // CHUNK:05d}.parquet" if parts else pattern
        con.execute(
            f"""
            COPY (SELECT p.person_id, c.code AS outcome_code, CAST(y.y AS VARCHAR) AS period,
                         CASE c.code WHEN 'sick_leave_days' THEN floor(random() * 30)
                              ELSE CAST(random() < 0.3 AS INTEGER) END AS value
                  FROM (SELECT * FROM persons WHERE i >= {lo} AND i < {lo + CHUNK}) p,
                       range(2015, 2015 + {YEARS}) y(y), (VALUES {codes}) c(code))
            TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
            """
        )
    sums = _outcome_sums(con, pattern)
    con.close()
    done.touch()
    return sums


def _folder_bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def _written_sums(path: Path) -> tuple[int, list[float]]:
    """Rows and outcome sums of a panel written to Parquet (checked outside the timed run)."""
    import duckdb

    row = duckdb.execute(
        "SELECT count(*), " + ", ".join(f"sum({c})" for c in OUTCOMES)
        + f" FROM read_parquet('{path}')"
    ).fetchone()  # fmt: skip
    return (int(row[0]), [float(v) for v in row[1:]]) if row else (0, [])


def run_tool(
    script: str, args: list[str], src: Path | None = None, tmp: Path | None = None
) -> harness.Measured:
    """Run one tool in a fresh interpreter (its imports and memory count).

    ``src`` is another checkout's ``src`` folder put first on ``PYTHONPATH`` (``--baseline``);
    the largest size DuckDB's spill folder ``tmp`` reaches is sampled every 0.2 s
    (``extra["tmp_mb"]``).
    """
    env = {"PYTHONPATH": str(src)} if src is not None else None
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while tmp is not None and not stop.is_set():
            peak[0] = max(peak[0], _folder_bytes(tmp))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        run = harness.measure([sys.executable, "-c", script, *args], env=env)
    finally:
        stop.set()
        sampler.join()
    if run.error is None:
        # the report is the last JSON object printed (anything before it, e.g. a progress bar
        # drawn with carriage returns, is not part of it)
        run.extra = json.loads(run.stdout[run.stdout.rindex("{") :])
        run.extra["tmp_mb"] = peak[0] / 2**20
    return run


GOAL_SECONDS = 20.0  # issue 18: 30 million outcome rows
GOAL_MB = 2048.0  # issue 18: the process's peak


def _goal(name: str, n: int, fig: dict[str, float]) -> str:
    """The goal cell: wall scaled to 30M rows and peak up to 30M rows; peak alone above."""
    if name == "pandas":
        return "peer"
    rows = n * YEARS * len(OUTCOMES)
    peak = harness.goal(fig["peak_mb"], GOAL_MB, "MB")
    if rows > 30_000_000:
        return f"out of core, {peak}"
    return f"{harness.goal(fig['wall'] / (rows / 30e6), GOAL_SECONDS)}, {peak}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB's memory_limit")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pandas-max", type=int, default=1_000_000)
    parser.add_argument(
        "--tools", nargs="+", default=["write_panel", "write_sorted", "build_panel", "pandas"]
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep (and reuse) the generated data here; default a temporary folder, deleted "
        "at the end",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout's src folder (e.g. `git archive main src`): adds the tools "
        "build_panel@base and write_panel@base run from it, for a before/after in one run",
    )
    args = parser.parse_args()

    base = args.workdir or Path(tempfile.mkdtemp(prefix="outcomelab-bench-panel-"))
    print(f"# {harness.load()}")
    print(
        f"{'persons':>10} {'outcome rows':>13} {'tool':<16} {'wall s':>7} {'cpu s':>7} "
        f"{'peak MB':>8} {'tmp MB':>7} {'peer/ours':>9}  {'goal (30M rows: wall, peak)':<30} "
        "check"
    )
    for n in args.sizes:
        src = base / f"n{n}"
        t0 = time.perf_counter()
        truth = generate(src, n)
        gen_s = time.perf_counter() - t0
        print(f"# {n:,} persons x {YEARS} years x {len(OUTCOMES)} outcomes as Parquet "
              f"ready in {gen_s:.1f} s (generated, or reused from --workdir)")  # fmt: skip
        tools = [t for t in args.tools if t != "pandas" or n <= args.pandas_max]
        if args.baseline is not None:
            tools += [f"{t}@base" for t in tools if t in ("write_panel", "build_panel")]
        walls: dict[str, float] = {}
        for name in tools:
            plain = name.removesuffix("@base")
            script = {"write_panel": _WRITE, "write_sorted": _WRITE, "build_panel": _BUILD}.get(
                plain, _PANDAS
            )
            runs, checks = [], []
            for r in range(args.repeats):
                out = base / f"panel-{n}-{r}.parquet"
                tmp = base / "duckdb-tmp"
                tmp.mkdir(exist_ok=True)
                run = run_tool(
                    script,
                    [source_of(src, n), str(out), str(tmp), args.memory_limit, str(args.threads),
                     "sort" if name == "write_sorted" else "nosort"],
                    args.baseline if name.endswith("@base") else None,
                    tmp,
                )  # fmt: skip
                if run.error is None and plain in ("write_panel", "write_sorted"):
                    run.extra["rows"], run.extra["sums"] = _written_sums(out)
                out.unlink(missing_ok=True)
                if run.error is not None:
                    print(f"{n:>10,} {n * YEARS * len(OUTCOMES):>13,} {name:<16} failed: "
                          f"{run.error}")  # fmt: skip
                    break
                runs.append(run)
                sums = [float(s) for s in run.extra["sums"]]  # type: ignore[attr-defined]
                checks.append(
                    run.extra["rows"] == n * YEARS
                    and all(
                        abs(a - b) < 1e-6 * max(1.0, abs(b))
                        for a, b in zip(sums, truth, strict=True)
                    )
                )
            if not runs:
                continue
            fig = harness.summarise(runs)
            walls[name] = fig["wall"]
            # the other tool against ours: pandas against build_panel, X@base against X
            other = name == "pandas" or name.endswith("@base")
            ours = walls.get("build_panel" if name == "pandas" else name.removesuffix("@base"))
            ratio = f"{fig['wall'] / ours:>8.2f}x" if other and ours else f"{'':>9}"
            print(
                f"{n:>10,} {n * YEARS * len(OUTCOMES):>13,} {name:<16} {fig['wall']:>7.1f} "
                f"{fig['cpu']:>7.1f} {fig['peak_mb']:>8.0f} "
                f"{max(float(r.extra['tmp_mb']) for r in runs):>7.0f} {ratio}  "  # type: ignore[arg-type]
                f"{_goal(name, n, fig):<30} "
                f"{'rows and sums match' if all(checks) else 'MISMATCH'}",
                flush=True,
            )
    print(
        f"# DuckDB memory_limit={args.memory_limit}, threads={args.threads}; medians of "
        f"{args.repeats} runs, each a fresh interpreter (imports count); peak MB = largest "
        "resident memory of the process; peer/ours = pandas wall / build_panel wall and "
        "X@base wall / X wall (--baseline: the code before, same run); the "
        "wall-time goal is scaled to 30 million rows (linear); cpu s = user + system; tmp MB "
        "= largest size of DuckDB's spill folder (temp_directory) during the run."
    )
    print(f"# {harness.load()}")
    if args.workdir is None:  # generated data (1 GB per 100M outcome rows) are not left behind
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
