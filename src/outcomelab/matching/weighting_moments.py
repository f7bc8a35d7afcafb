"""Stacked estimating equations of the weighting estimators, for their sandwich covariance.

Each function returns the per-unit moment values ``G`` (already multiplied by the sampling
weights), the mean Jacobian ``A`` and the contrasts that read the effect and the two
potential-outcome means off the parameter vector. The covariance of the stacked parameters is the
HC0 sandwich ``A^-1 (G'G / n) A^-T / n`` (Stefanski & Boos 2002), so the estimation of the
propensity score, outcome regressions or balancing weights is accounted for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from outcomelab.errors import SingularDesignError

__all__ = ["Stacked", "aipw_moments", "ipw_moments", "sandwich_covariance", "tilt_weights"]

Fn = Callable[[np.ndarray], np.ndarray]

#: per estimand, the weight of a treated unit g1(e), of a comparison unit g0(e), and their
#: derivatives in e (the balancing weights h(e)/e and h(e)/(1-e) of Li, Morgan & Zaslavsky 2018
#: with tilting function h = 1 for the ATE, e for the ATT and e(1-e) for the ATO)
TILTS: dict[str, tuple[Fn, Fn, Fn, Fn]] = {
    "ATE": (
        lambda e: 1 / e,
        lambda e: -1 / e**2,
        lambda e: 1 / (1 - e),
        lambda e: 1 / (1 - e) ** 2,
    ),
    "ATT": (np.ones_like, np.zeros_like, lambda e: e / (1 - e), lambda e: 1 / (1 - e) ** 2),
    "ATO": (lambda e: 1 - e, lambda e: -np.ones_like(e), lambda e: e, np.ones_like),
}


@dataclass(frozen=True)
class Stacked:
    """Moments ``G`` (n x k), mean Jacobian ``A`` (k x k), contrasts (3 x k: effect, E[Y(1)],
    E[Y(0)]) and the three estimates."""

    G: np.ndarray
    A: np.ndarray
    contrasts: np.ndarray
    estimates: np.ndarray


def tilt_weights(estimand: str, t: np.ndarray, e: np.ndarray) -> np.ndarray:
    """The balancing weight of every unit: ``g1(e)`` if treated, ``g0(e)`` if not."""
    g1, _, g0, _ = TILTS[estimand]
    return np.where(t == 1, g1(e), g0(e))


def sandwich_covariance(G: np.ndarray, A: np.ndarray) -> np.ndarray:
    """HC0 sandwich ``A^-1 B A^-T / n`` with ``B = G'G / n`` (``A`` the mean Jacobian).

    Parameters
    ----------
    G
        ``n x k`` estimating-function values at the estimate.
    A
        ``k x k`` mean derivative of the estimating functions.

    Returns
    -------
    numpy.ndarray
        Covariance matrix of the stacked parameters.
    """
    n = G.shape[0]
    B = G.T @ G / n
    A_inv = np.linalg.inv(A)
    return np.asarray(A_inv @ B @ A_inv.T / n)


def _contrasts(k: int, one: dict[int, float], zero: dict[int, float]) -> np.ndarray:
    pom1, pom0 = np.zeros(k), np.zeros(k)
    for i, v in one.items():
        pom1[i] = v
    for i, v in zero.items():
        pom0[i] = v
    return np.vstack([pom1 - pom0, pom1, pom0])


def _logit_block(
    X: np.ndarray, t: np.ndarray, e: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = X.shape[0]
    return X * (s * (t - e))[:, None], -(X * (s * e * (1 - e))[:, None]).T @ X / n


def ipw_moments(estimand: str, X: np.ndarray, t: np.ndarray, y: np.ndarray, e: np.ndarray,
                s: np.ndarray) -> Stacked:  # fmt: skip
    """Normalised (Hajek) IPW for the ATE, ATT or ATO (overlap weights), with a logit score.

    ``X`` includes the intercept; ``s`` are sampling weights (ones if none).
    """
    n, p = X.shape
    c = 1.0 - t
    g1, d1, g0, d0 = TILTS[estimand]
    w1, w0 = s * t * g1(e), s * c * g0(e)
    mu1, mu0 = np.sum(w1 * y) / np.sum(w1), np.sum(w0 * y) / np.sum(w0)
    score, jac = _logit_block(X, t, e, s)
    G = np.column_stack([score, w1 * (y - mu1), w0 * (y - mu0)])
    A = np.zeros((p + 2, p + 2))
    A[:p, :p] = jac
    de = e * (1 - e)
    A[p, :p] = np.mean((s * t * d1(e) * de * (y - mu1))[:, None] * X, axis=0)
    A[p, p] = -np.sum(w1) / n
    A[p + 1, :p] = np.mean((s * c * d0(e) * de * (y - mu0))[:, None] * X, axis=0)
    A[p + 1, p + 1] = -np.sum(w0) / n
    return Stacked(G, A, _contrasts(p + 2, {p: 1.0}, {p + 1: 1.0}), np.r_[mu1 - mu0, mu1, mu0])


def _ols(Z: np.ndarray, y: np.ndarray, w: np.ndarray, what: str) -> np.ndarray:
    sw = np.sqrt(w)
    if np.linalg.matrix_rank(Z * sw[:, None]) < Z.shape[1]:
        raise SingularDesignError(
            f"The outcome regression in the {what} group is rank deficient ({Z.shape[0]} units, "
            f"{Z.shape[1]} terms): a covariate is constant or collinear in that group. Drop it "
            "or use method='ipw'."
        )
    coef, *_ = np.linalg.lstsq(Z * sw[:, None], y * sw, rcond=None)
    return np.asarray(coef)


def aipw_moments(estimand: str, X: np.ndarray, t: np.ndarray, y: np.ndarray, e: np.ndarray,
                 s: np.ndarray) -> Stacked:  # fmt: skip
    """Augmented IPW (doubly robust) for the ATE or the ATT, outcome models by (weighted) OLS."""
    if estimand == "ATE":
        return _aipw_ate(X, t, y, e, s)
    return _aipw_att(X, t, y, e, s)


def _aipw_ate(X: np.ndarray, t: np.ndarray, y: np.ndarray, e: np.ndarray, s: np.ndarray) -> Stacked:
    n, p = X.shape
    c = 1.0 - t
    treated = t == 1
    g1 = _ols(X[treated], y[treated], s[treated], "treated")
    g0 = _ols(X[~treated], y[~treated], s[~treated], "comparison")
    m1, m0 = X @ g1, X @ g0
    a1 = m1 + t * (y - m1) / e
    a0 = m0 + c * (y - m0) / (1 - e)
    mu1, mu0 = np.sum(s * a1) / np.sum(s), np.sum(s * a0) / np.sum(s)
    score, jac = _logit_block(X, t, e, s)
    G = np.column_stack(
        [score, X * (s * t * (y - m1))[:, None], X * (s * c * (y - m0))[:, None],
         s * (a1 - mu1), s * (a0 - mu0)]
    )  # fmt: skip
    k = 3 * p + 2
    A = np.zeros((k, k))
    b1, b0, i1, i0 = slice(p, 2 * p), slice(2 * p, 3 * p), 3 * p, 3 * p + 1
    A[:p, :p] = jac
    A[b1, b1] = -(X * (s * t)[:, None]).T @ X / n
    A[b0, b0] = -(X * (s * c)[:, None]).T @ X / n
    A[i1, :p] = np.mean((-s * t * (y - m1) * (1 - e) / e)[:, None] * X, axis=0)
    A[i1, b1] = np.mean((s * (1 - t / e))[:, None] * X, axis=0)
    A[i1, i1] = -np.mean(s)
    A[i0, :p] = np.mean((s * c * (y - m0) * e / (1 - e))[:, None] * X, axis=0)
    A[i0, b0] = np.mean((s * (1 - c / (1 - e)))[:, None] * X, axis=0)
    A[i0, i0] = -np.mean(s)
    return Stacked(G, A, _contrasts(k, {i1: 1.0}, {i0: 1.0}), np.r_[mu1 - mu0, mu1, mu0])


def _aipw_att(X: np.ndarray, t: np.ndarray, y: np.ndarray, e: np.ndarray, s: np.ndarray) -> Stacked:
    """Treated mean minus [mean of m0 over the treated + odds-weighted (normalised) mean of the
    comparison residuals]."""
    n, p = X.shape
    c = 1.0 - t
    treated = t == 1
    g0 = _ols(X[~treated], y[~treated], s[~treated], "comparison")
    m0 = X @ g0
    w0 = s * c * e / (1 - e)
    st = s * t
    mu1 = np.sum(st * y) / np.sum(st)
    a = np.sum(w0 * (y - m0)) / np.sum(w0)
    b = np.sum(st * m0) / np.sum(st)
    G = np.column_stack(
        [X * (s * (t - e))[:, None], X * (s * c * (y - m0))[:, None], st * (y - mu1),
         w0 * (y - m0 - a), st * (m0 - b)]
    )  # fmt: skip
    k = 2 * p + 3
    A = np.zeros((k, k))
    b0, i1, ia, ib = slice(p, 2 * p), 2 * p, 2 * p + 1, 2 * p + 2
    A[:p, :p] = -(X * (s * e * (1 - e))[:, None]).T @ X / n
    A[b0, b0] = -(X * (s * c)[:, None]).T @ X / n
    A[i1, i1] = -np.mean(st)
    A[ia, :p] = np.mean((w0 * (y - m0 - a))[:, None] * X, axis=0)
    A[ia, b0] = -np.mean(w0[:, None] * X, axis=0)
    A[ia, ia] = -np.mean(w0)
    A[ib, b0] = np.mean(st[:, None] * X, axis=0)
    A[ib, ib] = -np.mean(st)
    contrasts = _contrasts(k, {i1: 1.0}, {ia: 1.0, ib: 1.0})
    return Stacked(G, A, contrasts, np.r_[mu1 - a - b, mu1, a + b])
