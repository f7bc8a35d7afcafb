"""Sant'Anna-Zhao (2020) 2x2 DiD estimators on plain NumPy arrays, with influence functions.

The improved doubly robust panel estimator of R ``DRDID`` (``drdid_imp_panel``) that
:func:`outcomelab.did.did_2x2` offers, and what the 2x2 estimators share: the propensity scores
(logit, inverse probability tilting), trimming, weighted least squares and :class:`DiDEstimate`.
The panel regression and IPW estimators are the ones ``att_gt`` uses
(:func:`outcomelab.did.drdid_core.panel_2x2`); the repeated-cross-section estimators are in
:mod:`outcomelab.did.drdid_rc`. Each exists once.

Every function takes ``x`` with an intercept column first, optional sampling weights (normalised
to mean one), and returns a :class:`DiDEstimate` whose influence function ``psi`` is normalised as
in DRDID, so ``se = sd(psi) / sqrt(n)``. The improved DR estimators fit the propensity score by
inverse probability tilting (Graham, Pinto and Egel 2012), which balances the covariate means of
the weighted comparison group to the treated group exactly, and the comparison-group outcome
regression by weighted least squares with weights ``p/(1-p)``; with this pair of nuisance
estimators the estimation of the nuisance parameters does not enter the influence function.
As DRDID does, comparison units with a propensity score of at least ``trim_level`` (0.995) are
given weight zero; a propensity score at 1 (to 1e-6) for any unit is an overlap failure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from outcomelab.errors import EmptyGroupError, NoOverlapError, SingularDesignError
from outcomelab.numerics import fit_binomial
from outcomelab.numerics.logistic import expit, information_inverse

__all__ = [
    "DiDEstimate",
    "drdid_imp_panel",
    "finish",
    "normalised_weights",
    "pscore_ipt",
    "pscore_logit",
    "require_groups",
    "trim_mask",
    "wls",
]

#: comparison units with a propensity score at or above this get weight zero (DRDID's default)
TRIM_LEVEL = 0.995
#: a propensity score this close to 0 or 1 means the groups do not overlap
PS_EDGE = 1e-6
#: convergence tolerance of the logit propensity score: R's deviance rule with fastglm's ``tol``
#: (IRLS converges quadratically, so the estimates agree with R and its ports to about 1e-10)
PS_EPSILON = 1e-8


def _check_design(x: np.ndarray) -> None:
    gram = x.T @ x
    scale = np.sqrt(np.clip(np.diag(gram), 1e-300, None))
    eig = np.linalg.eigvalsh(gram / np.outer(scale, scale))
    if eig.min() <= 1e-10 * max(eig.max(), 1.0):
        raise SingularDesignError(
            "The propensity-score design is singular: covariates are collinear. "
            "Drop redundant covariates."
        )


@dataclass(frozen=True)
class DiDEstimate:
    """ATT, its standard error and influence function from one 2x2 estimator.

    Attributes
    ----------
    att
        The estimate.
    std_error
        ``sd(psi) / sqrt(n)`` as in DRDID.
    influence
        ``psi``, one value per observation (unit for panels, row for cross-sections).
    n_trimmed
        Comparison observations given weight zero for a propensity score >= ``trim_level``.
    pscore
        Fitted propensity scores (``None`` for the outcome-regression estimator).
    """

    att: float
    std_error: float
    influence: np.ndarray
    n_trimmed: int = 0
    pscore: np.ndarray | None = None


def normalised_weights(w: np.ndarray | None, n: int) -> np.ndarray:
    if w is None:
        return np.ones(n)
    w = np.asarray(w, dtype=np.float64)
    return w / w.mean()


def finish(att: float, psi: np.ndarray, **kw: object) -> DiDEstimate:
    n = psi.size
    se = float(np.std(psi, ddof=1) / np.sqrt(n))
    return DiDEstimate(att=float(att), std_error=se, influence=psi, **kw)  # type: ignore[arg-type]


def require_groups(mask_counts: dict[str, int]) -> None:
    empty = [name for name, count in mask_counts.items() if count == 0]
    if empty:
        raise EmptyGroupError(
            f"The 2x2 comparison has no observations in: {', '.join(empty)}. Each of treated and "
            "comparison groups needs observations (in both periods for cross-sections)."
        )


def wls(y: np.ndarray, x: np.ndarray, w: np.ndarray, where: str) -> np.ndarray:
    """Weighted least-squares coefficients; SingularDesignError if ``x'Wx`` is singular."""
    xw = x * w[:, None]
    gram = xw.T @ x
    scale = np.sqrt(np.clip(np.diag(gram), 1e-300, None))
    eig = np.linalg.eigvalsh(gram / np.outer(scale, scale))
    if x.shape[0] < x.shape[1] or eig.min() <= 1e-10 * max(eig.max(), 1.0):
        raise SingularDesignError(
            f"The outcome regression in {where} is singular: the covariates are collinear (or "
            f"constant) there, or there are fewer observations ({x.shape[0]}) than parameters "
            f"({x.shape[1]}). Drop redundant covariates."
        )
    return np.linalg.solve(gram, xw.T @ y)


