"""Tests of outcomelab.did.did_2x2: R DRDID / moderndid reference numbers, identities, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import did_2x2, twfe
from outcomelab.errors import (
    InputError,
    NoOverlapError,
    ParameterError,
    SingularDesignError,
)

REF = Path(__file__).parents[1] / "reference" / "drdid_nsw"
COVS = ["age", "educ", "black", "married", "nodegree", "hisp", "re74"]
EXPECTED = json.loads((REF / "expected.json").read_text())
EXPECTED_WEIGHTED = json.loads((REF / "expected_weighted.json").read_text())
METHODS = {"drdid_imp": "dr", "reg_did": "reg", "std_ipw_did": "ipw"}


@pytest.fixture(scope="module")
def nsw() -> pd.DataFrame:
    return pd.read_csv(REF / "nsw_long.csv.gz")


def test_published_drdid_readme_result(nsw: pd.DataFrame) -> None:
    res = did_2x2(
        nsw,
        outcome="re",
        unit="id",
        time="year",
        treatment="experimental",
        covariates=COVS,
        method="dr",
    )
    pub = EXPECTED["published_R_DRDID"]
    assert res.estimate == pytest.approx(pub["ATT"], abs=5e-5)
    assert res.std_error == pytest.approx(pub["Std. Error"], abs=5e-5)
    assert res.diagnostics["estimator"] == "drdid_imp_panel"
    assert (res.n_treated, res.n_control) == (425, 16417 - 425)


@pytest.mark.parametrize("panel", [True, False])
@pytest.mark.parametrize("stem", sorted(METHODS))
def test_matches_moderndid(nsw: pd.DataFrame, stem: str, panel: bool) -> None:
    key = f"{stem}_{'panel' if panel else 'rc'}"
    expected = EXPECTED["panel" if panel else "rc"][key]
    res = did_2x2(
        nsw,
        outcome="re",
        unit="id",
        time="year",
        treatment="experimental",
        covariates=COVS,
        method=METHODS[stem],
        panel=panel,
    )
    n = expected["n"]
    assert res.diagnostics["estimator"] == key and res.diagnostics["n_obs"] == n
    np.testing.assert_allclose(res.estimate, expected["att"], rtol=1e-6)
    np.testing.assert_allclose(res.std_error, expected["se"] * np.sqrt(n / (n - 1)), rtol=5e-5)


@pytest.mark.parametrize("panel", [True, False])
@pytest.mark.parametrize("stem", sorted(METHODS))
def test_weighted_matches_moderndid(nsw: pd.DataFrame, stem: str, panel: bool) -> None:
    """Sampling weights as DRDID's i.weights (tests/reference/drdid_nsw/expected_weighted.json)."""
    key = f"{stem}_{'panel' if panel else 'rc'}"
    expected = EXPECTED_WEIGHTED["panel" if panel else "rc"][key]
    data = nsw.assign(w=0.5 + (nsw["id"] * 37 % 17) / 8)
    res = did_2x2(
        data,
        outcome="re",
        unit="id",
        time="year",
        treatment="experimental",
        covariates=COVS,
        method=METHODS[stem],
        panel=panel,
        weights="w",
    )
    n = expected["n"]
    assert res.diagnostics["weights"] == "w"
    np.testing.assert_allclose(res.estimate, expected["att"], rtol=1e-6)
    np.testing.assert_allclose(res.std_error, expected["se"] * np.sqrt(n / (n - 1)), rtol=5e-5)


def test_no_covariates_is_difference_in_mean_changes(nsw: pd.DataFrame) -> None:
    wide = nsw.pivot(index="id", columns="year", values="re")
    g = nsw.groupby("id")["experimental"].first()
    change = wide[1978] - wide[1975]
    manual = change[g == 1].mean() - change[g == 0].mean()
    expected = EXPECTED["panel"]["drdid_imp_panel_nocov"]["att"]
    for method in ["dr", "reg", "ipw"]:
        res = did_2x2(
            nsw, outcome="re", unit="id", time="year", treatment="experimental", method=method
        )
        assert res.estimate == pytest.approx(manual, rel=1e-10)
        assert res.estimate == pytest.approx(expected, rel=1e-10)
        rc = did_2x2(
            nsw,
            outcome="re",
            unit="id",
            time="year",
            treatment="experimental",
            method=method,
            panel=False,
        )
        assert rc.estimate == pytest.approx(manual, rel=1e-10)


