"""When two scores are the same score: ties that floating-point noise must not decide.

Survey comparison samples hold many persons with identical covariates, hence identical propensity
scores. Two logistic fits of the same model (ours and R's ``glm``) agree to about 1e-12, so a score
that is tied in exact arithmetic may come out a few units in the last place apart, differently in
each implementation -- and then the rounding, not a rule, decides which tied comparison unit a
treated unit takes. :func:`merge_near_ties` removes that: scores that agree to a relative
:data:`TIE_RTOL` are replaced by one value, so that the documented tie rule (the smallest unit id
wins, or sharing the weight with ``ties="all"``) applies to them exactly.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["TIE_RTOL", "merge_near_ties", "sorted_runs"]

#: relative difference at or below which two scores are the same score
TIE_RTOL = 1e-10


@numba.njit(cache=True)
def _run_values(sorted_values: np.ndarray, rtol: float) -> np.ndarray:  # pragma: no cover
    """For values in ascending order, the first value of each one's run: a run starts at a value
    and holds the following values within ``rtol`` of it (relative to the larger magnitude)."""
    out = np.empty_like(sorted_values)
    n = sorted_values.shape[0]
    if n == 0:
        return out
    first = sorted_values[0]
    for j in range(n):
        v = sorted_values[j]
        if v - first > rtol * max(abs(first), abs(v)):
            first = v
        out[j] = first
    return out


def sorted_runs(values: np.ndarray, rtol: float = TIE_RTOL) -> tuple[np.ndarray, np.ndarray]:
    """A sorting order of ``values`` and the merged values (:func:`merge_near_ties`) in it.

    Parameters
    ----------
    values
        Scores (any order, finite).
    rtol
        Relative tolerance of :func:`merge_near_ties`.

    Returns
    -------
    order
        Positions that sort ``values`` ascending; the order among equal values is unspecified
        (callers that need one, e.g. by unit id, reorder each run of equal merged values).
    merged
        The merged values in that order (non-decreasing): ``merge_near_ties(values)[order]``.
    """
    v = np.ascontiguousarray(values, dtype=np.float64)
    order = np.argsort(v)
    return order, _run_values(v[order], float(rtol))


def merge_near_ties(values: np.ndarray, rtol: float = TIE_RTOL) -> np.ndarray:
    """``values`` with scores that agree to a relative ``rtol`` replaced by one value.

    Parameters
    ----------
    values
        Scores (any order, finite).
    rtol
        Relative tolerance (default :data:`TIE_RTOL`, 1e-10: far above the ~1e-13 at which two
        maximum-likelihood fits of the same logit agree, far below any difference that could
        matter for matching).

    Returns
    -------
    numpy.ndarray
        A copy in the same order. The values are sorted; a run starts at a value ``a`` and takes
        every following ``b`` with ``b - a <= rtol * max(|a|, |b|)``; each member of a run gets
        the run's first (smallest) value. Values already distinct by more than ``rtol`` are
        returned unchanged, so exact results on untied data stay exact.

    Examples
    --------
    >>> merge_near_ties(np.array([0.3, 0.1 + 0.2, 0.5])).tolist()
    [0.3, 0.3, 0.5]
    """
    v = np.ascontiguousarray(values, dtype=np.float64)
    if v.size < 2:
        return v.copy()
    order, runs = sorted_runs(v, rtol)
    merged = np.empty_like(v)
    merged[order] = runs
    return merged
