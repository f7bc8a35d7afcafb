"""weighting(): IPW and AIPW against statsmodels' TreatmentEffect, bias/coverage, error paths.

statsmodels (a peer in the dev extra, never imported by src/) is called directly on the same data
and the same logit design.
Where the definitions coincide we require estimates to 1e-6 (relative) and standard errors to 1e-4
(relative). Two differences in statsmodels 0.14/0.15 that make them *not* coincide, and how the
tests avoid them:

- its GMM covariance clips propensity scores to [0.01, 0.99] (IPW) or [0.001, 0.999] (AIPW);
  we compare on samples whose fitted scores lie inside (lalonde is trimmed to [0.01, 0.99] first);
- it differentiates the moment conditions numerically, which is inaccurate for the unscaled
  lalonde earnings (re74, re75 in dollars: SEs off by up to 13 %); our analytic sandwich is
  invariant to rescaling a covariate (tested), so we compare with earnings in thousands.

``aipw_wls`` is not compared: it is a different estimator (IPW-weighted outcome regressions), and
in statsmodels 0.15 it only runs with exactly six propensity-model parameters.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.treatment.treatment_effects import TreatmentEffect

from outcomelab.errors import (
    EmptyGroupError,
    EstimationError,
    InputError,
    NoOverlapError,
    ParameterError,
)
from outcomelab.matching.weighting import WeightingResult, weighting

COVARIATES = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
EST_RTOL = 1e-6
SE_RTOL = 1e-4


def simulate(n: int, seed: int, effect: float = 2.0) -> pd.DataFrame:
    """Confounded data, heterogeneous effect; true ATE = effect, true ATT computed in the test."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.binomial(1, 0.4, size=n)
    e = 1 / (1 + np.exp(-(-0.3 + 0.8 * x1 + 0.5 * x2)))
    t = rng.binomial(1, e)
    y = 1 + effect * t + x1 + 0.5 * x2 + 0.5 * t * x1 + rng.normal(size=n)
    return pd.DataFrame({"y": y, "t": t, "x1": x1, "x2": x2})


def _statsmodels(df: pd.DataFrame, outcome: str, covariates: list[str]) -> TreatmentEffect:
    dummies = pd.get_dummies(df[covariates], drop_first=True, dtype=float)
    X = sm.add_constant(dummies.to_numpy(dtype=float))
    t = df["treat" if "treat" in df else "t"].to_numpy()
    sel = sm.Logit(t, X).fit(disp=0, tol=1e-12)
    assert sel.predict().min() > 0.01 and sel.predict().max() < 0.99  # statsmodels won't clip
    return TreatmentEffect(sm.OLS(df[outcome].to_numpy(), X), t, results_select=sel)


def _check_against(te: TreatmentEffect, df: pd.DataFrame, treatment: str, outcome: str,
                   covariates: list[str]) -> None:  # fmt: skip
    cases = [
        ("ATE", "ipw", te.ipw(), te.ipw(return_results=False)),
        ("ATT", "ipw", te.ipw(effect_group=1), te.ipw(return_results=False, effect_group=1)),
        ("ATE", "aipw", te.aipw(), te.aipw(return_results=False)),
    ]
    for estimand, method, ref, exact in cases:
        res = weighting(df, outcome=outcome, treatment=treatment, covariates=covariates,
                        estimand=estimand, method=method)  # fmt: skip
        tidy = res.tidy().set_index("term")
        # exact = (effect, POM0, POM1) from statsmodels' closed-form estimators
        np.testing.assert_allclose(res.estimate, exact[0], rtol=EST_RTOL, err_msg=method)
        np.testing.assert_allclose(tidy["estimate"].iloc[2], exact[1], rtol=EST_RTOL)
        np.testing.assert_allclose(tidy["estimate"].iloc[1], exact[2], rtol=EST_RTOL)
        # ref.sd = (effect, POM0, POM1) SEs from statsmodels' stacked GMM (HC0)
        np.testing.assert_allclose(res.std_error, ref.sd[0], rtol=SE_RTOL, err_msg=method)
        np.testing.assert_allclose(tidy["std_error"].iloc[2], ref.sd[1], rtol=SE_RTOL)
        np.testing.assert_allclose(tidy["std_error"].iloc[1], ref.sd[2], rtol=SE_RTOL)


def test_matches_statsmodels_on_simulated_data() -> None:
    df = simulate(2000, seed=0)
    _check_against(_statsmodels(df, "y", ["x1", "x2"]), df, "t", "y", ["x1", "x2"])


