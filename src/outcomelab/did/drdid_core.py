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

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from outcomelab.did.drdid import PS_EDGE, PS_EPSILON, TRIM_LEVEL, DiDEstimate, finish
from outcomelab.errors import NoOverlapError, SingularDesignError
from outcomelab.numerics import BinomialFit, fit_binomial
from outcomelab.numerics.logistic import information_inverse

__all__ = [
    "OVERLAP_LIMIT",
    "CellEstimates",
    "check_rank",
    "estimate_cells",
    "kish_ess",
    "overlap_guard",
    "panel_2x2",
]

#: how many fitted propensity scores :func:`_propensity` keeps (most recently used first out)
SCORES_KEPT = 16

_scores: OrderedDict[bytes, np.ndarray] = OrderedDict()
_scores_lock = threading.Lock()

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
    comparison_ess
        Kish effective sample size ``(sum v)^2 / sum v^2`` of the comparison units' weights ``v``
        (propensity odds times sampling weights for IPW and DR, sampling weights otherwise): how
        many equally weighted comparison units the weighted comparison group is worth.
    n_comparison
        Comparison units in the sample.
    overlap_share
        ``comparison_ess`` over the Kish size of the comparison units' sampling weights alone:
        the share of the comparison group's information the propensity weights keep (1 without
        propensity weights; small when a few comparison units carry most of the weight).
    """

    att: np.ndarray
    influence: np.ndarray
    n_trimmed: int
    comparison_ess: float = float("nan")
    n_comparison: int = 0
    overlap_share: float = 1.0


def kish_ess(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of non-negative weights."""
    total = float(weights.sum())
    return total * total / float(weights @ weights) if total > 0 else 0.0


