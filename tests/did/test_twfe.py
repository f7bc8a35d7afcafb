"""Tests of outcomelab.did.twfe: pyfixest reference numbers, linearmodels, error paths."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import twfe
from outcomelab.errors import InputError, ParameterError, SingularDesignError

REF = Path(__file__).parents[1] / "reference" / "twfe_pyfixest"
CLUSTERS = {
    "id": None,
    "region": "region",
    "id+year": ["id", "year"],
    "region+year": ["region", "year"],
}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.read_csv(REF / "panel.csv")


@pytest.mark.parametrize("case", sorted(json.loads((REF / "expected.json").read_text())["cases"]))
def test_matches_pyfixest(panel: pd.DataFrame, case: str) -> None:
    expected = json.loads((REF / "expected.json").read_text())["cases"][case]
    sample, cov, cl = case.split("/")
    data = panel if sample == "balanced" else panel[panel["in_unbalanced"] == 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        res = twfe(
            data,
            outcome="y",
            unit="id",
            time="year",
            treatment="d",
            covariates=["x"] if cov == "cov" else None,
            cluster=CLUSTERS[cl],
        )
    tidy = res.tidy().set_index("term")
    for term, value in expected["Estimate"].items():
        np.testing.assert_allclose(tidy.loc[term, "estimate"], value, rtol=0, atol=1e-8)
    for term, value in expected["Std. Error"].items():
        np.testing.assert_allclose(tidy.loc[term, "std_error"], value, rtol=1e-6)
    assert res.diagnostics["n_obs"] == expected["nobs"]
    assert res.diagnostics["balanced"] is (sample == "balanced")


def test_matches_linearmodels_panelols(panel: pd.DataFrame) -> None:
    from linearmodels.panel import PanelOLS

    data = panel[panel["in_unbalanced"] == 1]
    data = data[data["id"] >= 5]  # no singletons: linearmodels keeps them, pyfixest drops them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        res = twfe(data, outcome="y", unit="id", time="year", treatment="d", covariates=["x"])
    lm = PanelOLS.from_formula(
        "y ~ d + x + EntityEffects + TimeEffects", data.set_index(["id", "year"])
    ).fit(cov_type="clustered", cluster_entity=True)
    np.testing.assert_allclose(res.tidy()["estimate"], lm.params[["d", "x"]], rtol=0, atol=1e-8)
    # linearmodels' default clustered covariance scales the sandwich by n / (n - k - (N + T - 1))
    # (all fixed effects counted, no G/(G-1)); ours follows pyfixest: compare unscaled sandwiches.
    n, n_units, n_times = (res.diagnostics[k] for k in ("n_obs", "n_units", "n_periods"))
    ours = np.asarray(res.tidy()["std_error"]) / np.sqrt(res.diagnostics["ssc"])
    lm_scale = n / (n - 2 - (n_units + n_times - 1))
    theirs = np.asarray(lm.std_errors[["d", "x"]]) / np.sqrt(lm_scale)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert n == lm.nobs


def test_staggered_design_warns_and_notes(panel: pd.DataFrame) -> None:
    with pytest.warns(UserWarning, match="staggered"):
        res = twfe(panel, outcome="y", unit="id", time="year", treatment="d")
    assert res.diagnostics["staggered"] is True
    assert res.diagnostics["cohorts"] == [2018, 2020]
    assert any("bacon_decomposition" in n for n in res.notes)


def test_single_cohort_does_not_warn(panel: pd.DataFrame) -> None:
    data = panel[~panel["id"].isin(panel.loc[(panel["d"] == 1) & (panel["year"] == 2018), "id"])]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        res = twfe(data, outcome="y", unit="id", time="year", treatment="d")
    assert res.diagnostics["staggered"] is False
    assert res.n_treated + res.n_control == data["id"].nunique()
    assert res.method == "twfe" and res.to_dict()["terms"][0]["term"] == "d"


def _small() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"id": np.repeat(np.arange(40), 3), "t": np.tile([1, 2, 3], 40)})
    df["d"] = ((df["id"] < 20) & (df["t"] == 3)).astype(int)
    df["x"] = rng.normal(size=len(df))
    df["y"] = df["d"] + rng.normal(size=len(df))
    return df


def test_duplicate_rows_raise() -> None:
    df = _small()
    df = pd.concat([df, df.iloc[[4]]], ignore_index=True)
    with pytest.raises(InputError, match=r"2 rows share a \('id', 't'\) pair"):
        twfe(df, outcome="y", unit="id", time="t", treatment="d")


@pytest.mark.parametrize("n_units", [20, 10_000_000])
def test_duplicate_pairs_found_in_any_row_order(n_units: int) -> None:
    """Sorted rows pass in one pass; unsorted rows are counted per cell, or above 50 million
    unit-period cells (10 million units x 10 periods) compared on a sorted copy."""
    from outcomelab.did.panel_checks import check_unique_unit_time

    units = np.array([0, 0, 1, 1, n_units - 1, n_units - 1])
    times = np.array([0, 1, 0, 1, 0, 1])
    frame = pd.DataFrame({"id": units, "t": times})
    check = {"n_times": 10, "unit": "id", "time": "t"}
    check_unique_unit_time(frame, units, times, **check)  # sorted: unique
    order = np.array([5, 2, 0, 4, 1, 3])
    check_unique_unit_time(frame.iloc[order], units[order], times[order], **check)
    dup = np.array([5, 2, 0, 4, 1, 2])
    with pytest.raises(InputError, match=r"2 rows share a \('id', 't'\) pair"):
        check_unique_unit_time(frame.iloc[dup], units[dup], times[dup], **check)


def test_non_numeric_outcome_raises() -> None:
    df = _small()
    df["y"] = df["y"].astype(str)
    with pytest.raises(InputError, match="numeric"):
        twfe(df, outcome="y", unit="id", time="t", treatment="d")


def test_missing_values_counted() -> None:
    df = _small()
    df.loc[[3, 7], "y"] = np.nan
    with pytest.raises(InputError, match="2 missing values"):
        twfe(df, outcome="y", unit="id", time="t", treatment="d")


def test_no_treatment_variation_raises() -> None:
    df = _small()
    df["d"] = 0
    with pytest.raises(SingularDesignError, match="no longer vary"):
        twfe(df, outcome="y", unit="id", time="t", treatment="d")


def test_collinear_covariates_raise() -> None:
    df = _small()
    df["x2"] = 2 * df["x"] + df["d"]
    with pytest.raises(SingularDesignError, match="collinear"):
        twfe(df, outcome="y", unit="id", time="t", treatment="d", covariates=["x", "x2"])


def test_time_invariant_covariate_raises() -> None:
    df = _small()
    df["age"] = df["id"] * 1.0
    with pytest.raises(SingularDesignError, match="age"):
        twfe(df, outcome="y", unit="id", time="t", treatment="d", covariates=["age"])


def test_three_cluster_columns_raise() -> None:
    df = _small()
    with pytest.raises(ParameterError, match="at most 2 columns"):
        twfe(df, outcome="y", unit="id", time="t", treatment="d", cluster=["id", "t", "x"])


@pytest.mark.slow
def test_twfe_simulation_bias_and_coverage() -> None:
    """1000 draws of a non-staggered panel (200 units x 6 periods, half treated from period 4,
    effect 1.5) with AR(1) errors within units (rho 0.6), so unclustered errors would under-cover.

    Checks |bias| < 0.01 (Monte Carlo SE about 0.003) and CR1 95 % coverage in [93 %, 97 %].
    """
    rng = np.random.default_rng(7)
    n, t, reps, truth, rho = 200, 6, 1000, 1.5, 0.6
    ids, periods = np.repeat(np.arange(n), t), np.tile(np.arange(t), n)
    d = ((ids < n // 2) & (periods >= 3)).astype(int)
    est, cover = [], []
    for _ in range(reps):
        shocks = rng.normal(size=(n, t))
        e = np.empty((n, t))
        e[:, 0] = shocks[:, 0]
        for s in range(1, t):
            e[:, s] = rho * e[:, s - 1] + np.sqrt(1 - rho**2) * shocks[:, s]
        y = rng.normal(size=n)[ids] + 0.3 * periods + truth * d + e.ravel()
        df = pd.DataFrame({"id": ids, "t": periods, "d": d, "y": y})
        res = twfe(df, outcome="y", unit="id", time="t", treatment="d")
        est.append(res.estimate)
        cover.append(res.conf_low <= truth <= res.conf_high)
    assert abs(np.mean(est) - truth) < 0.01
    assert 0.93 <= np.mean(cover) <= 0.97