@pytest.fixture(scope="module")
def lalonde_overlap(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    df = reference_table("lalonde/lalonde.csv")
    df[["re74", "re75"]] /= 1000.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = weighting(df, outcome="re78", treatment="treat", covariates=COVARIATES,
                         estimand="ATE", trim=(0.01, 0.99)).weights.index  # fmt: skip
    return df.loc[kept]


def test_matches_statsmodels_on_lalonde(lalonde_overlap: pd.DataFrame) -> None:
    te = _statsmodels(lalonde_overlap, "re78", COVARIATES)
    _check_against(te, lalonde_overlap, "treat", "re78", COVARIATES)


def test_standard_error_invariant_to_covariate_scale(lalonde_overlap: pd.DataFrame) -> None:
    dollars = lalonde_overlap.assign(re74=lalonde_overlap["re74"] * 1000)
    for method in ("ipw", "aipw"):
        a = weighting(lalonde_overlap, outcome="re78", treatment="treat", covariates=COVARIATES,
                      estimand="ATE", method=method)  # fmt: skip
        b = weighting(dollars, outcome="re78", treatment="treat", covariates=COVARIATES,
                      estimand="ATE", method=method)  # fmt: skip
        np.testing.assert_allclose(b.std_error, a.std_error, rtol=1e-7)
        np.testing.assert_allclose(b.estimate, a.estimate, rtol=1e-7)


def test_att_aipw_sandwich_matches_numerical_jacobian() -> None:
    """Analytic Jacobian of the ATT-AIPW stack (not in statsmodels) against finite differences."""
    from statsmodels.tools.numdiff import approx_fprime

    from outcomelab.matching.weighting_moments import aipw_moments

    df = simulate(800, seed=3)
    X = sm.add_constant(df[["x1", "x2"]].to_numpy())
    t, y = df["t"].to_numpy(dtype=float), df["y"].to_numpy()
    beta = sm.Logit(t, X).fit(disp=0, tol=1e-12).params
    e = 1 / (1 + np.exp(-X @ beta))
    stacked = aipw_moments("ATT", X, t, y, e, np.ones(len(t)))
    G, A = stacked.G, stacked.A
    # parameter vector: (beta, gamma0, mu1, a, b) -> rebuild the mean moments as a function of it
    p = X.shape[1]
    gamma0 = np.linalg.lstsq(X[t == 0], y[t == 0], rcond=None)[0]
    m0 = X @ gamma0
    w0 = (1 - t) * e / (1 - e)
    theta = np.r_[beta, gamma0, y[t == 1].mean(), np.sum(w0 * (y - m0)) / w0.sum(),
                  m0[t == 1].mean()]  # fmt: skip

    def mean_moments(th: np.ndarray) -> np.ndarray:
        b, g0, mu1, a, bb = th[:p], th[p : 2 * p], th[2 * p], th[2 * p + 1], th[2 * p + 2]
        ee = 1 / (1 + np.exp(-X @ b))
        mm0 = X @ g0
        odds = (1 - t) * ee / (1 - ee)
        cols = [X * (t - ee)[:, None], X * ((1 - t) * (y - mm0))[:, None], t * (y - mu1),
                odds * (y - mm0 - a), t * (mm0 - bb)]  # fmt: skip
        return np.column_stack(cols).mean(axis=0)

    np.testing.assert_allclose(mean_moments(theta), G.mean(axis=0), atol=1e-10)
    np.testing.assert_allclose(approx_fprime(theta, mean_moments, centered=True), A, atol=1e-6)


def test_result_shape_weights_and_balance() -> None:
    df = simulate(1500, seed=5)
    res = weighting(df, outcome="y", treatment="t", covariates=["x1", "x2"], estimand="ATE")
    assert isinstance(res, WeightingResult)
    assert list(res.tidy()["term"]) == ["ATE", "E[Y(1)]", "E[Y(0)]"]
    p = res.propensity.to_numpy()
    t = df["t"].to_numpy()
    np.testing.assert_allclose(res.weights.to_numpy(), np.where(t == 1, 1 / p, 1 / (1 - p)))
    tab = res.balance()
    assert tab.max_abs_smd("after") < tab.max_abs_smd("before")
    assert tab.max_abs_smd("after") < 0.1
    assert res.diagnostics["ess_control"] < (t == 0).sum()
    w0 = res.weights[t == 0]
    assert res.diagnostics["max_weight_share_control"] == pytest.approx(w0.max() / w0.sum())
    assert not any("carries" in n for n in res.notes)  # well-behaved simulated weights
    json.dumps(res.to_dict())
    fig = res.overlap_plot(weighted=True)
    assert len(fig.axes[0].patches) > 0
    fig.clf()
    stab = weighting(df, outcome="y", treatment="t", covariates=["x1", "x2"], estimand="ATE",
                     stabilize=True)  # fmt: skip
    assert stab.estimate == pytest.approx(res.estimate, rel=1e-12)
    assert res == weighting(df, outcome="y", treatment="t", covariates=["x1", "x2"], estimand="ATE")
    np.testing.assert_allclose(stab.weights[t == 1], res.weights[t == 1] * t.mean())


def test_trimming_drops_units_with_a_note() -> None:
    df = simulate(1500, seed=6)
    with pytest.warns(UserWarning, match="trimmed"):
        res = weighting(df, outcome="y", treatment="t", covariates=["x1", "x2"], trim=(0.1, 0.9))
    assert res.diagnostics["n_trimmed"] > 0
    assert res.n_treated + res.n_control == len(df) - res.diagnostics["n_trimmed"]
    assert any("trimmed" in n for n in res.notes)
    with pytest.warns(UserWarning):
        q = weighting(df, outcome="y", treatment="t", covariates=["x1", "x2"], trim=0.05)
    assert q.diagnostics["n_trimmed"] >= int(0.09 * len(df))


# -- errors ---------------------------------------------------------------------------------------
def test_no_overlap_raises_or_trims() -> None:
    rng = np.random.default_rng(9)
    n = 400
    x = rng.normal(size=n)
    t = (x + rng.normal(scale=0.05, size=n) > 1.5).astype(int)  # nearly deterministic
    df = pd.DataFrame({"x": x * 4, "t": t, "y": x + t})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(NoOverlapError, match="trim="):
            weighting(df, outcome="y", treatment="t", covariates=["x"], estimand="ATE")


def test_bad_input() -> None:
    df = simulate(300, seed=2)
    with pytest.raises(InputError, match="'z'"):
        weighting(df, outcome="y", treatment="t", covariates=["x1", "z"])
    with pytest.raises(InputError, match="'y' has 1 missing"):
        weighting(df.assign(y=df["y"].where(df.index != 4)), outcome="y", treatment="t",
                  covariates=["x1"])  # fmt: skip
    with pytest.raises(InputError, match="coded 0"):
        weighting(df.assign(t=df["t"] + 1), outcome="y", treatment="t", covariates=["x1"])
    with pytest.raises(ParameterError, match="method"):
        weighting(df, outcome="y", treatment="t", covariates=["x1"], method="ols")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="trim"):
        weighting(df, outcome="y", treatment="t", covariates=["x1"], trim=0.7)
    with pytest.raises(EmptyGroupError, match="no treated"):
        weighting(df.assign(t=0), outcome="y", treatment="t", covariates=["x1"])


