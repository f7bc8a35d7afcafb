"""Optimal fixed-length confidence interval under the smoothness restriction ``Delta^SD(M)``.

The interval is ``v' betahat +- chi`` for the affine estimator ``v = (l_pre, l)`` that makes ``chi``
smallest, where ``chi = sd(v) * cv_alpha(M * bias(v) / sd(v))`` and ``cv_alpha(b)`` is the
``1 - alpha`` quantile of ``|N(b, 1)|`` (Armstrong and Kolesar 2018; Rambachan and Roth 2023,
Section 4.1). The pre-period weights are written, as R ``HonestDiD`` does, through ``w`` with
``l_pre = (w_1, w_2 - w_1, ...)``, ``sum(w) = sum_j j l_j`` (linear trends do not bias the
estimator) and worst-case bias ``M * (c + sum_k |w_1 + ... + w_k|)``. The folded-normal quantile
is computed exactly (R simulates it from 10^6 draws).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize
from scipy.special import ndtr, ndtri

__all__ = ["FLCI", "folded_normal_quantile", "optimal_flci"]


def folded_normal_quantile(p: float, mu: float) -> float:
    """The ``p`` quantile of ``|N(mu, 1)|``."""
    mu = abs(mu)
    if mu == 0:
        return float(ndtri(0.5 + p / 2))

    def f(c: float) -> float:
        return float(ndtr(c - mu) - ndtr(-c - mu) - p)

    hi = mu + float(ndtri(p)) + 10
    return float(brentq(f, 0.0, hi, xtol=1e-12))


@dataclass(frozen=True)
class FLCI:
    """The optimal affine estimator's weights and the interval's half-length."""

    weights: np.ndarray
    half_length: float
    bias: float
    sd: float


def _w_to_l(w: np.ndarray) -> np.ndarray:
    out = w.copy()
    out[1:] -= w[:-1]
    return out


def optimal_flci(
    sigma: np.ndarray, num_pre: int, num_post: int, l_vec: np.ndarray, m: float, alpha: float
) -> FLCI:
    """Weights ``(l_pre, l_vec)`` and half-length of the optimal FLCI for ``Delta^SD(m)``."""
    k = num_pre
    t = np.arange(1, num_post + 1)
    total = float(t @ l_vec)
    const = (
        sum(abs(float(np.arange(1, s + 1) @ l_vec[num_post - s :])) for s in range(1, num_post + 1))
        - total
    )
    s_pre = sigma[:k, :k]
    s_pp = sigma[:k, k:] @ l_vec
    s_post = float(l_vec @ sigma[k:, k:] @ l_vec)
    conv = np.eye(k)
    conv[1:, :-1] -= np.eye(k - 1)  # l_pre = conv @ w
    q = conv.T @ s_pre @ conv
    lin = 2 * conv.T @ s_pp

    def variance(w: np.ndarray) -> float:
        return float(w @ q @ w + lin @ w + s_post)

    def bias(w: np.ndarray) -> float:
        return const + float(np.abs(np.cumsum(w)).sum())

    # minimum-variance w subject to sum(w) = total (KKT)
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, :k] = 2 * q
    kkt[:k, k] = 1.0
    kkt[k, :k] = 1.0
    w_minvar = np.linalg.lstsq(kkt, np.append(-lin, total), rcond=None)[0][:k]
    w_minbias = np.zeros(k)
    w_minbias[-1] = total
    p = 1 - alpha

    def half(x: np.ndarray) -> float:
        w, u = x[:k], x[k:]
        sd = np.sqrt(max(variance(w), 1e-300))
        b = m * (const + u.sum())
        return sd * folded_normal_quantile(p, b / sd)

    cons = [
        {"type": "eq", "fun": lambda x: x[:k].sum() - total},
        {"type": "ineq", "fun": lambda x: x[k:] - np.cumsum(x[:k])},
        {"type": "ineq", "fun": lambda x: x[k:] + np.cumsum(x[:k])},
    ]
    sd0 = np.sqrt(variance(w_minvar))
    best = (sd0 * folded_normal_quantile(p, m * bias(w_minvar) / sd0), w_minvar)
    for w0 in (w_minvar, w_minbias, (w_minvar + w_minbias) / 2):
        x0 = np.concatenate([w0, np.abs(np.cumsum(w0)) + 1e-9])
        if m == 0:
            x0 = np.concatenate([w_minvar, np.abs(np.cumsum(w_minvar))])
        res = minimize(
            half, x0, method="SLSQP", constraints=cons, options={"ftol": 1e-14, "maxiter": 500}
        )
        x = res.x if res.success else x0
        w = x[:k]
        val = np.sqrt(variance(w)) * folded_normal_quantile(p, m * bias(w) / np.sqrt(variance(w)))
        if val < best[0]:
            best = (val, w)
        if m == 0:
            break
    w = best[1]
    sd = np.sqrt(variance(w))
    return FLCI(np.concatenate([_w_to_l(w), l_vec]), best[0], m * bias(w), sd)
