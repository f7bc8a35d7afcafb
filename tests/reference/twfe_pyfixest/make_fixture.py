"""Make the pyfixest reference numbers for outcomelab.did.twfe (test-only; needs pyfixest).

Run from the repository root:  .venv/bin/python tests/reference/twfe_pyfixest/make_fixture.py
Writes panel.csv (balanced, staggered treatment, one covariate, a 'region' cluster column; the
column 'in_unbalanced' marks the rows of the unbalanced sample, which also has singleton units)
and expected.json (pyfixest's coef and se, in pyfixest's own names).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf

HERE = Path(__file__).parent

rng = np.random.default_rng(20261127)
n_units, n_times = 400, 8
panel = pd.DataFrame(
    {
        "id": np.repeat(np.arange(n_units), n_times),
        "year": np.tile(2015 + np.arange(n_times), n_units),
    }
)
cohort = rng.choice([0, 2018, 2020], n_units, p=[0.4, 0.3, 0.3])
g = cohort[panel["id"]]
panel["d"] = ((g > 0) & (panel["year"] >= g)).astype(int)
panel["region"] = panel["id"] % 23
panel["x"] = rng.normal(size=len(panel)) + 0.2 * panel["d"]
unit_fe = rng.normal(size=n_units)
panel["y"] = (
    unit_fe[panel["id"]]
    + 0.3 * (panel["year"] - 2015)
    + 1.2 * panel["d"]
    + 0.5 * panel["x"]
    + rng.normal(size=len(panel))
    + 0.5 * rng.normal(size=n_units)[panel["id"]] * panel["d"]
)
keep = rng.random(len(panel)) < 0.75
# five units observed once: singletons that pyfixest drops (fixef_rm="singleton")
single = panel["id"].isin(range(5))
keep &= ~single | (panel["year"] == 2016)
panel["in_unbalanced"] = keep.astype(int)
panel.round(10).to_csv(HERE / "panel.csv", index=False)
panel = pd.read_csv(HERE / "panel.csv")  # estimate on exactly what the tests read

cases = {}
for sample in ["balanced", "unbalanced"]:
    data = panel if sample == "balanced" else panel[panel["in_unbalanced"] == 1]
    for fml_name, fml in [("nocov", "y ~ d | id + year"), ("cov", "y ~ d + x | id + year")]:
        for cl_name, cl in [
            ("id", "id"),
            ("region", "region"),
            ("id+year", "id+year"),
            ("region+year", "region+year"),
        ]:
            fit = pf.feols(fml, data=data, vcov={"CRV1": cl})
            tidy = fit.tidy()
            cases[f"{sample}/{fml_name}/{cl_name}"] = {
                "Estimate": tidy["Estimate"].to_dict(),
                "Std. Error": tidy["Std. Error"].to_dict(),
                "nobs": int(fit._N),
            }
out = {"source": f"pyfixest {pf.__version__} feols, default ssc", "cases": cases}
(HERE / "expected.json").write_text(json.dumps(out, indent=1))
print(f"wrote {len(cases)} cases")
