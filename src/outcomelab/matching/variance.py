"""Standard errors for effects estimated on matched samples.

* Without replacement: weighted least squares on the matched sample with a cluster-robust (CR1)
  covariance, clusters = matched pairs / subclasses. This is what MatchIt's vignette "Estimating
  Effects After Matching" recommends (``lm(Y ~ A, weights = weights)`` with
  ``sandwich::vcovCL(cluster = ~subclass)``, whose default type is HC1).
* With replacement: the Abadie & Imbens (2006) variance of the matching estimator, optionally with
  the Abadie & Imbens (2011) regression bias correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from outcomelab.errors import SingularDesignError
from outcomelab.numerics import cr1_vcov

__all__ = ["AIEstimate", "WLSEstimate", "abadie_imbens", "wls_cluster"]


@dataclass(frozen=True)
class WLSEstimate:
    """Coefficient of the treatment indicator with its cluster-robust standard error."""

    estimate: float
    std_error: float
    n_obs: int
    n_clusters: int


def _standardised_design(D: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``D`` with every column but the intercept centred at its weighted mean and every column
    scaled to unit weighted norm; returns the new design and the scales.

    The regression has the same fit and the same span as on ``D``; only the units change, so the
    rank and the conditioning no longer depend on them (years beside 0/1 indicators and amounts).
    """
    Z = np.array(D, dtype=np.float64)
    Z[:, 1:] -= (w @ Z[:, 1:]) / w.sum()
    scale = np.sqrt(w @ (Z * Z))
    scale[scale == 0] = 1.0
    return Z / scale, scale


def _collinear_columns(Zw: np.ndarray, names: Sequence[str]) -> list[str]:
    """Names of the columns in the null space of the (standardised, weighted) design ``Zw``."""
    _, sv, vt = np.linalg.svd(Zw, full_matrices=False)
    tol = sv.max() * max(Zw.shape) * np.finfo(np.float64).eps
    involved = np.zeros(Zw.shape[1], dtype=bool)
    for v in vt[sv <= tol]:
        involved |= np.abs(v) > 1e-6 * np.abs(v).max()
    return [str(n) for n, bad in zip(names, involved, strict=True) if bad]


def wls_cluster(
    y: np.ndarray,
    a: np.ndarray,
    X: np.ndarray | None,
    w: np.ndarray,
    cluster: np.ndarray,
    names: Sequence[str] | None = None,
) -> WLSEstimate:
    """Weighted regression ``y ~ 1 + a (+ X)`` with CR1 cluster-robust SE for ``a``.

    Parameters
    ----------
    y, a, X, w, cluster
        Outcome, 0/1 treatment, covariates (or None), weights and cluster labels of the units
        with positive weight.
    names
        Names of the columns of ``X``, used in the error message.

    Returns
    -------
    WLSEstimate

    Raises
    ------
    SingularDesignError
        The weighted design is rank deficient (a covariate constant among the matched units, or
        collinear with others); the message names the columns involved.

    Notes
    -----
    ``V = G/(G-1) * (n-1)/(n-k) * B^-1 (sum_g u_g u_g') B^-1`` with ``B = X'WX`` and
    ``u_g = sum_{i in g} w_i e_i x_i``: ``sandwich::vcovCL(fit, cluster, type = "HC1")`` for ``lm``.
    The fit runs on the column-standardised design (covariates centred, every column scaled to
    unit weighted norm), which gives the same coefficient and covariance for ``a`` after
    rescaling; the rank is that of the standardised weighted design with numpy's relative
    tolerance ``max(n, k) eps sigma_max``, so it does not depend on the covariates' units.
    """
    cols = [np.ones(len(y)), a.astype(float)]
    D = np.column_stack(cols if X is None or X.shape[1] == 0 else [*cols, X])
    n, k = D.shape
    Z, scale = _standardised_design(D, w)
    Zw = Z * np.sqrt(w)[:, None]
    if np.linalg.matrix_rank(Zw) < k:
        covariate_names = list(names) if names is not None else [f"x{j + 1}" for j in range(k - 2)]
        involved = _collinear_columns(Zw, ["(intercept)", "treatment", *covariate_names])
        verb = "is" if len(involved) == 1 else "are"
        raise SingularDesignError(
            "The outcome regression on the matched sample is singular: "
            f"{', '.join(involved) or 'some columns'} {verb} constant or collinear among the "
            "matched units. Drop one of them from `covariates` in effect()."
        )
    B = Zw.T @ Zw
    Binv = np.linalg.inv(B)
    beta = Binv @ (Z.T @ (w * y))
    e = y - Z @ beta
    _, g = np.unique(cluster, return_inverse=True)
    V, G = cr1_vcov(Z * (w * e)[:, None], Binv, [np.asarray(g, dtype=np.intp)], df_k=k)
    return WLSEstimate(float(beta[1] / scale[1]), float(np.sqrt(V[1, 1]) / scale[1]), n, G)


