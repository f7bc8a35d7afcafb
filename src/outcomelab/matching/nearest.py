"""Greedy nearest-neighbour matching: on a scalar score in O(n log n), or on Mahalanobis distance.

The scalar rule is MatchIt's (``nn_matchC_vec``): all units are sorted by score (a stable sort, so
equal scores keep data order); treated units are visited in the requested order; each takes the
nearer of the closest still-available comparison unit to its left and to its right in that sorted
list (the left one on a tie), unless that unit lies outside the caliper. With ``ratio = k`` the
visit is repeated ``k`` times, each treated unit taking one more comparison unit per round.

MatchIt scans outward from the treated unit one unit at a time, which is quadratic when many units
have been used. Here the comparison units are kept in a sorted array with two "next available"
union-find structures (to the left and to the right) with path compression, so each search is
amortised near-constant time and the whole match is ``O(n log n)`` (the sort dominates).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["greedy_mahalanobis", "greedy_matrix", "greedy_scalar", "insertion_positions"]


@numba.njit(cache=True)
def _find(parent: np.ndarray, j: int) -> int:  # pragma: no cover - compiled
    root = j
    while parent[root] != root:
        root = parent[root]
    while parent[j] != root:
        nxt = parent[j]
        parent[j] = root
        j = nxt
    return root


@numba.njit(cache=True)
def _greedy_scalar_kernel(
    c_score: np.ndarray,
    t_score: np.ndarray,
    t_pos: np.ndarray,
    order: np.ndarray,
    ratio: int,
    caliper: float,
    replace: bool,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    n0 = c_score.shape[0]
    n1 = t_score.shape[0]
    mm = np.full((n1, ratio), -1, dtype=np.int64)
    tied = np.zeros((n1, ratio), dtype=np.bool_)
    if n0 == 0:
        return mm, tied
    if replace:
        for idx in range(order.shape[0]):
            i = order[idx]
            d = t_score[i]
            left = t_pos[i] - 1
            right = t_pos[i]
            for r in range(ratio):
                lok = left >= 0 and abs(c_score[left] - d) <= caliper
                rok = right < n0 and abs(c_score[right] - d) <= caliper
                if lok and rok:
                    if abs(c_score[left] - d) == abs(c_score[right] - d):
                        tied[i, r] = True
                    if abs(c_score[left] - d) <= abs(c_score[right] - d):
                        rok = False
                    else:
                        lok = False
                if lok:
                    mm[i, r] = left
                    tied[i, r] |= left > 0 and c_score[left - 1] == c_score[left]
                    left -= 1
                elif rok:
                    mm[i, r] = right
                    tied[i, r] |= right + 1 < n0 and c_score[right + 1] == c_score[right]
                    right += 1
                else:
                    break
        return mm, tied
    # nxt[j]: smallest available index >= j (n0 = none); prv[j + 1]: largest available <= j
    nxt = np.arange(n0 + 1)
    prv = np.arange(n0 + 1)
    remaining = n0
    for r in range(ratio):
        for idx in range(order.shape[0]):
            if remaining == 0:
                return mm, tied
            i = order[idx]
            if r > 0 and mm[i, r - 1] < 0:
                continue
            d = t_score[i]
            p = t_pos[i]
            left = _find(prv, p) - 1
            right = _find(nxt, p)
            lok = left >= 0 and abs(c_score[left] - d) <= caliper
            rok = right < n0 and abs(c_score[right] - d) <= caliper
            if lok and rok:
                if abs(c_score[left] - d) == abs(c_score[right] - d):
                    tied[i, r] = True
                if abs(c_score[left] - d) <= abs(c_score[right] - d):
                    rok = False
                else:
                    lok = False
            if lok:
                k = left
                beyond = _find(prv, left) - 1
            elif rok:
                k = right
                beyond = _find(nxt, right + 1)
            else:
                continue
            tied[i, r] |= 0 <= beyond < n0 and c_score[beyond] == c_score[k]
            mm[i, r] = k
            nxt[k] = k + 1
            prv[k + 1] = k
            remaining -= 1
    return mm, tied


def insertion_positions(
    t_score: np.ndarray, c_score: np.ndarray, t_index: np.ndarray, c_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort comparison units stably and locate each treated unit among them.

    Parameters
    ----------
    t_score, c_score
        Scores of treated and comparison units.
    t_index, c_index
        Their row positions in the data (ties in score are ordered by these, as R's stable
        ``sort.list`` orders them).

    Returns
    -------
    c_order
        Permutation sorting the comparison units.
    c_sorted
        Their sorted scores.
    t_pos
        For each treated unit, how many comparison units precede it in the joint stable order.
    """
    score = np.concatenate([t_score, c_score])
    rows = np.concatenate([t_index, c_index])
    is_c = np.concatenate([np.zeros(len(t_score), bool), np.ones(len(c_score), bool)])
    joint = np.lexsort((rows, score))
    before = np.cumsum(is_c[joint]) - is_c[joint]
    t_pos = np.empty(len(t_score), dtype=np.int64)
    t_mask = ~is_c[joint]
    t_pos[joint[t_mask]] = before[t_mask]
    c_order = joint[is_c[joint]] - len(t_score)
    return c_order, c_score[c_order], t_pos


