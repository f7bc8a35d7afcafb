"""Least squares with unit and period fixed effects absorbed: the one fit behind TWFE regressions.

:func:`within_least_squares` removes the fixed effects exactly (:func:`~outcomelab.did.within.
demean_two_way`), checks that every regressor still varies and that they are not collinear, and
solves the (weighted) normal equations. :func:`~outcomelab.did.twfe` (one treatment indicator)
and :func:`~outcomelab.did.sun_abraham` (cohort x event-time indicators) fit through it; both
take their CR1 covariance from :func:`outcomelab.numerics.cr1_vcov` with the scores
``x * w * resid`` of the returned fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from outcomelab.did.within import TwoWayIndex, demean_two_way
from outcomelab.errors import SingularDesignError

__all__ = ["WithinFit", "checked_bread", "within_least_squares"]


@dataclass(frozen=True)
class WithinFit:
    """A least-squares fit after the within transformation.

    Attributes
    ----------
    beta
        Slope coefficients, one per regressor.
    bread
        ``(X'WX)^{-1}`` of the within-transformed regressors.
    x
        Within-transformed regressors (rows x slopes).
    resid
        Residuals (within-transformed outcome minus ``x @ beta``).
    """

    beta: np.ndarray
    bread: np.ndarray
    x: np.ndarray
    resid: np.ndarray


def _weighted_ss(v: np.ndarray, w: np.ndarray | None) -> float:
    if w is None:
        return float(np.dot(v, v) - v.sum() ** 2 / v.size)
    return float(w @ (v * v) - (w @ v) ** 2 / w.sum())


def within_least_squares(
    y: np.ndarray,
    regressors: Sequence[np.ndarray],
    index: TwoWayIndex,
    weights: np.ndarray | None,
    names: Sequence[str],
    *,
    describe: Callable[[list[str]], str],
) -> WithinFit:
    """Within-transform, check the design and solve.

    Parameters
    ----------
    y
        Outcome per row.
    regressors
        One array per slope, one value per row.
    index
        Unit and period codes of the rows.
    weights
        Positive row weights (weighted least squares) or ``None``.
    names
        Name of each regressor (for messages).
    describe
        Words for the absorbed regressors in the error message, e.g. ``"the treatment"``.

    Returns
    -------
    WithinFit

    Raises
    ------
    SingularDesignError
        A regressor no longer varies once unit and period effects are removed, or the
        regressors are collinear (smallest eigenvalue of their correlation matrix below 1e-10
        of the largest).
    """
    cols = demean_two_way([y, *regressors], index, weights)
    y_t = cols[0]
    x = cols[1][:, None] if len(cols) == 2 else np.column_stack(cols[1:])
    del cols
    xw = x if weights is None else x * weights[:, None]
    xtx = xw.T @ x
    raw_ss = np.array([_weighted_ss(v, weights) for v in regressors])
    bread = checked_bread(xtx, raw_ss, names, describe=describe)
    beta = bread @ (xw.T @ y_t)
    resid = y_t - x @ beta
    return WithinFit(beta=beta, bread=bread, x=x, resid=resid)


def checked_bread(
    xtx: np.ndarray,
    raw_ss: np.ndarray,
    names: Sequence[str],
    *,
    describe: Callable[[list[str]], str],
) -> np.ndarray:
    """``(X'WX)^{-1}`` of within-transformed regressors, after checking that none is absorbed by
    the fixed effects and that they are not collinear.

    Parameters
    ----------
    xtx
        ``X'WX`` of the within-transformed regressors.
    raw_ss
        Each regressor's (weighted) sum of squares about its mean before the transformation.
    names, describe
        As :func:`within_least_squares`.

    Raises
    ------
    SingularDesignError
        As :func:`within_least_squares`.
    """
    scale = np.sqrt(np.diag(xtx))
    absorbed = [
        n for n, s, r in zip(names, scale, raw_ss, strict=True) if s**2 <= 1e-12 * max(r, 1)
    ]
    if absorbed:
        raise SingularDesignError(
            f"After removing unit and period effects, {describe(absorbed)} {absorbed!r} no "
            "longer vary: they are constant within units or within periods (e.g. nobody or "
            "everybody is treated). Drop time-invariant covariates; check that some units "
            "change treatment status."
        )
    corr = xtx / np.outer(scale, scale)
    eig = np.linalg.eigvalsh(corr)
    if eig.min() < 1e-10 * max(eig.max(), 1.0):
        raise SingularDesignError(
            f"The regressors {list(names)!r} are collinear after removing unit and period "
            f"effects (smallest eigenvalue of their correlation matrix {eig.min():.2e}). Drop "
            "the covariates that are linear combinations of the others or of the treatment."
        )
    bread = np.linalg.inv(xtx)
    return bread
