"""Multiplier bootstrap and simultaneous (uniform) critical values from influence functions.

The multiplier bootstrap perturbs the estimated influence functions with i.i.d. weights of mean 0
and variance 1 (Mammen's two-point weights, as R ``did`` uses, or Rademacher weights) instead of
re-estimating, as in Callaway & Sant'Anna (2021, Section 4.1). The uniform critical value is the
``1 - alpha`` quantile of the largest studentised deviation over all terms, so that
``estimate +/- crit * std_error`` covers every term at once with probability ``1 - alpha``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from outcomelab.numerics.normal import ndtri

__all__ = ["gaussian_uniform_critical_value", "multiplier_bootstrap"]

_TINY = np.sqrt(np.finfo(float).eps) * 10


def _weights(
    rng: np.random.Generator, shape: tuple[int, int], kind: Literal["mammen", "rademacher"]
) -> np.ndarray:
    u = rng.random(shape)
    if kind == "rademacher":
        return np.where(u < 0.5, -1.0, 1.0)
    s5 = np.sqrt(5.0)
    low, high = -(s5 - 1) / 2, (s5 + 1) / 2
    return np.where(u < (s5 + 1) / (2 * s5), low, high)


def multiplier_bootstrap(
    influence: np.ndarray,
    *,
    iterations: int,
    alpha: float,
    rng: np.random.Generator,
    weights: Literal["mammen", "rademacher"] = "mammen",
    chunk: int = 65536,
) -> tuple[np.ndarray, float]:
    """Bootstrap standard errors and a uniform critical value.

    Parameters
    ----------
    influence
        Influence functions, shape ``(n, K)``, normalised so that ``Var = mean(psi**2) / n``.
    iterations
        Bootstrap draws.
    alpha
        1 - confidence level of the uniform band.
    rng
        Random generator.
    weights
        ``"mammen"`` or ``"rademacher"`` multipliers.
    chunk
        Units processed at a time (bounds memory at ``iterations x chunk`` weights).

    Returns
    -------
    std_error
        Shape ``(K,)``; NaN for degenerate terms.
    crit
        Uniform critical value (NaN if every term is degenerate).

    Notes
    -----
    For each draw ``b``, ``R_b = sqrt(n) * mean_i(v_ib * psi_i)``. The standard error is the
    normalised interquartile range ``(q75 - q25) / (z75 - z25) / sqrt(n)`` and the critical value
    the ``1 - alpha`` quantile of ``max_k |R_bk| / sigma_k`` (R ``did::mboot``).

    References
    ----------
    Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
    periods. Journal of Econometrics 225(2), 200-230.
    """
    n, k = influence.shape
    acc = np.zeros((iterations, k))
    for start in range(0, n, chunk):
        block = influence[start : start + chunk]
        acc += _weights(rng, (iterations, block.shape[0]), weights) @ block
    boot = acc / np.sqrt(n)
    q75, q25 = np.quantile(boot, [0.75, 0.25], axis=0, method="inverted_cdf")
    sigma = (q75 - q25) / (ndtri(0.75) - ndtri(0.25))
    ok = np.isfinite(sigma) & (sigma > _TINY) & ((boot**2).sum(axis=0) > _TINY)
    se = np.full(k, np.nan)
    se[ok] = sigma[ok] / np.sqrt(n)
    if not ok.any():
        return se, float("nan")
    tmax = np.max(np.abs(boot[:, ok]) / sigma[ok], axis=1)
    crit = float(np.quantile(tmax, 1 - alpha, method="inverted_cdf"))
    return se, crit


def gaussian_uniform_critical_value(
    covariance: np.ndarray,
    *,
    alpha: float,
    rng: np.random.Generator,
    draws: int = 10000,
) -> float:
    """Uniform (sup-t) critical value from the estimated covariance of the estimates.

    Parameters
    ----------
    covariance
        Covariance matrix of ``K`` estimates (terms with zero variance are ignored).
    alpha
        1 - confidence level.
    rng
        Random generator.
    draws
        Normal draws.

    Returns
    -------
    float
        The ``1 - alpha`` quantile of ``max_k |Z_k|`` for ``Z ~ N(0, R)``, ``R`` the correlation
        matrix; at least the pointwise normal quantile.

    Notes
    -----
    The asymptotic analogue of the multiplier bootstrap band (Montiel Olea & Plagborg-Møller 2019),
    used when no bootstrap is requested.
    """
    sd = np.sqrt(np.clip(np.diag(covariance), 0, None))
    ok = sd > 0
    z = float(ndtri(1 - alpha / 2))
    if ok.sum() <= 1:
        return z
    corr = covariance[np.ix_(ok, ok)] / np.outer(sd[ok], sd[ok])
    vals, vecs = np.linalg.eigh(corr)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    sims = rng.standard_normal((draws, root.shape[0])) @ root.T
    crit = float(np.quantile(np.max(np.abs(sims), axis=1), 1 - alpha))
    return max(crit, z)
