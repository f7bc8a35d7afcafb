"""Optimal pair matching: the matched set with the smallest total distance.

Greedy matching lets each focal unit in turn take its nearest available comparison unit; optimal
matching instead minimises the sum of the distances over all pairs at once (Rosenbaum 1989), which
MatchIt does with ``method = "optimal"`` through the R package optmatch. Here the assignment
problem is solved by :func:`scipy.optimize.linear_sum_assignment` (a shortest augmenting path
solver for dense rectangular cost matrices, Crouse 2016). It is part of SciPy, which outcomelab
already depends on, maintained and tested there, and exact; the alternative in SciPy,
``scipy.sparse.csgraph.min_weight_full_bipartite_matching``, pays off only for sparse
(calipered) problems, which optimal pair matching here does not take.
"""

from __future__ import annotations

import numpy as np

from outcomelab.errors import EmptyGroupError, ParameterError

__all__ = ["MAX_CELLS", "optimal_pairs"]

#: largest distance matrix (focal x ratio x pool cells) optimal matching builds (about 400 MB)
MAX_CELLS = 50_000_000


def optimal_pairs(Zf: np.ndarray, Zp: np.ndarray, ratio: int = 1) -> np.ndarray:
    """Match every focal unit to ``ratio`` distinct pool units minimising the total distance.

    Parameters
    ----------
    Zf, Zp
        Matching coordinates (rows) of the focal and pool units; the distance is Euclidean (the
        absolute score difference for one column, Mahalanobis distance for transformed
        covariates).
    ratio
        Pool units per focal unit.

    Returns
    -------
    numpy.ndarray
        ``len(Zf) x ratio`` positions into ``Zp``.

    Raises
    ------
    EmptyGroupError
        Fewer pool units than ``ratio`` times the focal units.
    ParameterError
        The distance matrix would exceed :data:`MAX_CELLS` cells.

    Notes
    -----
    With ``ratio = k`` each focal row of the cost matrix is repeated ``k`` times, so the
    assignment gives each focal unit ``k`` distinct pool units and minimises the sum of all
    ``k n_focal`` distances -- optmatch's ``pairmatch(controls = k)`` objective. Among several
    optimal solutions (equal distances) the solver's choice is deterministic for a given row
    order; :func:`~outcomelab.matching.match` passes rows sorted by unit id.

    References
    ----------
    Rosenbaum, P. R. (1989). Optimal matching for observational studies. JASA 84(408), 1024-1032.
    Crouse, D. F. (2016). On implementing 2D rectangular assignment algorithms. IEEE Transactions
    on Aerospace and Electronic Systems 52(4), 1679-1696.
    """
    n_f, n_p = len(Zf), len(Zp)
    if n_p < ratio * n_f:
        raise EmptyGroupError(
            f"Optimal matching needs at least ratio x focal units = {ratio * n_f} comparison "
            f"units and has {n_p}; lower `ratio`, or use method='nearest' (which leaves units "
            "unmatched) or replace=True."
        )
    if n_f * ratio * n_p > MAX_CELLS:
        raise ParameterError(
            f"Optimal matching of {n_f} to {n_p} units builds a {n_f * ratio} x {n_p} distance "
            "matrix, too large for memory here; use method='nearest', exact= strata, or a "
            "smaller comparison pool."
        )
    # SciPy's optimize and spatial packages load in ~0.3 s: only for optimal matching
    from scipy.optimize import linear_sum_assignment
    from scipy.spatial.distance import cdist

    cost = cdist(np.asarray(Zf, dtype=np.float64), np.asarray(Zp, dtype=np.float64))
    if ratio > 1:
        cost = np.repeat(cost, ratio, axis=0)
    rows, cols = linear_sum_assignment(cost)
    mm = np.full((n_f, ratio), -1, dtype=np.int64)
    mm[rows // ratio, rows % ratio] = cols
    return mm
