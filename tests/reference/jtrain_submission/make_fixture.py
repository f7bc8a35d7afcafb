"""The peer's numbers for the training-grant submission: pyfixest's two-way fixed effects DiD.

Run from the repository root with pyfixest installed (test-only; the version is recorded)::

    .venv/bin/python tests/reference/jtrain_submission/make_fixture.py

The data are the standard tables written by ``convert.py``: firms with a log scrap rate in both
1987 and 1988 (a balanced two-period panel, as the difference-in-differences uses), treated =
grant in 1988. ``feols("log_scrap_rate ~ treated_post | unit_id + period")`` with standard errors
clustered by firm; in two periods its coefficient is the 2x2 difference in differences.
``expected.json`` keeps pyfixest's names (``Estimate``, ``Std. Error``) and the number of firms,
once unweighted and once (``weighted``) with each firm weighted by its employees
(``feols(weights="population")``), as the standard evaluation weighs aggregate units.
"""

from __future__ import annotations

import json
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def panel() -> pd.DataFrame:
    """Firm-years of the converted tables with a scrap rate in both years."""
    from convert import convert  # type: ignore[import-not-found]

    folder = convert(Path(tempfile.mkdtemp()) / "jtrain")
    units = pd.read_csv(folder / "units.csv", dtype={"unit_id": str})
    rows = pd.read_csv(folder / "unit_outcomes.csv", dtype={"unit_id": str})
    rows = rows[rows["unit_id"].isin(units["unit_id"])]
    both = rows.groupby("unit_id")["period"].transform("count") == 2
    data = rows.loc[both].rename(columns={"value": "log_scrap_rate"})
    treated = set(units.loc[units["group"] == "participant", "unit_id"])
    data["treated_post"] = (data["unit_id"].isin(treated) & (data["period"] == 1988)).astype(int)
    population = dict(zip(units["unit_id"], units["population"], strict=True))
    data["population"] = data["unit_id"].map(population)
    return data


def main() -> None:
    import pyfixest as pf

    data = panel()
    formula = "log_scrap_rate ~ treated_post | unit_id + period"
    fit = pf.feols(formula, data=data, vcov={"CRV1": "unit_id"})
    weighted = pf.feols(formula, data=data, vcov={"CRV1": "unit_id"}, weights="population")
    tidy, tidy_w = fit.tidy(), weighted.tidy()
    expected = {
        "tool": f"pyfixest {version('pyfixest')}",
        "call": f"feols('{formula}', vcov={{'CRV1': 'unit_id'}})",
        "Estimate": float(tidy.loc["treated_post", "Estimate"]),
        "Std. Error": float(tidy.loc["treated_post", "Std. Error"]),
        "n_firms": int(data["unit_id"].nunique()),
        "weighted": {
            "call": f"feols('{formula}', vcov={{'CRV1': 'unit_id'}}, weights='population')",
            "Estimate": float(tidy_w.loc["treated_post", "Estimate"]),
            "Std. Error": float(tidy_w.loc["treated_post", "Std. Error"]),
        },
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    print(expected)


if __name__ == "__main__":
    main()
