"""Vectorised panel 2x2 DiD cores (doubly robust, IPW, outcome regression) with influence functions.

One call estimates many (g, t) cells that share the same estimation sample (one treated cohort and
one set of comparison units): the propensity score and the comparison-group regression design are
fitted once, and every cell is a column of an ``n x m`` array of outcome changes. These are the
panel estimators R ``did`` calls through ``DRDID``: ``drdid_panel`` (locally efficient doubly
robust, Sant'Anna & Zhao 2020, eq. 3.1), ``std_ipw_did_panel`` (normalised IPW, Abadie 2005) and
``reg_did_panel`` (outcome regression, Heckman, Ichimura & Todd 1997), with the same trimming of
comparison units whose propensity score is at least 0.995.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from outcomelab.did.drdid import PS_EPSILON, TRIM_LEVEL
from outcomelab.errors import NoOverlapError, SingularDesignError
from outcomelab.numerics import fit_binomial

__all__ = ["OVERLAP_LIMIT", "CellEstimates", "estimate_cells"]

#: a sample whose largest propensity score reaches this violates overlap: R ``did`` 2.5 sets the
#: cell to NA with the warning "overlap condition violated" (``overlap_check_fail``)
OVERLAP_LIMIT = 0.999


@dataclass(frozen=True)
class CellEstimates:
    """Estimates for ``m`` cells on one sample of ``n_s`` units.

    Attributes
    ----------
    att
        Shape ``(m,)``.
    influence
        Influence function of each ATT on the sample, shape ``(n_s, m)``, normalised as in DRDID
        (so ``Var(att) = mean(influence**2) / n_s``).
    n_trimmed
        Comparison units trimmed for a propensity score at or above 0.995.
    """

    att: np.ndarray
    influence: np.ndarray
    n_trimmed: int


def _check_rank(x: np.ndarray, names: Sequence[str], where: str) -> None:
    """Raise SingularDesignError if the columns of ``x`` (intercept first) are collinear."""
    gram = x.T @ x
    scale = np.sqrt(np.clip(np.diag(gram), 1e-300, None))
    corr = gram / np.outer(scale, scale)
    eig = np.linalg.eigvalsh(corr)
    if eig.min() > 1e-10 * max(eig.max(), 1.0):
        return
    # find the first column that adds nothing
    culprits = []
    for j in range(1, x.shape[1]):
        sub = corr[: j + 1, : j + 1]
        if np.linalg.eigvalsh(sub).min() <= 1e-10 * max(np.linalg.eigvalsh(sub).max(), 1.0):
            culprits.append(names[j - 1])
            break
    which = f" ({culprits[0]!r} is a linear combination of the intercept and earlier ones)"
    raise SingularDesignError(
        f"The covariates are collinear in {where}{which if culprits else ''}; the design matrix "
        "is singular. Drop the redundant covariate or one that is constant in that sample."
    )


def estimate_cells(
    dy: np.ndarray,
    d: np.ndarray,
    x: np.ndarray | None,
    *,
    method: Literal["dr", "ipw", "reg"],
    covariate_names: Sequence[str] = (),
    where: str = "the sample",
) -> CellEstimates:
    """Panel DiD estimates and influence functions for several cells sharing one sample.

    Parameters
    ----------
    dy
        Outcome changes ``Y_t - Y_base``, shape ``(n_s, m)`` (one column per cell).
    d
        1 for units of the treated cohort, 0 for comparison units, shape ``(n_s,)``.
    x
        Covariates without intercept, shape ``(n_s, k)``, or ``None``.
    method
        ``"dr"`` (doubly robust), ``"ipw"`` or ``"reg"``.
    covariate_names
        For error messages.
    where
        Description of the sample for error messages.

    Returns
    -------
    CellEstimates

    Raises
    ------
    SingularDesignError
        Collinear covariates in the sample or among the comparison units.
    NoOverlapError
        The largest propensity score in the sample is at least 0.999 (R ``did``'s overlap
        guard), the score model does not converge, or every comparison unit has a score of at
        least 0.995 and is trimmed.

    Notes
    -----
    With ``w_1 = D`` and ``w_0 = p(X)(1 - D) / (1 - p(X))`` and outcome regression
    ``m(X) = X'b`` fitted on comparison units, the doubly robust estimate is
    ``E[w_1 (dY - m(X))] / E[w_1] - E[w_0 (dY - m(X))] / E[w_0]``; IPW sets ``m = 0`` and
    regression uses ``E[D (dY - m(X))] / E[D]``. The influence functions include the estimation
    of the propensity score and of the regression (Sant'Anna & Zhao 2020, Theorem 3.1).
    Without covariates all three reduce to the difference in mean outcome changes, with influence
    function ``D (dY - m_1) / p_1 - (1 - D)(dY - m_0) / p_0``.

    References
    ----------
    Sant'Anna, P. H. C. and Zhao, J. (2020). Doubly robust difference-in-differences estimators.
    Journal of Econometrics 219(1), 101-122.
    """
    n_s = d.shape[0]
    c = 1.0 - d
    p1 = float(d.mean())
    if x is None or x.shape[1] == 0:
        if p1 >= TRIM_LEVEL and method != "reg":
            raise NoOverlapError(
                f"In {where} {100 * p1:.2f}% of the units are treated, so every comparison unit "
                "has a propensity score above 0.995 and is trimmed; use more comparison units."
            )
        n1 = d.sum()
        n0 = n_s - n1
        m1 = (d @ dy) / n1
        m0 = (c @ dy) / n0
        inf = (d[:, None] * (dy - m1)) / p1 - (c[:, None] * (dy - m0)) / (1 - p1)
        return CellEstimates(att=m1 - m0, influence=inf, n_trimmed=0)

    xi = np.empty((n_s, x.shape[1] + 1))
    xi[:, 0] = 1.0
    xi[:, 1:] = x
    _check_rank(xi, covariate_names, where)
    n_trimmed = 0
    if method in ("dr", "reg"):
        xc = xi * c[:, None]
        xtx_c = xc.T @ xi / n_s
        if np.linalg.eigvalsh(xtx_c).min() <= 1e-12 * max(1.0, np.abs(xtx_c).max()):
            _check_rank(xi[c > 0], covariate_names, f"the comparison units of {where}")
        xtx_c_inv = np.linalg.inv(xtx_c)
        beta = xtx_c_inv @ (xc.T @ dy / n_s)  # (k+1, m)
        out = xi @ beta
        resid = dy - out
    else:
        resid = dy
        xtx_c_inv = np.empty((0, 0))

    if method == "reg":
        eta_t = (d @ dy) / n_s / p1
        eta_c = (d @ out) / n_s / p1
        inf_treat = d[:, None] * (dy - eta_t) / p1
        m1v = (xi * d[:, None]).mean(axis=0)
        a1 = xi @ (xtx_c_inv @ m1v)
        inf_cont = (d[:, None] * (out - eta_c) + (c * a1)[:, None] * resid) / p1
        return CellEstimates(att=eta_t - eta_c, influence=inf_treat - inf_cont, n_trimmed=0)

    fit = fit_binomial(xi, d, maxit=100, epsilon=PS_EPSILON)
    ps = fit.score
    top = float(ps.max())
    if top >= OVERLAP_LIMIT:
        raise NoOverlapError(
            f"The overlap condition is violated in {where}: the largest propensity score is "
            f"{top:.6f}, at or above {OVERLAP_LIMIT} (R did's rule), so some "
            "treated units have no comparable comparison units."
        )
    if not fit.converged:
        raise NoOverlapError(
            f"The propensity score model did not converge in {where}: the covariates (nearly) "
            "separate treated from comparison units, so there is no overlap. Use fewer or coarser "
            "covariates, or method='reg'."
        )
    w_ps = ps * (1 - ps)
    hess_inv = np.linalg.inv((xi * w_ps[:, None]).T @ xi / n_s)
    ps = np.minimum(ps, 1 - 1e-6)
    trim = np.ones(n_s)
    ctrl = c > 0
    trimmed = ctrl & (ps >= TRIM_LEVEL)
    n_trimmed = int(trimmed.sum())
    trim[trimmed] = 0.0
    w_t = trim * d
    w_c = trim * ps * c / (1 - ps)
    mean_wt = w_t.mean()
    mean_wc = w_c.mean()
    if mean_wc <= 0:
        raise NoOverlapError(
            f"Every comparison unit in {where} has a propensity score of at least 0.995 and is "
            "trimmed; treated and comparison units do not overlap on the covariates."
        )
    eta_t = (w_t @ resid) / n_s / mean_wt
    eta_c = (w_c @ resid) / n_s / mean_wc
    inf_cont = w_c[:, None] * (resid - eta_c)
    m2 = xi.T @ inf_cont / n_s  # (k+1, m)
    inf_cont += (d - ps)[:, None] * (xi @ (hess_inv @ m2))
    inf_treat = w_t[:, None] * (resid - eta_t)
    if method == "dr":
        m1v = (xi * w_t[:, None]).mean(axis=0)
        m3v = (xi * w_c[:, None]).mean(axis=0)
        a1 = c * (xi @ (xtx_c_inv @ m1v))
        a3 = c * (xi @ (xtx_c_inv @ m3v))
        inf_treat -= a1[:, None] * resid
        inf_cont -= a3[:, None] * resid
    inf = inf_treat / mean_wt - inf_cont / mean_wc
    return CellEstimates(att=eta_t - eta_c, influence=inf, n_trimmed=n_trimmed)
