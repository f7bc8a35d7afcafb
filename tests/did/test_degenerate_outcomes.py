"""Degenerate is not significant (issue 14): a constant outcome, or one whose changes are all zero,
gives a clear EstimationError from every DiD estimator, never a standard error of 0 or NaN with a
p-value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import att_gt, did_2x2, twfe
from outcomelab.errors import EstimationError


def _panel(outcome: str) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    n, years = 120, np.arange(2001, 2007)
    g = rng.choice([0, 2003, 2005], n)
    df = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), len(years)),
            "year": np.tile(years, n),
            "g": np.repeat(g, len(years)),
            "x": np.repeat(rng.normal(size=n), len(years)),
        }
    )
    df["d"] = ((df.g > 0) & (df.year >= df.g)).astype(int)
    df["treated"] = (df.g > 0).astype(int)
    if outcome == "constant":
        df["y"] = 7.0
    else:  # differs between units, never changes within a unit: every change is zero
        df["y"] = np.repeat(rng.normal(size=n), len(years))
    return df


CALLS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "att_gt": lambda df: att_gt(df, outcome="y", unit="id", time="year", cohort="g"),
    "att_gt/covariates": lambda df: att_gt(
        df, outcome="y", unit="id", time="year", cohort="g", covariates=["x"]
    ),
    "twfe": lambda df: twfe(df, outcome="y", unit="id", time="year", treatment="d"),
    "did_2x2": lambda df: did_2x2(
        df[(df.g != 2003) & df.year.isin([2004, 2005])],
        outcome="y",
        unit="id",
        time="year",
        treatment="treated",
    ),
    "did_2x2/rc": lambda df: did_2x2(
        df[(df.g != 2003) & df.year.isin([2004, 2005])],
        outcome="y",
        unit="id",
        time="year",
        treatment="treated",
        panel=False,
    ),
}


@pytest.mark.parametrize("estimator", list(CALLS))
def test_constant_outcome_is_not_estimable(estimator: str) -> None:
    with pytest.raises(EstimationError, match=r"same value .*not estimable"):
        CALLS[estimator](_panel("constant"))


@pytest.mark.parametrize("estimator", ["att_gt", "att_gt/covariates", "twfe", "did_2x2"])
def test_outcome_without_changes_is_not_estimable(estimator: str) -> None:
    with pytest.raises(EstimationError, match="not estimable"):
        CALLS[estimator](_panel("no_changes"))


def test_a_varying_outcome_still_estimates() -> None:
    df = _panel("no_changes")
    df["y"] = df["y"] + np.random.default_rng(1).normal(size=len(df))
    for call in CALLS.values():
        res = call(df)
        assert np.isfinite(res.std_error) and res.std_error > 0
        assert 0 < res.p_value <= 1
