"""att_gt with sampling/population weights against moderndid and csdid
(tests/reference/mpdta_weights), and the properties weights must have."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import att_gt
from outcomelab.errors import InputError

REF = Path(__file__).parents[1] / "reference"
ARGS = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}

#: fixture case -> our arguments (mirrors CASES in make_fixtures.py)
CASES: dict[str, dict[str, Any]] = {
    "dr_never": {},
    "dr_lpop_never": {"covariates": ["lpop"]},
    "ipw_lpop_never": {"covariates": ["lpop"], "method": "ipw"},
    "reg_lpop_never": {"covariates": ["lpop"], "method": "reg"},
    "dr_lpop_notyet": {"covariates": ["lpop"], "control_group": "not_yet_treated"},
}


@pytest.fixture(scope="module")
def mpdta(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    data = reference_table("mpdta/mpdta.csv")
    data["w"] = np.exp(data["lpop"])
    return data


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("peer", ["moderndid", "csdid"])
def test_cells_match_peers(mpdta: pd.DataFrame, case: str, peer: str) -> None:
    res = att_gt(mpdta, **ARGS, weights="w", **CASES[case])
    ref = pd.read_csv(REF / "mpdta_weights" / f"{peer}_att_gt.csv").query("case == @case")
    got = res.tidy()
    assert got[["group", "time"]].to_numpy().tolist() == ref[["group", "t"]].to_numpy().tolist()
    np.testing.assert_allclose(got["estimate"], ref["att"], atol=1e-8)
    np.testing.assert_allclose(got["std_error"], ref["se"], rtol=1e-7)


@pytest.mark.parametrize("case", list(CASES))
def test_aggregates_match_csdid(mpdta: pd.DataFrame, case: str) -> None:
    """Cohort shares are weighted, as in R did::aggte (moderndid 0.2.0 does not weight them)."""
    res = att_gt(mpdta, **ARGS, weights="w", **CASES[case])
    ref = pd.read_csv(REF / "mpdta_weights" / "csdid_aggte.csv").query("case == @case")
    for kind, row in ref.set_index("type").iterrows():
        agg = res.aggregate(kind)  # type: ignore[arg-type]
        assert agg.estimate == pytest.approx(row["overall_att"], abs=1e-8), kind
        assert agg.std_error == pytest.approx(row["overall_se"], rel=1e-7), kind


def test_weights_differ_from_unweighted(mpdta: pd.DataFrame) -> None:
    weighted = att_gt(mpdta, **ARGS, weights="w")
    plain = att_gt(mpdta, **ARGS)
    assert abs(weighted.estimate - plain.estimate) > 1e-3
    assert weighted.diagnostics["weights"] == "w"


def test_constant_weights_equal_no_weights(mpdta: pd.DataFrame) -> None:
    data = mpdta.assign(one=7.0)
    weighted = att_gt(data, **ARGS, weights="one", covariates=["lpop"])
    plain = att_gt(data, **ARGS, covariates=["lpop"])
    np.testing.assert_allclose(weighted.tidy()["estimate"], plain.tidy()["estimate"], atol=1e-12)
    np.testing.assert_allclose(weighted.tidy()["std_error"], plain.tidy()["std_error"], rtol=1e-9)
    assert weighted.aggregate("dynamic").std_error == pytest.approx(
        plain.aggregate("dynamic").std_error, rel=1e-9
    )


def test_integer_weights_equal_replicated_units(mpdta: pd.DataFrame) -> None:
    """A unit with weight 2 counts like two copies of it (point estimates)."""
    rng = np.random.default_rng(4)
    counties = mpdta["countyreal"].unique()
    w = pd.Series(rng.integers(1, 3, counties.size), index=counties)
    data = mpdta.assign(k=mpdta["countyreal"].map(w).astype(float))
    weighted = att_gt(data, **ARGS, weights="k", covariates=["lpop"])
    twice = data[data["k"] == 2].assign(countyreal=lambda d: d["countyreal"] + 10**6)
    replicated = att_gt(pd.concat([data, twice]), **ARGS, covariates=["lpop"])
    np.testing.assert_allclose(
        weighted.tidy()["estimate"], replicated.tidy()["estimate"], atol=1e-9
    )
    assert weighted.aggregate("group").estimate == pytest.approx(
        replicated.aggregate("group").estimate, abs=1e-9
    )


def test_weighted_bootstrap_runs_and_is_close_to_analytic(mpdta: pd.DataFrame) -> None:
    an = att_gt(mpdta, **ARGS, weights="w")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bo = att_gt(mpdta, **ARGS, weights="w", bootstrap=999, seed=3)
    assert bo.estimate == an.estimate
    assert bo.std_error == pytest.approx(an.std_error, rel=0.15)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.assign(w=np.where(d["year"] == 2005, 1.0, d["w"])), "changes within"),
        (lambda d: d.assign(w=-d["w"]), "non-negative"),
        (lambda d: d.assign(w=d["w"].astype(str)), "numeric"),
        (lambda d: d.assign(w=np.where(d.index == 3, np.nan, d["w"])), "missing"),
    ],
)
def test_bad_weights_raise(mpdta: pd.DataFrame, change: Any, match: str) -> None:
    with pytest.raises(InputError, match=match):
        att_gt(change(mpdta), **ARGS, weights="w")
