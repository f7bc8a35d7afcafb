"""Frank-Wolfe solver for simplex-constrained, ridge-penalised least squares (synthdid weights).

Solves ``min_x  zeta^2 ||x||^2 + ||A x - b||^2 / n``  over the unit simplex (``x >= 0``,
``sum(x) = 1``) with ``n = rows(A)``, by Frank-Wolfe steps with exact line search, exactly as
Arkhangelsky et al. (2021, Algorithm 1) and the R package ``synthdid`` (``sc.weight.fw``) do:
the iteration stops when the objective decreases by less than ``min_decrease**2`` or after
``max_iter`` steps. The implementation keeps ``A x`` and ``A'A x`` up to date after each step
(``O(rows + cols)`` per step instead of a matrix-vector product), compiled with numba.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["collapsed_form", "fw_simplex", "sparsify"]


@numba.njit(cache=True)
def _fw_kernel(
    a: np.ndarray,
    b: np.ndarray,
    gram: np.ndarray,
    atb: np.ndarray,
    x0: np.ndarray,
    eta: float,
    zeta2: float,
    min_decrease2: float,
    max_iter: int,
) -> tuple[np.ndarray, int, float]:  # pragma: no cover - compiled
    n, k = a.shape
    x = x0.copy()
    ax = a @ x
    gx = gram @ x
    prev = np.inf
    last = np.inf
    t = 0
    while t < max_iter:
        # one pass: half gradient g = A'(Ax - b) + eta x, its argmin, <g, x> and ||x||^2
        best = 0
        best_val = np.inf
        gdotx = 0.0
        xx = 0.0
        for j in range(k):
            g = gx[j] - atb[j] + eta * x[j]
            gdotx += g * x[j]
            xx += x[j] * x[j]
            if g < best_val:
                best_val = g
                best = j
        # direction d = e_best - x
        dx2 = xx - 2.0 * x[best] + 1.0
        step = 0.0
        t += 1
        if dx2 > 0.0:
            derr2 = 0.0
            for r in range(n):
                e = a[r, best] - ax[r]
                derr2 += e * e
            step = -(best_val - gdotx) / (derr2 + eta * dx2)
            if step < 0.0:
                step = 0.0
            elif step > 1.0:
                step = 1.0
            if step > 0.0:
                keep = 1.0 - step
                xx = 0.0
                for j in range(k):
                    gx[j] = keep * gx[j] + step * gram[best, j]
                    x[j] *= keep
                x[best] += step
                for j in range(k):
                    xx += x[j] * x[j]
        err2 = 0.0
        if step > 0.0:
            for r in range(n):
                ax[r] += step * (a[r, best] - ax[r])
                e = ax[r] - b[r]
                err2 += e * e
        else:
            for r in range(n):
                e = ax[r] - b[r]
                err2 += e * e
        val = zeta2 * xx + err2 / n
        prev = last
        last = val
        if t >= 2 and not (prev - last > min_decrease2):
            break
    return x, t, last


def fw_simplex(
    y: np.ndarray,
    *,
    zeta: float,
    intercept: bool,
    init: np.ndarray | None,
    min_decrease: float,
    max_iter: int,
) -> np.ndarray:
    """Simplex weights on the columns of ``y[:, :-1]`` that reproduce its last column.

    Parameters
    ----------
    y
        Matrix ``(n, k + 1)``: the ``k`` columns to weight and, last, the target column.
    zeta
        Ridge penalty ``zeta`` (the objective has ``zeta^2 ||x||^2``).
    intercept
        Demean every column first (a constant offset between target and weighted sum is free).
    init
        Starting weights (default: uniform ``1/k``).
    min_decrease
        Stop when an iteration lowers the objective by less than ``min_decrease**2``.
    max_iter
        Iteration cap.

    Returns
    -------
    numpy.ndarray
        Weights of length ``k`` on the simplex.
    """
    y = np.asarray(y, dtype=np.float64)
    if intercept:
        y = y - y.mean(axis=0)
    n, k1 = y.shape
    k = k1 - 1
    a = np.ascontiguousarray(y[:, :k])
    b = np.ascontiguousarray(y[:, k])
    x0 = np.full(k, 1.0 / k) if init is None else np.asarray(init, dtype=np.float64).copy()
    gram = a.T @ a
    atb = a.T @ b
    eta = n * zeta**2
    x, _, _ = _fw_kernel(a, b, gram, atb, x0, eta, zeta**2, min_decrease**2, int(max_iter))
    return np.asarray(x)


def sparsify(v: np.ndarray) -> np.ndarray:
    """Zero the weights at most a quarter of the largest and renormalise (synthdid's default)."""
    out = np.where(v <= v.max() / 4, 0.0, v)
    return np.asarray(out / out.sum())


def collapsed_form(y: np.ndarray, n0: int, t0: int) -> np.ndarray:
    """The ``(N0 + 1, T0 + 1)`` matrix with treated rows and post columns averaged."""
    top = np.column_stack([y[:n0, :t0], y[:n0, t0:].mean(axis=1)])
    bottom = np.append(y[n0:, :t0].mean(axis=0), y[n0:, t0:].mean())
    return np.vstack([top, bottom])