@dataclass(frozen=True)
class AIEstimate:
    """Matching estimate of the ATT with the Abadie-Imbens standard error."""

    estimate: float
    std_error: float
    bias_corrected: bool
    #: rows of the matched focal units and the matching estimate of their counterfactual outcome
    focal_rows: np.ndarray | None = None
    y0_hat: np.ndarray | None = None


def _same_group_neighbour(Z: np.ndarray) -> np.ndarray:
    """Index of the nearest other unit in ``Z`` (rows), for the conditional-variance estimate."""
    if Z.shape[1] == 1:
        z = Z[:, 0]
        order = np.argsort(z, kind="stable")
        zs = z[order]
        n = len(z)
        left = np.r_[np.inf, np.diff(zs)]
        right = np.r_[np.diff(zs), np.inf]
        pos = np.arange(n)
        nb_sorted = np.where(left <= right, pos - 1, pos + 1)
        out = np.empty(n, dtype=np.int64)
        out[order] = order[nb_sorted]
        return out
    from scipy.spatial import cKDTree

    _, idx = cKDTree(Z).query(Z, k=2)
    self_first = idx[:, 0] == np.arange(len(Z))
    return np.where(self_first, idx[:, 1], idx[:, 0])


def abadie_imbens(
    y: np.ndarray,
    mm: np.ndarray,
    t_rows: np.ndarray,
    c_rows: np.ndarray,
    Z: np.ndarray,
    X: np.ndarray | None = None,
) -> AIEstimate:
    """ATT of matching with replacement and its Abadie-Imbens (2006) standard error.

    Parameters
    ----------
    y
        Outcome for every unit (data order).
    mm
        ``n_treated x k`` data-row positions of matched comparison units (-1 = none); treated
        units without any match are left out of the estimate.
    t_rows
        Data-row position of each row of ``mm``.
    c_rows
        Data-row positions of all eligible comparison units (used to estimate the conditional
        variance by matching comparison units to each other).
    Z
        Matching metric for every unit, ``n x q`` (the score as one column, or Mahalanobis-
        transformed covariates).
    X
        Covariates for the Abadie-Imbens (2011) bias correction, or None.

    Returns
    -------
    AIEstimate

    Notes
    -----
    ``tau = (1/N1) sum_i (Y_i - Yhat_i(0))`` with ``Yhat_i(0)`` the mean outcome of the ``M_i``
    matches of treated unit ``i`` (bias-corrected by ``mu0(X_i) - mu0(X_j)`` with ``mu0`` the
    regression of ``Y`` on ``X`` among matched comparison units weighted by use, if ``X`` is given).
    The variance (Abadie & Imbens 2006, Theorem 7, written for a varying number of matches) is

    ``V = (1/N1^2) [ sum_i (Y_i - Yhat_i(0) - tau)^2 + sum_j (K_j^2 - K'_j) sigma^2_j ]``

    where ``K_j = sum_{i: j in J(i)} 1/M_i``, ``K'_j = sum_{i: j in J(i)} 1/M_i^2`` and
    ``sigma^2_j = (Y_j - Y_l)^2 / 2`` with ``l`` the comparison unit nearest to ``j`` (one match
    within the group); with the bias correction, on the residual ``Y - mu0(X)``. The propensity
    score is treated as known (no Abadie-Imbens 2016 correction for its estimation); in the
    simulation tests the intervals cover at or slightly above the nominal level.
    """
    found = mm >= 0
    m_i = found.sum(axis=1)
    keep = m_i > 0
    mm, t_rows, m_i, found = mm[keep], t_rows[keep], m_i[keep], found[keep]
    n1 = len(t_rows)
    yc = np.where(found, y[np.maximum(mm, 0)], 0.0)
    y0_hat = yc.sum(axis=1) / m_i
    bias_corrected = False
    y_resid = y
    inv = np.where(found, 1.0 / m_i[:, None], 0.0)
    n = len(y)
    K = np.zeros(n)
    K2 = np.zeros(n)
    np.add.at(K, mm[found], inv[found])
    np.add.at(K2, mm[found], inv[found] ** 2)
    if X is not None and X.shape[1] > 0:
        bias_corrected = True
        used = np.flatnonzero(K > 0)
        D = np.column_stack([np.ones(len(used)), X[used]])
        sw = np.sqrt(K[used])
        beta, *_ = np.linalg.lstsq(D * sw[:, None], y[used] * sw, rcond=None)
        mu0 = np.column_stack([np.ones(n), X]) @ beta
        mu_c = np.where(found, mu0[np.maximum(mm, 0)], 0.0).sum(axis=1) / m_i
        y0_hat = y0_hat + mu0[t_rows] - mu_c
        y_resid = y - mu0
    diff = y[t_rows] - y0_hat
    tau = float(diff.mean())
    nb = _same_group_neighbour(Z[c_rows])
    sigma2 = np.zeros(n)
    sigma2[c_rows] = 0.5 * (y_resid[c_rows] - y_resid[c_rows[nb]]) ** 2
    var = (np.sum((diff - tau) ** 2) + np.sum((K**2 - K2) * sigma2)) / n1**2
    return AIEstimate(tau, float(np.sqrt(var)), bias_corrected, t_rows, y0_hat)