def check_rank(x: np.ndarray, names: Sequence[str], where: str) -> None:
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
    weights: np.ndarray | None = None,
    overlap_limit: float = OVERLAP_LIMIT,
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
    weights
        Sampling weights of the units (DRDID's ``i.weights``; normalised here to mean one), or
        ``None``.
    overlap_limit
        The sample violates overlap when the largest (unweighted) propensity score reaches this:
        R ``did``'s guard, 0.999. The 2x2 estimator passes ``1 - 1e-6`` (scores at 1).
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
        The largest propensity score in the sample reaches ``overlap_limit`` (R ``did``'s
        overlap guard), the score model does not converge, or every comparison unit has a score
        of at least 0.995 and is trimmed.

    Notes
    -----
    These are R ``DRDID``'s panel estimators as R ``did`` calls them: ``drdid_panel`` (locally
    efficient doubly robust), ``std_ipw_did_panel`` and ``reg_did_panel``. With sampling weights
    ``w``, ``w_1 = w D``, ``w_0 = w p(X)(1 - D) / (1 - p(X))`` (weighted logit ``p``) and the
    outcome regression ``m(X) = X'b`` fitted by weighted least squares on comparison units, the
    doubly robust estimate is ``E[w_1 (dY - m(X))] / E[w_1] - E[w_0 (dY - m(X))] / E[w_0]``; IPW
    sets ``m = 0`` and regression uses ``E[w D (dY - m(X))] / E[w D]``. The influence functions
    include the estimation of the propensity score and of the regression (Sant'Anna & Zhao 2020,
    Theorem 3.1). Without covariates all three reduce to the difference in weighted mean outcome
    changes, with influence function ``w D (dY - m_1) / p_1 - w (1 - D)(dY - m_0) / p_0``.

    References
    ----------
    Sant'Anna, P. H. C. and Zhao, J. (2020). Doubly robust difference-in-differences estimators.
    Journal of Econometrics 219(1), 101-122.
    """
    n_s = d.shape[0]
    w = np.ones(n_s) if weights is None else weights / weights.mean()
    if x is None or x.shape[1] == 0:
        return _without_covariates(dy, d, w, method, overlap_limit, where)
    xi = np.empty((n_s, x.shape[1] + 1))
    xi[:, 0] = 1.0
    xi[:, 1:] = x
    check_rank(xi, covariate_names, where)
    if method == "reg":
        fit = _comparison_regression(xi, d, w, dy, covariate_names, where)
        return _regression_cells(xi, d, w, dy, fit)
    dr_fit = (
        _comparison_regression(xi, d, w, dy, covariate_names, where) if method == "dr" else None
    )
    ps = _propensity(xi, d, None if weights is None else w, overlap_limit, where)
    return _weighted_cells(xi, d, w, dy, ps, dr_fit, where)


def _without_covariates(
    dy: np.ndarray,
    d: np.ndarray,
    w: np.ndarray,
    method: Literal["dr", "ipw", "reg"],
    overlap_limit: float,
    where: str,
) -> CellEstimates:
    """All three estimators without covariates: the difference in weighted mean changes."""
    wd, wc = w * d, w * (1.0 - d)
    p1 = float(wd.mean())
    share = float(d.mean())
    if method != "reg" and share >= overlap_limit:
        raise NoOverlapError(
            f"The overlap condition is violated in {where}: {100 * share:.2f}% of the units "
            f"are treated, at or above {overlap_limit} (R did's rule); use more comparison "
            "units."
        )
    if method != "reg" and p1 >= TRIM_LEVEL:
        raise NoOverlapError(
            f"In {where} {100 * p1:.2f}% of the units are treated, so every comparison unit "
            "has a propensity score above 0.995 and is trimmed; use more comparison units."
        )
    m1 = (wd @ dy) / wd.sum()
    m0 = (wc @ dy) / wc.sum()
    return CellEstimates(m1 - m0, _mean_change_influence(dy, d, wd, wc, m1, m0, p1), 0,
                         kish_ess(wc), int((d == 0).sum()))  # fmt: skip


def _mean_change_influence(
    dy: np.ndarray,
    d: np.ndarray,
    wd: np.ndarray,
    wc: np.ndarray,
    m1: np.ndarray,
    m0: np.ndarray,
    p1: float,
) -> np.ndarray:
    """``wd (dy - m1) / p1 - wc (dy - m0) / (1 - p1)``, one ``n x m`` array written in place.

    Each unit is treated or a comparison unit, so its row is one of the two terms (the other is
    zero); the same numbers as the formula, without its four ``n x m`` temporaries (at a million
    units each is a fresh allocation the system has to zero).
    """
    treated = d > 0
    if not np.all(treated | (d == 0)):
        return (wd[:, None] * (dy - m1)) / p1 - (wc[:, None] * (dy - m0)) / (1 - p1)
    inf = np.empty_like(dy)
    rows = treated[:, None]
    np.subtract(dy, m1, out=inf, where=rows)
    np.subtract(dy, m0, out=inf, where=~rows)
    inf *= np.where(treated, wd, wc)[:, None]
    # x / -(1 - p1) is exactly -(x / (1 - p1))
    inf /= np.where(treated, p1, -(1 - p1))[:, None]
    return inf


@dataclass(frozen=True)
class _Regression:
    """The comparison-group outcome regression of every cell's change on the covariates."""

    xtx_inv: np.ndarray  # inverse of mean(w (1-D) X X')
    fitted: np.ndarray  # (n_s, m)
    resid: np.ndarray  # (n_s, m)


def _comparison_regression(
    xi: np.ndarray,
    d: np.ndarray,
    w: np.ndarray,
    dy: np.ndarray,
    covariate_names: Sequence[str],
    where: str,
) -> _Regression:
    """Weighted least squares of ``dy`` on ``xi`` among comparison units."""
    n_s = d.shape[0]
    wc = w * (1.0 - d)
    xc = xi * wc[:, None]
    xtx_c = xc.T @ xi / n_s
    if np.linalg.eigvalsh(xtx_c).min() <= 1e-12 * max(1.0, np.abs(xtx_c).max()):
        check_rank(xi[d == 0], covariate_names, f"the comparison units of {where}")
    xtx_c_inv = np.linalg.inv(xtx_c)
    beta = xtx_c_inv @ (xc.T @ dy / n_s)  # (k+1, m)
    out = xi @ beta
    return _Regression(xtx_c_inv, out, dy - out)


