"""The shared binomial GLM fit against R's glm() (tests/reference/glm_lalonde)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.numerics import fit_binomial
from outcomelab.numerics.logistic import information_inverse

REF = Path(__file__).parents[1] / "reference"


@pytest.fixture(scope="module")
def design(lalonde: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = lalonde
    weights = 0.5 + ((np.arange(1, len(data) + 1) * 37) % 17) / 8
    x = np.column_stack(
        [
            np.ones(len(data)),
            data[["age", "educ"]].to_numpy(float),
            (data["race"] == "hispan").to_numpy(float),
            (data["race"] == "white").to_numpy(float),
            data[["married", "nodegree", "re74", "re75"]].to_numpy(float),
        ]
    )
    return x, data["treat"].to_numpy(float), weights


@pytest.mark.parametrize("case", ["logit", "probit", "logit_weighted"])
def test_matches_r_glm(design: tuple[np.ndarray, np.ndarray, np.ndarray], case: str) -> None:
    x, y, w = design
    fit = fit_binomial(
        x,
        y,
        weights=w if case == "logit_weighted" else None,
        link="probit" if case == "probit" else "logit",
    )
    ref = pd.read_csv(REF / "glm_lalonde" / "coefficients.csv").query("case == @case")
    fitted = pd.read_csv(REF / "glm_lalonde" / "fitted.csv")[case].to_numpy()
    assert fit.converged
    assert fit.iterations == int(ref["iter"].iloc[0])
    np.testing.assert_allclose(fit.coef, ref["estimate"].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(fit.score, fitted, rtol=1e-9)
    assert fit.deviance == pytest.approx(float(ref["deviance"].iloc[0]), rel=1e-12)


def test_unit_weights_equal_no_weights(design: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, y, _ = design
    plain = fit_binomial(x, y)
    ones = fit_binomial(x, y, weights=np.ones_like(y))
    np.testing.assert_array_equal(plain.coef, ones.coef)


def test_zero_weight_rows_do_not_enter(design: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, y, w = design
    w0 = w.copy()
    w0[:50] = 0.0
    full = fit_binomial(x, y, weights=w0)
    dropped = fit_binomial(x[50:], y[50:], weights=w[50:])
    np.testing.assert_allclose(full.coef, dropped.coef, rtol=1e-10)


def test_information_inverse_is_n_times_glm_vcov(
    design: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    x, y, _ = design
    fit = fit_binomial(x, y)
    info = information_inverse(x, fit.score)
    # glm's vcov is (X'WX)^-1 with W = p(1-p): the average information's inverse divided by n
    w = fit.score * (1 - fit.score)
    np.testing.assert_allclose(info / len(y), np.linalg.inv((x * w[:, None]).T @ x), rtol=1e-8)


def test_complete_separation_does_not_converge_and_scores_reach_the_edges() -> None:
    # R: "glm.fit: algorithm did not converge" and "fitted probabilities numerically 0 or 1"
    x = np.column_stack([np.ones(20), np.arange(20.0)])
    y = (np.arange(20) >= 10).astype(float)
    fit = fit_binomial(x, y)
    assert not fit.converged
    assert fit.iterations == 25
    assert fit.score[y == 1].min() > 1 - 1e-6
    assert fit.score[y == 0].max() < 1e-6


@pytest.mark.parametrize("case", ["logit", "probit", "logit_weighted"])
def test_intercept_added_block_by_block_equals_the_column(
    design: tuple[np.ndarray, np.ndarray, np.ndarray], case: str
) -> None:
    """intercept=True (ones put in front of each block, no copy of the design) is the fit with
    the intercept column in the design."""
    x, y, w = design
    kwargs = {
        "weights": w if case == "logit_weighted" else None,
        "link": "probit" if case == "probit" else "logit",
    }
    full = fit_binomial(x, y, **kwargs)
    blocks = fit_binomial(x[:, 1:], y, intercept=True, **kwargs)
    assert blocks.iterations == full.iterations
    np.testing.assert_allclose(blocks.coef, full.coef, rtol=1e-13)
    np.testing.assert_allclose(blocks.score, full.score, rtol=1e-13)