def _local_covariance(p: np.ndarray, group: np.ndarray, Xd: np.ndarray, y: np.ndarray,
                      L: int) -> np.ndarray:  # fmt: skip
    """For every unit, the covariance of ``(Xd, y)`` among the ``L`` units of ``group`` nearest
    to it in propensity score (the unit itself among them when it belongs to the group)."""
    from scipy.spatial import cKDTree

    rows = np.flatnonzero(group)
    _, idx = cKDTree(p[rows, None]).query(p[:, None], k=L)
    nb = rows[np.asarray(idx).reshape(len(p), L)]
    Xn, yn = Xd[nb], y[nb]  # n x L x k, n x L
    Xc = Xn - Xn.mean(axis=1, keepdims=True)
    yc = yn - yn.mean(axis=1, keepdims=True)
    return np.einsum("nlk,nl->nk", Xc, yc) / (L - 1)


def ps_estimation_adjustment(
    y: np.ndarray,
    focal: np.ndarray,
    p: np.ndarray,
    Xd: np.ndarray,
    y0_hat: np.ndarray,
    focal_rows: np.ndarray,
    tau: float,
    ratio: int,
    neighbours: int = 2,
) -> tuple[float, float]:
    """Abadie & Imbens (2016) change in the variance of the ATT matching estimator when the
    propensity score is estimated by a logit model instead of known.

    Parameters
    ----------
    y
        Outcome of every unit in the matching sample.
    focal
        1 for the focal units (treated for the ATT), 0 for the units they are matched to.
    p
        Fitted propensity score of every unit (probability of being *focal*).
    Xd
        The logit model's design with intercept (rows as ``y``).
    y0_hat
        Matching estimate of each matched focal unit's counterfactual outcome.
    focal_rows
        Rows (into ``y``) of the matched focal units, in the order of ``y0_hat``.
    tau
        The ATT estimate.
    ratio
        Matches per unit (also used to impute the focal outcome of the other units).
    neighbours
        ``L``, the units used for each local covariance (2, as Stata's ``teffects psmatch``).

    Returns
    -------
    delta, n
        The variance change to add to the Abadie-Imbens (2006) variance of ``tau`` (it can be
        negative or positive for the ATT) and the number of units it is computed on.

    Notes
    -----
    With ``f = p (1 - p)`` (the logit density), ``I = mean(f X X')`` and, over all ``N`` units,

    ``c = (1/N1) sum_i f_i [cov1_i + p_i / (1 - p_i) cov0_i]``,
    ``d = (1/N1) sum_i X_i f_i (Yhat_i(1) - Yhat_i(0) - tau)``,

    the variance of ``tau`` changes by ``(d' I^-1 d - c' I^-1 c) / N`` (Abadie & Imbens 2016,
    Theorem 2 and section 4). ``cov_w_i`` is the covariance of ``(X, Y)`` among the ``L`` units of
    group ``w`` nearest to ``i`` in the score; ``Yhat_i(w)`` is ``Y_i`` in the unit's own group
    and the mean of its ``ratio`` nearest units of the other group (by score) otherwise.
    """
    from scipy.spatial import cKDTree

    n = len(y)
    n1 = int(focal.sum())
    f = p * (1.0 - p)
    info = (Xd * f[:, None]).T @ Xd / n
    cov1 = _local_covariance(p, focal == 1, Xd, y, neighbours)
    cov0 = _local_covariance(p, focal == 0, Xd, y, neighbours)
    c = (f[:, None] * (cov1 + (p / (1.0 - p))[:, None] * cov0)).sum(axis=0) / n1
    y1 = y.astype(np.float64).copy()
    y0 = y.astype(np.float64).copy()
    others = np.flatnonzero(focal == 0)
    f_rows = np.flatnonzero(focal == 1)
    k = min(ratio, len(f_rows))
    _, idx = cKDTree(p[f_rows, None]).query(p[others, None], k=k)
    y1[others] = y[f_rows[np.asarray(idx).reshape(len(others), k)]].mean(axis=1)
    keep = np.zeros(n, dtype=bool)
    keep[others] = True
    keep[focal_rows] = True
    y0[focal_rows] = y0_hat
    d = (Xd[keep] * (f[keep] * (y1[keep] - y0[keep] - tau))[:, None]).sum(axis=0) / n1
    inv = np.linalg.pinv(info)
    return float((d @ inv @ d - c @ inv @ c) / n), n
