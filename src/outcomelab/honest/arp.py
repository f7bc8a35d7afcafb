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

from itertools import combinations, islice

import numpy as np
from scipy.special import ndtr, ndtri

__all__ = [
    "DualPolytope",
    "conditional_test",
    "conditional_tests",
    "least_favorable_cv",
    "no_nuisance_lf_test",
]

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


def _truncnorm_quantiles(p: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """:func:`_truncnorm_quantile` of a standard normal for arrays of bounds."""
    lo, hi = np.broadcast_arrays(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
    with np.errstate(invalid="ignore"):
        sa, sb = ndtr(-lo), ndtr(-hi)
        upper = -ndtri(sa - p * (sa - sb))
        fa, fb = ndtr(lo), ndtr(hi)
        lower = ndtri(fa + p * (fb - fa))
    out = np.where(lo > 0, upper, lower)
    return np.where(lo < hi, out, lo)


_CHUNK = 20_000  # bases per batched decomposition (memory: chunk x (k + 1) x k doubles)
_DIRECTIONS: dict[tuple[tuple[int, ...], bytes], np.ndarray] = {}


def _feasible_directions(x: np.ndarray) -> np.ndarray:
    """Non-negative null vectors of ``X_S'`` for every basis ``S`` of ``k + 1`` moments.

    A basis ``S`` gives a vertex of ``{g >= 0 : [sd, X]' g = e1}`` exactly when ``X_S`` has rank
    ``k`` and the null vector ``d`` of ``X_S'`` can be taken non-negative; the vertex is then
    ``d / (sd' d)``. Feasibility does not depend on ``sd``, so the directions are enumerated once
    per nuisance design (which the relative-magnitude pieces and every ``Mbar`` share) and kept
    for the process, and the bases are decomposed in batches.
    """
    key = (x.shape, x.tobytes())
    cached = _DIRECTIONS.get(key)
    if cached is not None:
        return cached
    m, k = x.shape
    if k == 0:  # no nuisance parameter: every moment on its own is a vertex
        return np.eye(m)
    found = []
    subsets = combinations(range(m), k + 1)
    while True:
        chunk = np.array(list(islice(subsets, _CHUNK)), dtype=np.intp).reshape(-1, k + 1)
        if not len(chunk):
            break
        u, sv, _ = np.linalg.svd(x[chunk], full_matrices=True)
        d = u[:, :, -1]  # spans the null space of X_S' when X_S has rank k
        full = sv[:, -1] > 1e-10 * np.maximum(sv[:, 0], 1e-300)
        d = d * np.where(d.sum(axis=1) < 0, -1.0, 1.0)[:, None]
        d = d / np.abs(d).max(axis=1, keepdims=True)
        ok = full & (d >= -1e-10).all(axis=1)
        g = np.zeros((int(ok.sum()), m))
        np.put_along_axis(g, chunk[ok], np.clip(d[ok], 0.0, None), axis=1)
        found.append(g)
    out = np.vstack(found) if found else np.zeros((0, m))
    if len(_DIRECTIONS) > 64:
        _DIRECTIONS.clear()
    _DIRECTIONS[key] = out
    return out


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
        directions = _feasible_directions(np.ascontiguousarray(x, dtype=float))
        if len(directions):
            verts = directions / (directions @ sd)[:, None]
            self.vertices = np.unique(np.round(verts, 14), axis=0)
        else:
            self.vertices = np.zeros((0, x.shape[0]))
        self.k = x.shape[1]

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

    def honest_intervals(
        self, s_t: np.ndarray, b: np.ndarray, eta: np.ndarray, sig: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`honest_interval` for every row of ``s_t`` (and its ``eta``)."""
        a = s_t @ self.vertices.T
        beta = self.vertices @ b
        up = beta > 1 + 1e-12
        lo = beta < 1 - 1e-12
        n = s_t.shape[0]
        vup = (
            ((_TOL_EQUALITY - a[:, up]) / (beta[up] - 1)).min(axis=1)
            if up.any()
            else np.full(n, np.inf)
        )
        vlo = (
            ((a[:, lo] - _TOL_EQUALITY) / (1 - beta[lo])).max(axis=1)
            if lo.any()
            else np.full(n, -np.inf)
        )
        vup = np.where(vup >= np.maximum(100.0, eta + 20 * sig), np.inf, vup)
        vlo = np.where(vlo <= np.minimum(-100.0, eta - 20 * sig), -np.inf, vlo)
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


def conditional_tests(
    ys: np.ndarray,
    x: np.ndarray,
    sigma: np.ndarray,
    poly: DualPolytope,
    alpha: float,
    kappa: float,
    lf_cv: float,
) -> np.ndarray:
    """:func:`conditional_test` for every row of ``ys`` at once; ``True`` rejects.

    Rows that share their optimal dual vertex share the binding moments, the conditioning
    direction and its variance; only the bounds ``[vlo, vup]`` and the statistic differ, so each
    vertex's rows are tested together with matrix products.
    """
    ys = np.atleast_2d(ys)
    values = poly.vertices @ ys.T
    best = np.argmax(values, axis=0)
    eta = values[best, np.arange(ys.shape[0])]
    reject = eta > lf_cv
    size = (alpha - kappa) / (1 - kappa)
    for v in np.unique(best[~reject]):
        rows = np.flatnonzero((best == v) & ~reject)
        bounds = _vertex_bounds(ys[rows], eta[rows], x, sigma, poly, poly.vertices[v])
        if bounds is None:  # the conditioning direction has no variance
            reject[rows] = eta[rows] > 0
            continue
        vlo, vup, sig = bounds
        stat = eta[rows] / sig
        zlo, zup = vlo / sig, np.minimum(vup, lf_cv) / sig
        cval = np.maximum(0.0, _truncnorm_quantiles(1 - size, zlo, zup))
        reject[rows] = (zlo <= stat) & (stat <= zup) & (stat > cval)
    return reject


def _vertex_bounds(
    ys: np.ndarray,
    eta: np.ndarray,
    x: np.ndarray,
    sigma: np.ndarray,
    poly: DualPolytope,
    gamma: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """``vlo``, ``vup`` (one per row of ``ys``) and the statistic's sd for the rows whose optimal
    dual vertex is ``gamma`` (``None`` when its variance is zero)."""
    sd = np.sqrt(np.diag(sigma))
    binding = gamma > _TOL_LAMBDA
    xb = x[binding]
    degenerate = int(binding.sum()) != poly.k + 1
    full_rank = xb.size > 0 and np.linalg.matrix_rank(xb) == min(xb.shape)
    if degenerate or not full_rank:
        var = float(gamma @ sigma @ gamma)
        if abs(var) < np.finfo(float).eps:
            return None
        sig = float(np.sqrt(var))
        b = sigma @ gamma / var
        s_t = ys - np.outer(ys @ gamma, b)
        vlo, vup = poly.honest_intervals(s_t, b, eta, sig)
        return vlo, vup, sig
    nb = ~binding
    wb_inv = np.linalg.inv(np.column_stack([sd[binding], xb]))
    m = ys.shape[1]
    s_b = np.eye(m)[binding]
    gamma_b = np.column_stack([sd[nb], x[nb]]) @ wb_inv @ s_b - np.eye(m)[nb]
    v_b = wb_inv[0] @ s_b
    var = float(v_b @ sigma @ v_b)
    sig = float(np.sqrt(var))
    rho = gamma_b @ sigma @ v_b / var
    pos, neg = rho > 0, rho < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = -(ys @ gamma_b.T) / rho[None, :] + (ys @ v_b)[:, None]
    n = ys.shape[0]
    vlo = bound[:, pos].max(axis=1) if pos.any() else np.full(n, -np.inf)
    vup = bound[:, neg].min(axis=1) if neg.any() else np.full(n, np.inf)
    return vlo, vup, sig


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
