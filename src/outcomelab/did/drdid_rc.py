"""Sant'Anna-Zhao (2020) 2x2 DiD estimators for repeated cross-sections, with influence functions.

The repeated-cross-section estimators of R ``DRDID``: the traditional locally efficient doubly
robust one (``drdid_rc``, eq. 3.4; the one R ``did`` calls for ``est_method="dr"``), its improved
version (``drdid_imp_rc``, which :func:`outcomelab.did.did_2x2` offers), outcome regression
(``reg_did_rc``) and normalised IPW (``std_ipw_did_rc``, Abadie 2005). ``att_gt(panel=False)``
calls ``drdid_rc``, ``reg_did_rc`` and ``std_ipw_did_rc`` cell by cell, as R ``did`` does.

Each takes the outcome ``y``, the period dummy ``post`` (1 in the later period of the pair), the
group dummy ``d``, covariates ``x`` with an intercept column first and optional sampling weights
(normalised to mean one), and returns a :class:`~outcomelab.did.drdid.DiDEstimate` whose
influence function is normalised as in DRDID (``se = sd(psi) / sqrt(n)``), one value per row.
"""

from __future__ import annotations

import numpy as np

from outcomelab.did.drdid import (
    TRIM_LEVEL,
    DiDEstimate,
    finish,
    normalised_weights,
    pscore_ipt,
    pscore_logit,
    require_groups,
    trim_mask,
    wls,
)

__all__ = ["drdid_imp_rc", "drdid_rc", "reg_did_rc", "std_ipw_did_rc"]


def _rc_groups(d: np.ndarray, post: np.ndarray) -> None:
    require_groups(
        {
            "treated, first period": int(((d == 1) & (post == 0)).sum()),
            "treated, second period": int(((d == 1) & (post == 1)).sum()),
            "comparison, first period": int(((d == 0) & (post == 0)).sum()),
            "comparison, second period": int(((d == 0) & (post == 1)).sum()),
        }
    )


def _cell_fit(
    y: np.ndarray, x: np.ndarray, w: np.ndarray, mask: np.ndarray, where: str
) -> np.ndarray:
    return x @ wls(y[mask], x[mask], w[mask], where)


def drdid_imp_rc(
    y: np.ndarray,
    post: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    weights: np.ndarray | None = None,
    trim_level: float = TRIM_LEVEL,
) -> DiDEstimate:
    """Improved, locally efficient doubly robust DiD for repeated cross-sections (R DRDID
    ``drdid_imp_rc``; Sant'Anna and Zhao 2020, eq. 3.4 with the bias-reduced nuisance fits).

    Propensity score by inverse probability tilting; comparison-group regressions per period by
    WLS with weights ``w p/(1-p)``, treated-group regressions per period by WLS with weights ``w``.
    """
    n = d.size
    w = normalised_weights(weights, n)
    _rc_groups(d, post)
    ps = pscore_ipt(d, x, w)
    keep = trim_mask(ps, d, trim_level)
    odds = w * ps / (1 - ps)
    c0, c1 = (d == 0) & (post == 0), (d == 0) & (post == 1)
    t0, t1 = (d == 1) & (post == 0), (d == 1) & (post == 1)
    y_c0 = _cell_fit(y, x, odds, c0, "the comparison group, first period")
    y_c1 = _cell_fit(y, x, odds, c1, "the comparison group, second period")
    y_t0 = _cell_fit(y, x, w, t0, "the treated group, first period")
    y_t1 = _cell_fit(y, x, w, t1, "the treated group, second period")
    y_c = post * y_c1 + (1 - post) * y_c0

    w_t0, w_t1 = w * d * (1 - post), w * d * post
    w_c0 = keep * odds * (1 - d) * (1 - post)
    w_c1 = keep * odds * (1 - d) * post
    w_d, w_dt1, w_dt0 = w * d, w * d * post, w * d * (1 - post)

    def part(weight: np.ndarray, value: np.ndarray) -> tuple[float, np.ndarray]:
        m = np.mean(weight)
        eta = weight * value / m
        est = float(np.mean(eta))
        return est, eta - weight * est / m

    a_t0, i_t0 = part(w_t0, y - y_c)
    a_t1, i_t1 = part(w_t1, y - y_c)
    a_c0, i_c0 = part(w_c0, y - y_c)
    a_c1, i_c1 = part(w_c1, y - y_c)
    a_d1, i_d1 = part(w_d, y_t1 - y_c1)
    a_dt1, i_dt1 = part(w_dt1, y_t1 - y_c1)
    a_d0, i_d0 = part(w_d, y_t0 - y_c0)
    a_dt0, i_dt0 = part(w_dt0, y_t0 - y_c0)
    att = (a_t1 - a_t0) - (a_c1 - a_c0) + (a_d1 - a_dt1) - (a_d0 - a_dt0)
    psi = (i_t1 - i_t0) - (i_c1 - i_c0) + (i_d1 - i_dt1) - (i_d0 - i_dt0)
    return finish(att, psi, n_trimmed=int((~keep).sum()), pscore=ps)