def greedy_scalar(
    t_score: np.ndarray,
    c_score: np.ndarray,
    *,
    order: np.ndarray,
    ratio: int = 1,
    caliper: float | None = None,
    replace: bool = False,
    t_index: np.ndarray | None = None,
    c_index: np.ndarray | None = None,
    ties: np.ndarray | None = None,
) -> np.ndarray:
    """Greedy nearest-neighbour matching on a scalar score (MatchIt's rule, O(n log n)).

    Parameters
    ----------
    t_score, c_score
        Scores of the treated units and of the eligible comparison units.
    order
        Positions (into ``t_score``) of the treated units to match, in the order they choose.
        Treated units left out are not matched.
    ratio
        Comparison units per treated unit.
    caliper
        Largest allowed absolute score difference (same units as the score), or None.
    replace
        Whether a comparison unit can be matched to several treated units.
    t_index, c_index
        Data-order positions used to break ties in score (default: treated before comparison,
        each in the given order).
    ties
        Optional ``len(t_score) x ratio`` boolean array, filled with whether each match was a tie:
        another available comparison unit lay at exactly the same score distance, so the tie rule
        (order in the stable sort) decided.

    Returns
    -------
    numpy.ndarray
        ``len(t_score) x ratio`` array of positions into ``c_score``; -1 where no match was found.
        With ``replace=True`` a treated unit's matches are distinct comparison units.
    """
    t_score = np.ascontiguousarray(t_score, dtype=np.float64)
    c_score = np.ascontiguousarray(c_score, dtype=np.float64)
    if t_index is None:
        t_index = np.arange(len(t_score))
    if c_index is None:
        c_index = np.arange(len(t_score), len(t_score) + len(c_score))
    c_order, c_sorted, t_pos = insertion_positions(t_score, c_score, t_index, c_index)
    cal = np.inf if caliper is None else float(caliper)
    mm, tied = _greedy_scalar_kernel(
        c_sorted, t_score, t_pos, np.asarray(order, dtype=np.int64), int(ratio), cal, replace
    )
    if ties is not None:
        ties[...] = tied
    return np.where(mm >= 0, c_order[np.maximum(mm, 0)], -1)