def test_no_covariates_equals_twfe_on_two_periods(nsw: pd.DataFrame) -> None:
    data = nsw.assign(d=nsw["experimental"] * (nsw["year"] == 1978))
    res = did_2x2(data, outcome="re", unit="id", time="year", treatment="experimental")
    fe = twfe(data, outcome="re", unit="id", time="year", treatment="d")
    assert res.estimate == pytest.approx(fe.estimate, rel=1e-10)


def _sim(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    g = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)
    y0 = x + rng.normal(size=n)
    y1 = y0 + 1 + 0.5 * x + 2 * g + rng.normal(size=n)
    pre = pd.DataFrame({"id": np.arange(n), "t": 2020, "g": g, "x": x, "y": y0})
    return pd.concat([pre, pre.assign(t=2021, y=y1)], ignore_index=True)


def test_unknown_method_raises() -> None:
    with pytest.raises(ParameterError, match="`method`"):
        did_2x2(_sim(), outcome="y", unit="id", time="t", treatment="g", method="tmle")


def test_three_periods_raise() -> None:
    df = _sim()
    df = pd.concat([df, df[df["t"] == 2021].assign(t=2022)], ignore_index=True)
    with pytest.raises(InputError, match=r"exactly two distinct values.*has 3"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g")


def test_treatment_not_constant_within_unit_raises() -> None:
    df = _sim()
    df.loc[(df["t"] == 2020), "g"] = 0
    with pytest.raises(InputError, match="constant within a unit"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g")


def test_duplicate_rows_raise() -> None:
    df = _sim()
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match="share a"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g")


def test_unit_in_one_period_raises_with_fix() -> None:
    df = _sim().drop(index=[5, 6])
    with pytest.raises(InputError, match=r"2 units appear in one period only.*panel=False"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g")
    res = did_2x2(df, outcome="y", unit="id", time="t", treatment="g", panel=False)
    assert res.diagnostics["n_obs"] == len(df)


def test_missing_and_non_numeric_raise() -> None:
    df = _sim()
    df.loc[[1, 2, 3], "x"] = np.nan
    with pytest.raises(InputError, match="3 missing values"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g", covariates=["x"])
    df = _sim().assign(y=lambda f: f["y"].astype(str))
    with pytest.raises(InputError, match="numeric"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g")


def test_collinear_covariates_raise() -> None:
    df = _sim().assign(x2=lambda f: 3 * f["x"] - 1)
    for method in ["dr", "reg", "ipw"]:
        with pytest.raises(SingularDesignError):
            did_2x2(
                df,
                outcome="y",
                unit="id",
                time="t",
                treatment="g",
                covariates=["x", "x2"],
                method=method,
            )


def test_separating_covariate_raises_no_overlap() -> None:
    df = _sim().assign(sep=lambda f: f["g"] * 10.0 + f["x"] * 0.01)
    for method in ["dr", "ipw"]:
        with pytest.raises(NoOverlapError, match="separate"):
            did_2x2(
                df,
                outcome="y",
                unit="id",
                time="t",
                treatment="g",
                covariates=["sep"],
                method=method,
            )


def test_no_treated_units_raise() -> None:
    df = _sim().assign(g=0)
    with pytest.raises(Exception, match="no observations in: treated"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g")


def test_result_shape() -> None:
    res = did_2x2(_sim(), outcome="y", unit="id", time="t", treatment="g", covariates=["x"])
    assert res.method == "did_2x2/dr" and res.conf_low < res.estimate < res.conf_high
    assert res.to_dict()["diagnostics"]["periods"] == [2020, 2021]
    assert "ATT" in res.summary()


@pytest.mark.slow
def test_dr_simulation_bias_and_coverage() -> None:
    """1000 draws, n = 1000 persons, logit selection on x1, x2 and covariate-specific trends.

    The unadjusted DiD is biased here (trend depends on x1, treated have higher x1); the DR
    estimate must have |bias| < 0.02 (Monte Carlo SE about 0.004) and 95 % interval coverage
    between 93 % and 97 % (Monte Carlo SE 0.7 points).
    """
    rng = np.random.default_rng(2026)
    n, reps, truth = 1000, 1000, 2.0
    est, cover, naive = [], [], []
    for _ in range(reps):
        x1, x2 = rng.normal(size=n), rng.binomial(1, 0.4, size=n).astype(float)
        d = (rng.random(n) < 1 / (1 + np.exp(-(-0.8 + 0.8 * x1 - 0.5 * x2)))).astype(int)
        a = 1 + x1 + x2 + rng.normal(size=n)
        y0 = a + rng.normal(size=n)
        y1 = a + 0.5 + 1.0 * x1 - 0.5 * x2 + truth * d + rng.normal(size=n)
        pre = pd.DataFrame({"id": np.arange(n), "t": 0, "d": d, "x1": x1, "x2": x2, "y": y0})
        df = pd.concat([pre, pre.assign(t=1, y=y1)], ignore_index=True)
        res = did_2x2(df, outcome="y", unit="id", time="t", treatment="d", covariates=["x1", "x2"])
        est.append(res.estimate)
        cover.append(res.conf_low <= truth <= res.conf_high)
        naive.append(y1[d == 1].mean() - y0[d == 1].mean() - (y1[d == 0] - y0[d == 0]).mean())
    assert abs(np.mean(est) - truth) < 0.02
    assert 0.93 <= np.mean(cover) <= 0.97
    assert abs(np.mean(naive) - truth) > 0.3  # the design does need the covariates


def test_weights_equal_to_replication() -> None:
    """Integer weights give the same ATT and the same influence-function mean as duplicating
    units (the SE differs: n counts persons, not weight)."""
    df = _sim(300, seed=4)
    w = (df["id"] % 3 + 1).astype(float)
    weighted = did_2x2(
        df.assign(w=w),
        outcome="y",
        unit="id",
        time="t",
        treatment="g",
        covariates=["x"],
        method="reg",
        weights="w",
    )
    copies = [df.assign(id=df["id"] + 1000 * k) for k in range(3)]
    rep = pd.concat([c[(df["id"] % 3) >= k] for k, c in enumerate(copies)], ignore_index=True)
    replicated = did_2x2(
        rep, outcome="y", unit="id", time="t", treatment="g", covariates=["x"], method="reg"
    )
    assert weighted.estimate == pytest.approx(replicated.estimate, rel=1e-10)
    for method in ["dr", "ipw"]:
        a = did_2x2(
            df.assign(w=w),
            outcome="y",
            unit="id",
            time="t",
            treatment="g",
            covariates=["x"],
            method=method,
            weights="w",
        )
        b = did_2x2(
            rep, outcome="y", unit="id", time="t", treatment="g", covariates=["x"], method=method
        )
        assert a.estimate == pytest.approx(b.estimate, rel=1e-8)
    rc = did_2x2(
        df.assign(w=w),
        outcome="y",
        unit="id",
        time="t",
        treatment="g",
        covariates=["x"],
        weights="w",
        panel=False,
    )
    rc_rep = did_2x2(
        rep, outcome="y", unit="id", time="t", treatment="g", covariates=["x"], panel=False
    )
    assert rc.estimate == pytest.approx(rc_rep.estimate, rel=1e-8)


def test_bad_weights_raise() -> None:
    df = _sim().assign(w=1.0)
    df.loc[0, "w"] = -1.0
    with pytest.raises(InputError, match="non-negative"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g", weights="w")
    df = _sim().assign(w=1.0)
    df.loc[df["t"] == 2021, "w"] = 2.0
    with pytest.raises(InputError, match="constant within a unit"):
        did_2x2(df, outcome="y", unit="id", time="t", treatment="g", weights="w")


def test_text_periods_are_named_in_a_note() -> None:
    df = _sim().assign(t=lambda f: f["t"].map({2020: "2020-12", 2021: "2021-12"}))
    res = did_2x2(df, outcome="y", unit="id", time="t", treatment="g")
    assert any("'2020-12' was taken as the first (pre) period" in n for n in res.notes)
    numeric = did_2x2(_sim(), outcome="y", unit="id", time="t", treatment="g")
    assert numeric.notes == () and numeric.estimate == pytest.approx(res.estimate, rel=1e-12)