def reg_did_rc(
    y: np.ndarray,
    post: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    weights: np.ndarray | None = None,
) -> DiDEstimate:
    """Outcome-regression DiD for repeated cross-sections (DRDID ``reg_did_rc``)."""
    n = d.size
    w = normalised_weights(weights, n)
    _rc_groups(d, post)
    c0, c1 = (d == 0) & (post == 0), (d == 0) & (post == 1)
    out0 = _cell_fit(y, x, w, c0, "the comparison group, first period")
    out1 = _cell_fit(y, x, w, c1, "the comparison group, second period")
    w_t0, w_t1, w_c = w * d * (1 - post), w * d * post, w * d
    eta_t0 = np.mean(w_t0 * y) / np.mean(w_t0)
    eta_t1 = np.mean(w_t1 * y) / np.mean(w_t1)
    eta_c = np.mean(w_c * (out1 - out0)) / np.mean(w_c)

    def lin_rep(mask: np.ndarray, out: np.ndarray) -> np.ndarray:
        w_ols = w * mask
        xpx_inv = np.linalg.inv((x * w_ols[:, None]).T @ x / n)
        return (x * (w_ols * (y - out))[:, None]) @ xpx_inv

    inf_t0 = (w_t0 * y - w_t0 * eta_t0) / np.mean(w_t0)
    inf_t1 = (w_t1 * y - w_t1 * eta_t1) / np.mean(w_t1)
    m1 = np.mean(x * w_c[:, None], axis=0)
    inf_c = (
        w_c * (out1 - out0) - w_c * eta_c + lin_rep(c1, out1) @ m1 - lin_rep(c0, out0) @ m1
    ) / np.mean(w_c)
    return finish((eta_t1 - eta_t0) - eta_c, (inf_t1 - inf_t0) - inf_c)


def std_ipw_did_rc(
    y: np.ndarray,
    post: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    weights: np.ndarray | None = None,
    trim_level: float = TRIM_LEVEL,
) -> DiDEstimate:
    """Normalised IPW DiD for repeated cross-sections (Abadie 2005; DRDID ``std_ipw_did_rc``)."""
    n = d.size
    w = normalised_weights(weights, n)
    _rc_groups(d, post)
    ps, hess_inv = pscore_logit(d, x, w)
    keep = trim_mask(ps, d, trim_level)
    w_t0 = keep * w * d * (1 - post)
    w_t1 = keep * w * d * post
    w_c0 = keep * w * ps * (1 - d) * (1 - post) / (1 - ps)
    w_c1 = keep * w * ps * (1 - d) * post / (1 - ps)

    def part(weight: np.ndarray) -> tuple[float, np.ndarray]:
        m = np.mean(weight)
        eta = weight * y / m
        est = float(np.mean(eta))
        return est, eta - weight * est / m

    a_t0, i_t0 = part(w_t0)
    a_t1, i_t1 = part(w_t1)
    a_c0, i_c0 = part(w_c0)
    a_c1, i_c1 = part(w_c1)
    lin_ps = (x * (w * (d - ps))[:, None]) @ hess_inv
    m2_0 = np.mean(x * (w_c0 * (y - a_c0))[:, None], axis=0) / np.mean(w_c0)
    m2_1 = np.mean(x * (w_c1 * (y - a_c1))[:, None], axis=0) / np.mean(w_c1)
    inf_c = (i_c1 - i_c0) + lin_ps @ (m2_1 - m2_0)
    att = (a_t1 - a_t0) - (a_c1 - a_c0)
    return finish(att, (i_t1 - i_t0) - inf_c, n_trimmed=int((~keep).sum()), pscore=ps)


