"""Subclasses for exact and coarsened exact matching, and matching weights (MatchIt's rules)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = [
    "cem_bins",
    "score_subclasses",
    "strata_with_both_groups",
    "weights_from_match_matrix",
    "weights_from_subclass",
]


def cem_bins(series: pd.Series) -> np.ndarray:
    """Coarsen one covariate as MatchIt's ``cem`` does by default.

    Numeric columns are cut into Sturges' number of equal-width bins,
    ``ceil(log2(n) + 1)``, between the minimum and the maximum (outer edges open, intervals closed
    on the left, as R's ``findInterval``); other columns are used as they are.

    Returns
    -------
    numpy.ndarray
        Bin codes (integers) or the original values.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        x = series.to_numpy(dtype=np.float64)
        bins = math.ceil(math.log2(len(x)) + 1)
        breaks = np.linspace(x.min(), x.max(), bins + 1)
        breaks[0], breaks[-1] = -np.inf, np.inf
        return np.searchsorted(breaks, x, side="right")
    return series.astype(str).to_numpy()


def strata_with_both_groups(keys: pd.DataFrame, treat: np.ndarray) -> np.ndarray:
    """Number the strata (unique rows of ``keys``) that hold both treated and comparison units.

    Returns
    -------
    numpy.ndarray
        Subclass number (1, 2, ... in order of first appearance) for units in such strata, 0 for
        units in strata with only one group.
    """
    codes = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    n_groups = int(codes.max()) + 1
    has_t = np.bincount(codes[treat == 1], minlength=n_groups) > 0
    has_c = np.bincount(codes[treat == 0], minlength=n_groups) > 0
    keep = has_t & has_c
    number = np.zeros(n_groups, dtype=np.int64)
    number[keep] = np.arange(1, int(keep.sum()) + 1)
    return number[codes]


def score_subclasses(
    score: np.ndarray, t: np.ndarray, discarded: np.ndarray, n_subclasses: int, estimand: str
) -> np.ndarray:
    """Propensity-score subclasses at quantiles, as MatchIt's ``method = "subclass"`` forms them.

    Parameters
    ----------
    score
        Propensity score of every unit.
    t
        0/1 treatment indicator.
    discarded
        Units left out (``discard=``); they get subclass 0.
    n_subclasses
        Number of subclasses (MatchIt's ``subclass``, default 6).
    estimand
        ``"ATT"``: cut points at quantiles of the treated units' scores; ``"ATC"``: of the
        comparison units'; ``"ATE"``: of all units' (R's type-7 quantiles).

    Returns
    -------
    numpy.ndarray
        Subclass 1, 2, ... (empty ones dropped and the rest renumbered in score order), 0 for
        discarded units.

    Notes
    -----
    A unit with score ``s`` goes to the interval ``q_k <= s < q_{k+1}``, the outermost intervals
    open (R's ``findInterval(all.inside = TRUE)``). MatchIt then moves units between adjacent
    subclasses when one lacks a group ("scooting"); :func:`~outcomelab.matching.match` refuses
    such data instead and asks for fewer subclasses, so subclasses are always the quantile bins.
    """
    pool = {"ATT": score[t == 1], "ATC": score[t == 0]}.get(estimand, score)
    q = np.quantile(pool, np.linspace(0.0, 1.0, n_subclasses + 1))
    bins = np.clip(np.searchsorted(q, score, side="right"), 1, len(q) - 1)
    bins = np.where(discarded, 0, bins)
    used = np.unique(bins[bins > 0])
    renumber = np.zeros(len(q) + 1, dtype=np.int64)
    renumber[used] = np.arange(1, len(used) + 1)
    return renumber[bins]


def weights_from_subclass(
    subclass: np.ndarray, treat: np.ndarray, estimand: str = "ATT"
) -> np.ndarray:
    """Weights from subclasses (MatchIt's ``weights.subclass``).

    Notes
    -----
    With ``n1_s``, ``n0_s`` and ``n_s`` the treated, comparison and all units of subclass ``s``:
    ATT -- treated 1, comparison ``n1_s / n0_s``; ATC -- comparison 1, treated ``n0_s / n1_s``;
    ATE -- treated ``n_s / n1_s``, comparison ``n_s / n0_s``. Weights that are not 1 are then
    rescaled to sum to their group's number of units in subclasses. Units outside every subclass
    (``subclass == 0``) get 0.
    """
    w = np.zeros(len(treat))
    inside = subclass > 0
    k = int(subclass.max()) + 1 if inside.any() else 1
    n1 = np.bincount(subclass[inside & (treat == 1)], minlength=k).astype(float)
    n0 = np.bincount(subclass[inside & (treat == 0)], minlength=k).astype(float)
    i1 = inside & (treat == 1)
    i0 = inside & (treat == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if estimand == "ATC":
            w[i0] = 1.0
            w[i1] = n0[subclass[i1]] / n1[subclass[i1]]
        elif estimand == "ATE":
            w[i1] = (n0 + n1)[subclass[i1]] / n1[subclass[i1]]
            w[i0] = (n0 + n1)[subclass[i0]] / n0[subclass[i0]]
        else:
            w[i1] = 1.0
            w[i0] = n1[subclass[i0]] / n0[subclass[i0]]
    for group, rescale in ((i1, estimand != "ATT"), (i0, estimand != "ATC")):
        if rescale and group.any():
            w[group] *= group.sum() / w[group].sum()
    return w


def weights_from_match_matrix(mm: np.ndarray, t_rows: np.ndarray, n: int) -> np.ndarray:
    """ATT weights from a match matrix (MatchIt's ``weights.matrix`` then rescaling).

    Parameters
    ----------
    mm
        ``n_treated x k`` data-row positions of the matched comparison units (-1 = none).
    t_rows
        Data-row position of each treated unit (row of ``mm``).
    n
        Number of units.

    Notes
    -----
    A matched treated unit gets 1; each comparison unit gets the sum, over the treated units it is
    matched to, of ``1 / (number of matches of that treated unit)``. Comparison weights are then
    rescaled to sum to the number of distinct matched comparison units, as MatchIt 4.5 reports them.
    """
    w = np.zeros(n)
    found = mm >= 0
    n_m = found.sum(axis=1)
    matched = n_m > 0
    w[t_rows[matched]] = 1.0
    share = np.repeat(1.0 / np.maximum(n_m, 1), mm.shape[1]).reshape(mm.shape)
    np.add.at(w, mm[found], share[found])
    controls = np.unique(mm[found])
    if len(controls):
        w[controls] *= len(controls) / w[controls].sum()
    return w
