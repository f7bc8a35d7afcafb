"""balance() against MatchIt 4.5.1's summary.matchit() on the Lalonde data (see SOURCE.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from outcomelab.balance import balance

REF = Path(__file__).resolve().parents[1] / "reference" / "balance_lalonde"
COVARIATES = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
COLUMNS = {
    "mean_treated": "Means Treated",
    "mean_control": "Means Control",
    "smd": "Std. Mean Diff.",
    "var_ratio": "Var. Ratio",
    "ecdf_mean": "eCDF Mean",
    "ecdf_max": "eCDF Max",
}
MEAN_RTOL = 1e-8
STAT_ATOL = 1e-6  # far tighter than the 1e-4 the issue asks for: the definitions coincide


@pytest.fixture(scope="module")
def lalonde(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    data = reference_table("lalonde/lalonde.csv")
    nearest = pd.read_csv(REF / "att_nearest_weights.csv", index_col="id")
    data["distance"] = nearest["distance"]
    data["match_weight"] = nearest["weights"]
    return data


def _r_table(name: str, terms: pd.Index) -> pd.DataFrame:
    table = pd.read_csv(REF / name, index_col=0)
    return table.loc[[t.replace("race_", "race") for t in terms]]


def _compare(ours: pd.DataFrame, r: pd.DataFrame, when: str) -> None:
    for col, r_col in COLUMNS.items():
        mine = ours[f"{col}_{when}"].to_numpy(dtype=float)
        theirs = r[r_col].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(mine), np.isnan(theirs)), col
        if col.startswith("mean"):
            assert_allclose(mine, theirs, rtol=MEAN_RTOL, equal_nan=True, err_msg=col)
        else:
            assert_allclose(mine, theirs, rtol=0, atol=STAT_ATOL, equal_nan=True, err_msg=col)


def test_att_nearest_matches_matchit(lalonde: pd.DataFrame) -> None:
    tab = balance(
        lalonde,
        treatment="treat",
        covariates=["distance", *COVARIATES],
        weights="match_weight",
        estimand="ATT",
    )
    ours = tab.tidy().set_index("term")
    assert list(ours.index[3:6]) == ["race_black", "race_hispan", "race_white"]
    _compare(ours, _r_table("att_nearest_sum_all.csv", ours.index), "before")
    _compare(ours, _r_table("att_nearest_sum_matched.csv", ours.index), "after")
    nn = pd.read_csv(REF / "att_nearest_nn.csv", index_col=0)
    sizes = tab.sample_sizes
    assert_allclose(sizes.loc["before", "ess_control"], nn.loc["All (ESS)", "Control"], rtol=1e-8)
    assert_allclose(sizes.loc["after", "ess_treated"], nn.loc["Matched (ESS)", "Treated"])
    assert_allclose(sizes.loc["after", "n_control"], nn.loc["Matched", "Control"])
    assert_allclose(sizes.loc["before", "n_treated"], nn.loc["All", "Treated"])


def test_ate_subclassification_weights_match_matchit(lalonde: pd.DataFrame) -> None:
    weights = pd.read_csv(REF / "ate_subclass_weights.csv", index_col="id")["weights"]
    tab = balance(
        lalonde, treatment="treat", covariates=COVARIATES, weights=weights, estimand="ATE"
    )
    ours = tab.tidy().set_index("term")
    assert tab.s_d_denom == "pooled"
    _compare(ours, _r_table("ate_subclass_sum_all.csv", ours.index), "before")
    _compare(ours, _r_table("ate_subclass_sum_across.csv", ours.index), "after")
    nn = pd.read_csv(REF / "ate_subclass_nn.csv", index_col=0)
    sizes = tab.sample_sizes
    assert_allclose(
        sizes.loc["after", "ess_treated"], nn.loc["Matched (ESS)", "Treated"], rtol=1e-8
    )
    assert_allclose(
        sizes.loc["after", "ess_control"], nn.loc["Matched (ESS)", "Control"], rtol=1e-8
    )
    assert_allclose(sizes.loc["after", "n_control"], nn.loc["Matched", "Control"])


def test_ate_ipw_sampling_weights_match_matchit(lalonde: pd.DataFrame) -> None:
    ipw = pd.read_csv(REF / "ate_ipw_weights.csv", index_col="id")["ipw"]
    tab = balance(
        lalonde, treatment="treat", covariates=COVARIATES, weights_before=ipw, estimand="ATE"
    )
    ours = tab.tidy().set_index("term")
    assert not tab.adjusted
    _compare(ours, _r_table("ate_ipw_sum_all.csv", ours.index), "before")
