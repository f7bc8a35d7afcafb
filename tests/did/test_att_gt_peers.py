"""att_gt with covariates, not-yet-treated controls, a universal base period and anticipation on
mpdta, against moderndid 0.2.0 (an independent port of R did) stored as fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import att_gt

REF = Path(__file__).parents[1] / "reference" / "mpdta"

#: fixture case -> our arguments (mirrors CASES in make_peer_fixtures.py)
CASES: dict[str, dict[str, Any]] = {
    "dr_lpop_never": {"covariates": ["lpop"], "control_group": "never_treated", "method": "dr"},
    "ipw_lpop_never": {"covariates": ["lpop"], "control_group": "never_treated", "method": "ipw"},
    "reg_lpop_never": {"covariates": ["lpop"], "control_group": "never_treated", "method": "reg"},
    "dr_notyet": {"control_group": "not_yet_treated", "method": "dr"},
    "dr_universal": {"control_group": "never_treated", "base_period": "universal"},
    "dr_lpop_notyet_universal": {
        "covariates": ["lpop"],
        "control_group": "not_yet_treated",
        "base_period": "universal",
    },
    "dr_xv_timevarying_never": {"covariates": ["xv"]},
    "dr_lpop_never_anticipation1": {"covariates": ["lpop"], "anticipation": 1},
}


@pytest.fixture(scope="module")
def mpdta(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    data = reference_table("mpdta/mpdta.csv")
    # time-varying covariate, as in make_peer_fixtures.time_varying_covariate
    data["xv"] = data["lpop"] + 0.05 * (data["year"] - 2003) * (data["countyreal"] % 7 - 3)
    return data


@pytest.mark.parametrize("case", list(CASES))
def test_matches_moderndid(mpdta: pd.DataFrame, case: str) -> None:
    # anticipation 1: cohort 2004 has no period before 2004 - 1; R did, moderndid and att_gt
    # drop its units with a note
    res = att_gt(
        mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat", **CASES[case]
    )
    assert res.diagnostics["covariates_time_varying"] == (case == "dr_xv_timevarying_never")
    cells = pd.read_csv(REF / "peer_att_gt.csv").query("case == @case").reset_index(drop=True)
    got = res.tidy()
    assert got[["group", "time"]].to_numpy().tolist() == cells[["group", "t"]].to_numpy().tolist()
    # tolerances: point estimates 1e-7 absolute (fixtures have 10 significant digits, glm vs
    # our Newton converge to ~1e-10); standard errors 1e-5 relative
    np.testing.assert_allclose(got["estimate"], cells["att"], atol=1e-7)
    np.testing.assert_allclose(got["std_error"], cells["se"], rtol=1e-5)  # NaN == NaN for ref

    aggs = pd.read_csv(REF / "peer_aggte.csv").query("case == @case").set_index("type")
    for kind in ("simple", "group", "dynamic", "calendar"):
        agg = res.aggregate(kind)  # type: ignore[arg-type]
        assert agg.estimate == pytest.approx(aggs.loc[kind, "overall_att"], abs=1e-7), kind
        assert agg.std_error == pytest.approx(aggs.loc[kind, "overall_se"], rel=1e-5), kind

    expected_p = pd.read_csv(REF / "peer_pretest.csv").set_index("case").loc[case, "wald_pvalue"]
    # moderndid rounds the p-value to 5 decimals, as R did does
    assert res.pretest().p_value == pytest.approx(expected_p, abs=6e-6)
