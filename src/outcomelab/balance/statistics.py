"""Weighted summary statistics behind a balance table, defined as MatchIt 4 defines them.

Every function takes one covariate ``x``, the treatment indicator ``t`` (0/1) and non-negative
weights ``w`` for the same units. Units with weight zero take no part in a statistic (but a unit's
value still counts as a point of the pooled eCDF grid, as in MatchIt).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "effective_sample_size",
    "is_binary",
    "weighted_ecdf_distances",
    "weighted_mean",
    "weighted_variance",
]


def is_binary(x: np.ndarray) -> bool:
    """Whether every value of ``x`` is 0 or 1 (MatchIt's rule for a binary covariate)."""
    return bool(np.all((x == 0) | (x == 1)))


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted mean ``sum(w x) / sum(w)``; NaN when the weights sum to zero."""
    total = float(np.sum(w))
    if total <= 0:
        return float("nan")
    return float(np.dot(w, x) / total)


def weighted_variance(x: np.ndarray, w: np.ndarray, *, binary: bool | None = None) -> float:
    """Weighted variance as MatchIt's ``wvar`` computes it.

    Parameters
    ----------
    x
        Values.
    w
        Non-negative weights (need not sum to one).
    binary
        Treat ``x`` as binary; ``None`` decides with :func:`is_binary`.

    Returns
    -------
    float
        For a binary variable ``p (1 - p)`` with ``p`` the weighted mean; otherwise the unbiased
        reliability-weighted variance ``sum(v (x - m)^2) / (1 - sum(v^2))`` with normalised weights
        ``v = w / sum(w)`` (equal to the usual ``n - 1`` sample variance when all weights are 1).
        NaN when fewer than two units have positive weight (continuous case).
    """
    total = float(np.sum(w))
    if total <= 0:
        return float("nan")
    v = w / total
    m = float(np.dot(v, x))
    if binary is None:
        binary = is_binary(x)
    if binary:
        return m * (1.0 - m)
    denom = 1.0 - float(np.dot(v, v))
    if denom <= 0:
        return float("nan")
    return float(np.dot(v, (x - m) ** 2) / denom)


def weighted_ecdf_distances(x: np.ndarray, t: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Mean and maximum distance between the weighted eCDFs of the two groups.

    Parameters
    ----------
    x, t, w
        Values, 0/1 treatment indicator and non-negative weights.

    Returns
    -------
    mean_distance, max_distance
        ``|F1(u) - F0(u)|`` averaged over, and maximised over, the distinct values ``u`` of
        ``x`` in the pooled sample, where ``F_g`` is the eCDF of group ``g`` with weights
        normalised to sum to one in the group. For a binary variable both equal the absolute
        difference in weighted proportions. This is MatchIt's ``qqsum(standardize = TRUE)``
        ("eCDF Mean", "eCDF Max").
    """
    treated = t == 1
    if is_binary(x):
        d = abs(weighted_mean(x[treated], w[treated]) - weighted_mean(x[~treated], w[~treated]))
        return d, d
    signed = np.where(treated, w / np.sum(w[treated]), -w / np.sum(w[~treated]))
    order = np.argsort(x, kind="stable")
    xs = x[order]
    cum = np.abs(np.cumsum(signed[order]))
    last_of_value = np.append(np.diff(xs) != 0, True)
    gaps = cum[last_of_value]
    return float(np.mean(gaps)), float(np.max(gaps))


def effective_sample_size(w: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (0 when every weight is 0)."""
    s2 = float(np.dot(w, w))
    return float(np.sum(w)) ** 2 / s2 if s2 > 0 else 0.0
