"""Benchmark of ``outcomelab evaluate``: wall time split into kernel start, estimation, rendering.

Usage::

    .venv/bin/python benchmarks/report.py            # example (2k/20k) and large (20k/200k)
    .venv/bin/python benchmarks/report.py --sizes example --repeat 3

For each size the synthetic example submission is generated into ``benchmarks/_work/`` and stored
in a store there (once; as in the lab, a submission is validated and stored before it is
evaluated), then the standard evaluation of the stored submission is run ``--repeat`` times with
the Python API (the same code path as the command). ``--source data`` evaluates the CSV folder
instead (then reading the CSV files is part of the estimation time).

Printed per size: median seconds of kernel start (until the first cell runs, plus the imports of
the set-up cell), estimation (data, estimation, diagnostics, robustness, evidence and value
cells), rendering (display cells and the HTML export) and total; the goal; the peak RSS of this
process (the kernel's memory is not visible from here); and the primary estimate against the
known truth (ATT at event time 2 on employment, from ``truth.json``). There is no peer
tool that produces the same report, so no ratio is printed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

SIZES = {"example": (2_000, 20_000, 30.0), "large": (20_000, 200_000, 90.0)}
WORK = Path(__file__).resolve().parent / "_work"


def _data(name: str) -> Path:
    from outcomelab.example import generate_example

    n, pool, _ = SIZES[name]
    folder = WORK / f"submission-{name}"
    if not (folder / "outcomes.csv").is_file():
        t0 = time.perf_counter()
        generate_example(folder, n_participants=n, n_pool=pool, seed=20261127)
        print(f"# generated {name} ({n:,} / {pool:,}) in {time.perf_counter() - t0:.1f} s")
    return folder


def _stored(name: str, folder: Path) -> tuple[str, Path]:
    from outcomelab.example import EXAMPLE_INTERVENTION_ID
    from outcomelab.store import Store

    store = WORK / f"store-{name}"
    t0 = time.perf_counter()
    info = Store(store).submit(folder, intervention_id=EXAMPLE_INTERVENTION_ID)
    if info.created:
        print(f"# stored {name} in {time.perf_counter() - t0:.1f} s (not part of the timing)")
    return info.submission_id, store


def main() -> None:
    """Run the benchmark and print the table."""
    from outcomelab.reports import evaluate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--lang", default="en", choices=["sv", "en"])
    parser.add_argument("--source", default="store", choices=["store", "data"])
    args = parser.parse_args()
    rows = []
    for name in args.sizes:
        data = _data(name)
        truth = json.loads((data / "truth.json").read_text())
        runs = []
        source: dict[str, object] = {"data": data, "validate_data": False}
        if args.source == "store":
            submission, store = _stored(name, data)
            source = {"submission": submission, "store": store}
        for i in range(args.repeat):
            run = evaluate(out=WORK / f"report-{name}-{i}", lang=args.lang, **source)  # type: ignore[arg-type]
            nb_timing = dict(run.timing)
            runs.append(nb_timing)
            print(
                f"# {name} run {i + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in nb_timing.items())
            )
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        primary = run.results["outcomes"][0]
        true = (
            truth.get("outcomes", truth).get("employment", {}).get("att_by_event_time", {}).get("2")
        )
        rows.append((name, SIZES[name], med, primary, true))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(
        f"{'size':<8} {'participants':>12} {'pool':>8} {'kernel':>7} {'estim.':>7} {'render':>7} "
        f"{'total':>7} {'goal':>5}  {'estimate':>9} {'truth':>9}"
    )
    for name, (n, pool, goal), med, primary, true in rows:
        shown_true = f"{true:9.4f}" if isinstance(true, float) else f"{'?':>9}"
        print(
            f"{name:<8} {n:>12,} {pool:>8,} {med['kernel_start']:>7.1f} {med['estimation']:>7.1f} "
            f"{med['rendering']:>7.1f} {med['total']:>7.1f} {goal:>5.0f}  "
            f"{primary['estimate']:>9.4f} {shown_true}"
        )
    print(
        f"(seconds, median of {args.repeat}; peak RSS of this process {peak:,.0f} MB; "
        f"{sys.platform}, 2 cores shared)"
    )


if __name__ == "__main__":
    main()
