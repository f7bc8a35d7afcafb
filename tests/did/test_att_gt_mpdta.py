"""att_gt on the R did package's mpdta data against R did 2.x reference numbers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import GroupTimeResult, att_gt

REF = Path(__file__).parents[1] / "reference" / "mpdta"


@pytest.fixture(scope="module")
def mpdta(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    return reference_table("mpdta/mpdta.csv")


@pytest.fixture(scope="module")
def result(mpdta: pd.DataFrame) -> GroupTimeResult:
    return att_gt(
        mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat", method="dr"
    )


def test_group_time_effects_match_r_did(result: GroupTimeResult) -> None:
    expected = pd.read_csv(REF / "r_did_att_gt.csv")
    got = result.tidy()
    assert (
        got[["group", "time"]].to_numpy().tolist() == expected[["group", "t"]].to_numpy().tolist()
    )
    # R values are rounded to 4 decimals
    np.testing.assert_allclose(got["estimate"], expected["att"], atol=1e-4 + 1e-12)


@pytest.mark.parametrize("kind", ["simple", "group", "dynamic", "calendar"])
def test_aggregations_match_r_did_aggte(result: GroupTimeResult, kind: str) -> None:
    expected = pd.read_csv(REF / "r_did_aggte.csv").set_index("type").loc[kind]
    agg = result.aggregate(kind)  # type: ignore[arg-type]
    assert agg.estimate == pytest.approx(expected["overall.att"], abs=1e-5)
    # R prints 6 decimals: relative rounding error up to ~4e-5 / 0.012
    assert agg.std_error == pytest.approx(expected["overall.se"], rel=1e-3)


def test_pretest_matches_r_did(result: GroupTimeResult) -> None:
    expected = float(pd.read_csv(REF / "r_did_pretest.csv")["Wpval"].iloc[0])
    pre = result.pretest()
    assert pre.df == 5  # 2006: 2004, 2005; 2007: 2004, 2005, 2006
    assert pre.p_value == pytest.approx(expected, abs=1e-5)
    assert result.diagnostics["pretest"]["p_value"] == pytest.approx(pre.p_value)


def test_headline_is_simple_aggregate(result: GroupTimeResult) -> None:
    simple = result.aggregate("simple")
    assert result.estimate == pytest.approx(simple.estimate, rel=1e-12)
    assert result.std_error == pytest.approx(simple.std_error, rel=1e-12)
    assert result.n_treated == 191  # counties in cohorts 2004 (20), 2006 (40), 2007 (131)
    assert result.n_control == 309  # never-treated counties


def test_without_covariates_dr_ipw_reg_agree(mpdta: pd.DataFrame, result: GroupTimeResult) -> None:
    for method in ("ipw", "reg"):
        other = att_gt(
            mpdta,
            outcome="lemp",
            unit="countyreal",
            time="year",
            cohort="first.treat",
            method=method,  # type: ignore[arg-type]
        )
        np.testing.assert_allclose(other.tidy()["estimate"], result.tidy()["estimate"], atol=1e-12)
        np.testing.assert_allclose(other.tidy()["std_error"], result.tidy()["std_error"], rtol=1e-9)


def test_dynamic_terms_and_bands(result: GroupTimeResult) -> None:
    dyn = result.aggregate("dynamic").tidy()
    assert dyn["event_time"].tolist() == [-3, -2, -1, 0, 1, 2, 3]
    # e=0 averages ATT(2004,2004), ATT(2006,2006), ATT(2007,2007) by cohort size
    cells = result.tidy().set_index(["group", "time"])["estimate"]
    sizes = result.diagnostics["cohort_sizes"]
    w = np.array([sizes["2004"], sizes["2006"], sizes["2007"]], dtype=float)
    e0 = np.array([cells[(2004, 2004)], cells[(2006, 2006)], cells[(2007, 2007)]])
    assert dyn.loc[dyn.event_time == 0, "estimate"].item() == pytest.approx(w @ e0 / w.sum())
    # uniform band is wider than the pointwise interval
    assert (dyn["cband_high"] - dyn["cband_low"] > dyn["conf_high"] - dyn["conf_low"]).all()
    crit = result.aggregate("dynamic").critical_value
    assert 1.96 < crit < 1.96 * 1.6  # sup-t over 7 correlated terms


def test_row_order_and_identifier_types_do_not_matter(
    mpdta: pd.DataFrame, result: GroupTimeResult
) -> None:
    # shuffled rows (no sorted fast path), string unit ids (pseudonyms), float years
    shuffled = mpdta.sample(frac=1, random_state=1).copy()
    shuffled["pid"] = "p" + shuffled["countyreal"].astype(str)
    shuffled["year"] = shuffled["year"].astype(float)
    other = att_gt(shuffled, outcome="lemp", unit="pid", time="year", cohort="first.treat")
    np.testing.assert_allclose(other.tidy()["estimate"], result.tidy()["estimate"], atol=1e-14)
    np.testing.assert_allclose(other.tidy()["std_error"], result.tidy()["std_error"], rtol=1e-12)
