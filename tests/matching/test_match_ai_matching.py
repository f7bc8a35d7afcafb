"""The Abadie-Imbens matching estimator and standard error (1:1 with replacement) against R
Matching 4.10.8 (tests/reference/matching_ai: make_fixture.R, SOURCE.md).

Tolerances: 1e-8 relative. The bias-corrected SE differs by design (conditional variances from
residuals here, from raw outcomes in R Matching); R's value is rebuilt from our matches with the
raw outcomes, which pins the difference to that one choice.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.matching import match
from outcomelab.matching.variance import _same_group_neighbour

REF = Path(__file__).parents[1] / "reference" / "matching_ai"


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(REF / "data.csv")


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(REF / "expected.csv").set_index("bias_adjust")


@pytest.fixture(scope="module")
def matched(data):
    return match(data, treatment="t", covariates=["x1", "x2"], distance="ps", replace=True)


def test_ai_estimate_and_se_equal_r_matching(matched, expected):
    assert matched.n_tied == 0 and matched.n_treated == expected.loc[False, "n_treated"]
    res = matched.effect("y", se="abadie_imbens")
    assert res.estimate == pytest.approx(expected.loc[False, "estimate"], rel=1e-8)
    assert res.std_error == pytest.approx(expected.loc[False, "se"], rel=1e-8)


def test_bias_corrected_estimate_equal_and_se_differs_only_by_the_variance_rule(
    data, matched, expected
):
    res = matched.effect("y", ["x1", "x2"], se="abadie_imbens")
    r = expected.loc[True]
    assert res.estimate == pytest.approx(r["estimate"], rel=1e-8)
    assert res.std_error != pytest.approx(r["se"], rel=1e-4)  # residual-based: not R's
    # R Matching's SE rebuilt from our matches, with conditional variances of the raw outcome
    y, X = data["y"].to_numpy(), data[["x1", "x2"]].to_numpy()
    pairs = matched.match_matrix["control_1"].astype(int)
    t_rows, c_match = pairs.index.to_numpy(), pairs.to_numpy()
    K = np.bincount(c_match, minlength=len(y)).astype(float)
    used = np.flatnonzero(K > 0)
    D = np.column_stack([np.ones(len(y)), X])
    beta = np.linalg.lstsq(D[used] * np.sqrt(K[used, None]), y[used] * np.sqrt(K[used]),
                           rcond=None)[0]  # fmt: skip
    mu0 = D @ beta
    diff = y[t_rows] - y[c_match] - mu0[t_rows] + mu0[c_match]
    assert diff.mean() == pytest.approx(res.estimate, rel=1e-10)
    controls = np.flatnonzero(data["t"].to_numpy() == 0)
    neighbour = controls[_same_group_neighbour(data["ps"].to_numpy()[controls, None])]
    sigma2 = np.zeros(len(y))
    sigma2[controls] = 0.5 * (y[controls] - y[neighbour]) ** 2
    n1 = len(t_rows)
    var = (np.sum((diff - diff.mean()) ** 2) + np.sum((K**2 - K) * sigma2)) / n1**2
    assert np.sqrt(var) == pytest.approx(r["se"], rel=1e-8)
