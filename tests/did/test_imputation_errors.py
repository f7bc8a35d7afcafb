"""imputation's designed errors, the no-never-treated case and a known-truth check."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import imputation, sun_abraham
from outcomelab.errors import (
    EmptyGroupError,
    EstimationError,
    InputError,
    ParameterError,
    SingularDesignError,
)

ARGS = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}


@pytest.fixture
def mpdta(reference_table: Any) -> pd.DataFrame:
    return reference_table("mpdta/mpdta.csv")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("anticipation", -1),
        ("anticipation", True),
        ("alpha", 0),
        ("cluster", ["a", "b"]),
        ("covariates", 3),
        ("weights", 2.0),
        ("unit", ["countyreal"]),
    ],
)
def test_bad_options_name_the_parameter(mpdta: pd.DataFrame, option: str, value: object) -> None:
    with pytest.raises(ParameterError, match=f"`{option}`"):
        imputation(mpdta, **{**ARGS, option: value})  # type: ignore[arg-type]


def test_bad_data(mpdta: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="not found"):
        imputation(mpdta, **{**ARGS, "time": "when"})
    with pytest.raises(InputError, match="pandas DataFrame"):
        imputation(mpdta.to_numpy(), **ARGS)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="share a"):
        imputation(pd.concat([mpdta, mpdta.head(3)]), **ARGS)


def test_degenerate_outcome_and_absorbed_covariate(mpdta: pd.DataFrame) -> None:
    with pytest.raises(EstimationError, match="not estimable"):
        imputation(mpdta.assign(lemp=1.0), **ARGS)
    with pytest.raises(SingularDesignError, match="covariates"):
        imputation(mpdta, **ARGS, covariates="lpop")


def test_nothing_to_impute(mpdta: pd.DataFrame) -> None:
    one = mpdta[mpdta["first.treat"] == 2006]  # one cohort, no comparison: nothing imputable
    with pytest.raises(EmptyGroupError, match="No treated unit-period can be imputed"):
        imputation(one, **ARGS)
    with pytest.raises(EmptyGroupError, match="No treated units"):
        imputation(mpdta.assign(**{"first.treat": 0}), **ARGS)


def test_without_never_treated_units_periods_all_treated_are_left_out(mpdta: pd.DataFrame) -> None:
    res = imputation(mpdta[mpdta["first.treat"] > 0], **ARGS)
    # 2007: every unit is treated, so no treated unit-period of 2007 can be imputed
    n_2007 = int((mpdta["first.treat"] > 0).groupby(mpdta["year"]).sum()[2007])
    assert res.diagnostics["n_not_imputable"] == n_2007
    assert res.tidy()["event_time"].max() == 2  # e = 3 exists only in 2007
    assert any("Proposition 5" in n for n in res.notes)


def test_recovers_heterogeneous_effects_and_agrees_with_sun_abraham() -> None:
    """Cohort- and time-varying effects: both estimators recover the event-time averages; the
    imputation standard errors are smaller under homoskedastic errors (BJS's efficiency)."""
    rng = np.random.default_rng(11)
    n, years = 900, np.arange(2010, 2019)
    start = np.select([np.arange(n) < 300, np.arange(n) < 600], [2012, 2015], 0)
    df = pd.DataFrame({"id": np.repeat(np.arange(n), years.size), "year": np.tile(years, n)})
    df["start"] = np.repeat(start, years.size)
    e = df["year"] - df["start"]
    effect = np.where(
        (df["start"] > 0) & (e >= 0), np.where(df["start"] == 2012, 1.0, 3.0) + 0.5 * e, 0
    )
    df["y"] = np.repeat(rng.normal(size=n), years.size) + 0.2 * (df["year"] - 2010) + effect
    df["y"] += rng.normal(scale=0.5, size=len(df))
    args = {"outcome": "y", "unit": "id", "time": "year", "cohort": "start"}
    imp, sa = imputation(df, **args), sun_abraham(df, **args)
    truth = {0: 2.0, 1: 2.5, 2: 3.0, 3: 3.5, 4: 3.0, 5: 3.5, 6: 4.0}
    tab = imp.tidy().set_index("event_time")
    for ev, value in truth.items():
        assert abs(tab.loc[ev, "estimate"] - value) < 4 * tab.loc[ev, "std_error"]
    post = sa.tidy().set_index("event_time").loc[list(truth)]
    assert (tab.loc[list(truth), "std_error"] < post["std_error"]).all()
    assert abs(imp.estimate - sa.estimate) < 3 * sa.std_error


def test_units_att_gt_would_drop_are_dropped_and_noted(mpdta: pd.DataFrame) -> None:
    """The same sample rules as att_gt (a unit with a missing year is dropped; a cohort after
    the last period is never treated), said in the notes of both estimators."""
    df = mpdta[~((mpdta["countyreal"] == 8001) & (mpdta["year"] == 2005))].copy()
    df.loc[df["countyreal"] == 8019, "first.treat"] = 2010
    for estimator in (imputation, sun_abraham):
        res = estimator(df, **ARGS)
        assert res.diagnostics["n_units"] == 499
        assert any(
            "Dropped 1 of 500 units (1 not observed in every period)" in n for n in res.notes
        )
        assert any("count as never treated" in n for n in res.notes)
