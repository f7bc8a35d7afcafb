"""DiD benchmark: TWFE against pyfixest, ``att_gt`` against diff-diff, csdid and moderndid, and
``sun_abraham`` / ``imputation`` against diff-diff's ``SunAbraham`` / ``ImputationDiD``.

One table, every row one estimator at one size: our time, the fastest peer's time in the same run,
the ratio (peer / ours, > 1 means we are faster), peak memory of both, and our estimate against
the known truth. Each tool runs in its own subprocess, so imports and memory count separately;
times are medians over ``--repeats``. The details per peer come from ``did_twfe.py`` and
``did_attgt.py`` and ``did_event_study.py`` in this folder, which can also be run on their own.

Usage (wrap it in the shared benchmark lock on a busy machine)::

    flock /tmp/outcomelab-bench.lock .venv/bin/python benchmarks/did.py
    .venv/bin/python benchmarks/did.py --twfe-sizes 100000 --attgt-sizes 5000 --repeats 1
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import did_attgt
import did_event_study
import did_twfe


def _twfe_rows(sizes: list[int], repeats: int) -> list[dict[str, Any]]:
    rows = []
    for r in did_twfe.run(sizes, repeats):
        rows.append(
            {
                "estimator": "twfe (unit+time FE, CR1 by unit)",
                "size": f"{r['rows']:,} rows",
                "ours_s": r["ours_s"],
                "peer": "pyfixest" if r["peer_s"] is not None else "-",
                "peer_s": r["peer_s"],
                "ours_mb": r["ours_peak_mb"],
                "peer_mb": r["peer_peak_mb"],
                "estimate": r["estimate"],
                "truth": r["truth"],
            }
        )
    return rows


def _attgt_rows(sizes: list[int], repeats: int, peers: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for r in did_attgt.run(sizes, peers=peers, repeats=repeats):
        timed = [(r[f"{p}_s"], p) for p in peers if f"{p}_s" in r and math.isfinite(r[f"{p}_s"])]
        best = min(timed) if timed else None
        rows.append(
            {
                "estimator": f"att_gt + simple/dynamic ({r['covariates']} covariates)",
                "size": f"{r['units']:,} units",
                "ours_s": r["outcomelab_s"],
                "peer": best[1] if best else "-",
                "peer_s": best[0] if best else None,
                "ours_mb": r.get("outcomelab_mb"),
                "peer_mb": r.get(f"{best[1]}_mb") if best else None,
                "estimate": r.get("outcomelab_simple"),
                "truth": r["simple_truth"],
            }
        )
    return rows


def _event_study_rows(sizes: list[int], repeats: int) -> list[dict[str, Any]]:
    names = {"sun_abraham": "sun_abraham (IW event study)", "imputation": "imputation (BJS)"}
    return [
        {
            "estimator": names[r["estimator"]],
            "size": f"{r['units']:,} units",
            "ours_s": r.get("outcomelab_s"),
            "peer": "diff-diff" if "diff-diff_s" in r else "-",
            "peer_s": r.get("diff-diff_s"),
            "ours_mb": r.get("outcomelab_mb"),
            "peer_mb": r.get("diff-diff_mb"),
            "estimate": r.get("outcomelab_estimate"),
            "truth": r["truth"],
        }
        for r in did_event_study.run(sizes, repeats)
    ]


def _cell(value: Any, spec: str) -> str:
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else format(value, spec)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--twfe-sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000]
    )
    parser.add_argument(
        "--attgt-sizes", type=int, nargs="+", default=[5_000, 50_000, 200_000, 1_000_000]
    )
    parser.add_argument("--event-study-sizes", type=int, nargs="*", default=[5_000, 50_000])
    parser.add_argument("--peers", nargs="*", default=list(did_attgt.PEERS))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = _twfe_rows(args.twfe_sizes, args.repeats)
    rows += _attgt_rows(args.attgt_sizes, args.repeats, tuple(args.peers))
    rows += _event_study_rows(args.event_study_sizes, args.repeats)
    header = (
        f"{'estimator':<38}{'size':>17}{'ours s':>9}{'fastest peer':>14}{'peer s':>9}"
        f"{'peer/ours':>10}{'ours MB':>9}{'peer MB':>9}{'estimate':>10}{'truth':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = r["peer_s"] / r["ours_s"] if r["peer_s"] else None
        print(
            f"{r['estimator']:<38}{r['size']:>17}{_cell(r['ours_s'], '9.2f')}{r['peer']:>14}"
            f"{_cell(r['peer_s'], '9.2f')}{_cell(ratio, '10.1f')}{_cell(r['ours_mb'], '9.0f')}"
            f"{_cell(r['peer_mb'], '9.0f')}{_cell(r['estimate'], '10.4f')}"
            f"{_cell(r['truth'], '8.4f')}"
        )
    print(f"medians over {args.repeats} run(s); each run a fresh process (imports included).")
    print(
        "att_gt, sun_abraham and imputation estimate column: the average over treated "
        "unit-periods (simple aggregate); truth from the simulation design."
    )


if __name__ == "__main__":
    main()
