"""att_gt follows R did 2.5 where it treats data in a particular way (issue 12, items 1 and 3):
csdid 0.4.3 and moderndid 0.2.0 fixtures in tests/reference/mpdta (make_fidelity_fixtures.py)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import att_gt

REF = Path(__file__).parents[1] / "reference" / "mpdta"
ARGS = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}


def _same(data: pd.DataFrame) -> pd.DataFrame:
    return data


def _no_never(data: pd.DataFrame) -> pd.DataFrame:
    return data[data["first.treat"] != 0]


def _late(data: pd.DataFrame) -> pd.DataFrame:
    late = (data["first.treat"] == 0) & (data["countyreal"] % 3 == 0)
    return data.assign(**{"first.treat": np.where(late, 2009, data["first.treat"])})


#: case -> (data transformation, our arguments); mirrors CASES in make_fidelity_fixtures.py
CASES: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], dict[str, Any]]] = {
    "universal_xv_never": (_same, {"covariates": ["xv"], "base_period": "universal"}),
    "universal_xv_notyet": (
        _same,
        {"covariates": ["xv"], "base_period": "universal", "control_group": "not_yet_treated"},
    ),
    "no_never_notyet": (_no_never, {"covariates": ["lpop"], "control_group": "not_yet_treated"}),
    "no_never_never": (_no_never, {"covariates": ["lpop"], "control_group": "never_treated"}),
    "anticipation1_all_units": (_same, {"covariates": ["lpop"], "anticipation": 1}),
    "late_cohort_never": (_late, {"covariates": ["lpop"]}),
}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    data = pd.read_csv(REF / "mpdta.csv")
    data["xv"] = data["lpop"] + 0.05 * (data["year"] - 2003) * (data["countyreal"] % 7 - 3)
    return data


def _run(mpdta: pd.DataFrame, case: str) -> Any:
    transform, kwargs = CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return att_gt(transform(mpdta), **ARGS, **kwargs)


@pytest.mark.parametrize("case", list(CASES))
def test_cells_and_aggregates_match_csdid(mpdta: pd.DataFrame, case: str) -> None:
    res = _run(mpdta, case)
    cells = pd.read_csv(REF / "csdid_fidelity_att_gt.csv").query("case == @case")
    got = res.tidy()
    # universal base: csdid lists the reference cell (effect 0) too, as we do
    assert got[["group", "time"]].to_numpy().tolist() == cells[["group", "t"]].to_numpy().tolist()
    np.testing.assert_allclose(got["estimate"], cells["att"], atol=1e-8)
    np.testing.assert_allclose(got["std_error"], cells["se"], rtol=1e-6)  # NaN == NaN (ref cell)
    aggs = pd.read_csv(REF / "csdid_fidelity_aggte.csv").query("case == @case").set_index("type")
    for kind, row in aggs.iterrows():
        agg = res.aggregate(kind)
        assert agg.estimate == pytest.approx(row["overall_att"], abs=1e-8), kind
        assert agg.std_error == pytest.approx(row["overall_se"], rel=1e-6), kind


@pytest.mark.parametrize("case", [c for c in CASES if c != "no_never_notyet"])
def test_pretest_matches_moderndid(mpdta: pd.DataFrame, case: str) -> None:
    """moderndid rounds the p-value to 5 decimals as R does; in no_never_notyet it keeps the last
    cohort's placebo cells, which R 2.5 (and csdid) do not estimate, so its pre-test differs."""
    expected = pd.read_csv(REF / "moderndid_fidelity_pretest.csv").set_index("case")
    assert _run(mpdta, case).pretest().p_value == pytest.approx(
        expected.loc[case, "wald_pvalue"], abs=6e-6
    )


def test_universal_base_takes_covariates_of_the_earlier_period(mpdta: pd.DataFrame) -> None:
    """A pre-treatment cell t < base uses the covariates of t (R: min(pret, t)), so changing the
    covariate in the base year only moves post-treatment cells and pre cells whose t is the base."""
    res = _run(mpdta, "universal_xv_never")
    shift = 0.3 * (mpdta["countyreal"] % 5)
    moved = mpdta.assign(xv=np.where(mpdta["year"] == 2005, mpdta["xv"] + shift, mpdta["xv"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        other = att_gt(moved, **ARGS, **CASES["universal_xv_never"][1])
    a, b = res.tidy(), other.tidy()
    cohort_2006_pre = (a["group"] == 2006) & (a["time"] < 2005)
    # cohort 2006's base period is 2005: its earlier cells use 2003/2004 covariates, unchanged
    np.testing.assert_allclose(
        a.loc[cohort_2006_pre, "estimate"], b.loc[cohort_2006_pre, "estimate"]
    )
    post_2006 = (a["group"] == 2006) & (a["time"] >= 2006)
    assert (np.abs(a.loc[post_2006, "estimate"] - b.loc[post_2006, "estimate"]) > 1e-6).all()


def test_rules_are_explained_in_notes(mpdta: pd.DataFrame) -> None:
    with pytest.warns(UserWarning, match="last cohort \\(2007\\) is the comparison group"):
        never = att_gt(_no_never(mpdta), **ARGS, control_group="never_treated")
    assert any("periods from 2007 on are dropped" in n for n in never.notes)
    with pytest.warns(UserWarning, match="not-yet-treated comparison group"):
        notyet = att_gt(_no_never(mpdta), **ARGS, control_group="not_yet_treated")
    assert 2007 not in set(notyet.tidy()["group"])
    late = att_gt(_late(mpdta), **ARGS)
    assert any("count as never treated" in n for n in late.notes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ant = att_gt(mpdta, **ARGS, anticipation=1)
    assert ant.diagnostics["dropped_units"] == {
        "already treated in the first period (anticipation 1)": 20
    }
