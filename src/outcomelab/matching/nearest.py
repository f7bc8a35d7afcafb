"""Greedy nearest-neighbour matching: on a scalar score in O(n log n), or on Mahalanobis distance.

The scalar rule is MatchIt's greedy rule with the tie rule of its matrix code path, keyed on the
unit id: treated units are visited in the requested order; each takes the nearest still-available
comparison unit inside the caliper, and among comparison units at the same distance the one with
the smallest id (row position in id order). Scores that agree to a relative 1e-10 are the same
score (:func:`outcomelab.matching.ties.merge_near_ties`), so floating-point noise in a fitted
score never decides a tie. With ``ratio = k`` the visit is repeated ``k`` times, each treated unit
taking one more comparison unit per round.

MatchIt scans outward from the treated unit one unit at a time, which is quadratic when many units
have been used. Here the comparison units are kept in an array sorted by (score, id) with two
"next available" union-find structures (to the left and to the right) with path compression, so
each search is amortised near-constant time and the whole match is ``O(n log n)`` (the sort
dominates). Equal scores form runs ordered by id; the smallest available id of a run is found
with the same structure from the run's first position.
"""

from __future__ import annotations

import numba
import numpy as np

from outcomelab.matching.ties import TIE_RTOL, sorted_runs

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
def _choose(c_score: np.ndarray, c_rows: np.ndarray, d: float, kl: int, kr: int,
            caliper: float) -> tuple[int, bool]:  # pragma: no cover - compiled  # fmt: skip
    """Of the smallest-id available candidate to the left (``kl``, -1 = none) and to the right
    (``kr``, ``n0`` = none) of a unit at score ``d``: the nearer one inside the caliper (-1 if
    neither), the smaller id on an equal distance; and whether the distances were equal.
    Distances that differ by at most :data:`TIE_RTOL` times the largest of the three scores'
    magnitudes are equal (rounding of the two subtractions must not decide)."""
    n0 = c_score.shape[0]
    lok = kl >= 0 and abs(c_score[kl] - d) <= caliper
    rok = kr < n0 and abs(c_score[kr] - d) <= caliper
    if lok and rok:
        dl, dr = abs(c_score[kl] - d), abs(c_score[kr] - d)
        tol = TIE_RTOL * max(abs(c_score[kl]), abs(c_score[kr]), abs(d))
        if dl < dr - tol:
            return kl, False
        if dr < dl - tol:
            return kr, False
        return (kl if c_rows[kl] < c_rows[kr] else kr), True
    if lok:
        return kl, False
    return (kr if rok else -1), False


