"""The rank check of the matched-sample outcome regression does not depend on covariate units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import SingularDesignError
from outcomelab.matching import match
from outcomelab.matching.variance import wls_cluster


def _persons(n: int = 400, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    birth_year = rng.integers(1998, 2003, n).astype(float)  # ~2000, SD ~1.4
    born_abroad = rng.integers(0, 2, n).astype(float)
    amount = rng.normal(1e5, 5e2, n)  # SEK, ~1e5
    treat = (rng.random(n) < 0.4).astype(int)
    y = 0.3 * treat + 0.01 * (birth_year - 2000) + 0.2 * born_abroad + rng.normal(size=n)
    return pd.DataFrame(
        {
            "birth_year": birth_year,
            "born_abroad": born_abroad,
            "amount": amount,
            "treat": treat,
            "y": y,
        }
    )


def test_years_indicators_and_amounts_are_not_flagged_as_singular() -> None:
    df = _persons()
    X = df[["birth_year", "born_abroad", "amount"]].to_numpy()
    a = df["treat"].to_numpy()
    w = np.ones(len(df))
    cluster = np.arange(len(df))
    D = np.column_stack([np.ones(len(df)), a, X])
    # the unscaled cross-product looks singular to numpy's default tolerance ...
    assert np.linalg.matrix_rank(D.T @ D) < D.shape[1]
    fit = wls_cluster(df["y"].to_numpy(), a, X, w, cluster)
    # ... but the regression is regular and agrees with a well-scaled least-squares fit
    Xc = (X - X.mean(axis=0)) / X.std(axis=0)
    ref = np.linalg.lstsq(np.column_stack([np.ones(len(df)), a, Xc]), df["y"], rcond=None)[0]
    assert fit.estimate == pytest.approx(ref[1], rel=1e-9)
    # rescaling a covariate changes neither the estimate nor its standard error
    scaled = wls_cluster(df["y"].to_numpy(), a, X * [1.0, 1.0, 1e-3], w, cluster)
    assert (scaled.estimate, scaled.std_error) == pytest.approx((fit.estimate, fit.std_error))


def test_collinear_covariates_are_flagged_by_name() -> None:
    df = _persons()
    df["age_2020"] = 2020.0 - df["birth_year"]  # collinear with birth_year and the intercept
    m = match(df, treatment="treat", covariates=["birth_year", "born_abroad", "amount"])
    assert np.isfinite(m.effect("y", ["birth_year", "born_abroad", "amount"]).estimate)
    with pytest.raises(SingularDesignError, match="birth_year, age_2020") as err:
        m.effect("y", ["birth_year", "born_abroad", "amount", "age_2020"])
    assert "amount" not in str(err.value) and "born_abroad" not in str(err.value)


def test_constant_covariate_among_matched_units_is_named() -> None:
    df = _persons().assign(region=1.0)
    a = df["treat"].to_numpy()
    X = df[["birth_year", "region"]].to_numpy()
    with pytest.raises(SingularDesignError, match="singular: region is constant"):
        wls_cluster(
            df["y"].to_numpy(),
            a,
            X,
            np.ones(len(df)),
            np.arange(len(df)),
            names=["birth_year", "region"],
        )
