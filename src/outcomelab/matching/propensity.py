"""Propensity score model for matching and weighting: the shared binomial GLM fit
(:func:`outcomelab.numerics.fit_binomial`, iterated as R's ``glm.fit``) plus the separation checks
that say which covariates leave treated units without counterparts.

The scores agree with MatchIt's ``distance = "glm"`` to rounding error, so nearest-neighbour
matches (which can hinge on tiny differences) are the same.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from outcomelab.errors import NoOverlapError
from outcomelab.numerics import BinomialFit, fit_binomial

__all__ = ["fit_propensity"]

_EPS = np.finfo(float).eps
#: rows that rule out a two-valued column before the whole column is read
_PREFIX = 4096


def fit_propensity(
    X: np.ndarray,
    treat: np.ndarray,
    *,
    link: Literal["logit", "probit"] = "logit",
    names: tuple[str, ...] = (),
    maxit: int = 25,
    epsilon: float = 1e-8,
    weights: np.ndarray | None = None,
) -> BinomialFit:
    """Fit ``P(treat = 1 | X)`` by a binomial GLM with IRLS, as R's ``glm.fit`` does.

    Parameters
    ----------
    X
        Covariate matrix without intercept (an intercept is added).
    treat
        0/1 treatment indicator.
    link
        ``"logit"`` or ``"probit"``.
    names
        Names of the columns of ``X`` (used to name separating covariates in errors).
    maxit, epsilon
        R's ``glm.control`` defaults: at most 25 iterations; stop when
        ``|dev - dev_old| / (|dev| + 0.1) < epsilon``.
    weights
        Prior (sampling) weights, as R's ``glm(weights = )`` takes them (MatchIt's
        ``s.weights``); None for unit weights.

    Returns
    -------
    BinomialFit
        From :func:`outcomelab.numerics.fit_binomial` (the one logistic fit of the code base).

    Raises
    ------
    NoOverlapError
        Complete separation: the linear predictor classifies every unit perfectly, so treated and
        comparison units share no common support. The message names a covariate that separates the
        groups on its own when there is one.

    Warns
    -----
    UserWarning
        Quasi-separation (fitted probabilities numerically 0 or 1), as R warns.
    """
    fit = fit_binomial(
        X, treat, weights=weights, link=link, maxit=maxit, epsilon=epsilon, intercept=True
    )
    _check_separation(X, treat, fit.linear, fit.score, names)
    return fit


def _separating_columns(X: np.ndarray, treat: np.ndarray, names: tuple[str, ...]) -> list[str]:
    out = []
    t1 = treat == 1
    for j in range(X.shape[1]):
        x1, x0 = X[t1, j], X[~t1, j]
        if x1.min() > x0.max() or x1.max() < x0.min():
            out.append(names[j] if j < len(names) else f"column {j}")
    return out


def _one_sided_dummies(X: np.ndarray, treat: np.ndarray, names: tuple[str, ...]) -> list[str]:
    """Two-valued columns with a value seen in only one group (quasi-separation on their own).

    A column is two-valued only if its first rows are; continuous columns are ruled out on a
    prefix, so the check costs one pass over the data for minima and maxima."""
    out = []
    t1 = treat == 1
    lows, highs = X.min(axis=0), X.max(axis=0)
    for j in range(X.shape[1]):
        x, lo, hi = X[:, j], lows[j], highs[j]
        head = x[:_PREFIX]
        if lo == hi or not np.all((head == lo) | (head == hi)):
            continue
        if not np.all((x == lo) | (x == hi)):
            continue
        x1, x0 = x[t1], x[~t1]
        if x1.max() != x0.max() or x1.min() != x0.min():
            out.append(names[j] if j < len(names) else f"column {j}")
    return out


def _check_separation(
    X: np.ndarray, treat: np.ndarray, eta: np.ndarray, mu: np.ndarray, names: tuple[str, ...]
) -> None:
    t1 = treat == 1
    complete = eta[t1].min() > eta[~t1].max()
    extreme = (mu < 10 * _EPS) | (mu > 1 - 10 * _EPS)
    if complete:
        culprits = _separating_columns(X, treat, names)
        which = (
            f" The covariate{'s' if len(culprits) > 1 else ''} "
            f"{', '.join(repr(c) for c in culprits)} separate treated from comparison units on "
            "their own."
            if culprits
            else ""
        )
        raise NoOverlapError(
            "The propensity model predicts treatment perfectly (complete separation): no treated "
            f"unit has a comparison unit with a similar score.{which} Drop or coarsen the "
            "separating covariates, or restrict the comparison pool to units like the treated."
        )
    dummies = _one_sided_dummies(X, treat, names)
    if not dummies and not extreme.any():
        return
    which = (
        f" The indicator{'s' if len(dummies) > 1 else ''} {', '.join(repr(c) for c in dummies)} "
        "take a value seen in only one group."
        if dummies
        else ""
    )
    warnings.warn(
        f"The propensity model shows quasi-separation ({int(extreme.sum())} fitted scores "
        f"numerically 0 or 1).{which} Units with that value have no counterparts in the other "
        "group; consider discard='both', exact matching on the indicator, or a narrower pool.",
        UserWarning,
        stacklevel=3,
    )
