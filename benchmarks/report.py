"""Benchmark of ``outcomelab evaluate``: seconds per report section, CPU time and peak memory.

Usage::

    flock /work/wt/bench.lock .venv/bin/python benchmarks/report.py        # example and large
    .venv/bin/python benchmarks/report.py --sizes example --repeat 3
    .venv/bin/python benchmarks/report.py --baseline /tmp/before/src      # the code before, too
    .venv/bin/python benchmarks/report.py --current /tmp/after/src --baseline /tmp/before/src

For each size the synthetic example submission (``example`` = 2,000 participants / 20,000
comparison persons, ``large`` = 20,000 / 200,000) is generated into ``benchmarks/_work/`` and
stored there once (as in the lab, a submission is validated and stored before it is evaluated).
Each run then evaluates the stored submission in a process of its own (this script with
``--one``, calling :func:`outcomelab.reports.evaluate`, the command's code path), measured with
:func:`harness.measure`: wall and CPU seconds of the process tree (the Jupyter kernel included)
and the peak of the tree's summed resident memory.

Printed: per size the medians of kernel start-up (until the first cell runs), the set-up cell
(the imports), the computing cells, the display cells, ``own`` (what evaluate() does itself,
before the kernel and after the last cell: its imports, the parameter checks, the results.json
check and the HTML export) and the total, against
the goals (example < 8 s, large < 25 s, each < 2 GB; kernel start-up < 1 s); then the seconds of
every section's cells; and the primary estimate against the known truth. With ``--baseline SRC``
the same runs are made with ``SRC`` first on ``PYTHONPATH`` (``X@base``: the code before) and the
ratio before/after is printed. There is no peer tool that makes this report, so the ratio printed
is against the goal.

Python's byte-code cache matters for every start-up figure: with ``PYTHONDONTWRITEBYTECODE`` set
and no ``__pycache__`` in the environment every import compiles its source (the kernel's start
took 7.4 s instead of ~2 s). A normal installation has the cache (``pip`` writes it, ``uv pip
install --compile-bytecode``); the script warns when it is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Measured, goal, load, measure, median

#: name -> participants, comparison pool, goal in seconds
SIZES = {"example": (2_000, 20_000, 8.0), "large": (20_000, 200_000, 25.0)}
GOAL_MB = 2048.0
GOAL_KERNEL = 1.0
WORK = Path(__file__).resolve().parent / "_work"
PHASES = ("kernel_start", "setup", "compute", "display", "own", "total")


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


def _cell_seconds(notebook: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds of the set-up/compute/display cells, and per section (``name`` computing cells,
    ``name (show)`` display cells), from the executed notebook's papermill metadata."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    phases = {"setup": 0.0, "compute": 0.0, "display": 0.0}
    sections: dict[str, float] = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        seconds = float(cell["metadata"].get("papermill", {}).get("duration") or 0.0)
        tags = cell["metadata"].get("tags", [])
        section = next((t[8:] for t in tags if t.startswith("section:")), None)
        if section is None:
            phases["setup"] += seconds  # parameters
            continue
        if section == "setup":
            phase, key = "setup", "setup"
        elif "remove_cell" in tags:
            phase, key = "compute", section
        else:
            phase, key = "display", f"{section} (show)"
        phases[phase] += seconds
        sections[key] = sections.get(key, 0.0) + seconds
    return phases, sections


def run_one(name: str, out: Path, lang: str, submission: str) -> None:
    """Evaluate the stored example ``name`` once and print the timing as one JSON line.

    As ``outcomelab evaluate`` does (its process is outcomelab's), jsonschema's IRI grammar is
    skipped first (:func:`outcomelab.reports.startup.skip_iri_grammar`) when the code measured
    has it.
    """
    try:
        from outcomelab.reports.startup import skip_iri_grammar
    except ImportError:  # the code before (--baseline) has no such step
        pass
    else:
        skip_iri_grammar()
    from outcomelab.reports import evaluate

    data = WORK / f"submission-{name}"
    store = WORK / f"store-{name}"
    start = time.perf_counter()
    run = evaluate(out=out, submission=submission, store=store, lang=lang)
    total = time.perf_counter() - start
    phases, sections = _cell_seconds(run.notebook)
    cells = phases["setup"] + phases["compute"] + phases["display"]
    kernel = run.timing["kernel_start"] - phases["setup"]
    truth = json.loads((data / "truth.json").read_text())
    true = truth.get("outcomes", truth).get("employment", {}).get("att_by_event_time", {}).get("2")
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "kernel_start": kernel,
                **phases,
                # evaluate()'s own work: imports and checks before papermill starts the
                # notebook, the results.json check and the HTML export after it
                "own": max(total - kernel - cells, 0.0),
                "total": total,
                "sections": sections,
                "estimate": run.results["outcomes"][0]["estimate"],
                "truth": true,
                "parent_cpu": own.ru_utime + own.ru_stime,
                "kernel_cpu": kids.ru_utime + kids.ru_stime,
                # (the children's ru_maxrss is not the kernel's: a forked child starts with the
                # parent's high-water mark; harness.measure samples the tree instead)
            }
        )
    )


def _bytecode_cached() -> bool:
    import pandas

    folder = Path(pandas.__file__).parent / "__pycache__"
    return folder.is_dir() and any(folder.iterdir())


def _measure(name: str, submission: str, out: Path, lang: str, src: str | None) -> Measured:
    env = {"PYTHONPATH": src} if src else None
    argv = [sys.executable, __file__, "--one", name, "--submission", submission]
    argv += ["--out", str(out), "--lang", lang]
    run = measure(argv, env=env)
    if run.error is None:
        run.extra = json.loads(run.stdout.strip().splitlines()[-1])
    return run


@dataclass
class Summary:
    """Medians of one size and tool over its runs."""

    phases: dict[str, float]
    sections: dict[str, float]
    estimate: float
    truth: float


def _report(label: str, runs: list[Measured]) -> Summary:
    ok = [r for r in runs if r.error is None]
    for r in runs:
        if r.error is not None:
            print(f"# {label} failed: {r.error}")
    extras: list[dict[str, Any]] = [r.extra for r in ok]
    med = {p: median([float(e[p]) for e in extras]) for p in PHASES}
    med["wall"] = median([r.wall for r in ok])
    med["cpu"] = median([r.cpu for r in ok])
    med["peak_mb"] = max((r.peak_mb for r in ok), default=float("nan"))
    keys = extras[0]["sections"] if extras else {}
    sections = {k: median([float(e["sections"][k]) for e in extras]) for k in keys}
    first = extras[0] if extras else {}
    truth = first.get("truth")
    return Summary(
        med,
        sections,
        float(first.get("estimate", float("nan"))),
        float(truth) if isinstance(truth, float) else float("nan"),
    )


def main() -> None:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="en", choices=["sv", "en"])
    parser.add_argument("--baseline", help="another checkout's src folder: the code before")
    parser.add_argument(
        "--current", help="the src folder measured as 'ours' (default: the installed package)"
    )
    parser.add_argument("--one", choices=list(SIZES), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--submission", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.out, args.lang, args.submission)
        return
    if not _bytecode_cached():
        print(
            "# WARNING: no byte-code cache in this environment (PYTHONDONTWRITEBYTECODE?): every "
            "import compiles its source; run `python -m compileall -q <site-packages> src` first"
        )
    print(f"# {load()}; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    rows = []
    for name in args.sizes:
        submission, _ = _stored(name, _data(name))
        tools = [("ours", args.current)]
        tools += [("ours@base", args.baseline)] if args.baseline else []
        for label, src in tools:
            runs = []
            for i in range(args.repeat):
                out = WORK / f"report-{name}-{label}-{i}"
                run = _measure(name, submission, out, args.lang, src)
                runs.append(run)
                print(
                    f"# {name} {label} run {i + 1}: wall {run.wall:.1f} s, CPU {run.cpu:.1f} s, "
                    f"peak {run.peak_mb:,.0f} MB" + (f" ({run.error})" if run.error else "")
                )
            rows.append((name, label, _report(f"{name} {label}", runs)))
    print(f"\n# {load()}")
    print(
        f"{'size':<8} {'tool':<10} {'kernel':>6} {'setup':>6} {'compute':>7} {'display':>7} "
        f"{'own':>6} {'total':>6} {'CPU':>6} {'peak MB':>8}  {'goal':<22} {'memory':<18} "
        f"{'kernel start':<16} {'estimate':>8} {'truth':>7}"
    )
    for name, label, summary in rows:
        med = summary.phases
        limit = SIZES[name][2]
        against = f"{goal(med['total'], limit)} ({med['total'] / limit:.2f}x)"
        print(
            f"{name:<8} {label:<10} {med['kernel_start']:>6.1f} {med['setup']:>6.1f} "
            f"{med['compute']:>7.1f} {med['display']:>7.1f} {med['own']:>6.1f} "
            f"{med['total']:>6.1f} {med['cpu']:>6.1f} {med['peak_mb']:>8,.0f}  "
            f"{against:<22} "
            f"{goal(med['peak_mb'], GOAL_MB, 'MB'):<18} "
            f"{goal(med['kernel_start'], GOAL_KERNEL):<16} "
            f"{summary.estimate:>8.4f} {summary.truth:>7.4f}"
        )
    print("\nseconds per section (median; '(show)' = the display cell of the section)")
    for name, label, summary in rows:
        top = sorted(summary.sections.items(), key=lambda kv: -kv[1])
        print(f"{name} {label}: " + ", ".join(f"{k} {v:.2f}" for k, v in top if v >= 0.05))
    if args.baseline:
        print("\nbefore / after (total seconds, CPU seconds, peak MB)")
        for name in args.sizes:
            now = next(m.phases for n, lab, m in rows if n == name and lab == "ours")
            base = next(m.phases for n, lab, m in rows if n == name and lab == "ours@base")
            print(
                f"{name}: total {base['total'] / now['total']:.2f}x, CPU "
                f"{base['cpu'] / now['cpu']:.2f}x, peak {base['peak_mb'] / now['peak_mb']:.2f}x"
            )
    print(
        "(seconds: medians of --repeat runs, each a fresh process; CPU and peak = the process "
        "tree incl. the kernel; wall times on a loaded machine are pessimistic: see the load)"
    )


if __name__ == "__main__":
    main()
