"""att_gt: bad input raises the documented error with what, where and how to fix it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import att_gt
from outcomelab.errors import (
    EmptyGroupError,
    InputError,
    NoOverlapError,
    ParameterError,
    SingularDesignError,
)

ARGS = {"outcome": "y", "unit": "id", "time": "year", "cohort": "g"}


def panel(n: int = 300, seed: int = 0, cohorts: tuple[int, ...] = (0, 2003, 2005)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.arange(2001, 2007)
    g = rng.choice(cohorts, n)
    df = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), len(years)),
            "year": np.tile(years, n),
            "g": np.repeat(g, len(years)),
            "x1": np.repeat(rng.normal(size=n), len(years)),
        }
    )
    df["y"] = rng.normal(size=len(df)) + 0.5 * ((df.g > 0) & (df.year >= df.g))
    return df


def test_duplicate_unit_time_rows() -> None:
    df = panel()
    df = pd.concat([df, df.iloc[[3, 10]]], ignore_index=True)
    with pytest.raises(InputError, match=r"4 rows share a \('id', 'year'\) pair"):
        att_gt(df, **ARGS)


def test_non_numeric_outcome() -> None:
    df = panel()
    df["y"] = df["y"].astype(str)
    with pytest.raises(InputError, match="`outcome` must name numeric columns"):
        att_gt(df, **ARGS)


def test_missing_column_lists_available() -> None:
    with pytest.raises(InputError, match="`cohort` names 'first_year'"):
        att_gt(panel(), outcome="y", unit="id", time="year", cohort="first_year")


def test_cohort_after_last_period_counts_as_never_treated() -> None:
    """R did 2.5: a cohort that starts after the last period is never treated in the panel."""
    df = panel()
    df.loc[df.id == 5, "g"] = 2010
    res = att_gt(df, **ARGS)
    assert any("1 units start treatment after the last period" in n for n in res.notes)
    recoded = att_gt(df.assign(g=df["g"].replace(2010, 0)), **ARGS)
    np.testing.assert_array_equal(res.tidy()["estimate"], recoded.tidy()["estimate"])


def test_cohort_without_pre_period_is_dropped_as_r_does() -> None:
    df = panel()
    df.loc[df.id.isin([1, 2]), "g"] = 2001
    res = att_gt(df, **ARGS)
    assert res.diagnostics["dropped_units"] == {"already treated in the first period": 2}
    assert any(
        "Dropped 2 of 300 units (2 already treated in the first period)" in n for n in res.notes
    )
    direct = att_gt(df[~df.id.isin([1, 2])], **ARGS)
    np.testing.assert_allclose(res.tidy()["estimate"], direct.tidy()["estimate"], rtol=1e-12)


def test_cohort_changing_within_unit() -> None:
    df = panel()
    df.loc[(df.id == 7) & (df.year == 2004), "g"] = 2005
    with pytest.raises(InputError, match="changes within 1 units"):
        att_gt(df, **ARGS)


def test_no_never_treated_units_follow_r() -> None:
    """R did 2.5: without never-treated units the periods from the last cohort's start on are
    dropped; never_treated makes the last cohort the comparison group (with a warning)."""
    df = panel(cohorts=(2003, 2005))
    with pytest.warns(UserWarning, match="last cohort \\(2005\\) is the comparison group"):
        res = att_gt(df, **ARGS)
    assert set(res.tidy()["group"]) == {2003.0}
    assert res.tidy()["time"].max() == 2004
    with pytest.warns(UserWarning, match="not-yet-treated comparison group"):
        notyet = att_gt(df, **ARGS, control_group="not_yet_treated")
    assert set(notyet.tidy()["group"]) == {2003.0}
    # one cohort alone: no period before it starts has a comparison group
    with pytest.raises(EmptyGroupError, match="no never-treated units"):
        att_gt(panel(cohorts=(2002,)), **ARGS)


def test_no_treated_units() -> None:
    with pytest.raises(EmptyGroupError, match="No treated units"):
        att_gt(panel(cohorts=(0,)), **ARGS)


def test_collinear_covariates() -> None:
    df = panel()
    df["x2"] = 2 * df["x1"] + 1
    with pytest.raises(SingularDesignError, match="'x2' is a linear combination"):
        att_gt(df, **ARGS, covariates=["x1", "x2"])


def test_constant_covariate_is_singular() -> None:
    df = panel()
    df["c"] = 3.0
    with pytest.raises(SingularDesignError, match="collinear"):
        att_gt(df, **ARGS, covariates=["c"])


def test_overlap_guard_drops_the_cells_of_a_separated_cohort() -> None:
    """R did 2.5: a cell whose largest propensity score reaches 0.999 is NA with the warning
    "overlap condition violated"; here it is left out and listed with the reason."""
    df = panel(n=400)
    # the covariate perfectly separates cohort 2003 from the never treated, not cohort 2005
    df["x_sep"] = np.where(df.g == 2003, 1.0, 0.0) + 0.01 * df["x1"]
    with pytest.warns(UserWarning, match="could not be estimated"):
        res = att_gt(df, **ARGS, covariates=["x_sep"])
    dropped = res.diagnostics["dropped_cells"]
    assert [c["cell"] for c in dropped] == [f"ATT(2003,{t})" for t in range(2002, 2007)]
    assert all("overlap condition is violated" in c["reason"] for c in dropped)
    assert "0.999" in dropped[0]["reason"]
    assert set(res.tidy()["group"]) == {2005.0}
    assert any("could not be estimated" in n for n in res.notes)
    # the aggregates use the estimable cells only
    assert np.isfinite(res.aggregate("dynamic").estimate)


def test_overlap_violated_everywhere_raises_no_overlap() -> None:
    df = panel(n=400, cohorts=(0, 2003))
    df["x_sep"] = np.where(df.g == 2003, 1.0, 0.0) + 0.01 * df["x1"]
    with pytest.raises(NoOverlapError, match=r"overlap condition is violated.*0\.999"):
        att_gt(df, **ARGS, covariates=["x_sep"])


def test_scores_between_trim_and_overlap_limits_are_trimmed_with_a_warning() -> None:
    """Comparison units with a score in [0.995, 0.999) get weight zero (DRDID's trimming) while
    the cell stays estimable (R did's guard needs a score of 0.999)."""
    rng = np.random.default_rng(3)
    # x = 1: 997 treated and 3 comparison units (score 0.997); x = 0: 200 and 200
    x = np.r_[np.ones(1000), np.zeros(400)]
    treat = np.r_[np.ones(997), np.zeros(3), np.ones(200), np.zeros(200)].astype(bool)
    n, years = x.size, np.arange(2001, 2005)
    df = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), 4),
            "year": np.tile(years, n),
            "g": np.repeat(np.where(treat, 2003, 0), 4),
            "x1": np.repeat(x, 4),
        }
    )
    df["y"] = rng.normal(size=len(df))
    with pytest.warns(UserWarning, match="trimmed"):
        res = att_gt(df, **ARGS, covariates=["x1"])
    assert res.diagnostics["n_trimmed"] == 3  # the three comparison units with x = 1
    assert res.diagnostics["dropped_cells"] == []


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("control_group", "nevertreated"),
        ("method", "ols"),
        ("base_period", "fixed"),
        ("alpha", 1.5),
        ("anticipation", -1),
        ("bootstrap", 10),
    ],
)
def test_bad_options(option: str, value: object) -> None:
    with pytest.raises(ParameterError, match=f"`{option}`"):
        att_gt(panel(), **ARGS, **{option: value})


