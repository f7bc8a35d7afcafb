"""Wald pre-test of parallel trends: all pre-treatment ATT(g,t) equal to zero."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import chdtrc

from outcomelab.did.aggregation import GroupTimeState

__all__ = ["PreTest", "wald_pretest"]

_TINY = np.sqrt(np.finfo(float).eps) * 10


class PreTest(NamedTuple):
    """Result of the pre-trends Wald test.

    Attributes
    ----------
    statistic
        Wald statistic (NaN when there are no pre-treatment cells or the covariance is singular).
    df
        Number of pre-treatment cells tested (degrees of freedom of the chi-squared).
    p_value
        ``P(chi2(df) > statistic)``.
    """

    statistic: float
    df: int
    p_value: float


def wald_pretest(state: GroupTimeState) -> PreTest:
    """Wald test that every pre-treatment ATT(g,t) (``t < g``) is zero.

    Parameters
    ----------
    state
        Arrays of a group-time result.

    Returns
    -------
    PreTest

    Notes
    -----
    ``W = a' V^{-1} a`` with ``a`` the pre-treatment ATT(g,t) and ``V = psi' psi / n^2`` their
    covariance from the influence functions; ``W ~ chi2(q)`` under parallel pre-trends, ``q`` the
    number of pre-treatment cells. Cells with zero variance (the reference period of a universal
    base) are left out, as in R ``did``'s summary ("P-value for pre-test of parallel trends
    assumption"), which this reproduces without its rounding to five decimals.

    References
    ----------
    Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
    periods. Journal of Econometrics 225(2), 200-230.
    """
    n = state.n_units
    pre = np.flatnonzero(state.group > state.time)
    sd = np.sqrt(np.clip(np.diag(state.gram)[pre], 0, None)) / n
    idx = pre[sd > _TINY]
    q = int(idx.size)
    if q == 0:
        return PreTest(float("nan"), 0, float("nan"))
    a = state.att[idx]
    cov = state.gram[np.ix_(idx, idx)] / n**2
    if np.linalg.cond(cov) > 1 / np.finfo(float).eps:
        return PreTest(float("nan"), q, float("nan"))
    w = float(a @ np.linalg.solve(cov, a))
    return PreTest(w, q, float(chdtrc(q, w)))
