"""Nearest-neighbour, Mahalanobis and optimal pair matching on rows sorted by unit id.

:func:`match_pairs` takes the focal group (treated units for the ATT, comparison units for the
ATC), the score and the checked options, runs the matching kernel (within exact-matching strata)
and returns a :class:`Draft` -- weights, pairs and diagnostics still in id order; ``match()`` maps
them back to the caller's rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from outcomelab.errors import EmptyGroupError, NoOverlapError
from outcomelab.matching.design import build_design
from outcomelab.matching.nearest import greedy_matrix, greedy_scalar
from outcomelab.matching.optimal import optimal_pairs
from outcomelab.matching.options import MatchOptions
from outcomelab.matching.subclass import weights_from_match_matrix
from outcomelab.matching.ties import merge_near_ties

__all__ = ["Draft", "Score", "exact_strata", "mahalanobis_transform", "match_pairs"]


@dataclass(frozen=True)
class Score:
    """The propensity score (or a given score) and its linear predictor, when there is one."""

    score: np.ndarray | None
    linear: np.ndarray | None
    converged: bool = True
    iterations: int = 0


@dataclass
class Draft:
    """What a matching produced, per row in id order (mapped back by ``match()``)."""

    weights: np.ndarray
    subclass: np.ndarray
    discarded: np.ndarray
    n_treated: int
    n_control: int
    caliper: float | None = None
    focal_rows: np.ndarray | None = None
    pool_rows: np.ndarray | None = None
    match_rows: np.ndarray | None = None
    metric: np.ndarray | None = None
    n_tied: int = 0
    notes: list[str] = field(default_factory=list)


def _group_words(estimand: str) -> tuple[str, str]:
    return ("comparison", "treated") if estimand == "ATC" else ("treated", "comparison")


def discard_units(t: np.ndarray, score: np.ndarray | None, discard: str) -> np.ndarray:
    """MatchIt's ``discard``: units outside the other group's score range (True = discarded)."""
    if discard == "none" or score is None:
        return np.zeros(len(t), dtype=bool)
    s0, s1 = score[t == 0], score[t == 1]
    if discard == "both":
        return (score < max(s0.min(), s1.min())) | (score > min(s0.max(), s1.max()))
    if discard == "control":
        return (t == 0) & ((score < s1.min()) | (score > s1.max()))
    return (t == 1) & ((score < s0.min()) | (score > s0.max()))


def _check_overlap(sf: np.ndarray, sp: np.ndarray, focal: str) -> None:
    if len(sf) == 0:
        raise EmptyGroupError(f"Every {focal} unit was discarded; use discard='none'.")
    if sf.min() > sp.max() or sf.max() < sp.min():
        side = "above" if sf.min() > sp.max() else "below"
        raise NoOverlapError(
            f"Every {focal} unit has a score {side} the range of the units it is matched to "
            f"({focal} {sf.min():.4g} to {sf.max():.4g}; others {sp.min():.4g} to "
            f"{sp.max():.4g}): there is no common support to match on. Find comparison units "
            "more like the participants, or drop the covariates that separate the groups."
        )


def _focal_order(f_rows: np.ndarray, discarded: np.ndarray, score: np.ndarray | None,
                 order: str, seed: int | None) -> np.ndarray:  # fmt: skip
    """Positions into ``f_rows`` of the focal units to match, in the order they choose (ties in
    score, up to a relative 1e-10, keep id order: the sort is stable on rows sorted by id)."""
    if order in ("largest", "smallest") and score is not None:
        s = merge_near_ties(score[f_rows])
        ordr = np.argsort(-s if order == "largest" else s, kind="stable")
    elif order == "random":
        ordr = np.random.default_rng(seed).permutation(len(f_rows))
    else:
        ordr = np.arange(len(f_rows))
    return ordr[~discarded[f_rows][ordr]]


def mahalanobis_transform(X: np.ndarray, t: np.ndarray, discarded: np.ndarray) -> np.ndarray:
    """Rows of ``X`` mapped so that Euclidean distance is Mahalanobis distance with the pooled
    within-group covariance (MatchIt's ``transform_covariates(method = "mahalanobis")``)."""
    keep = np.ptp(X, axis=0) >= np.sqrt(np.finfo(float).eps)
    X = X[:, keep] if keep.any() else X[:, :1]
    sd = X.std(axis=0, ddof=1)
    Xs = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    ok = ~discarded
    centred = Xs[ok].copy()
    for g in (0, 1):
        in_g = t[ok] == g
        centred[in_g] -= centred[in_g].mean(axis=0)
    cov = centred.T @ centred / (ok.sum() - 2)
    vals, vecs = np.linalg.eigh(cov)
    pos = vals > vals.max() * 1e-10
    root = vecs[:, pos] / np.sqrt(vals[pos])
    return np.ascontiguousarray(Xs @ root)


#: a matcher on given focal/pool rows: ``(f_idx, p_idx, order, ties_out) -> match matrix``
Kernel = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def exact_strata(data: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """A stratum code per row (``0 .. k-1``): the combination of the ``columns``' values.

    Integer codes per column (:func:`pandas.factorize`), combined column by column and
    renumbered after each, so the codes never exceed the number of rows (no text keys: at
    millions of rows a text key per row costs seconds and a gigabyte)."""
    key = np.zeros(len(data), dtype=np.int64)
    for name in columns:
        codes, levels = pd.factorize(data[name])
        key = pd.factorize(key * len(levels) + codes)[0].astype(np.int64)
    return key


def _strata_cells(
    f_rows: np.ndarray, p_rows: np.ndarray, order: np.ndarray, strata: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per exact-matching stratum that holds focal units: their positions into ``f_rows``
    (ascending), the stratum's pool rows (ascending) and the stratum's part of ``order`` as
    positions among its focal units. One stable sort per array, so a thousand strata cost no
    more than two (a scan of every row per stratum would be ``O(n x strata)``)."""
    f_str, p_str = strata[f_rows], strata[p_rows]
    o_str = f_str[order]
    f_sort = np.argsort(f_str, kind="stable")
    p_sort = np.argsort(p_str, kind="stable")
    o_sort = np.argsort(o_str, kind="stable")
    levels, f_lo = np.unique(f_str[f_sort], return_index=True)
    f_hi = np.append(f_lo[1:], len(f_sort))
    rank = np.empty(len(f_rows), dtype=np.int64)
    rank[f_sort] = np.arange(len(f_rows)) - np.repeat(f_lo, f_hi - f_lo)
    p_sorted, o_sorted = p_str[p_sort], o_str[o_sort]
    p_lo, p_hi = (np.searchsorted(p_sorted, levels, side=side) for side in ("left", "right"))
    o_lo, o_hi = (np.searchsorted(o_sorted, levels, side=side) for side in ("left", "right"))
    return [
        (
            f_sort[f_lo[k] : f_hi[k]],
            p_rows[p_sort[p_lo[k] : p_hi[k]]],
            rank[order[o_sort[o_lo[k] : o_hi[k]]]],
        )
        for k in range(len(levels))
    ]


def _within_strata(
    kernel: Kernel,
    f_rows: np.ndarray,
    p_rows: np.ndarray,
    order: np.ndarray,
    strata: np.ndarray | None,
    ratio: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Run ``kernel`` on all rows, or separately within each exact-matching stratum; returns
    the matched pool row (or -1) and the tie flag per focal row and match slot."""
    out = np.full((len(f_rows), ratio), -1, dtype=np.int64)
    tied = np.zeros((len(f_rows), ratio), dtype=bool)
    if strata is None:
        cells = [(np.arange(len(f_rows)), p_rows, np.asarray(order))]
    else:
        cells = _strata_cells(f_rows, p_rows, np.asarray(order), strata)
    for fi, pi, sub_order in cells:
        if len(pi) == 0 or len(fi) == 0:
            continue
        sub_ties = np.zeros((len(fi), ratio), dtype=bool)
        mm = kernel(f_rows[fi], pi, sub_order, sub_ties)
        out[fi] = np.where(mm >= 0, pi[np.maximum(mm, 0)], -1)
        tied[fi] = sub_ties
    return out, tied


def _caliper_columns(data: pd.DataFrame, opts: MatchOptions, metric: np.ndarray | None,
                     cal_value: float | None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    cols, widths = [], []
    if cal_value is not None and metric is not None:
        cols.append(metric)
        widths.append(cal_value)
    for name, width in opts.covariate_calipers:
        cols.append(data[name].to_numpy(dtype=np.float64))
        widths.append(width)
    C = np.column_stack(cols) if cols else np.zeros((len(data), 0))
    return C, np.asarray(widths, dtype=np.float64)


def _kernel(data: pd.DataFrame, design_matrix: np.ndarray, focal: np.ndarray,
            discarded: np.ndarray, opts: MatchOptions, metric: np.ndarray | None,
            cal_value: float | None) -> tuple[Kernel, np.ndarray]:  # fmt: skip
    """The matching kernel for the options, and the matching coordinates ``Z`` (n x q)."""
    if opts.mahvars or metric is None:
        X = build_design(data, list(opts.mahvars)).matrix if opts.mahvars else design_matrix
        Z = mahalanobis_transform(X, focal, discarded)
    else:
        Z = metric[:, None]
    if opts.method == "optimal":

        def optimal(
            fi: np.ndarray, pi: np.ndarray, order: np.ndarray, ties: np.ndarray
        ) -> np.ndarray:
            mm = np.full((len(fi), opts.ratio), -1, dtype=np.int64)
            mm[order] = optimal_pairs(Z[fi[order]], Z[pi], opts.ratio)
            return mm

        return optimal, Z
    if metric is not None and not opts.mahvars and not opts.covariate_calipers:

        def scalar(
            fi: np.ndarray, pi: np.ndarray, order: np.ndarray, ties: np.ndarray
        ) -> np.ndarray:
            return greedy_scalar(
                metric[fi], metric[pi], order=order, ratio=opts.ratio, caliper=cal_value,
                replace=opts.replace, t_index=fi, c_index=pi, ties=ties,
            )  # fmt: skip

        return scalar, Z
    C, widths = _caliper_columns(data, opts, metric, cal_value)

    def matrix(fi: np.ndarray, pi: np.ndarray, order: np.ndarray, ties: np.ndarray) -> np.ndarray:
        return greedy_matrix(
            Z[fi], Z[pi], order=order, ratio=opts.ratio, replace=opts.replace, Ct=C[fi],
            Cc=C[pi], widths=widths, ties=ties,
        )  # fmt: skip

    return matrix, Z


def _warn_too_few(n_pool: int, n_focal: int, opts: MatchOptions, notes: list[str]) -> None:
    if opts.replace or n_pool >= opts.ratio * n_focal or opts.method == "optimal":
        return
    focal, pool = _group_words(opts.estimand)
    msg = (
        f"There are fewer {pool} units ({n_pool}) than {focal} units ({n_focal}); not all "
        f"{focal} units will get a match."
        if n_pool < n_focal
        else f"There are {n_pool} {pool} units for {n_focal} {focal} units; not all {focal} "
        f"units will get {opts.ratio} matches."
    )
    warnings.warn(msg + " Use replace=True or a lower ratio.", UserWarning, stacklevel=4)
    notes.append(msg)


def match_pairs(
    data: pd.DataFrame,
    t: np.ndarray,
    design_matrix: np.ndarray,
    score: Score,
    opts: MatchOptions,
) -> Draft:
    """Greedy or optimal pair matching of the focal group (rows in id order).

    Parameters
    ----------
    data
        The caller's rows sorted by unit id.
    t
        0/1 treatment indicator (rows in id order).
    design_matrix
        Expanded covariates (for Mahalanobis matching without ``mahvars``).
    score
        Propensity score and linear predictor (None for pure Mahalanobis matching).
    opts
        Checked options.
    """
    focal = (1 - t) if opts.estimand == "ATC" else t
    focal_word, pool_word = _group_words(opts.estimand)
    notes: list[str] = []
    discarded = discard_units(t, score.score, opts.discard)
    use_linear = (
        opts.score_caliper is not None and opts.caliper_scale == "logit_sd"
    ) and score.linear is not None
    metric = score.linear if use_linear else score.score
    cal_value = None
    if opts.score_caliper is not None and metric is not None:
        sd = float(np.std(metric[~discarded], ddof=1))
        cal_value = opts.score_caliper * (1.0 if opts.caliper_scale == "raw" else sd)
    f_rows = np.flatnonzero(focal == 1)
    p_rows = np.flatnonzero((focal == 0) & ~discarded)
    n_f_ok = int(np.sum(~discarded[f_rows]))
    if len(p_rows) == 0:
        raise EmptyGroupError(
            f"No {pool_word} units are left to match"
            + (f" after discard={opts.discard!r}" if opts.discard != "none" else "")
            + "; widen the comparison pool or use discard='none'."
        )
    if metric is not None:
        _check_overlap(metric[f_rows[~discarded[f_rows]]], metric[p_rows], focal_word)
    _warn_too_few(len(p_rows), n_f_ok, opts, notes)
    order = opts.order or (
        "data" if score.score is None else ("smallest" if opts.estimand == "ATC" else "largest")
    )
    f_order = _focal_order(f_rows, discarded, score.score, order, opts.seed)
    strata = exact_strata(data, opts.exact) if opts.exact else None
    kernel, Z = _kernel(data, design_matrix, focal, discarded, opts, metric, cal_value)
    mm, tied = _within_strata(kernel, f_rows, p_rows, f_order, strata, opts.ratio)
    weights = weights_from_match_matrix(mm, f_rows, len(t))
    has = (mm >= 0).any(axis=1)
    n_matched = int(has.sum())
    if n_matched == 0:
        raise EmptyGroupError(
            f"No {focal_word} unit found a unit to match"
            + (" within the caliper" if cal_value is not None or opts.covariate_calipers else "")
            + "; widen the caliper or check overlap with the propensity score plot."
        )
    if n_matched < n_f_ok:
        notes.append(
            f"{n_f_ok - n_matched} of {n_f_ok} {focal_word} units found no match (caliper or "
            f"exact restrictions) and are left out: the estimate is the {opts.estimand} among "
            f"matched {focal_word} units."
        )
    if discarded.any():
        notes.append(
            f"discard={opts.discard!r} set aside {int(discarded[t == 1].sum())} treated and "
            f"{int(discarded[t == 0].sum())} comparison units outside common support."
        )
    subclass = np.zeros(len(t), dtype=np.int64)
    if not opts.replace:
        numbers = np.cumsum(has) * has
        subclass[f_rows[has]] = numbers[has]
        for j in range(mm.shape[1]):
            ok = mm[:, j] >= 0
            subclass[mm[ok, j]] = numbers[ok]
    return Draft(
        weights=weights,
        subclass=subclass,
        discarded=discarded,
        n_treated=int(np.sum((t == 1) & (weights > 0))),
        n_control=int(np.sum((t == 0) & (weights > 0))),
        caliper=cal_value,
        focal_rows=f_rows,
        pool_rows=p_rows,
        match_rows=mm,
        metric=Z,
        n_tied=int(tied[mm >= 0].sum()),
        notes=notes,
    )