@pytest.mark.parametrize("method", ["ipw", "aipw"])
@pytest.mark.parametrize("estimand", ["ATT", "ATE"])
def test_degenerate_outcome_is_not_estimable(method, estimand) -> None:
    """A constant outcome, or one constant within each group, used to give SE 0 or NaN and a
    p-value of 0 or NaN without a word (issue 14)."""
    df = simulate(300, seed=3)
    with pytest.raises(EstimationError, match="takes the same value"):
        weighting(df.assign(y=1.0), outcome="y", treatment="t", covariates=["x1"],
                  method=method, estimand=estimand)  # fmt: skip
    with pytest.raises(EstimationError, match="zero up to rounding"):
        weighting(df.assign(y=df["t"] * 2.0), outcome="y", treatment="t", covariates=["x1"],
                  method=method, estimand=estimand)  # fmt: skip


# -- simulation: bias and coverage ----------------------------------------------------------------
@pytest.mark.slow
def test_bias_and_coverage_simulation() -> None:
    """150 replications, n = 1000: |bias| < 0.05 and 95% coverage within [0.90, 0.99] for every
    estimator (Monte Carlo SE of a 0.95 coverage over 150 draws is 0.018; seeds are fixed)."""
    reps, n = 150, 1000
    # true ATT = 2 + 0.5 E[x1 | T=1], computed on a large draw
    big = simulate(400_000, seed=999)
    true = {"ATE": 2.0, "ATT": 2.0 + 0.5 * big.loc[big["t"] == 1, "x1"].mean()}
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for r in range(reps):
        df = simulate(n, seed=10_000 + r)
        for estimand in ("ATE", "ATT"):
            for method in ("ipw", "aipw"):
                res = weighting(df, outcome="y", treatment="t", covariates=["x1", "x2"],
                                estimand=estimand, method=method)  # fmt: skip
                results.setdefault((estimand, method), []).append(
                    (res.estimate, res.conf_low, res.conf_high)
                )
    for (estimand, method), rows in results.items():
        arr = np.array(rows)
        bias = arr[:, 0].mean() - true[estimand]
        coverage = np.mean((arr[:, 1] <= true[estimand]) & (true[estimand] <= arr[:, 2]))
        assert abs(bias) < 0.05, (estimand, method, bias)
        print(f"{estimand} {method}: bias {bias:+.4f}, coverage {coverage:.3f}")
        assert 0.90 <= coverage <= 0.99, (estimand, method, coverage)
