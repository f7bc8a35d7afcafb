"""Rosenbaum bounds against an independent R computation (lead data), scipy and enumeration."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from outcomelab.errors import InputError, ParameterError
from outcomelab.sensitivity import pair_differences, rosenbaum_bounds

REF = Path(__file__).resolve().parents[1] / "reference" / "sensitivity_lead"


@pytest.fixture(scope="module")
def lead() -> pd.DataFrame:
    return pd.read_csv(REF / "lead.csv")


def test_lead_bounds_match_r(lead: pd.DataFrame) -> None:
    expected = pd.read_csv(REF / "bounds.csv")
    summary = pd.read_csv(REF / "summary.csv").iloc[0]
    res = rosenbaum_bounds(lead["exposed"], lead["control"], gammas=expected["Gamma"])
    table = res.tidy()
    np.testing.assert_allclose(table["p_upper"], expected["Upper bound"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(table["p_lower"], expected["Lower bound"], rtol=0, atol=1e-9)
    assert res.statistic == summary["T"]
    assert res.n_pairs == summary["n_pairs"] and res.n_zero == 1
    # Gamma = 1: the ordinary one-sided signed-rank p-value of R's wilcox.test
    assert table["p_upper"].iloc[0] == pytest.approx(summary["wilcox_p"], rel=1e-9)
    assert res.gamma_critical == pytest.approx(summary["gamma_critical_05"], rel=1e-6)
    # the grid agrees with the solved critical value
    sig = table.set_index("gamma")["significant"]
    assert sig[4.0] and not sig[4.5]
    assert "4.43" in res.interpretation()
    json.dumps(res.to_dict())
    assert "T = 499" in res.summary() and "<table" in res._repr_html_()
    fig = res.plot()
    assert len(fig.axes[0].lines) == 3  # upper, lower, alpha line
    fig.clf()


def test_normal_gamma_one_matches_scipy_approx() -> None:
    rng = np.random.default_rng(4)
    d = np.round(rng.normal(0.3, 1, size=60), 1)  # ties and zeros
    res = rosenbaum_bounds(d, gammas=[1.0])
    ref = stats.wilcoxon(d, alternative="greater", method="approx", correction=False)
    assert res.table["p_upper"].iloc[0] == pytest.approx(ref.pvalue, rel=1e-9)


def test_exact_gamma_one_matches_scipy_exact() -> None:
    d = np.array([1.5, -0.2, 3.1, 2.2, 0.7, -1.1, 4.0, 2.9, 0.4, 1.8, -0.6, 2.5])
    res = rosenbaum_bounds(d, gammas=[1.0], method="exact")
    ref = stats.wilcoxon(d, alternative="greater", method="exact")
    assert res.table["p_upper"].iloc[0] == pytest.approx(ref.pvalue, rel=1e-12)


def test_exact_bounds_match_enumeration() -> None:
    d = np.array([1.5, -0.2, 3.1, 2.2, 0.7, -1.1, 4.0, 2.9, 0.4, 1.8])
    ranks = stats.rankdata(np.abs(d))
    T = ranks[d > 0].sum()
    res = rosenbaum_bounds(d, gammas=[1.5, 3.0], method="exact")
    for gamma, row in zip([1.5, 3.0], res.table.itertuples(), strict=True):
        for p, column in ((gamma / (1 + gamma), "p_upper"), (1 / (1 + gamma), "p_lower")):
            total = 0.0
            for signs in itertools.product([0, 1], repeat=len(d)):
                s = np.array(signs)
                if ranks @ s >= T:
                    total += np.prod(np.where(s == 1, p, 1 - p))
            assert getattr(row, column) == pytest.approx(total, rel=1e-12)


def test_binary_outcome_exact_is_binomial_sign_test() -> None:
    # 40 discordant pairs, 27 in which only the treated unit had the outcome (plus 15 concordant)
    d = np.r_[np.ones(27), -np.ones(13), np.zeros(15)]
    res = rosenbaum_bounds(d, gammas=[1.0, 1.5, 2.0], method="exact")
    for gamma, p_upper in zip([1.0, 1.5, 2.0], res.table["p_upper"], strict=True):
        assert p_upper == pytest.approx(stats.binom.sf(26, 40, gamma / (1 + gamma)), rel=1e-10)
    assert res.n_pairs == 40 and res.n_zero == 15


def test_bounds_monotone_and_bracket() -> None:
    rng = np.random.default_rng(1)
    res = rosenbaum_bounds(rng.normal(0.5, 1, size=200))
    t = res.tidy()
    assert (np.diff(t["p_upper"]) > 0).all() and (np.diff(t["p_lower"]) < 0).all()
    assert (t["p_lower"] <= t["p_upper"]).all()


def test_not_significant_and_always_significant() -> None:
    assert rosenbaum_bounds([1.0, -2.0, 0.5, -0.4, 0.3, -1.0]).gamma_critical == 1.0
    # ten positive differences, exact: p_upper = p+^10, so the critical p+ is 0.05 ** 0.1
    res = rosenbaum_bounds(np.arange(1.0, 11.0), method="exact")
    p_plus = 0.05**0.1
    assert res.gamma_critical == pytest.approx(p_plus / (1 - p_plus), rel=1e-8)


def test_pair_differences() -> None:
    df = pd.DataFrame(
        {"y": [5, 3, 7, 6, 1, 9.0], "t": [1, 0, 0, 1, 1, 0], "subclass": [1, 1, 2, 2, None, None]}
    )
    d = pair_differences(df, outcome="y", treatment="t", pair="subclass")
    assert d.to_dict() == {1: 2.0, 2: -1.0}
    bad = df.assign(subclass=[1, 1, 1, 2, 2, None])
    with pytest.raises(InputError, match="not pairs"):
        pair_differences(bad, outcome="y", treatment="t", pair="subclass")


def test_errors() -> None:
    with pytest.raises(InputError, match="same order"):
        rosenbaum_bounds([1, 2, 3], [1, 2])
    with pytest.raises(InputError, match="missing"):
        rosenbaum_bounds([1, np.nan, 3])
    with pytest.raises(InputError, match="at least two"):
        rosenbaum_bounds([0, 0, 1])
    with pytest.raises(ParameterError, match="at least 1"):
        rosenbaum_bounds([1, 2, 3], gammas=[0.5])
    with pytest.raises(ParameterError, match="method"):
        rosenbaum_bounds([1, 2, 3], method="bootstrap")  # type: ignore[arg-type]
