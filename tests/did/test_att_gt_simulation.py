"""att_gt on simulated staggered designs with a known truth: bias and 95% interval coverage.

Design: cohorts 2003 and 2005 and never treated (shares 0.3, 0.3, 0.4), periods 2001-2006. The
covariate ``x`` is N(mu_g, 1) with a cohort-specific mean, and untreated outcomes trend with
``x`` (``Y_it(0) = a_i + 0.3 t + 0.4 x_i t + e_it``), so parallel trends hold only conditionally on
``x``; the propensity score is then exactly logistic-linear in ``x`` and the outcome regression is
linear in ``x``, so the doubly robust estimator is consistent. Effects are heterogeneous and
dynamic: ``ATT(g, t) = theta_g (1 + 0.5 (t - g))`` for ``t >= g`` with ``theta = 1.0, 0.5``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from outcomelab.did import att_gt

YEARS = np.arange(2001, 2007)
COHORTS = np.array([0, 2003, 2005])
SHARES = np.array([0.4, 0.3, 0.3])
MU = {0: 0.0, 2003: 0.6, 2005: -0.4}
THETA = {2003: 1.0, 2005: 0.5}


def true_att(g: int, t: int) -> float:
    return THETA[g] * (1 + 0.5 * (t - g)) if t >= g else 0.0


def true_simple() -> float:
    num = den = 0.0
    for g, p in zip(COHORTS[1:], SHARES[1:], strict=True):
        for t in YEARS[g <= YEARS]:
            num += p * true_att(int(g), int(t))
            den += p
    return num / den


def true_dynamic_overall() -> float:
    effects = []
    for e in range(0, YEARS[-1] - 2003 + 1):
        cells = [(g, p) for g, p in zip(COHORTS[1:], SHARES[1:], strict=True) if g + e <= YEARS[-1]]
        w = np.array([p for _, p in cells])
        effects.append(sum(p * true_att(int(g), int(g + e)) for g, p in cells) / w.sum())
    return float(np.mean(effects))


def simulate(n: int, rng: np.random.Generator) -> pd.DataFrame:
    g = rng.choice(COHORTS, size=n, p=SHARES)
    x = rng.normal(size=n) + np.vectorize(MU.get)(g)
    a = rng.normal(size=n)
    t = YEARS - YEARS[0]
    y0 = a[:, None] + 0.3 * t + 0.4 * x[:, None] * t + rng.normal(size=(n, len(YEARS)))
    eff = np.zeros((n, len(YEARS)))
    for c in (2003, 2005):
        for j, yr in enumerate(YEARS):
            eff[g == c, j] = true_att(c, int(yr))
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), len(YEARS)),
            "year": np.tile(YEARS, n),
            "g": np.repeat(g, len(YEARS)),
            "x": np.repeat(x, len(YEARS)),
            "y": (y0 + eff).ravel(),
        }
    )


def run(reps: int, n: int, seed: int, covariates: list[str] | None) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth_cells = None
    out: dict[str, list[float]] = {"simple": [], "simple_se": [], "dyn": [], "dyn_se": []}
    cell_cover: list[np.ndarray] = []
    cell_err: list[np.ndarray] = []
    z = stats.norm.ppf(0.975)
    for _ in range(reps):
        df = simulate(n, rng)
        res = att_gt(df, outcome="y", unit="id", time="year", cohort="g", covariates=covariates)
        tab = res.tidy()
        if truth_cells is None:
            truth_cells = np.array(
                [true_att(int(g), int(t)) for g, t in zip(tab.group, tab.time, strict=True)]
            )
        err = tab["estimate"].to_numpy() - truth_cells
        cell_err.append(err)
        cell_cover.append(np.abs(err) <= z * tab["std_error"].to_numpy())
        dyn = res.aggregate("dynamic")
        out["simple"].append(res.estimate)
        out["simple_se"].append(res.std_error)
        out["dyn"].append(dyn.estimate)
        out["dyn_se"].append(dyn.std_error)
    result = {k: np.asarray(v) for k, v in out.items()}
    result["cell_cover"] = np.asarray(cell_cover)
    result["cell_err"] = np.asarray(cell_err)
    return result


def coverage(est: np.ndarray, se: np.ndarray, truth: float) -> float:
    return float(np.mean(np.abs(est - truth) <= stats.norm.ppf(0.975) * se))


@pytest.mark.slow
def test_doubly_robust_bias_and_coverage() -> None:
    # 500 draws of n = 400 units; the Monte Carlo SE of a 95% coverage rate is ~1.0 point, so the
    # required band 93-97% is about +/- 2 MC SEs (the seed is fixed, so the test is deterministic)
    reps = 500
    sim = run(reps, n=400, seed=20211, covariates=["x"])
    for key, truth in (("simple", true_simple()), ("dyn", true_dynamic_overall())):
        bias = sim[key].mean() - truth
        mc_se = sim[key].std(ddof=1) / np.sqrt(reps)
        assert abs(bias) < 3 * mc_se, (key, bias, mc_se)
        # analytic SE close to the Monte Carlo spread (within 10%)
        assert sim[f"{key}_se"].mean() == pytest.approx(sim[key].std(ddof=1), rel=0.10)
        cov = coverage(sim[key], sim[f"{key}_se"], truth)
        assert 0.93 <= cov <= 0.97, (key, cov)
    # every ATT(g,t), pre-treatment cells (truth 0) included
    per_cell = sim["cell_cover"].mean(axis=0)
    assert per_cell.min() >= 0.92, per_cell
    assert 0.93 <= sim["cell_cover"].mean() <= 0.97
    cell_bias = sim["cell_err"].mean(axis=0)
    cell_mcse = sim["cell_err"].std(axis=0, ddof=1) / np.sqrt(reps)
    assert np.all(np.abs(cell_bias) < 3.5 * cell_mcse), cell_bias / cell_mcse


@pytest.mark.slow
def test_ignoring_the_covariate_is_biased() -> None:
    # the same design without conditioning on x violates parallel trends: the test above can fail
    sim = run(40, n=400, seed=7, covariates=None)
    bias = sim["simple"].mean() - true_simple()
    assert abs(bias) > 10 * sim["simple"].std(ddof=1) / np.sqrt(40)
    assert coverage(sim["simple"], sim["simple_se"], true_simple()) < 0.5


def test_large_sample_recovers_truth_without_covariate_trends() -> None:
    # fast check: one large draw, estimates within 4 SE of the truth for every cell
    rng = np.random.default_rng(5)
    df = simulate(20000, rng)
    res = att_gt(df, outcome="y", unit="id", time="year", cohort="g", covariates=["x"])
    tab = res.tidy()
    truth = np.array([true_att(int(g), int(t)) for g, t in zip(tab.group, tab.time, strict=True)])
    assert np.all(np.abs(tab["estimate"] - truth) < 4 * tab["std_error"])
    assert abs(res.estimate - true_simple()) < 4 * res.std_error


@pytest.mark.slow
def test_coverage_at_one_hundred_units_per_cohort() -> None:
    # issue 12 item 5's size: 334 units, about 100 per treated cohort; 400 draws, so the Monte
    # Carlo SE of a 95 % coverage rate is 1.1 points and the band 93-97 % is +/- 1.8 MC SEs
    # (seed fixed: deterministic). Here the cohorts' covariate means differ from the never-treated
    # units' by 0.4 and 0.6 SD. With weaker overlap the analytic SE is too small at any size
    # (measured with means 1 SD away: coverage 0.91-0.94 from 30 to 200 units per cohort; 1.5 SD:
    # 0.86-0.89, SE/sd 0.6-0.74): heavy inverse-probability weights, not few units.
    reps = 400
    sim = run(reps, n=334, seed=334, covariates=["x"])
    for key, truth in (("simple", true_simple()), ("dyn", true_dynamic_overall())):
        cov = coverage(sim[key], sim[f"{key}_se"], truth)
        assert 0.93 <= cov <= 0.97, (key, cov)
        assert sim[f"{key}_se"].mean() == pytest.approx(sim[key].std(ddof=1), rel=0.12)
    assert 0.93 <= sim["cell_cover"].mean() <= 0.97
