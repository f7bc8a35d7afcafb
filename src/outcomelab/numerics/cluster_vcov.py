"""The one cluster-robust (CR1) covariance of least-squares coefficients, one-way and two-way.

Used by :func:`outcomelab.did.twfe` (pyfixest's defaults) and by the regression on a matched sample
(:func:`outcomelab.matching.variance.wls_cluster`, ``sandwich::vcovCL(type = "HC1")``), which are
the same formula: ``c * B (sum_g u_g u_g') B`` with ``u_g`` the score sums of cluster ``g``.

Two-way clustering follows Cameron, Gelbach and Miller (2011): ``V = V_1 + V_2 - V_12`` with
``V_12`` clustered on the intersection of the two. The small-sample factor is pyfixest's default
(``ssc(k_adj=True, k_fixef="nonnested", G_adj=True, G_df="min")``)::

    c = G / (G - 1) * (n - 1) / (n - k)

with ``G`` the number of clusters (the smaller of the two for two-way clustering, used for every
summand) and ``k`` the slope coefficients plus the fixed-effect parameters that are not nested in a
cluster variable (see :func:`fixef_dof`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["cr1_vcov", "fixef_dof", "is_nested"]


def is_nested(inner: np.ndarray, outer: np.ndarray) -> bool:
    """Whether every level of ``inner`` lies within a single level of ``outer`` (integer codes)."""
    first = np.empty(int(inner.max()) + 1, dtype=outer.dtype)
    first[inner] = outer
    return bool(np.array_equal(first[inner], outer))


def fixef_dof(fixef: Sequence[tuple[np.ndarray, int]], clusters: Sequence[np.ndarray]) -> int:
    """Fixed-effect parameters counted in ``k`` under pyfixest's ``k_fixef="nonnested"`` rule.

    Parameters
    ----------
    fixef
        ``(codes, levels)`` of each fixed effect.
    clusters
        Integer codes of each cluster variable.

    Returns
    -------
    int
        ``sum(levels) - (n_fe - 1) - sum(levels of nested fe) + n_nested``: every fixed effect
        after the first loses one level to the intercept normalisation, and a fixed effect nested
        in a cluster counts for one parameter only.
    """
    if not fixef:
        return 0
    total = sum(levels for _, levels in fixef) - (len(fixef) - 1)
    nested = [levels for codes, levels in fixef if any(is_nested(codes, c) for c in clusters)]
    if nested:
        total += len(nested) - sum(nested)
    return total


def _meat(scores: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    sums = np.column_stack(
        [
            np.bincount(codes, weights=scores[:, j], minlength=n_groups)
            for j in range(scores.shape[1])
        ]
    )
    return sums.T @ sums


def cr1_vcov(
    scores: np.ndarray,
    bread: np.ndarray,
    clusters: Sequence[np.ndarray],
    *,
    df_k: int,
    n_obs: int | None = None,
) -> tuple[np.ndarray, int]:
    """CR1 covariance matrix for one or two cluster variables.

    Parameters
    ----------
    scores
        Per-observation scores ``x_i w_i e_i`` (n x k): regressors (after any within
        transformation) times weights times residuals.
    bread
        ``(X'WX)^{-1}`` (k x k).
    clusters
        One or two arrays of integer cluster codes (0..G-1).
    df_k
        Parameters counted in the ``(n - 1) / (n - k)`` factor.
    n_obs
        Observations ``n`` of that factor when ``scores`` holds sums of the observations'
        scores (e.g. one row per unit, each unit inside one cluster); default: one row of
        ``scores`` per observation.

    Returns
    -------
    vcov, G
        The covariance matrix and the number of clusters used in ``G / (G - 1)`` (the smaller
        of the two for two-way clustering).

    Notes
    -----
    ``V = G/(G-1) (n-1)/(n-k) B (sum_g u_g u_g') B``; with two cluster variables
    ``meat = M_1 + M_2 - M_12`` (Cameron, Gelbach and Miller 2011), one factor for all three.
    """
    n = scores.shape[0] if n_obs is None else n_obs
    parts: list[tuple[np.ndarray, int, int]] = []
    counts = [int(c.max()) + 1 for c in clusters]
    for codes, g in zip(clusters, counts, strict=True):
        parts.append((codes, g, 1))
    if len(clusters) == 2:
        inter, _ = pd.factorize(clusters[0].astype(np.int64) * counts[1] + clusters[1])
        inter = np.asarray(inter, dtype=np.intp)
        parts.append((inter, int(inter.max()) + 1, -1))
    g_min = min(counts)
    factor = g_min / (g_min - 1) * (n - 1) / (n - df_k)
    meat = np.zeros((scores.shape[1], scores.shape[1]))
    for codes, g, sign in parts:
        meat += sign * _meat(scores, codes, g)
    return factor * (bread @ meat @ bread), g_min
