"""Simulation with a known ATT: bias and 95% coverage of MatchResult.effect().

Design: 3 covariates, logit selection (about 30% treated), outcome linear in the covariates with a
heterogeneous effect tau(X) = 2 + 0.5 * x1; the truth is the sample ATT, the mean of tau(X) over the
treated units (matching targets the ATT among matched treated units; with no caliper all treated
are matched). Tolerances: |mean bias| < 0.1 (about 4 Monte Carlo SEs); coverage within 0.90-0.99
for 150 replications (binomial SE about 1.8 points).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.matching import match

REPS = 150


def simulate(rng: np.random.Generator, n: int = 1200) -> tuple[pd.DataFrame, float]:
    X = rng.normal(size=(n, 3))
    lin = -1.2 + 0.8 * X[:, 0] - 0.5 * X[:, 1] + 0.3 * X[:, 2]
    a = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(int)
    tau = 2 + 0.5 * X[:, 0]
    y = 1 + X @ np.array([1.0, 1.0, -0.5]) + tau * a + rng.normal(size=n)
    df = pd.DataFrame(X, columns=["x1", "x2", "x3"]).assign(treat=a, y=y)
    return df, float(tau[a == 1].mean())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "adjust"),
    [
        ({"ratio": 1}, True),  # without replacement, CR1 by pair, regression-adjusted
        ({"replace": True}, False),  # with replacement, Abadie-Imbens
        ({"replace": True, "ratio": 2}, True),  # Abadie-Imbens bias-corrected
    ],
)
def test_bias_and_coverage(options, adjust):
    rng = np.random.default_rng(20261127)
    errors, covered = [], []
    for _ in range(REPS):
        df, truth = simulate(rng)
        m = match(df, treatment="treat", covariates=["x1", "x2", "x3"], **options)
        res = m.effect("y", covariates=["x1", "x2", "x3"] if adjust else None)
        errors.append(res.estimate - truth)
        covered.append(res.conf_low <= truth <= res.conf_high)
    bias, coverage = float(np.mean(errors)), float(np.mean(covered))
    assert abs(bias) < 0.1, f"bias {bias:.3f}"
    assert 0.90 <= coverage <= 0.99, f"coverage {coverage:.3f}"
