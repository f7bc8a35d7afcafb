"""Benchmark: reading and validating a large outcomes file, against pandera and frictionless.

An outcomes CSV of N rows (pseudonyms over 10 years x 12 months x 2 outcomes) is written with a
known number of injected failures: periods that are not months (``2024-13``, 1 per 1,000 rows),
values that are not numbers (1 per 2,000 rows) and repeated keys (1 per 5,000 rows), on distinct
rows. Each (size, tool, repeat) runs in its own Python subprocess so that the peak resident memory
(``ru_maxrss`` of the child) belongs to one run, imports included in neither time.

Tools:

* ``outcomelab``: ``read_table`` (text) then ``validate(..., "outcomes")``: every failure with
  its file row;
* ``pandera``: ``pd.read_csv(dtype=str)`` then the schema pandera derives from the same Table
  Schema JSON (``pandera.io.from_frictionless_schema``), ``validate(lazy=True)``;
* ``frictionless``: the Table Schema reference implementation, ``frictionless.validate`` with no
  error limit (row by row in Python; skipped above ``--frictionless-max`` rows).

"found" is the number of failures each tool reports against the number injected (a tool may
count differently: pandera reports a repeated key on every row that shares it).

Usage::

    .venv/bin/python benchmarks/validate.py --sizes 100000 --repeats 3
    flock /tmp/outcomelab-bench.lock .venv/bin/python benchmarks/validate.py \
        --sizes 100000 1000000 --repeats 3
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

SCHEMA = Path(__file__).resolve().parents[1] / "data_schemas" / "outcomes.schema.json"


def make_file(n: int, folder: Path) -> tuple[Path, int]:
    """Write the outcomes CSV; return its path and the number of injected failures."""
    import hashlib

    import numpy as np
    import pandas as pd

    per_person = 240
    persons = -(-n // per_person)
    ids = np.array(
        [hashlib.sha256(f"p{i}".encode()).hexdigest() for i in range(persons)], dtype=object
    )
    months = [f"{y}-{m:02d}" for y in range(2015, 2025) for m in range(1, 13)]
    idx = np.arange(n)
    frame = pd.DataFrame(
        {
            "person_id": ids[idx // per_person],
            "outcome_code": np.where((idx // 120) % 2 == 0, "employment", "sick_leave_days"),
            "period": np.array(months, dtype=object)[idx % 120],
            "value": np.random.default_rng(1).integers(0, 2, n).astype(str),
        }
    )
    bad_period = idx[::1000][1:]
    bad_value = idx[::2000][1:] + 7
    duplicate = idx[::5000][1:] + 13
    frame.loc[bad_period, "period"] = "2024-13"
    frame.loc[bad_value, "value"] = "x"
    frame.loc[duplicate, ["person_id", "outcome_code", "period"]] = frame.loc[
        duplicate - 1, ["person_id", "outcome_code", "period"]
    ].to_numpy()
    path = folder / f"outcomes_{n}.csv"
    frame.to_csv(path, index=False)
    return path, len(bad_period) + len(bad_value) + len(duplicate)


def run_one(tool: str, path: str) -> dict[str, float]:
    """Run one tool once in this process; return seconds and failures found."""
    start = time.perf_counter()
    if tool == "outcomelab":
        from outcomelab.schemas import read_table, validate

        start = time.perf_counter()
        found = validate(read_table(path), "outcomes").n_failures
    elif tool == "pandera":
        import pandas as pd
        import pandera.errors
        from pandera.io.pandas_io import from_frictionless_schema

        schema = from_frictionless_schema(str(SCHEMA))
        start = time.perf_counter()
        data = pd.read_csv(path, dtype=str, keep_default_na=False)
        try:
            schema.validate(data, lazy=True)
            found = 0
        except pandera.errors.SchemaErrors as err:
            found = len(err.failure_cases)
    else:
        import frictionless

        start = time.perf_counter()
        descriptor = json.loads(SCHEMA.read_text(encoding="utf-8"))
        descriptor.pop("foreignKeys")  # single-table comparison (no package to refer to)
        resource = frictionless.Resource(
            Path(path).name,
            basepath=str(Path(path).parent),
            schema=frictionless.Schema.from_descriptor(descriptor),
        )
        report = resource.validate(limit_errors=10**9)
        found = sum(len(task.errors) for task in report.tasks)
    return {"seconds": time.perf_counter() - start, "found": found}


def measure(tool: str, path: Path) -> dict[str, float]:
    code = (
        f"import json, resource, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "import validate as b; "
        f"r = b.run_one({tool!r}, {str(path)!r}); "
        "r['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
        "print(json.dumps(r))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=3600
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--frictionless-max", type=int, default=100_000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path, injected = make_file(n, Path(tmp))
            base = None
            for tool in ("outcomelab", "pandera", "frictionless"):
                if tool == "frictionless" and n > args.frictionless_max:
                    continue
                runs = [measure(tool, path) for _ in range(args.repeats)]
                seconds = statistics.median(r["seconds"] for r in runs)
                peak = statistics.median(r["peak_mb"] for r in runs)
                base = seconds if tool == "outcomelab" else base
                rows.append((n, tool, seconds, seconds / base, peak, runs[0]["found"], injected))
    print(
        f"{'rows':>10} {'tool':<13} {'median s':>9} {'x ours':>7} {'peak MB':>8} "
        f"{'found':>7} {'injected':>8}"
    )
    for n, tool, seconds, ratio, peak, found, injected in rows:
        print(
            f"{n:>10,} {tool:<13} {seconds:>9.2f} {ratio:>7.1f} {peak:>8.0f} "
            f"{int(found):>7,} {injected:>8,}"
        )


if __name__ == "__main__":
    main()
