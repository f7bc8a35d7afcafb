"""Frank-Wolfe solver for simplex-constrained, ridge-penalised least squares (synthdid weights).

Solves ``min_x  zeta^2 ||x||^2 + ||A x - b||^2 / n``  over the unit simplex (``x >= 0``,
``sum(x) = 1``) with ``n = rows(A)``, by Frank-Wolfe steps with exact line search, exactly as
Arkhangelsky et al. (2021, Algorithm 1) and the R package ``synthdid`` (``sc.weight.fw``) do:
the iteration stops when the objective decreases by less than ``min_decrease**2`` or after
``max_iter`` steps. The implementation keeps ``A x`` and ``A'A x`` up to date after each step
(``O(rows + cols)`` per step instead of a matrix-vector product), compiled with numba. ``A'A`` is
never formed: a step towards vertex ``j`` needs only row ``j`` of it, computed the first time ``j``
is visited (Frank-Wolfe visits few vertices), so the set-up costs ``O(rows * cols)`` and no BLAS
call runs in the loop.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["collapsed_form", "fw_simplex", "sparsify"]


_ROW_CACHE = 256  # Gram rows kept per solve (Frank-Wolfe visits few vertices)


@numba.njit(cache=True, nogil=True)
def _gram_row(a: np.ndarray, j: int, out: np.ndarray) -> None:  # pragma: no cover - compiled
    n, k = a.shape
    for i in range(k):
        out[i] = 0.0
    for r in range(n):
        arj = a[r, j]
        for i in range(k):
            out[i] += arj * a[r, i]


@numba.njit(cache=True, nogil=True, inline="always")
def _start(
    a: np.ndarray, b: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """``A x``, ``A'A x`` and ``A'b`` without forming ``A'A`` (``O(rows * cols)``)."""
    n, k = a.shape
    ax = np.zeros(n)
    for r in range(n):
        s = 0.0
        for j in range(k):
            s += a[r, j] * x[j]
        ax[r] = s
    gx = np.zeros(k)
    atb = np.zeros(k)
    for r in range(n):
        axr = ax[r]
        br = b[r]
        for j in range(k):
            gx[j] += a[r, j] * axr
            atb[j] += a[r, j] * br
    return ax, gx, atb


@numba.njit(cache=True, nogil=True, inline="always")
def _vertex(
    gx: np.ndarray, atb: np.ndarray, x: np.ndarray, eta: float
) -> tuple[int, float, float, float]:  # pragma: no cover - compiled
    """Half gradient ``g = A'(Ax - b) + eta x``: argmin, min, ``<g, x>`` and ``x'x``."""
    best = 0
    best_val = np.inf
    gdotx = 0.0
    xx = 0.0
    for j in range(x.shape[0]):
        g = gx[j] - atb[j] + eta * x[j]
        gdotx += g * x[j]
        xx += x[j] * x[j]
        if g < best_val:
            best_val = g
            best = j
    return best, best_val, gdotx, xx


@numba.njit(cache=True, nogil=True, inline="always")
def _line_search(
    a: np.ndarray, ax: np.ndarray, best: int, slope: float, eta: float, dx2: float
) -> float:  # pragma: no cover - compiled
    """Exact step towards vertex ``best`` along ``d = e_best - x``, clipped to ``[0, 1]``."""
    derr2 = 0.0
    for r in range(ax.shape[0]):
        e = a[r, best] - ax[r]
        derr2 += e * e
    step = -slope / (derr2 + eta * dx2)
    return min(max(step, 0.0), 1.0)


@numba.njit(cache=True, nogil=True, inline="always")
def _gram(
    a: np.ndarray, best: int, slot: np.ndarray, rows: np.ndarray, spare: np.ndarray, used: int
) -> tuple[np.ndarray, int]:  # pragma: no cover - compiled
    """Row ``best`` of ``A'A`` from the cache (computed and cached on the first visit)."""
    if slot[best] >= 0:
        return rows[slot[best]], used
    if used < rows.shape[0]:
        slot[best] = used
        _gram_row(a, best, rows[used])
        return rows[used], used + 1
    _gram_row(a, best, spare)
    return spare, used


@numba.njit(cache=True, nogil=True, inline="always")
def _move(
    x: np.ndarray, gx: np.ndarray, grow: np.ndarray, best: int, step: float
) -> float:  # pragma: no cover - compiled
    """``x <- (1 - step) x + step e_best`` and ``A'A x`` with it; returns the new ``x'x``."""
    keep = 1.0 - step
    xx = 0.0
    for j in range(x.shape[0]):
        gx[j] = keep * gx[j] + step * grow[j]
        xj = keep * x[j]
        x[j] = xj
        xx += xj * xj
    xb = x[best]
    x[best] = xb + step
    return xx + (xb + step) * (xb + step) - xb * xb


@numba.njit(cache=True, nogil=True, inline="always")
def _residual(
    a: np.ndarray, b: np.ndarray, ax: np.ndarray, best: int, step: float
) -> float:  # pragma: no cover - compiled
    """Update ``A x`` after a step towards ``best``; returns ``||A x - b||^2``."""
    err2 = 0.0
    if step > 0.0:
        for r in range(ax.shape[0]):
            ax[r] += step * (a[r, best] - ax[r])
            e = ax[r] - b[r]
            err2 += e * e
    else:
        for r in range(ax.shape[0]):
            e = ax[r] - b[r]
            err2 += e * e
    return err2


@numba.njit(cache=True, nogil=True)
def _fw_kernel(
    a: np.ndarray,
    b: np.ndarray,
    x0: np.ndarray,
    eta: float,
    zeta2: float,
    min_decrease2: float,
    max_iter: int,
) -> tuple[np.ndarray, int, float]:  # pragma: no cover - compiled
    n, k = a.shape
    x = x0.copy()
    ax, gx, atb = _start(a, b, x)
    # only the Gram rows of the vertices Frank-Wolfe steps towards are ever needed
    slot = np.full(k, -1)
    rows = np.empty((min(k, _ROW_CACHE), k))
    spare = np.empty(k)
    used = 0
    prev = np.inf
    last = np.inf
    t = 0
    while t < max_iter:
        best, best_val, gdotx, xx = _vertex(gx, atb, x, eta)
        dx2 = xx - 2.0 * x[best] + 1.0  # ||e_best - x||^2
        step = 0.0
        t += 1
        if dx2 > 0.0:
            step = _line_search(a, ax, best, best_val - gdotx, eta, dx2)
            if step > 0.0:
                grow, used = _gram(a, best, slot, rows, spare, used)
                xx = _move(x, gx, grow, best, step)
        val = zeta2 * xx + _residual(a, b, ax, best, step) / n
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
    eta = n * zeta**2
    x, _, _ = _fw_kernel(a, b, x0, eta, zeta**2, min_decrease**2, int(max_iter))
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
