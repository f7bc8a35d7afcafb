"""The dual-vertex form of the ARP linear programs against scipy's HiGHS solver."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from outcomelab.honest.arp import (
    DualPolytope,
    _truncnorm_quantile,
    conditional_test,
    conditional_tests,
    least_favorable_cv,
)


def _eta_highs(y: np.ndarray, x: np.ndarray, sd: np.ndarray) -> tuple[float, np.ndarray]:
    k = x.shape[1]
    c = np.r_[1.0, np.zeros(k)]
    res = linprog(c, A_ub=-np.column_stack([sd, x]), b_ub=-y, bounds=[(None, None)] * (k + 1))
    return float(res.fun), -np.asarray(res.ineqlin.marginals)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_eta_and_dual_equal_highs(k: int) -> None:
    rng = np.random.default_rng(k)
    # moments in +- pairs, as the relative-magnitude bounds come: the program is bounded
    half = rng.normal(size=(4, k))
    x = np.vstack([half, -half])
    sd = rng.uniform(0.5, 2.0, size=8)
    poly = DualPolytope(x, sd)
    ys = rng.normal(size=(30, 8))
    np.testing.assert_allclose(poly.eta(ys), [_eta_highs(y, x, sd)[0] for y in ys], atol=1e-9)
    for y in ys[:10]:
        eta, gamma = poly.solve(y)
        eta_h, dual_h = _eta_highs(y, x, sd)
        assert eta == pytest.approx(eta_h, abs=1e-9)
        # an optimal dual: feasible and attaining the optimum
        np.testing.assert_allclose(
            np.column_stack([sd, x]).T @ gamma, np.r_[1.0, np.zeros(k)], atol=1e-9
        )
        assert gamma @ y == pytest.approx(eta_h, abs=1e-9)
        assert dual_h @ y == pytest.approx(eta_h, abs=1e-7)


def test_truncated_normal_quantile_in_the_tail() -> None:
    from scipy.stats import truncnorm

    assert _truncnorm_quantile(0.5, -1.0, 1.0) == pytest.approx(0.0, abs=1e-12)
    assert _truncnorm_quantile(0.95, 0.2, 3.0) == pytest.approx(
        truncnorm.ppf(0.95, 0.2, 3.0), rel=1e-9
    )
    # far in the upper tail the survival-function form stays finite and inside the bounds
    q = _truncnorm_quantile(0.9, 9.0, 12.0)
    assert 9.0 < q < 12.0


@pytest.mark.parametrize("k", [1, 3])
def test_vectorised_conditional_tests_equal_one_at_a_time(k: int) -> None:
    """The relative-magnitude sets test a whole grid at once; each row's decision is the one
    the single test takes."""
    rng = np.random.default_rng(10 + k)
    half = rng.normal(size=(k + 2, k))
    x = np.vstack([half, -half])
    m = len(x)
    root = rng.normal(size=(m, m))
    sigma = root @ root.T / m + np.eye(m) * 0.1
    poly = DualPolytope(x, np.sqrt(np.diag(sigma)))
    lf = least_favorable_cv(poly, sigma, 0.005, np.random.default_rng(0))
    # a line of y values through the acceptance boundary, as the grid inversion makes
    ys = rng.normal(size=m)[None, :] + np.linspace(-4, 4, 400)[:, None] * rng.normal(size=m)
    together = conditional_tests(ys, x, sigma, poly, 0.05, 0.005, lf)
    alone = [conditional_test(y, x, sigma, poly, 0.05, 0.005, lf) for y in ys]
    assert together.tolist() == alone
    assert 0 < together.sum() < len(ys)  # both decisions occur
