"""Weighted reference numbers for outcomelab.did.did_2x2 on the NSW/CPS data (test-only).

Run from the repository root:  .venv/bin/python tests/reference/drdid_nsw/make_fixture_weights.py
Needs moderndid 0.2.0 (pip, test-only; an independent Python port of R DRDID). Reads
nsw_long.csv.gz (see make_fixture.py) and gives every person the deterministic sampling weight
``w = 0.5 + (id * 37 mod 17) / 8`` (the same in both years). Writes expected_weighted.json with
moderndid's ``att`` and ``se`` (its names) for the six estimators with ``i_weights=w``, panel and
repeated cross-sections.
"""

from __future__ import annotations

import json
from pathlib import Path

import moderndid
import numpy as np
import pandas as pd

HERE = Path(__file__).parent
COVS = ["age", "educ", "black", "married", "nodegree", "hisp", "re74"]


def weight(ids: pd.Series) -> np.ndarray:
    return (0.5 + (ids * 37 % 17) / 8).to_numpy(dtype=float)


def main() -> None:
    df = pd.read_csv(HERE / "nsw_long.csv.gz")
    pre = df[df["year"] == 1975].set_index("id")
    post = df[df["year"] == 1978].set_index("id").loc[pre.index]
    y0, y1 = pre["re"].to_numpy(float), post["re"].to_numpy(float)
    d = pre["experimental"].to_numpy(float)
    x = np.column_stack([np.ones(len(d)), pre[COVS].to_numpy(float)])
    w = weight(pre.index.to_series())
    y = df["re"].to_numpy(float)
    t = (df["year"] == 1978).to_numpy(float)
    dd = df["experimental"].to_numpy(float)
    xx = np.column_stack([np.ones(len(y)), df[COVS].to_numpy(float)])
    ww = weight(df["id"])
    out: dict[str, object] = {
        "source": f"moderndid {moderndid.__version__} (Python port of R DRDID), i_weights",
        "weights": "w = 0.5 + (id * 37 mod 17) / 8",
        "panel": {},
        "rc": {},
    }
    for name, fn in [
        ("drdid_imp_panel", moderndid.drdid_imp_panel),
        ("reg_did_panel", moderndid.reg_did_panel),
        ("std_ipw_did_panel", moderndid.std_ipw_did_panel),
    ]:
        r = fn(y1, y0, d, x, i_weights=w)
        out["panel"][name] = {"att": float(r.att), "se": float(r.se), "n": len(d)}  # type: ignore[index]
    for name, fn in [
        ("drdid_imp_rc", moderndid.drdid_imp_local_rc),
        ("reg_did_rc", moderndid.reg_did_rc),
        ("std_ipw_did_rc", moderndid.std_ipw_did_rc),
    ]:
        r = fn(y, t, dd, xx, i_weights=ww)
        out["rc"][name] = {"att": float(r.att), "se": float(r.se), "n": len(y)}  # type: ignore[index]
    (HERE / "expected_weighted.json").write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
