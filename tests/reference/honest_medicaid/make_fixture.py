"""HonestDiD reference: the Medicaid-expansion examples of the R HonestDiD README.

The R package's README (Rambachan & Roth) illustrates HonestDiD on a public state panel of
health-insurance coverage among low-income childless adults (ACS, 46 states, 2008-2019; Medicaid
expansions under the Affordable Care Act). Its knitr cache, committed in the HonestDiD repository,
holds the data each chunk used and R HonestDiD's own results at full precision.

Step 1 (R, base only): ``read_readme_cache.R`` reads the cache into CSV files in a temporary
folder (data and R's results; the data are not committed here).

Step 2 (this script):

* the README's TWFE event study (``feols(dins ~ i(year, D, ref = 2013) | stfips + year,
  cluster = "stfips")`` on the non-staggered sample) recomputed here with numpy (OLS with both sets
  of dummies, CR1 with fixest's small-sample factors), checked against fixest's own coefficients
  and covariance stored in the cache for the README's variant with a control (to 1e-10), then
  written without the control -- the inputs of the README's relative-magnitudes and smoothness
  tables: ``twfe_betahat.csv`` / ``twfe_sigma.csv``;
* the README's Callaway-Sant'Anna event study (``att_gt(..., control_group = "notyettreated",
  base_period = "universal")``, ``aggte(type = "dynamic", min_e = -5, max_e = 5)``) computed
  with outcomelab's ``att_gt``, checked against R did's estimates and influence-function
  covariance from the cache, written as ``cs_betahat.csv`` / ``cs_sigma.csv``;
* R HonestDiD's results copied to ``r_honestdid.csv`` (full precision; the README prints them
  to three significant digits).

Run (R 4 with base packages; the HonestDiD repository checked out somewhere)::

    .venv/bin/python tests/reference/honest_medicaid/make_fixture.py <HonestDiD checkout>
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from outcomelab.did import att_gt

HERE = Path(__file__).parent


def twfe_event_study(
    d: pd.DataFrame, terms: list[str], controls: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """OLS with state and year dummies; CR1 by state with fixest's default small-sample factors."""
    states = pd.get_dummies(d["stfips"], prefix="s", dtype=float)
    years = pd.get_dummies(d["year"], prefix="y", dtype=float).iloc[:, 1:]
    x = pd.concat([d[terms + controls], states, years], axis=1).to_numpy(float)
    y = d["dins"].to_numpy(float)
    xtx_inv = np.linalg.inv(x.T @ x)
    coef = xtx_inv @ x.T @ y
    resid = y - x @ coef
    codes = pd.factorize(d["stfips"])[0]
    g = codes.max() + 1
    scores = np.zeros((g, x.shape[1]))
    np.add.at(scores, codes, x * resid[:, None])
    n = len(y)
    # fixest (fixef.K = "nested"): K counts the slopes and the year effects (all of them, the
    # state effects are nested in the cluster and left out)
    k = len(terms) + len(controls) + years.shape[1] + 1
    adj = g / (g - 1) * (n - 1) / (n - k)
    vcov = adj * xtx_inv @ (scores.T @ scores) @ xtx_inv
    p = len(terms) + len(controls)
    return coef[:p], vcov[:p, :p]


def main(checkout: Path) -> None:
    """Write the fixture files from the HonestDiD README cache."""
    tmp = Path(tempfile.mkdtemp())
    try:
        subprocess.run(
            [
                "Rscript",
                str(HERE / "read_readme_cache.R"),
                str(checkout / "README_cache" / "gfm"),
                str(tmp),
            ],
            check=True,
        )
        # TWFE event study (non-staggered sample), checked against fixest with the control
        d = pd.read_csv(tmp / "ehec_nonstaggered_control.csv")
        years = [2008, 2009, 2010, 2011, 2012, 2014, 2015]
        terms = [f"d{y}" for y in years]
        for y, term in zip(years, terms, strict=True):
            d[term] = ((d["year"] == y) & (d["D"] == 1)).astype(float)
        b_c, v_c = twfe_event_study(d, terms, ["control"])
        ref_b = pd.read_csv(tmp / "fixest_control_betahat.csv")["estimate"].to_numpy()
        ref_v = pd.read_csv(tmp / "fixest_control_sigma.csv").to_numpy()
        # the README drops the control's row and column (position 8) before HonestDiD
        np.testing.assert_allclose(b_c[:7], ref_b, rtol=1e-10)
        np.testing.assert_allclose(v_c[:7, :7], ref_v, rtol=1e-8)
        beta, sigma = twfe_event_study(d, terms, [])
        pd.DataFrame({"event_time": [y - 2014 for y in years], "estimate": beta}).to_csv(
            HERE / "twfe_betahat.csv", index=False
        )
        pd.DataFrame(sigma).to_csv(
            HERE / "twfe_sigma.csv", index=False, header=False, float_format="%.17g"
        )

        # Callaway-Sant'Anna event study with outcomelab, checked against R did
        ehec = pd.read_csv(tmp / "ehec.csv")
        ehec["cohort"] = ehec["yexp2"].fillna(0)
        res = att_gt(
            ehec,
            outcome="dins",
            unit="stfips",
            time="year",
            cohort="cohort",
            control_group="not_yet_treated",
            base_period="universal",
        )
        dyn = res.aggregate("dynamic", min_e=-5, max_e=5)
        tidy = dyn.tidy()
        r_es = pd.read_csv(tmp / "r_did_es.csv")
        r_v = pd.read_csv(tmp / "r_did_es_V.csv").to_numpy()
        np.testing.assert_allclose(tidy["event_time"], r_es["egt"])
        np.testing.assert_allclose(tidy["estimate"], r_es["att.egt"], atol=1e-10)
        keep = tidy["event_time"].to_numpy() != -1
        vcov = np.asarray(dyn.vcov)
        np.testing.assert_allclose(
            vcov[np.ix_(keep, keep)], r_v[np.ix_(keep, keep)], rtol=1e-8, atol=1e-14
        )
        tidy.loc[keep, ["event_time", "estimate"]].to_csv(HERE / "cs_betahat.csv", index=False)
        pd.DataFrame(vcov[np.ix_(keep, keep)]).to_csv(
            HERE / "cs_sigma.csv", index=False, header=False, float_format="%.17g"
        )
        shutil.copy(tmp / "r_honestdid.csv", HERE / "r_honestdid.csv")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
