"""Conditional and hybrid moment-inequality tests (Andrews, Roth and Pakes 2023).

Tests ``H0: E[y] - X tau <= 0 for some tau`` from one draw ``y ~ N(mu, Sigma)``, as Rambachan and
Roth (2023) use them for the relative-magnitudes confidence set. The statistic is
``eta = min_tau max_i (y_i - X_i tau) / sd_i``; by linear-programming duality
``eta = max_g g'y`` over the polytope ``{g >= 0 : [sd, X]' g = e1}``. Its vertices are few (one
per basis of ``k + 1`` moments) and are enumerated once, so ``eta``, the optimal dual vertex and
the conditioning interval ``[vlo, vup]`` of the conditional test come from matrix products
instead of one linear program per value -- the same quantities R ``HonestDiD`` computes with an LP
solver and a bisection (``.lp_conditional_test_fn``, ``.vlo_vup_dual_fn``), without the
bisection's 1e-6 approximation.

The hybrid first rejects when ``eta`` exceeds the least-favourable critical value at size
``kappa``; then the conditional test runs at size ``(alpha - kappa) / (1 - kappa)`` with the upper
truncation capped at that critical value.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from scipy.special import ndtr, ndtri

__all__ = ["DualPolytope", "conditional_test", "least_favorable_cv", "no_nuisance_lf_test"]

_TOL_LAMBDA = 1e-6
_TOL_EQUALITY = 1e-6


def _truncnorm_quantile(p: float, lo: float, hi: float, mu: float = 0.0, sd: float = 1.0) -> float:
    """Quantile ``p`` of ``N(mu, sd^2)`` truncated to ``[lo, hi]`` (stable in the upper tail)."""
    a, b = (lo - mu) / sd, (hi - mu) / sd
    if not a < b:
        return float(mu + sd * a)
    if a > 0:  # work in the upper tail with survival functions
        sa, sb = ndtr(-a), ndtr(-b)
        return float(mu - sd * ndtri(sa - p * (sa - sb)))
    fa, fb = ndtr(a), ndtr(b)
    return float(mu + sd * ndtri(fa + p * (fb - fa)))


class DualPolytope:
    """Vertices of ``{g >= 0 : W' g = e1}`` with ``W = [sd, X]`` (one per feasible basis).

    Parameters
    ----------
    x
        Nuisance design ``(m, k)``.
    sd
        Standard deviations of the moments ``(m,)``.
    """

    def __init__(self, x: np.ndarray, sd: np.ndarray) -> None:
        m, k = x.shape
        w = np.column_stack([sd, x])
        verts = []
        for subset in combinations(range(m), k + 1):
            ws = w[list(subset)]
            if np.linalg.cond(ws) > 1e12:
                continue
            g_s = np.linalg.inv(ws)[0]
            if (g_s >= -1e-12).all():
                g = np.zeros(m)
                g[list(subset)] = np.clip(g_s, 0.0, None)
                verts.append(g)
        self.vertices = (
            np.unique(np.round(np.array(verts), 14), axis=0) if verts else np.zeros((0, m))
        )
        self.k = k

    @property
    def bounded(self) -> bool:
        """Whether the primal program has a finite optimum (the polytope is not empty)."""
        return len(self.vertices) > 0

    def eta(self, y: np.ndarray) -> np.ndarray:
        """``eta`` for each row of ``y`` (or a single vector); ``-inf`` when unbounded."""
        if not self.bounded:
            return np.full(np.atleast_2d(y).shape[0], -np.inf)
        return np.asarray((self.vertices @ np.atleast_2d(y).T).max(axis=0))

    def solve(self, y: np.ndarray) -> tuple[float, np.ndarray]:
        """``eta`` and the optimal dual vertex for one ``y``."""
        values = self.vertices @ y
        j = int(np.argmax(values))
        return float(values[j]), self.vertices[j]

    def honest_interval(
        self, s_t: np.ndarray, b: np.ndarray, eta: float, sig: float
    ) -> tuple[float, float]:
        """``[vlo, vup]``: the values ``c`` for which ``max_g (s_t + b c)' g = c`` (within 1e-6).

        With ``a_v = v's_t`` and ``beta_v = v'b`` the condition is ``a_v + (beta_v - 1) c <= tol``
        for every vertex ``v``. As in R, a bound beyond ``max(100, eta + 20 sig)`` (or below
        ``min(-100, eta - 20 sig)``) is infinite.
        """
        a = self.vertices @ s_t
        beta = self.vertices @ b
        up = beta > 1 + 1e-12
        lo = beta < 1 - 1e-12
        vup = float(np.min((_TOL_EQUALITY - a[up]) / (beta[up] - 1))) if up.any() else np.inf
        vlo = float(np.max((a[lo] - _TOL_EQUALITY) / (1 - beta[lo]))) if lo.any() else -np.inf
        if vup >= max(100.0, eta + 20 * sig):
            vup = np.inf
        if vlo <= min(-100.0, eta - 20 * sig):
            vlo = -np.inf
        return vlo, vup


def least_favorable_cv(
    poly: DualPolytope | None,
    sigma: np.ndarray,
    kappa: float,
    rng: np.random.Generator,
    sims: int = 1000,
) -> float:
    """The ``1 - kappa`` quantile of ``eta`` when every moment binds (least favourable)."""
    sd = np.sqrt(np.diag(sigma))
    draws = rng.multivariate_normal(np.zeros(len(sd)), sigma, size=sims, method="svd")
    etas = (draws / sd).max(axis=1) if poly is None else poly.eta(draws)
    return float(np.quantile(etas, 1 - kappa))


def conditional_test(
    y: np.ndarray,
    x: np.ndarray,
    sigma: np.ndarray,
    poly: DualPolytope,
    alpha: float,
    kappa: float,
    lf_cv: float,
) -> bool:
    """Conditional-least-favourable hybrid test of ``E[y] - X tau <= 0``; ``True`` rejects."""
    sd = np.sqrt(np.diag(sigma))
    eta, gamma = poly.solve(y)
    if eta > lf_cv:
        return True
    size = (alpha - kappa) / (1 - kappa)
    binding = gamma > _TOL_LAMBDA
    xb = x[binding]
    degenerate = int(binding.sum()) != poly.k + 1
    full_rank = xb.size > 0 and np.linalg.matrix_rank(xb) == min(xb.shape)
    if degenerate or not full_rank:
        var = float(gamma @ sigma @ gamma)
        if abs(var) < np.finfo(float).eps:
            return bool(eta > 0)
        sig = np.sqrt(var)
        b = sigma @ gamma / var
        s_t = y - b * float(gamma @ y)
        vlo, vup = poly.honest_interval(s_t, b, eta, sig)
    else:
        nb = ~binding
        wb_inv = np.linalg.inv(np.column_stack([sd[binding], xb]))
        m = len(y)
        s_b = np.eye(m)[binding]
        gamma_b = np.column_stack([sd[nb], x[nb]]) @ wb_inv @ s_b - np.eye(m)[nb]
        v_b = wb_inv[0] @ s_b
        var = float(v_b @ sigma @ v_b)
        sig = np.sqrt(var)
        rho = gamma_b @ sigma @ v_b / var
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = -(gamma_b @ y) / rho + float(v_b @ y)
        vlo = float(bound[rho > 0].max()) if (rho > 0).any() else -np.inf
        vup = float(bound[rho < 0].min()) if (rho < 0).any() else np.inf
    stat = eta / sig
    zlo, zup = vlo / sig, min(vup, lf_cv) / sig
    if not zlo <= stat <= zup:
        return False
    cval = max(0.0, _truncnorm_quantile(1 - size, zlo, zup))
    return bool(stat > cval)


def no_nuisance_lf_test(
    y: np.ndarray,
    sigma: np.ndarray,
    a: np.ndarray,
    d: np.ndarray,
    alpha: float,
    kappa: float,
    lf_cv: float,
) -> bool:
    """Hybrid test of ``A E[y] <= d`` without nuisance parameters; ``True`` rejects."""
    s_tilde = np.sqrt(np.diag(a @ sigma @ a.T))
    at = a / s_tilde[:, None]
    dt = d / s_tilde
    moments = at @ y - dt
    j = int(np.argmax(moments))
    if moments[j] > lf_cv:
        return True
    gamma = at[j]
    abar = at - at[j][None, :]
    dbar = dt - dt[j]
    var = float(gamma @ sigma @ gamma)
    c = sigma @ gamma / var
    z = y - c * float(gamma @ y)
    ac = abar @ c
    with np.errstate(divide="ignore", invalid="ignore"):
        obj = (dbar - abar @ z) / ac
    vlo = float(obj[ac < 0].max()) if (ac < 0).any() else -np.inf
    vup = float(obj[ac > 0].min()) if (ac > 0).any() else np.inf
    size = (alpha - kappa) / (1 - kappa)
    cval = max(0.0, _truncnorm_quantile(1 - size, vlo, vup, mu=float(dt[j]), sd=np.sqrt(var)))
    return bool(moments[j] + dt[j] > cval)
