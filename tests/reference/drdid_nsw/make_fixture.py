"""Make the reference numbers for outcomelab.did.did_2x2 on the NSW/CPS data (test-only).

Run from the repository root:  .venv/bin/python tests/reference/drdid_nsw/make_fixture.py
Needs moderndid (pip, test-only), which ships the NSW data as used in R DRDID's documentation
(``nsw_long``; Lalonde experimental treated vs CPS comparison, years 1975 and 1978).

Writes nsw_long.csv.gz (the columns the tests use) and expected.json with moderndid's results in
its own names (``att``, ``se``) for the six estimators, panel and repeated cross-sections (the
rows treated as independent observations), plus R DRDID's published panel result.
"""

from __future__ import annotations

import json
from pathlib import Path

import moderndid
import numpy as np
from moderndid.core.data import load_nsw

HERE = Path(__file__).parent
COVS = ["age", "educ", "black", "married", "nodegree", "hisp", "re74"]

df = load_nsw().to_pandas()[["id", "year", "experimental", "re", *COVS]]
df = df.sort_values(["id", "year"]).reset_index(drop=True)
df.to_csv(HERE / "nsw_long.csv.gz", index=False)

pre = df[df["year"] == 1975].set_index("id")
post = df[df["year"] == 1978].set_index("id").loc[pre.index]
y0, y1 = pre["re"].to_numpy(float), post["re"].to_numpy(float)
d = pre["experimental"].to_numpy(float)
x = np.column_stack([np.ones(len(d)), pre[COVS].to_numpy(float)])
y = df["re"].to_numpy(float)
t = (df["year"] == 1978).to_numpy(float)
dd = df["experimental"].to_numpy(float)
xx = np.column_stack([np.ones(len(y)), df[COVS].to_numpy(float)])

out: dict[str, object] = {
    "source": f"moderndid {moderndid.__version__} (Python port of R DRDID)",
    "note": (
        "moderndid's se is sqrt(sum(psi_c^2))/n; R DRDID's is sd(psi)/sqrt(n), larger by "
        "sqrt(n/(n-1)). outcomelab follows R."
    ),
    "published_R_DRDID": {
        "call": (
            "drdid(yname='re', tname='year', idname='id', dname='experimental', "
            "xformla=~age+educ+black+married+nodegree+hisp+re74, data=eval_lalonde_cps, "
            "panel=TRUE) (DRDID README, estMethod='imp')"
        ),
        "ATT": -901.2703,
        "Std. Error": 393.6247,
    },
    "panel": {},
    "rc": {},
}
for name, fn in [
    ("drdid_imp_panel", moderndid.drdid_imp_panel),
    ("reg_did_panel", moderndid.reg_did_panel),
    ("std_ipw_did_panel", moderndid.std_ipw_did_panel),
]:
    r = fn(y1, y0, d, x)
    out["panel"][name] = {"att": float(r.att), "se": float(r.se), "n": len(d)}
for name, fn in [
    ("drdid_imp_rc", moderndid.drdid_imp_local_rc),
    ("reg_did_rc", moderndid.reg_did_rc),
    ("std_ipw_did_rc", moderndid.std_ipw_did_rc),
]:
    r = fn(y, t, dd, xx)
    out["rc"][name] = {"att": float(r.att), "se": float(r.se), "n": len(y)}
no_cov = moderndid.drdid_imp_panel(y1, y0, d, np.ones((len(d), 1)))
out["panel"]["drdid_imp_panel_nocov"] = {
    "att": float(no_cov.att),
    "se": float(no_cov.se),
    "n": len(d),
}
(HERE / "expected.json").write_text(json.dumps(out, indent=1))
print(json.dumps(out, indent=1))