def _regression_cells(
    xi: np.ndarray, d: np.ndarray, w: np.ndarray, dy: np.ndarray, fit: _Regression
) -> CellEstimates:
    """Outcome regression (DRDID ``reg_did_panel``)."""
    n_s = d.shape[0]
    wd, wc = w * d, w * (1.0 - d)
    p1 = float(wd.mean())
    eta_t = (wd @ dy) / n_s / p1
    eta_c = (wd @ fit.fitted) / n_s / p1
    inf_treat = wd[:, None] * (dy - eta_t) / p1
    m1v = (xi * wd[:, None]).mean(axis=0)
    a1 = xi @ (fit.xtx_inv @ m1v)
    inf_cont = (wd[:, None] * (fit.fitted - eta_c) + (wc * a1)[:, None] * fit.resid) / p1
    return CellEstimates(eta_t - eta_c, inf_treat - inf_cont, 0, kish_ess(wc), int((d == 0).sum()))


def _weighted_cells(
    xi: np.ndarray,
    d: np.ndarray,
    w: np.ndarray,
    dy: np.ndarray,
    ps: np.ndarray,
    fit: _Regression | None,
    where: str,
) -> CellEstimates:
    """Normalised IPW (``fit=None``, DRDID ``std_ipw_did_panel``) or doubly robust
    (``drdid_panel``) cells given the propensity score, with DRDID's trimming."""
    n_s = d.shape[0]
    c = 1.0 - d
    wd, wc = w * d, w * c
    hess_inv = information_inverse(xi, ps, w)
    ps = np.minimum(ps, 1 - 1e-6)
    trim = np.ones(n_s)
    trimmed = (c > 0) & (ps >= TRIM_LEVEL)
    n_trimmed = int(trimmed.sum())
    trim[trimmed] = 0.0
    w_t = trim * wd
    w_c = trim * wc * ps / (1 - ps)
    mean_wt = w_t.mean()
    mean_wc = w_c.mean()
    if mean_wc <= 0:
        raise NoOverlapError(
            f"Every comparison unit in {where} has a propensity score of at least 0.995 and is "
            "trimmed; treated and comparison units do not overlap on the covariates."
        )
    resid = dy if fit is None else fit.resid
    eta_t = (w_t @ resid) / n_s / mean_wt
    eta_c = (w_c @ resid) / n_s / mean_wc
    # the influence function in place: three n x m arrays instead of a dozen temporaries
    inf_cont = resid - eta_c
    inf_cont *= w_c[:, None]
    m2 = xi.T @ inf_cont / n_s  # (k+1, m)
    scratch = xi @ (hess_inv @ m2)
    scratch *= (w * (d - ps))[:, None]
    inf_cont += scratch
    inf_treat = resid - eta_t
    inf_treat *= w_t[:, None]
    if fit is not None:
        m1v = (xi * w_t[:, None]).mean(axis=0)
        m3v = (xi * w_c[:, None]).mean(axis=0)
        a1 = wc * (xi @ (fit.xtx_inv @ m1v))
        a3 = wc * (xi @ (fit.xtx_inv @ m3v))
        inf_treat -= np.multiply(a1[:, None], resid, out=scratch)
        inf_cont -= np.multiply(a3[:, None], resid, out=scratch)
    inf_treat /= mean_wt
    inf_cont /= mean_wc
    inf = inf_treat
    inf -= inf_cont
    ess = kish_ess(w_c)
    share = ess / kish_ess(wc[c > 0])
    return CellEstimates(eta_t - eta_c, inf, n_trimmed, ess, int((c > 0).sum()), share)