def _ols_representation(
    y: np.ndarray, x: np.ndarray, w: np.ndarray, mask: np.ndarray, fitted: np.ndarray
) -> np.ndarray:
    """Asymptotic linear representation of a WLS fit on the rows in ``mask``, shape ``(n, k)``:
    ``w_i 1[mask] (y_i - x_i'b) x_i' (mean(w 1[mask] x x'))^{-1}``."""
    w_ols = w * mask
    xpx = (x * w_ols[:, None]).T @ x / y.size
    return (x * (w_ols * (y - fitted))[:, None]) @ np.linalg.inv(xpx)


def _normalised_part(weight: np.ndarray, value: np.ndarray) -> tuple[float, np.ndarray]:
    """``mean(weight value) / mean(weight)`` and its influence function."""
    m = float(np.mean(weight))
    est = float(np.mean(weight * value)) / m
    return est, weight * (value - est) / m


def drdid_rc(
    y: np.ndarray,
    post: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    weights: np.ndarray | None = None,
    trim_level: float = TRIM_LEVEL,
) -> DiDEstimate:
    """Locally efficient doubly robust DiD for repeated cross-sections (R DRDID ``drdid_rc``).

    The estimator R ``did`` uses for ``est_method="dr"`` with ``panel=FALSE``: a logit propensity
    score (fitted by maximum likelihood with the sampling weights), outcome regressions by
    weighted least squares in each of the four group-period cells, and the treated-group
    regressions as the efficiency adjustment.

    Notes
    -----
    Sant'Anna and Zhao (2020), eq. (3.4): with ``mu_{d,s}(X)`` the regression of ``Y`` on ``X``
    in group ``d`` and period ``s`` and ``mu_0 = post mu_{0,1} + (1 - post) mu_{0,0}``,

    ``ATT = E_{w_t1}[Y - mu_0] - E_{w_t0}[Y - mu_0] - (E_{w_c1}[Y - mu_0] - E_{w_c0}[Y - mu_0])
    + E_{wD}[mu_{1,1} - mu_{0,1}] - E_{wD post}[mu_{1,1} - mu_{0,1}]
    - (E_{wD}[mu_{1,0} - mu_{0,0}] - E_{wD (1-post)}[mu_{1,0} - mu_{0,0}])``

    where ``E_v[Z] = mean(v Z) / mean(v)``, ``w_t1 = w D post``, ``w_t0 = w D (1 - post)`` and
    the comparison weights are ``w_cs = w p(X) (1 - D) 1[period s] / (1 - p(X))`` (comparison
    rows with ``p >= trim_level`` get weight zero). The influence function adds the estimation
    effects of the propensity score and of the four regressions.

    Deliberate difference from R ``DRDID`` 1.2.3 (and so R ``did`` 2.5 and moderndid 0.2.0): the
    estimation effect of the comparison group's *first-period* regression on the two
    first-period terms is subtracted here (they enter the ATT with a minus sign) where
    ``DRDID::drdid_rc`` adds it (``inf.treat.or.post + inf.treat.or.pre``, and the same for
    ``inf.cont.or``). The estimate is the same; the influence function here equals the numerical
    derivative of the estimate with respect to each observation's weight (to 4e-7 on Wooldridge's
    kielmc, tests/did/test_att_gt_cross_sections.py) and csdid 0.4.3's, while R's differs from it
    by up to 0.57 there. The two standard errors agree asymptotically when the propensity score
    is correctly specified (the two first-period terms then cancel); R's is 0.1 % larger on
    mpdta (covariate ``lpop``) and 46 % larger on kielmc (0.1358 against 0.0932).

    References
    ----------
    Sant'Anna, P. H. C. and Zhao, J. (2020). Doubly robust difference-in-differences estimators.
    Journal of Econometrics 219(1), 101-122.
    """
    n = d.size
    w = normalised_weights(weights, n)
    _rc_groups(d, post)
    ps, hess_inv = pscore_logit(d, x, w)
    ps = np.minimum(ps, 1 - 1e-6)
    keep = trim_mask(ps, d, trim_level)
    cells = {
        (0, 0): (d == 0) & (post == 0),
        (0, 1): (d == 0) & (post == 1),
        (1, 0): (d == 1) & (post == 0),
        (1, 1): (d == 1) & (post == 1),
    }
    where = {
        (0, 0): "the comparison group, first period",
        (0, 1): "the comparison group, second period",
        (1, 0): "the treated group, first period",
        (1, 1): "the treated group, second period",
    }
    fit = {cell: _cell_fit(y, x, w, mask, where[cell]) for cell, mask in cells.items()}
    rep = {cell: _ols_representation(y, x, w, cells[cell], fit[cell]) for cell in cells}
    y_c = post * fit[0, 1] + (1 - post) * fit[0, 0]
    odds = keep * w * ps / (1 - ps) * (1 - d)
    w_t0, w_t1 = w * d * (1 - post), w * d * post
    w_c0, w_c1 = odds * (1 - post), odds * post
    w_d = w * d

    a_t0, i_t0 = _normalised_part(w_t0, y - y_c)
    a_t1, i_t1 = _normalised_part(w_t1, y - y_c)
    a_c0, i_c0 = _normalised_part(w_c0, y - y_c)
    a_c1, i_c1 = _normalised_part(w_c1, y - y_c)
    a_d1, i_d1 = _normalised_part(w_d, fit[1, 1] - fit[0, 1])
    a_dt1, i_dt1 = _normalised_part(w_t1, fit[1, 1] - fit[0, 1])
    a_d0, i_d0 = _normalised_part(w_d, fit[1, 0] - fit[0, 0])
    a_dt0, i_dt0 = _normalised_part(w_t0, fit[1, 0] - fit[0, 0])
    att = (a_t1 - a_t0) - (a_c1 - a_c0) + (a_d1 - a_dt1) - (a_d0 - a_dt0)

    def xmean(weight: np.ndarray) -> np.ndarray:
        return np.asarray(np.mean(x * weight[:, None], axis=0) / np.mean(weight))

    # estimation effect of the comparison regressions on the treated and comparison terms; the
    # pre-period terms enter the ATT with a minus sign, so their effects do too (R DRDID 1.2.3
    # adds them, see the Notes)
    inf_treat_or = -(rep[0, 1] @ xmean(w_t1)) + rep[0, 0] @ xmean(w_t0)
    inf_cont_or = -(rep[0, 1] @ xmean(w_c1)) + rep[0, 0] @ xmean(w_c0)
    # estimation effect of the propensity score
    m2_0 = np.mean(x * (w_c0 * (y - y_c - a_c0))[:, None], axis=0) / np.mean(w_c0)
    m2_1 = np.mean(x * (w_c1 * (y - y_c - a_c1))[:, None], axis=0) / np.mean(w_c1)
    inf_cont_ps = ((x * (w * (d - ps))[:, None]) @ hess_inv) @ (m2_1 - m2_0)
    # estimation effect of the regressions in the efficiency terms
    mom_1 = np.mean(x * (w_d / np.mean(w_d) - w_t1 / np.mean(w_t1))[:, None], axis=0)
    mom_0 = np.mean(x * (w_d / np.mean(w_d) - w_t0 / np.mean(w_t0))[:, None], axis=0)
    inf_or = (rep[1, 1] - rep[0, 1]) @ mom_1 - (rep[1, 0] - rep[0, 0]) @ mom_0

    inf_treat = i_t1 - i_t0 + inf_treat_or
    inf_cont = i_c1 - i_c0 + inf_cont_ps + inf_cont_or
    inf_eff = (i_d1 - i_dt1) - (i_d0 - i_dt0)
    psi = inf_treat - inf_cont + inf_eff + inf_or
    return finish(att, psi, n_trimmed=int((~keep).sum()), pscore=ps)
