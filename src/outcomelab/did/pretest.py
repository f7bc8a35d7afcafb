"""Wald pre-test of parallel trends: all pre-treatment ATT(g,t) equal to zero."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.did.influence import GroupTimeState
from outcomelab.numerics import json_safe
from outcomelab.numerics.normal import chi2_sf

__all__ = ["PreTest", "wald_pretest"]

_TINY = np.sqrt(np.finfo(float).eps) * 10


@dataclass(frozen=True)
class PreTest:
    """Result of the pre-trends Wald test.

    Attributes
    ----------
    statistic
        Wald statistic; NaN when the test is not computable (then ``reason`` says why).
    df
        Number of pre-treatment cells tested (degrees of freedom of the chi-squared).
    p_value
        ``P(chi2(df) > statistic)``; NaN when not computable.
    reason
        ``None`` when computed, else why the test is not defined (no pre-treatment cells, zero
        variance, a singular covariance matrix): a reader must show "not computable" with this
        reason, never the NaN.
    """

    statistic: float
    df: int
    p_value: float
    reason: str | None = None

    @property
    def computable(self) -> bool:
        """Whether the statistic and p-value are defined."""
        return self.reason is None

    def tidy(self) -> pd.DataFrame:
        """One row: ``term, statistic, df, p_value, reason``."""
        return pd.DataFrame(
            {
                "term": ["pre-trends Wald test"],
                "statistic": [self.statistic],
                "df": [self.df],
                "p_value": [self.p_value],
                "reason": [self.reason],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (``statistic`` and ``p_value`` are ``None`` when not computable)."""
        result: dict[str, Any] = json_safe(
            {
                "statistic": self.statistic,
                "df": self.df,
                "p_value": self.p_value,
                "computable": self.computable,
                "reason": self.reason,
            }
        )
        return result

    def summary(self) -> str:
        """One line of text."""
        if self.reason is not None:
            return f"Pre-trends Wald test not computable: {self.reason}"
        return (
            f"Pre-trends Wald test: chi2({self.df}) = {self.statistic:.4g}, p = {self.p_value:.4g}"
        )


def _not_computable(df: int, reason: str) -> PreTest:
    return PreTest(float("nan"), df, float("nan"), reason)


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
    number of pre-treatment cells. As R ``did`` 2.5 does, cells with zero variance (the reference
    period of a universal base) are left out, and the test is not computed (here: marked with a
    ``reason``) when no pre-treatment cell is left or the covariance matrix is singular
    (reciprocal 1-norm condition number at most machine epsilon, R's ``rcond(preV) <= eps``).
    R rounds the p-value to five decimals; this does not.

    References
    ----------
    Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
    periods. Journal of Econometrics 225(2), 200-230.
    """
    n = state.n_units
    pre = np.flatnonzero(state.group > state.time)
    if pre.size == 0:
        return _not_computable(
            0,
            "there are no pre-treatment cells (every cohort starts in the first period after "
            "its base period), so parallel pre-trends cannot be tested",
        )
    sd = np.sqrt(np.clip(np.diag(state.gram)[pre], 0, None)) / n
    idx = pre[sd > _TINY]
    q = int(idx.size)
    if q == 0:
        return _not_computable(
            0, "every pre-treatment estimate has zero variance, so there is nothing to test"
        )
    a = state.att[idx]
    cov = state.gram[np.ix_(idx, idx)] / n**2
    if 1.0 / np.linalg.cond(cov, 1) <= np.finfo(float).eps:
        return _not_computable(
            q,
            "the covariance matrix of the pre-treatment estimates is singular (for example "
            "cohorts of one or two units), so the Wald statistic is not defined",
        )
    w = float(a @ np.linalg.solve(cov, a))
    return PreTest(w, q, chi2_sf(q, w))