def _sample_key(
    xi: np.ndarray, d: np.ndarray, weights: np.ndarray | None, overlap_limit: float
) -> bytes:
    """A digest of everything the propensity score of a sample depends on."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (xi, d) if weights is None else (xi, d, weights):
        array = np.ascontiguousarray(part, dtype=np.float64)
        digest.update(f"{array.shape}".encode())
        digest.update(array.data)
    digest.update(f"{weights is None} {overlap_limit!r}".encode())
    return digest.digest()


def _propensity(
    xi: np.ndarray, d: np.ndarray, weights: np.ndarray | None, overlap_limit: float, where: str
) -> np.ndarray:
    """The (weighted) logit score after R did's overlap guard, fitted once per sample.

    The score depends on the sample's covariates, treatment and weights only, not on the outcome:
    a report estimates several outcomes and robustness variants on the same panel, so the last
    :data:`SCORES_KEPT` scores are kept by a digest of ``(xi, d, weights, overlap_limit)`` and
    reused (the same numbers; a sample whose fit raises is fitted again each time).
    """
    key = _sample_key(xi, d, weights, overlap_limit)
    with _scores_lock:
        found = _scores.get(key)
        if found is not None:
            _scores.move_to_end(key)
            return found
    score = _fit_propensity(xi, d, weights, overlap_limit, where)
    score.flags.writeable = False
    with _scores_lock:
        _scores[key] = score
        while len(_scores) > SCORES_KEPT:
            _scores.popitem(last=False)
    return score


def overlap_guard(
    xi: np.ndarray, d: np.ndarray, where: str, overlap_limit: float = OVERLAP_LIMIT
) -> BinomialFit:
    """R ``did``'s overlap guard: the unweighted logit of ``d`` on ``xi`` (intercept first);
    raises :class:`NoOverlapError` when its largest score reaches ``overlap_limit``."""
    guard = fit_binomial(xi, d, maxit=100, epsilon=PS_EPSILON)
    top = float(guard.score.max())
    if top >= overlap_limit:
        rule = " (R did's overlap rule)" if overlap_limit == OVERLAP_LIMIT else ""
        raise NoOverlapError(
            f"The overlap condition is violated in {where}: the largest propensity score is "
            f"{top:.6f}, at or above {overlap_limit}{rule}; the covariates (nearly) separate "
            "treated from comparison units, so some treated units have no comparable comparison "
            "units."
        )
    return guard


def _fit_propensity(
    xi: np.ndarray, d: np.ndarray, weights: np.ndarray | None, overlap_limit: float, where: str
) -> np.ndarray:
    """The (weighted) logit score after R did's overlap guard, which fits without weights.

    ``weights`` must be normalised to mean one (as DRDID does before ``glm``): R's starting values
    ``(w y + 0.5) / (w + 1)`` depend on their scale and large raw weights start IRLS at the edge.
    """
    guard = overlap_guard(xi, d, where, overlap_limit)
    fit = guard if weights is None else fit_binomial(xi, d, weights=weights, maxit=100)
    if not fit.converged:
        raise NoOverlapError(
            f"The propensity score model did not converge in {where}: the covariates (nearly) "
            "separate treated from comparison units, so there is no overlap. Use fewer or coarser "
            "covariates, or method='reg'."
        )
    return fit.score


def panel_2x2(
    method: Literal["ipw", "reg"],
    y1: np.ndarray,
    y0: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    weights: np.ndarray | None = None,
) -> DiDEstimate:
    """One 2x2 panel cell as DRDID's ``std_ipw_did_panel`` / ``reg_did_panel`` (``x`` with the
    intercept first): :func:`estimate_cells` on one column, with DRDID's overlap rule (scores at 1)
    instead of R ``did``'s 0.999 guard, and DRDID's standard error ``sd(psi) / sqrt(n)``."""
    est = estimate_cells(
        (y1 - y0)[:, None],
        d,
        x[:, 1:],
        method=method,
        weights=weights,
        overlap_limit=1 - PS_EDGE,
        covariate_names=[f"covariate {j}" for j in range(1, x.shape[1])],
        where="the 2x2 sample",
    )
    return finish(float(est.att[0]), est.influence[:, 0], n_trimmed=est.n_trimmed)
