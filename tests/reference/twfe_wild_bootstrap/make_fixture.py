"""Make expected.json: pyfixest 0.60.0 / wildboottest 0.3.2 on ../twfe_pyfixest/panel.csv.

Run from the repository root with pyfixest and wildboottest installed (test-only peers):
``.venv/bin/python tests/reference/twfe_wild_bootstrap/make_fixture.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf

HERE = Path(__file__).parent
PANEL = HERE.parent / "twfe_pyfixest" / "panel.csv"


def load(sample: str) -> pd.DataFrame:
    df = pd.read_csv(PANEL)
    if sample == "unbalanced":
        df = df[df["in_unbalanced"] == 1]
    df = df.copy()
    df["zone"] = df["region"] % 11  # 11 clusters: 2**11 sign vectors are enumerated
    df["w"] = 1 + (df["id"] * 37 % 11) / 2
    df["ys"] = df["y"] - 1.15 * df["d"]  # moves the estimate near 0: a p-value that tells
    return df.reset_index(drop=True)


def main() -> None:
    cases = []
    for sample in ("balanced", "unbalanced"):
        df = load(sample)
        for rhs in ("d", "d + x"):
            fml = f"ys ~ {rhs} | id + year"
            fit = pf.feols(fml, df, vcov={"CRV1": "zone"})
            wb, t_boot = fit.wildboottest(
                param="d", reps=9999, seed=1, return_bootstrapped_t_stats=True
            )
            hetero = {}
            for weighted in (False, True):
                fh = pf.feols(fml, df, vcov="hetero", weights="w" if weighted else None)
                hetero["weighted" if weighted else "unweighted"] = {
                    "se": float(fh.se()["d"]),
                    "p": float(fh.pvalue()["d"]),
                    "ci": [float(v) for v in fh.confint().loc["d"]],
                    "estimate": float(fh.coef()["d"]),
                }
            cases.append(
                {
                    "sample": sample,
                    "rhs": rhs,
                    "wild": {
                        "p": float(np.asarray(wb["Pr(>|t|)"])),
                        "t": float(np.asarray(wb["t value"])),
                        "ssc": float(wb["ssc"]),
                        "t_boot_sorted": np.sort(np.asarray(t_boot).ravel()).tolist(),
                    },
                    "hetero": hetero,
                }
            )
    meta = {"pyfixest": pf.__version__, "wildboottest": "0.3.2", "cases": cases}
    (HERE / "expected.json").write_text(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