@numba.njit(cache=True)
def _scalar_with_replacement(
    c_score: np.ndarray,
    c_rows: np.ndarray,
    run_start: np.ndarray,
    t_score: np.ndarray,
    t_pos: np.ndarray,
    order: np.ndarray,
    caliper: float,
    mm: np.ndarray,
    tied: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Each treated unit takes its ``ratio`` nearest comparison units, walking outwards; the run
    of equal scores on the left is taken from its smallest id up."""
    n0 = c_score.shape[0]
    for idx in range(order.shape[0]):
        i = order[idx]
        left = t_pos[i] - 1  # highest position not yet taken on the left
        lnext = run_start[left] if left >= 0 else -1  # next to take in the left run
        right = t_pos[i]
        for r in range(mm.shape[1]):
            k, tie = _choose(c_score, c_rows, t_score[i], lnext, right, caliper)
            if k < 0:
                break
            if k == lnext:
                tie = tie or lnext < left
                lnext += 1
                if lnext > left:
                    left = run_start[left] - 1
                    lnext = run_start[left] if left >= 0 else -1
            else:
                tie = tie or (right + 1 < n0 and c_score[right + 1] == c_score[right])
                right += 1
            mm[i, r] = k
            tied[i, r] = tie


@numba.njit(cache=True)
def _scalar_without_replacement(
    c_score: np.ndarray,
    c_rows: np.ndarray,
    run_start: np.ndarray,
    t_score: np.ndarray,
    t_pos: np.ndarray,
    order: np.ndarray,
    caliper: float,
    mm: np.ndarray,
    tied: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Rounds of one match per treated unit; a used comparison unit leaves the sorted array
    (union-find links to the nearest available unit on either side)."""
    n0 = c_score.shape[0]
    # nxt[j]: smallest available index >= j (n0 = none); prv[j + 1]: largest available <= j
    nxt = np.arange(n0 + 1)
    prv = np.arange(n0 + 1)
    remaining = n0
    for r in range(mm.shape[1]):
        for idx in range(order.shape[0]):
            i = order[idx]
            if remaining == 0:
                return
            if r > 0 and mm[i, r - 1] < 0:
                continue
            left, right = _find(prv, t_pos[i]) - 1, _find(nxt, t_pos[i])
            # the smallest available id in the left unit's run of equal scores
            kl = _find(nxt, run_start[left]) if left >= 0 else -1
            k, tie = _choose(c_score, c_rows, t_score[i], kl, right, caliper)
            if k < 0:
                continue
            if k == kl:
                tie = tie or kl < left
            else:
                after = _find(nxt, right + 1)
                tie = tie or (after < n0 and c_score[after] == c_score[right])
            mm[i, r] = k
            tied[i, r] = tie
            nxt[k] = k + 1
            prv[k + 1] = k
            remaining -= 1


def _greedy_scalar_kernel(
    c_score: np.ndarray,
    c_rows: np.ndarray,
    t_score: np.ndarray,
    t_pos: np.ndarray,
    order: np.ndarray,
    ratio: int,
    caliper: float,
    replace: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Match matrix (positions into the sorted comparison scores, -1 = none) and tie flags."""
    n1 = t_score.shape[0]
    mm = np.full((n1, ratio), -1, dtype=np.int64)
    tied = np.zeros((n1, ratio), dtype=np.bool_)
    n0 = c_score.shape[0]
    if n0 == 0:
        return mm, tied
    starts = np.ones(n0, dtype=bool)
    starts[1:] = c_score[1:] != c_score[:-1]
    run_start = np.maximum.accumulate(np.where(starts, np.arange(n0), 0))
    run = _scalar_with_replacement if replace else _scalar_without_replacement
    run(c_score, c_rows, run_start, t_score, t_pos, order, caliper, mm, tied)
    return mm, tied


@numba.njit(cache=True)
def _order_equal_runs(order: np.ndarray, sorted_values: np.ndarray,
                      rows: np.ndarray) -> None:  # pragma: no cover - compiled  # fmt: skip
    """Reorder ``order`` (which sorts the values) within each run of equal values by ``rows``,
    then by position, in place: the order of a stable ``lexsort((rows, values))``."""
    n = order.shape[0]
    a = 0
    while a < n:
        b = a + 1
        while b < n and sorted_values[b] == sorted_values[a]:
            b += 1
        if b - a > 1:
            seg = np.sort(order[a:b])
            order[a:b] = seg[np.argsort(rows[seg], kind="mergesort")]
        a = b


def insertion_positions(
    t_score: np.ndarray, c_score: np.ndarray, t_index: np.ndarray, c_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge near-tied scores, sort comparison units and locate each treated unit among them,
    with one sort of all scores.

    Parameters
    ----------
    t_score, c_score
        Scores of treated and comparison units.
    t_index, c_index
        Their ids (row positions in id order): units with the same (merged) score are ordered by
        these, treated before comparison units on an equal id, as R's stable ``sort.list``
        orders rows.

    Returns
    -------
    t_merged
        The treated units' scores after :func:`~outcomelab.matching.ties.merge_near_ties` (of
        all scores together).
    c_order
        Permutation sorting the comparison units.
    c_sorted
        Their merged scores, sorted.
    t_pos
        For each treated unit, how many comparison units precede it in the joint order.
    """
    n1 = len(t_score)
    joint, runs = sorted_runs(np.concatenate([np.asarray(t_score), np.asarray(c_score)]))
    rows = np.concatenate([np.asarray(t_index), np.asarray(c_index)]).astype(np.int64)
    _order_equal_runs(joint, runs, rows)
    is_c = joint >= n1
    before: np.ndarray = np.cumsum(is_c) - is_c
    t_pos = np.empty(n1, dtype=np.int64)
    t_pos[joint[~is_c]] = before[~is_c]
    t_merged = np.empty(n1)
    t_merged[joint[~is_c]] = runs[~is_c]
    return t_merged, joint[is_c] - n1, runs[is_c], t_pos


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
    """Greedy nearest-neighbour matching on a scalar score (O(n log n)).

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
        Ids (row positions in id order) that break ties: among comparison units at the same
        distance the smallest id wins (default: treated before comparison, each in the given
        order).
    ties
        Optional ``len(t_score) x ratio`` boolean array, filled with whether each match was a tie:
        another available comparison unit lay at the same distance, so the id decided.

    Returns
    -------
    numpy.ndarray
        ``len(t_score) x ratio`` array of positions into ``c_score``; -1 where no match was found.
        With ``replace=True`` a treated unit's matches are distinct comparison units.

    Notes
    -----
    The rule is that of MatchIt's matrix code path (``which.min`` over a row of the distance
    matrix: the nearest available unit, the first column on a tie) with the columns in id order.
    Scores that agree to a relative 1e-10 are first made equal
    (:func:`~outcomelab.matching.ties.merge_near_ties`), and two distances that differ by at most
    1e-10 times the scores' magnitude are equal, so floating-point rounding never decides a tie.
    """
    n1 = len(t_score)
    if t_index is None:
        t_index = np.arange(n1)
    if c_index is None:
        c_index = np.arange(n1, n1 + len(c_score))
    t_score, c_order, c_sorted, t_pos = insertion_positions(t_score, c_score, t_index, c_index)
    c_rows = np.ascontiguousarray(np.asarray(c_index, dtype=np.int64)[c_order])
    cal = np.inf if caliper is None else float(caliper)
    mm, tied = _greedy_scalar_kernel(
        c_sorted, c_rows, t_score, t_pos, np.asarray(order, dtype=np.int64), int(ratio), cal,
        replace,
    )  # fmt: skip
    if ties is not None:
        ties[...] = tied
    return np.where(mm >= 0, c_order[np.maximum(mm, 0)], -1)


@numba.njit(cache=True)
def _best_candidate(
    i: int,
    r: int,
    Xt: np.ndarray,
    Xc: np.ndarray,
    Ct: np.ndarray,
    Cc: np.ndarray,
    widths: np.ndarray,
    used: np.ndarray,
    mm: np.ndarray,
) -> tuple[int, bool]:  # pragma: no cover - compiled
    """The nearest comparison unit for treated unit ``i`` in round ``r`` that is available and
    inside every caliper (-1 if none), and whether another lay at the same distance. Distances
    equal up to a relative 1e-10 count as ties (the first in row order wins), as they would in
    exact arithmetic."""
    best, best_d, tie = -1, np.inf, False
    for j in range(Xc.shape[0]):
        if used[j] or _already_matched(mm, i, r, j):
            continue
        if not _inside_calipers(Ct, Cc, widths, i, j):
            continue
        d = 0.0
        for c in range(Xt.shape[1]):
            diff = Xt[i, c] - Xc[j, c]
            d += diff * diff
        if best < 0 or d < best_d - 1e-10 * best_d:
            best, best_d, tie = j, d, False
        elif d <= best_d + 1e-10 * best_d:
            tie = True
    return best, tie


@numba.njit(cache=True)
def _already_matched(mm: np.ndarray, i: int, r: int, j: int) -> bool:  # pragma: no cover
    for s in range(r):  # noqa: SIM110 - numba compiles loops, not generator expressions
        if mm[i, s] == j:
            return True
    return False


@numba.njit(cache=True)
def _inside_calipers(Ct: np.ndarray, Cc: np.ndarray, widths: np.ndarray, i: int,
                     j: int) -> bool:  # pragma: no cover - compiled  # fmt: skip
    for c in range(Ct.shape[1]):  # noqa: SIM110 - numba compiles loops, not generators
        if abs(Ct[i, c] - Cc[j, c]) > widths[c]:
            return False
    return True


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
            best, tie = _best_candidate(i, r, Xt, Xc, Ct, Cc, widths, used, mm)
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