def _check_ps(ps: np.ndarray, d: np.ndarray) -> None:
    top = ps >= 1 - PS_EDGE
    bottom = (ps <= PS_EDGE) & (d == 1)
    if top.any() or bottom.any():
        raise NoOverlapError(
            f"The propensity score is at 1 for {int(top.sum())} observations and at 0 for "
            f"{int(bottom.sum())} treated observations: the covariates separate treated from "
            "comparison units, so there is no comparable comparison group for them. Drop or "
            "coarsen the covariates that separate the groups, or restrict the sample to the "
            "region of common support."
        )


def pscore_logit(d: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logit propensity score (the shared fit, :func:`outcomelab.numerics.fit_binomial`,
    with ``fastglm``'s limit of 100 iterations as R ``DRDID`` uses it).

    Returns
    -------
    pscore, hessian_inv
        Fitted probabilities and ``(X' diag(w p (1-p)) X / n)^{-1}``.

    Raises
    ------
    SingularDesignError
        When the covariates are collinear.
    NoOverlapError
        When scores reach 0 or 1 (separation).
    """
    _check_design(x)
    fit = fit_binomial(x, d, weights=w, maxit=100, epsilon=PS_EPSILON)
    _check_ps(fit.score, d)
    return fit.score, information_inverse(x, fit.score, w)


def pscore_ipt(d: np.ndarray, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Propensity score by inverse probability tilting for the ATT.

    Minimises the convex loss ``mean(w * ((1 - d) exp(x'g) - d x'g))`` by damped Newton steps,
    whose first-order condition is the exact balancing property
    ``sum_{d=1} w x = sum_{d=0} w exp(x'g) x``; the score is ``expit(x'g)``.

    Raises
    ------
    NoOverlapError
        When the loss has no minimum (treated covariate means outside the comparison group's
        convex hull) or scores reach 0 or 1.
    """
    n, k = x.shape
    # start from the logit fit's linear index (as DRDID does)
    g = np.zeros(k)
    g[0] = np.log(max(np.sum(w * d), 1e-12) / max(np.sum(w * (1 - d)), 1e-12))

    def loss(gam: np.ndarray) -> float:
        idx = x @ gam
        if idx.max() > 700.0:
            return float("inf")
        return float(np.mean(w * ((1 - d) * np.exp(idx) - d * idx)))

    current = loss(g)
    converged = False
    for _ in range(200):
        idx = x @ g
        e = np.exp(np.minimum(idx, 700.0))
        grad = x.T @ (w * ((1 - d) * e - d)) / n
        hess = (x * (w * (1 - d) * e)[:, None]).T @ x / n
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError as err:
            raise SingularDesignError(
                "The propensity-score design is singular among comparison units: covariates are "
                "collinear there. Drop redundant covariates."
            ) from err
        t = 1.0
        while t > 1e-10:
            trial = g - t * step
            value = loss(trial)
            if np.isfinite(value) and value <= current + 1e-4 * t * float(grad @ (-step)) + 1e-15:
                break
            t /= 2
        g, current = g - t * step, loss(g - t * step)
        if np.max(np.abs(grad)) < 1e-10:
            converged = True
            break
    if not converged or np.max(np.abs(g)) > 50:
        raise NoOverlapError(
            "Inverse probability tilting did not converge: no reweighting of the comparison group "
            "matches the treated group's covariate means, a sign that the groups do not overlap. "
            "Drop or coarsen the covariates that separate the groups."
        )
    ps = expit(x @ g)
    _check_ps(ps, d)
    return ps


def trim_mask(ps: np.ndarray, d: np.ndarray, trim_level: float) -> np.ndarray:
    keep = np.ones(d.size, dtype=bool)
    keep[d == 0] = ps[d == 0] < trim_level
    return keep


# -- panel -------------------------------------------------------------------------------------
def drdid_imp_panel(
    y1: np.ndarray,
    y0: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    weights: np.ndarray | None = None,
    trim_level: float = TRIM_LEVEL,
) -> DiDEstimate:
    """Improved (bias-reduced) doubly robust DiD for panel data (DRDID ``drdid_imp_panel``).

    ``ATT = mean(w (d - (1-d) p/(1-p)) (dY - m(x))) / mean(w d)`` with ``p`` from inverse
    probability tilting and ``m`` the WLS fit of ``dY`` on ``x`` among comparison units with
    weights ``w p/(1-p)``; ``psi = w (summand - d ATT) / mean(w d)``.
    """
    n = d.size
    w = normalised_weights(weights, n)
    require_groups({"treated units": int(d.sum()), "comparison units": int((1 - d).sum())})
    dy = y1 - y0
    ps = pscore_ipt(d, x, w)
    keep = trim_mask(ps, d, trim_level)
    cont = d == 0
    beta = wls(dy[cont], x[cont], (w * ps / (1 - ps))[cont], "the comparison group")
    resid = dy - x @ beta
    summand = keep * (d - (1 - d) * ps / (1 - ps)) * resid
    mean_d = np.mean(w * d)
    att = np.mean(w * summand) / mean_d
    psi = w * keep * (summand - d * att) / mean_d
    return finish(att, psi, n_trimmed=int((~keep).sum()), pscore=ps)
