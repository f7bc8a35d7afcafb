"""Propensity score model: a binomial GLM fitted the way R's ``glm.fit`` fits it.

The iteration (starting values, convergence rule, link clamps) follows R's ``glm.fit`` and
``binomial()`` so the scores agree with MatchIt's ``distance = "glm"`` to rounding error, and
nearest-neighbour matches (which can hinge on tiny differences) are the same.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special, stats

from outcomelab.errors import NoOverlapError

__all__ = ["PropensityFit", "fit_propensity"]

_EPS = np.finfo(float).eps
_PROBIT_THRESH = -stats.norm.ppf(_EPS)


@dataclass(frozen=True)
class PropensityFit:
    """Fitted propensity model.

    Attributes
    ----------
    score
        Fitted probabilities of treatment.
    linear
        Linear predictor (the logit or probit index of the score).
    coef
        Coefficients (intercept first), minimum-norm solution if the design is rank deficient.
    converged, iterations
        Whether the IRLS iteration met R's convergence rule, and after how many steps.
    """

    score: np.ndarray
    linear: np.ndarray
    coef: np.ndarray
    converged: bool
    iterations: int


def _linkinv(eta: np.ndarray, link: str) -> np.ndarray:
    if link == "logit":
        # R: binomial()$linkinv clamps at +-30 to eps / 1 - eps
        mu = special.expit(eta)
        return np.where(eta < -30, _EPS, np.where(eta > 30, 1 - _EPS, mu))
    return stats.norm.cdf(np.clip(eta, -_PROBIT_THRESH, _PROBIT_THRESH))


def _mu_eta(eta: np.ndarray, link: str) -> np.ndarray:
    if link == "logit":
        opexp = np.exp(-np.abs(eta))
        return np.maximum(opexp / (1 + opexp) ** 2, _EPS)
    return np.maximum(stats.norm.pdf(eta), _EPS)


def _linkfun(mu: np.ndarray, link: str) -> np.ndarray:
    return special.logit(mu) if link == "logit" else stats.norm.ppf(mu)


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(y == 1, np.log(1.0 / mu), 0.0)
        b = np.where(y == 0, np.log(1.0 / (1.0 - mu)), 0.0)
    return float(2 * np.sum(a + b))


def fit_propensity(
    X: np.ndarray,
    treat: np.ndarray,
    *,
    link: Literal["logit", "probit"] = "logit",
    names: tuple[str, ...] = (),
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> PropensityFit:
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

    Returns
    -------
    PropensityFit

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

    Notes
    -----
    IRLS: ``z = eta + (y - mu) / mu'(eta)``, weights ``mu'(eta)^2 / (mu (1 - mu))``, solve the
    weighted least squares problem, repeat. Starting values ``mu = (y + 0.5) / 2`` as in
    ``binomial()``.
    """
    n = len(treat)
    y = treat.astype(float)
    Xd = np.column_stack([np.ones(n), X])
    scale = np.sqrt(np.einsum("ij,ij->j", Xd, Xd))
    scale[scale == 0] = 1.0
    Xs = Xd / scale
    mu = (y + 0.5) / 2.0
    eta = _linkfun(mu, link)
    dev_old = _deviance(y, mu)
    coef = np.zeros(Xd.shape[1])
    converged = False
    it = 0
    for it in range(1, maxit + 1):  # noqa: B007
        mu_eta = _mu_eta(eta, link)
        var = mu * (1 - mu)
        z = eta + (y - mu) / mu_eta
        w2 = mu_eta**2 / var
        coef = _weighted_ls(Xs, scale, z, w2)
        eta = Xd @ coef
        mu = _linkinv(eta, link)
        dev = _deviance(y, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        dev_old = dev
    _check_separation(X, treat, eta, mu, names)
    return PropensityFit(score=mu, linear=eta, coef=coef, converged=converged, iterations=it)


def _weighted_ls(Xs: np.ndarray, scale: np.ndarray, z: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """Weighted least squares by normal equations on column-scaled data ``Xs = X / scale`` (fast
    for millions of rows); an SVD solution when the scaled cross-product is ill-conditioned.
    Returns coefficients on the unscaled columns."""
    A = Xs.T @ (Xs * w2[:, None])
    b = Xs.T @ (w2 * z)
    if np.linalg.cond(A) < 1e10:
        return np.linalg.solve(A, b) / scale
    w = np.sqrt(w2)
    beta, *_ = np.linalg.lstsq(Xs * w[:, None], z * w, rcond=None)
    return beta / scale


def _separating_columns(X: np.ndarray, treat: np.ndarray, names: tuple[str, ...]) -> list[str]:
    out = []
    t1 = treat == 1
    for j in range(X.shape[1]):
        x1, x0 = X[t1, j], X[~t1, j]
        if x1.min() > x0.max() or x1.max() < x0.min():
            out.append(names[j] if j < len(names) else f"column {j}")
    return out


def _one_sided_dummies(X: np.ndarray, treat: np.ndarray, names: tuple[str, ...]) -> list[str]:
    """Two-valued columns with a value seen in only one group (quasi-separation on their own)."""
    out = []
    t1 = treat == 1
    for j in range(X.shape[1]):
        x = X[:, j]
        lo, hi = x.min(), x.max()
        if lo == hi or not np.all((x == lo) | (x == hi)):
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