def test_unknown_aggregation() -> None:
    res = att_gt(panel(), **ARGS)
    with pytest.raises(ParameterError, match="`kind` must be one of"):
        res.aggregate("cohort")  # type: ignore[arg-type]
    with pytest.raises(EmptyGroupError, match="No event times"):
        res.aggregate("dynamic", min_e=10)


def test_unbalanced_panel_drops_units_and_says_so() -> None:
    df = panel()
    full = att_gt(df, **ARGS)
    drop_rows = df.index[(df.id.isin([0, 1, 2])) & (df.year == 2004)]
    df_missing_y = df.copy()
    df_missing_y.loc[df.index[(df.id == 3) & (df.year == 2002)], "y"] = np.nan
    res = att_gt(df_missing_y.drop(index=drop_rows), **ARGS)
    assert res.diagnostics["dropped_units"] == {
        "not observed in every period": 3,
        "missing outcome in some period": 1,
    }
    assert res.diagnostics["n_units"] == full.diagnostics["n_units"] - 4
    assert any("Dropped 4 of 300 units" in n for n in res.notes)
    # equals estimating on the balanced subset directly
    sub = df[~df.id.isin([0, 1, 2, 3])]
    direct = att_gt(sub, **ARGS)
    np.testing.assert_allclose(res.tidy()["estimate"], direct.tidy()["estimate"], rtol=1e-12)


def test_small_groups_warn() -> None:
    df = panel(n=200)
    df.loc[df.id.isin([0, 1, 2]), "g"] = 2004  # a cohort of three units
    with pytest.warns(UserWarning, match=r"Some groups are small .*2004 \(3\)"):
        res = att_gt(df, **ARGS)
    assert any("Some groups are small" in n for n in res.notes)
