"""sun_abraham's designed errors, the last-treated comparison and a known-truth check."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import sun_abraham
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
    ("option", "value", "named"),
    [
        ("control_group", "not_yet_treated", "control_group"),
        ("anticipation", -1, "anticipation"),
        ("anticipation", 1.5, "anticipation"),
        ("alpha", 1.2, "alpha"),
        ("cluster", ["a", "b"], "cluster"),
        ("covariates", 3, "covariates"),
        ("weights", 2.0, "weights"),
        ("outcome", ["lemp", "lpop"], "outcome"),
    ],
)
def test_bad_options_name_the_parameter(
    mpdta: pd.DataFrame, option: str, value: object, named: str
) -> None:
    with pytest.raises(ParameterError, match=f"`{named}`"):
        sun_abraham(mpdta, **{**ARGS, option: value})  # type: ignore[arg-type]


def test_missing_column_and_changing_cohort(mpdta: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="nope"):
        sun_abraham(mpdta, **{**ARGS, "outcome": "nope"})
    bad = mpdta.copy()
    bad.loc[bad.index[0], "first.treat"] = 2006.0
    with pytest.raises(InputError, match="changes within"):
        sun_abraham(bad, **ARGS)
    bad = mpdta.assign(region=np.arange(len(mpdta)) % 7)
    with pytest.raises(InputError, match="cluster"):
        sun_abraham(bad, **ARGS, cluster="region")


def test_constant_outcome_is_not_estimable(mpdta: pd.DataFrame) -> None:
    with pytest.raises(EstimationError, match="same value"):
        sun_abraham(mpdta.assign(lemp=3.0), **ARGS)


def test_time_invariant_covariate_is_refused(mpdta: pd.DataFrame) -> None:
    with pytest.raises(SingularDesignError, match="covariates"):
        sun_abraham(mpdta, **ARGS, covariates=["lpop"])


def test_no_comparison_group(mpdta: pd.DataFrame) -> None:
    one = mpdta[mpdta["first.treat"] == 2006]
    with pytest.raises(EmptyGroupError, match="comparison group"):
        sun_abraham(one, **ARGS)


def test_last_treated_by_choice_equals_the_fallback(mpdta: pd.DataFrame) -> None:
    chosen = sun_abraham(mpdta, **ARGS, control_group="last_treated")
    with pytest.warns(UserWarning, match="No unit is never treated"):
        fallback = sun_abraham(mpdta[mpdta["first.treat"] > 0], **ARGS)
    pd.testing.assert_frame_equal(chosen.tidy(), fallback.tidy())
    assert chosen.diagnostics["control_cohort"] == 2007
    assert chosen.n_control == int(
        (mpdta.groupby("countyreal")["first.treat"].first() == 2007).sum()
    )
    assert any("never-treated units are left out" in n for n in chosen.notes)


def test_recovers_heterogeneous_dynamic_effects() -> None:
    """Effects that differ by cohort and grow with time since start (TWFE's failure case):
    the IW estimates are the cohort-share averages of the true effects."""
    rng = np.random.default_rng(7)
    n, years = 900, np.arange(2010, 2019)
    start = np.select([np.arange(n) < 300, np.arange(n) < 600], [2012, 2015], 0)
    df = pd.DataFrame({"id": np.repeat(np.arange(n), years.size), "year": np.tile(years, n)})
    df["start"] = np.repeat(start, years.size)
    e = df["year"] - df["start"]
    treated = (df["start"] > 0) & (e >= 0)
    effect = np.where(treated, np.where(df["start"] == 2012, 1.0, 3.0) + 0.5 * e, 0.0)
    df["y"] = np.repeat(rng.normal(size=n), years.size) + 0.2 * (df["year"] - 2010) + effect
    df["y"] += rng.normal(scale=0.5, size=len(df))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = sun_abraham(df, outcome="y", unit="id", time="year", cohort="start")
    tab = res.tidy().set_index("event_time")
    truth = {0: 2.0, 1: 2.5, 2: 3.0, 3: 3.5, 4: 3.0, 5: 3.5, 6: 4.0}  # equal cohort shares to e=3
    for ev, value in truth.items():
        assert abs(tab.loc[ev, "estimate"] - value) < 4 * tab.loc[ev, "std_error"]
    assert np.all(
        np.abs(tab.loc[tab.index < -1, "estimate"]) < 4 * tab.loc[tab.index < -1, "std_error"]
    )
