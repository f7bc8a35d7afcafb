"""pyfixest reference numbers for weighted outcomelab.did.twfe (test-only; needs pyfixest).

Run from the repository root:
    .venv/bin/python tests/reference/twfe_pyfixest_weights/make_fixture.py

Reads ../twfe_pyfixest/panel.csv (400 units x 8 years, staggered treatment, covariate x, cluster
column region, the unbalanced sample marked by in_unbalanced) and adds two deterministic weight
columns: ``w_unit`` constant within a unit (a population weight of an aggregate unit) and
``w_row`` varying within units. Writes expected.json with pyfixest's ``tidy()`` estimates and
standard errors (pyfixest's own names) of ``feols(..., weights=w)`` (analytic weights, default
small-sample correction) for every combination of sample, formula, weight and CRV1 cluster.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyfixest as pf

HERE = Path(__file__).parent


def weighted_panel() -> pd.DataFrame:
    panel = pd.read_csv(HERE.parent / "twfe_pyfixest" / "panel.csv")
    panel["w_unit"] = 1.0 + (panel["id"] * 37 % 11) / 2.0
    panel["w_row"] = 0.5 + ((panel["id"] * 13 + panel["year"] * 7) % 9) / 4.0
    return panel


def main() -> None:
    panel = weighted_panel()
    cases = {}
    for sample in ["balanced", "unbalanced"]:
        data = panel if sample == "balanced" else panel[panel["in_unbalanced"] == 1]
        for fml_name, fml in [("nocov", "y ~ d | id + year"), ("cov", "y ~ d + x | id + year")]:
            for weight in ["w_unit", "w_row"]:
                for cl in ["id", "region", "region+year"]:
                    fit = pf.feols(fml, data=data, vcov={"CRV1": cl}, weights=weight)
                    tidy = fit.tidy()
                    cases[f"{sample}/{fml_name}/{weight}/{cl}"] = {
                        "Estimate": tidy["Estimate"].to_dict(),
                        "Std. Error": tidy["Std. Error"].to_dict(),
                        "nobs": int(fit._N),
                    }
    out = {"source": f"pyfixest {pf.__version__} feols(weights=...), default ssc", "cases": cases}
    (HERE / "expected.json").write_text(json.dumps(out, indent=1))
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
