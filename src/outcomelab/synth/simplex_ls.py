"""Least squares on the unit simplex, solved exactly: ``min ||A w - b||^2, w >= 0, sum(w) = 1``.

Lawson-Hanson non-negative least squares (``scipy.optimize.nnls``) on the system augmented with a
heavily weighted row ``rho * (1' w - 1)``, then an exact polish on the active set (the KKT
system of the equality-constrained problem on the support). This is the synthetic control
weight problem of Abadie, Diamond and Hainmueller (2010) for a given predictor weighting ``V``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

__all__ = ["simplex_least_squares"]


def simplex_least_squares(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Simplex weights ``w`` minimising ``||a @ w - b||^2``.

    Parameters
    ----------
    a
        Matrix ``(m, k)``: one column per donor.
    b
        Target vector ``(m,)``.

    Returns
    -------
    numpy.ndarray
        Weights of length ``k``, ``>= 0``, summing to 1.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    k = a.shape[1]
    if k == 1:
        return np.ones(1)
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()), 1.0)
    rho = 1e4 * scale
    aug = np.vstack([a, np.full((1, k), rho)])
    rhs = np.append(b, rho)
    w, _ = nnls(aug, rhs, maxiter=50 * k)
    support = np.flatnonzero(w > 0)
    if support.size:
        s = a[:, support]
        kkt = np.zeros((support.size + 1, support.size + 1))
        kkt[:-1, :-1] = s.T @ s
        kkt[:-1, -1] = 1.0
        kkt[-1, :-1] = 1.0
        rhs_k = np.append(s.T @ b, 1.0)
        try:
            sol = np.linalg.solve(kkt, rhs_k)[:-1]
        except np.linalg.LinAlgError:
            sol = None
        if sol is not None and np.all(sol >= 0) and np.all(np.isfinite(sol)):
            w = np.zeros(k)
            w[support] = sol
    w = np.clip(w, 0.0, None)
    return np.asarray(w / w.sum())
