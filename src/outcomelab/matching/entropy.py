"""Entropy balancing (Hainmueller 2012): weights that equalise covariate means exactly.

The comparison units (ATT), or both groups (ATE), are reweighted so that their weighted covariate
means equal the target means, with weights as close as possible to the base (sampling) weights in
Kullback-Leibler divergence. The solution has the form ``w_j = q_j exp(lambda' (c_j - m))``; the
convex dual ``log sum_j q_j exp(lambda' (c_j - m))`` is minimised by Newton's method with a
backtracking line search. Standard errors come from the same equations written as M-estimation
(the target means, ``lambda`` and the two weighted outcome means stacked; Zhao & Percival 2017
show the estimator is doubly robust for a linear outcome model in the covariates).
"""

from __future__ import annotations

import numpy as np

from outcomelab.errors import NoOverlapError
from outcomelab.matching.weighting_moments import Stacked

__all__ = ["balancing_weights", "entropy_moments"]

_TOL = 1e-10
_MAX_ITER = 200


def _standardise(C: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Centre and scale the covariates (the weights do not change: ``lambda`` absorbs any affine
    map), which keeps Newton's method well conditioned whatever the units."""
    mean = (s @ C) / s.sum()
    sd = np.sqrt((s @ (C - mean) ** 2) / s.sum())
    return (C - mean) / np.where(sd > 0, sd, 1.0)


def balancing_weights(
    C: np.ndarray, target: np.ndarray, base: np.ndarray, group: str
) -> np.ndarray:
    """Solve for ``lambda`` so that ``sum_j w_j c_j / sum_j w_j = target``, ``w_j = base_j
    exp(lambda' (c_j - target))``.

    Parameters
    ----------
    C
        Covariates of the units to reweight (rows), already standardised.
    target
        Target means.
    base
        Base weights (sampling weights), positive.
    group
        Name of the group, for the error message.

    Returns
    -------
    numpy.ndarray
        ``lambda``.

    Raises
    ------
    NoOverlapError
        The target lies outside what any weighting of these units can reach (the dual diverges),
        or a covariate is constant in the group while the target differs.
    """
    U = C - target
    lam = np.zeros(C.shape[1])
    for _ in range(_MAX_ITER):
        eta = U @ lam
        w = base * np.exp(eta - eta.max())
        w /= w.sum()
        grad = w @ U
        if np.max(np.abs(grad)) < _TOL:
            return lam
        H = (U * w[:, None]).T @ U - np.outer(grad, grad)
        try:
            step = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(H, grad, rcond=None)[0]
        f0 = np.log(np.sum(base * np.exp(eta - eta.max()))) + eta.max()
        t = 1.0
        while t > 1e-12:
            eta_new = U @ (lam - t * step)
            f1 = np.log(np.sum(base * np.exp(eta_new - eta_new.max()))) + eta_new.max()
            # Armijo's sufficient decrease, up to rounding of f (near the optimum the decrease
            # of a full Newton step is below the precision of f)
            if f1 <= f0 - 1e-4 * t * (grad @ step) + 8 * np.finfo(float).eps * max(1.0, abs(f0)):
                break
            t /= 2
        lam = lam - t * step
    raise NoOverlapError(
        f"Entropy balancing could not make the {group} units' covariate means equal the target: "
        "the target lies at or beyond the edge of what weighting these units can reach (a "
        "covariate value the other group never has). Drop or coarsen that covariate, or use "
        "method='ipw' with trimming."
    )


Block = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _reweight_block(
    U: np.ndarray, E: np.ndarray, lam: np.ndarray, y: np.ndarray, mu: float, s_g: np.ndarray
) -> Block:
    """Moments and derivatives of one reweighted group: ``psi_lambda = s E u`` and
    ``psi_mu = s E (y - mu)``."""
    wE = s_g * E
    psi_lam = U * wE[:, None]
    psi_mu = wE * (y - mu)
    n, q = U.shape
    # d psi_lambda / d m = -sum s E (u lambda' + I); d psi_lambda / d lambda = sum s E u u'
    d_lam_m = -(np.outer(wE @ U, lam) + np.eye(q) * wE.sum()) / n
    d_lam_lam = (U * wE[:, None]).T @ U / n
    # d psi_mu / d m = -sum s E (y - mu) lambda'; d psi_mu / d lambda = sum s E (y - mu) u'
    r = wE * (y - mu)
    d_mu_m = -(r.sum() / n) * lam
    d_mu_lam = (r @ U) / n
    return psi_lam, psi_mu, np.vstack([d_lam_m, d_mu_m]), np.vstack([d_lam_lam, d_mu_lam]), wE


def entropy_moments(estimand: str, C: np.ndarray, t: np.ndarray, y: np.ndarray,
                    s: np.ndarray) -> tuple[Stacked, np.ndarray]:  # fmt: skip
    """Entropy-balancing estimate of the ATT or ATE as stacked estimating equations.

    Parameters
    ----------
    estimand
        ``"ATT"``: comparison units reweighted to the treated means; ``"ATE"``: both groups
        reweighted to the means of all units (sampling-weighted).
    C
        Covariate design without intercept.
    t, y, s
        Treatment, outcome and sampling weights of every unit.

    Returns
    -------
    stacked
        Moments, Jacobian, contrasts and estimates (effect, E[Y(1)], E[Y(0)]).
    weights
        The balancing weight of every unit (sampling weights not included; treated units 1 for
        the ATT), scaled to sum to the group's size.
    """
    n = len(y)
    Z = _standardise(C, s)
    q = Z.shape[1]
    treated = t == 1
    if estimand == "ATT":
        m = (s[treated] @ Z[treated]) / s[treated].sum()
        psi_m = Z * (s * t)[:, None] - np.outer(s * t, m)
        d_m = -np.eye(q) * np.mean(s * t)
        groups = [(~treated, "comparison")]
    else:
        m = (s @ Z) / s.sum()
        psi_m = (Z - m) * s[:, None]
        d_m = -np.eye(q) * np.mean(s)
        groups = [(treated, "treated"), (~treated, "comparison")]
    U = Z - m
    blocks = []
    unit_w = np.where(treated, 1.0, 0.0) if estimand == "ATT" else np.zeros(n)
    for mask, name in groups:
        lam = balancing_weights(Z[mask], m, s[mask], name)
        eta = U @ lam
        E = np.where(mask, np.exp(eta - eta[mask].max()), 0.0)
        mu = float(np.sum(s * E * y) / np.sum(s * E))
        blocks.append((lam, E, mu))
        unit_w[mask] = E[mask] * mask.sum() / E[mask].sum()
    if estimand == "ATT":
        return _att_stack(U, psi_m, d_m, blocks[0], y, t, s), unit_w
    return _ate_stack(U, psi_m, d_m, blocks[0], blocks[1], y, s), unit_w


def _att_stack(U: np.ndarray, psi_m: np.ndarray, d_m: np.ndarray,
               block: tuple[np.ndarray, np.ndarray, float], y: np.ndarray, t: np.ndarray,
               s: np.ndarray) -> Stacked:  # fmt: skip
    """Parameters (target means m, lambda, E[Y(1) | T=1], E[Y(0) | T=1])."""
    n, q = U.shape
    lam0, E0, mu0 = block
    mu1 = float(np.sum(s * t * y) / np.sum(s * t))
    psi_lam, psi_mu0, dm, dl, wE = _reweight_block(U, E0, lam0, y, mu0, s)
    G = np.column_stack([psi_m, psi_lam, s * t * (y - mu1), psi_mu0])
    k = 2 * q + 2
    A = np.zeros((k, k))
    A[:q, :q] = d_m
    A[q : 2 * q, :q] = dm[:q]
    A[q : 2 * q, q : 2 * q] = dl[:q]
    A[2 * q, 2 * q] = -np.mean(s * t)
    A[2 * q + 1, :q] = dm[q]
    A[2 * q + 1, q : 2 * q] = dl[q]
    A[2 * q + 1, 2 * q + 1] = -wE.sum() / n
    contrasts = np.zeros((3, k))
    contrasts[:, 2 * q] = [1.0, 1.0, 0.0]
    contrasts[:, 2 * q + 1] = [-1.0, 0.0, 1.0]
    return Stacked(G, A, contrasts, np.r_[mu1 - mu0, mu1, mu0])


def _ate_stack(U: np.ndarray, psi_m: np.ndarray, d_m: np.ndarray,
               block1: tuple[np.ndarray, np.ndarray, float],
               block0: tuple[np.ndarray, np.ndarray, float], y: np.ndarray,
               s: np.ndarray) -> Stacked:  # fmt: skip
    """Parameters (target means m, lambda1, lambda0, E[Y(1)], E[Y(0)])."""
    n, q = U.shape
    (lam1, E1, mu1), (lam0, E0, mu0) = block1, block0
    pl1, pm1, dm1, dl1, wE1 = _reweight_block(U, E1, lam1, y, mu1, s)
    pl0, pm0, dm0, dl0, wE0 = _reweight_block(U, E0, lam0, y, mu0, s)
    G = np.column_stack([psi_m, pl1, pl0, pm1, pm0])
    k = 3 * q + 2
    A = np.zeros((k, k))
    L1, L0, i1, i0 = slice(q, 2 * q), slice(2 * q, 3 * q), 3 * q, 3 * q + 1
    A[:q, :q] = d_m
    A[L1, :q], A[L1, L1] = dm1[:q], dl1[:q]
    A[L0, :q], A[L0, L0] = dm0[:q], dl0[:q]
    A[i1, :q], A[i1, L1], A[i1, i1] = dm1[q], dl1[q], -wE1.sum() / n
    A[i0, :q], A[i0, L0], A[i0, i0] = dm0[q], dl0[q], -wE0.sum() / n
    contrasts = np.zeros((3, k))
    contrasts[:, i1] = [1.0, 1.0, 0.0]
    contrasts[:, i0] = [-1.0, 0.0, 1.0]
    return Stacked(G, A, contrasts, np.r_[mu1 - mu0, mu1, mu0])
