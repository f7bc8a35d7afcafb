"""Subclasses for exact and coarsened exact matching, and matching weights (MatchIt's rules)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = [
    "cem_bins",
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


def weights_from_subclass(subclass: np.ndarray, treat: np.ndarray) -> np.ndarray:
    """ATT weights from subclasses (MatchIt's ``weights.subclass``).

    Notes
    -----
    Treated units in a subclass get 1; comparison units in subclass ``s`` get
    ``n1_s / n0_s``, then all comparison weights are rescaled to sum to the number of matched
    comparison units. Units outside every subclass (``subclass == 0``) get 0.
    """
    w = np.zeros(len(treat))
    inside = subclass > 0
    k = int(subclass.max()) + 1 if inside.any() else 1
    n1 = np.bincount(subclass[inside & (treat == 1)], minlength=k).astype(float)
    n0 = np.bincount(subclass[inside & (treat == 0)], minlength=k).astype(float)
    i1 = inside & (treat == 1)
    i0 = inside & (treat == 0)
    w[i1] = 1.0
    w[i0] = n1[subclass[i0]] / n0[subclass[i0]]
    if i0.any():
        w[i0] *= i0.sum() / w[i0].sum()
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