@numba.njit(cache=True)
def _greedy_matrix_kernel(
    Xt: np.ndarray,
    Xc: np.ndarray,
    Ct: np.ndarray,
    Cc: np.ndarray,
    widths: np.ndarray,
    order: np.ndarray,
    ratio: int,
    replace: bool,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    n1 = Xt.shape[0]
    n0 = Xc.shape[0]
    p = Xt.shape[1]
    q = Ct.shape[1]
    mm = np.full((n1, ratio), -1, dtype=np.int64)
    tied = np.zeros((n1, ratio), dtype=np.bool_)
    used = np.zeros(n0, dtype=np.bool_)
    remaining = n0
    for r in range(ratio):
        for idx in range(order.shape[0]):
            i = order[idx]
            if not replace and remaining == 0:
                return mm, tied
            if r > 0 and mm[i, r - 1] < 0:
                continue
            best = -1
            best_d = np.inf
            tie = False
            for j in range(n0):
                if used[j]:
                    continue
                if replace:
                    taken = False
                    for s in range(r):
                        if mm[i, s] == j:
                            taken = True
                    if taken:
                        continue
                inside = True
                for c in range(q):
                    if abs(Ct[i, c] - Cc[j, c]) > widths[c]:
                        inside = False
                        break
                if not inside:
                    continue
                d = 0.0
                for c in range(p):
                    diff = Xt[i, c] - Xc[j, c]
                    d += diff * diff
                # distances equal up to rounding count as ties (the first comparison unit in row
                # order wins), as they would in exact arithmetic
                if best < 0 or d < best_d - 1e-10 * best_d:
                    best_d = d
                    best = j
                    tie = False
                elif d <= best_d + 1e-10 * best_d:
                    tie = True
            if best < 0:
                continue
            mm[i, r] = best
            tied[i, r] = tie
            if not replace:
                used[best] = True
                remaining -= 1
    return mm, tied


def greedy_matrix(
    Xt: np.ndarray,
    Xc: np.ndarray,
    *,
    order: np.ndarray,
    ratio: int = 1,
    replace: bool = False,
    Ct: np.ndarray | None = None,
    Cc: np.ndarray | None = None,
    widths: np.ndarray | None = None,
    ties: np.ndarray | None = None,
) -> np.ndarray:
    """Greedy nearest-neighbour matching on Euclidean distance, with optional calipers.

    Parameters
    ----------
    Xt, Xc
        Matching coordinates of treated and comparison units (rows). For Mahalanobis matching they
        are already multiplied by a square root of the inverse pooled covariance, so Euclidean
        distance is Mahalanobis distance; for a score, one column.
    order
        Positions (into ``Xt``) of the treated units to match, in the order they choose.
    ratio, replace
        Comparison units per treated unit; whether a comparison unit can be reused.
    Ct, Cc, widths
        Caliper columns (treated rows, comparison rows) and their widths: a pair is allowed only
        if ``|Ct[i, c] - Cc[j, c]| <= widths[c]`` for every column ``c`` (MatchIt's calipers on
        the score and on covariates).
    ties
        Optional ``len(Xt) x ratio`` boolean array, filled with whether each match was a tie.

    Returns
    -------
    numpy.ndarray
        ``len(Xt) x ratio`` array of positions into ``Xc``; -1 where no match was found.

    Notes
    -----
    Ties (distances equal to a relative 1e-10, so that rounding does not decide) go to the first
    comparison unit in row order. Cost ``O(n_treated x n_control x (p + calipers))``.
    """
    Xt = np.ascontiguousarray(Xt, dtype=np.float64)
    Xc = np.ascontiguousarray(Xc, dtype=np.float64)
    if Ct is None or Cc is None or widths is None:
        Ct, Cc, widths = np.zeros((len(Xt), 0)), np.zeros((len(Xc), 0)), np.zeros(0)
    mm, tied = _greedy_matrix_kernel(
        Xt,
        Xc,
        np.ascontiguousarray(Ct, dtype=np.float64),
        np.ascontiguousarray(Cc, dtype=np.float64),
        np.ascontiguousarray(widths, dtype=np.float64),
        np.asarray(order, dtype=np.int64),
        int(ratio),
        replace,
    )
    if ties is not None:
        ties[...] = tied
    return np.asarray(mm)


def greedy_mahalanobis(
    Xt: np.ndarray, Xc: np.ndarray, *, order: np.ndarray, ratio: int = 1, replace: bool = False
) -> np.ndarray:
    """Greedy nearest-neighbour matching on Euclidean distance of pre-transformed covariates
    (:func:`greedy_matrix` without calipers).

    Returns
    -------
    numpy.ndarray
        ``len(Xt) x ratio`` array of positions into ``Xc``; -1 where no match was found.
    """
    return greedy_matrix(Xt, Xc, order=order, ratio=ratio, replace=replace)
