"""Sun-Abraham's saturated regression on a balanced panel from cohort x period means.

Without covariates and weights, the regression of :func:`~outcomelab.did.sun_abraham` has a
closed form: every treated cohort has an indicator for each period but its reference period, so
its cohort x period means are fitted exactly, the period effects come from the comparison cohort
and each unit's effect from its own mean. With ``N`` units, ``T`` periods, ``n_g`` units in
cohort ``g``, ``Y_gt`` the cohort x period means, ``Y_g`` the cohort means, ``Y_i`` the unit
means, ``Y_.t`` the period means and ``Y`` the grand mean, the within-transformed indicator of
cell ``(g, p)`` (cohort ``g``, period ``p``) gives

* ``X'X[(g, p), (h, q)] = n_h (1{g=h} 1{p=q} - 1{g=h} / T - 1{p=q} n_g / N + n_g / (N T))``,
* ``X'y[(g, p)] = n_g (Y_gp - Y_g - Y_.p + Y)``,
* residuals ``e_it = y_it - Y_{G_i t} - Y_i + Y_{G_i}``,
* the score of unit ``i`` for cell ``(g, p)``: ``sum_t x_it e_it = (1{G_i = g} - n_g / N) e_ip``
  (each unit's residuals sum to zero).

These are the numbers the dense regression (one column of ``N T`` rows per cell, demeaned, its
normal equations and its scores) computes, without forming any column: memory grows with
``N`` times the number of cells instead of ``N T`` times it, and time with ``N T``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from outcomelab.did.least_squares import checked_bread
from outcomelab.numerics import cr1_vcov

__all__ = ["grid_fit"]


def grid_fit(
    y: np.ndarray,
    cohort: np.ndarray,
    periods: np.ndarray,
    cells: Sequence[tuple[float, float]],
    unit_cluster: np.ndarray,
    *,
    df_k: int,
    names: Sequence[str],
    describe: Callable[[list[str]], str],
) -> tuple[np.ndarray, np.ndarray, int]:
    """Coefficients and CR1 covariance of the saturated regression (see the module docstring).

    Parameters
    ----------
    y
        Outcomes, units x periods (balanced, no missing values).
    cohort
        Cohort of each unit (the comparison cohort included).
    periods
        The ``T`` periods, sorted.
    cells
        ``(cohort, event time)`` of each indicator; the period is ``cohort + event time``.
    unit_cluster
        Cluster code of each unit (clusters hold whole units).
    df_k
        Parameters counted in CR1's ``(n - 1) / (n - k)`` factor.
    names, describe
        Regressor names and words for the error message of
        :func:`~outcomelab.did.least_squares.checked_bread`.

    Returns
    -------
    beta, vcov, n_clusters
        One coefficient per cell, their CR1 covariance and the number of clusters.

    Raises
    ------
    SingularDesignError
        A cell's indicator is absorbed by the fixed effects, or the indicators are collinear.
    """
    n, n_t = y.shape
    labels, code = np.unique(cohort, return_inverse=True)
    size = np.bincount(code).astype(np.float64)
    cohort_period = (
        np.column_stack(
            [np.bincount(code, weights=y[:, t], minlength=labels.size) for t in range(n_t)]
        )
        / size[:, None]
    )
    unit_mean = y.mean(axis=1)
    period_mean = y.mean(axis=0)
    cohort_mean = cohort_period.mean(axis=1)
    g_of = np.searchsorted(labels, [g for g, _ in cells])
    p_of = np.array([int(np.argmin(np.abs(periods - (g + e)))) for g, e in cells], dtype=np.intp)
    n_g = size[g_of]
    same_g = (g_of[:, None] == g_of[None, :]).astype(np.float64)
    same_p = (p_of[:, None] == p_of[None, :]).astype(np.float64)
    share = n_g / n
    xtx = n_g[None, :] * (same_g * same_p - same_g / n_t - same_p * share[:, None])
    xtx += n_g[None, :] * share[:, None] / n_t
    xty = n_g * (cohort_period[g_of, p_of] - cohort_mean[g_of] - period_mean[p_of] + y.mean())
    bread = checked_bread(xtx, n_g - n_g * share / n_t, names, describe=describe)
    beta = bread @ xty
    resid = y[:, p_of] - cohort_period[code][:, p_of]
    resid -= (unit_mean - cohort_mean[code])[:, None]
    scores = ((code[:, None] == g_of[None, :]) - share[None, :]) * resid
    cov, n_clusters = cr1_vcov(scores, bread, [unit_cluster], df_k=df_k, n_obs=n * n_t)
    return beta, cov, n_clusters
