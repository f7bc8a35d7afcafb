"""HonestDiD sensitivity analysis (Rambachan and Roth 2023): robust confidence sets for an
event-study effect when parallel trends may be violated, and the breakdown value.

Public entry points :func:`honest_did` (from coefficients and their covariance) and
:func:`honest_did_for` (from an outcomelab event study: ``att_gt(...).aggregate("dynamic")`` or a
synthetic DiD result).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import ndtri

from outcomelab._checks import check_choice, check_probability
from outcomelab.errors import InputError, ParameterError
from outcomelab.honest.arp import (
    DualPolytope,
    conditional_tests,
    least_favorable_cv,
    no_nuisance_lf_test,
)
from outcomelab.honest.flci import optimal_flci
from outcomelab.honest.restrictions import relative_magnitudes_polyhedron
from outcomelab.honest.result import HonestResult

__all__ = ["honest_did", "honest_did_for"]

Method = Literal["relative_magnitudes", "smoothness"]


def _gamma(l_vec: np.ndarray) -> np.ndarray:
    """Invertible matrix with ``l'`` as first row, completed by unit vectors in order."""
    rows = [l_vec]
    for j in range(len(l_vec)):
        e = np.zeros(len(l_vec))
        e[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([*rows, e])) > len(rows):
            rows.append(e)
        if len(rows) == len(l_vec):
            break
    return np.vstack(rows)


def _rm_piece_grid(
    betahat: np.ndarray,
    sigma: np.ndarray,
    num_pre: int,
    num_post: int,
    l_vec: np.ndarray,
    mbar: float,
    s: int,
    positive: bool,
    grid: np.ndarray,
    alpha: float,
    kappa: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Accept (True) / reject for each grid value, for one polyhedron of ``Delta^RM``."""
    a = relative_magnitudes_polyhedron(num_pre, num_post, mbar, s, positive)
    post = slice(num_pre, num_pre + num_post)
    if num_post == 1:
        a = a[a[:, -1] != 0]
        d = np.zeros(len(a))
        lf = least_favorable_cv(None, a @ sigma @ a.T, kappa, rng)
        e = np.zeros(len(betahat))
        e[num_pre] = 1.0
        return np.array(
            [
                not no_nuisance_lf_test(betahat - e * th, sigma, a, d, alpha, kappa, lf)
                for th in grid
            ]
        )
    rows = np.flatnonzero((a[:, post] != 0).any(axis=1))
    a_gamma = a[:, post] @ np.linalg.inv(_gamma(l_vec))
    a1 = a_gamma[rows, 0]
    x = a_gamma[rows, 1:]
    y = (a @ betahat)[rows]
    sig_y = (a @ sigma @ a.T)[np.ix_(rows, rows)]
    sd = np.sqrt(np.diag(sig_y))
    poly = DualPolytope(x, sd)
    accept = np.zeros(len(grid), dtype=bool)
    if not poly.bounded:  # eta is unbounded below: the null always holds (R: "not rejecting")
        accept[:] = True
        return accept
    lf = least_favorable_cv(poly, sig_y, kappa, rng)
    # the first-stage (least favourable) test rejects every theta whose eta exceeds lf
    ys = y[None, :] - grid[:, None] * a1[None, :]
    candidates = np.flatnonzero(poly.eta(ys) <= lf)
    accept[candidates] = ~conditional_tests(ys[candidates], x, sig_y, poly, alpha, kappa, lf)
    return accept


def honest_did(
    betahat: Sequence[float] | np.ndarray,
    sigma: np.ndarray,
    *,
    num_pre: int,
    num_post: int,
    method: Method = "relative_magnitudes",
    m_values: Sequence[float] | None = None,
    l_vec: Sequence[float] | None = None,
    alpha: float = 0.05,
    grid_points: int = 1000,
    seed: int = 0,
    event_times: Sequence[Any] | None = None,
    outcome: str | None = None,
) -> HonestResult:
    """Robust confidence sets for ``theta = l' tau_post`` under bounded trend violations.

    Parameters
    ----------
    betahat
        Event-study coefficients: ``num_pre`` pre-treatment ones (oldest first), then
        ``num_post`` post-treatment ones; the reference period (just before treatment) is left
        out.
    sigma
        Their covariance matrix.
    num_pre, num_post
        How many of each.
    method
        ``"relative_magnitudes"``: each post-treatment change in the trend violation is at most
        ``Mbar`` times the largest pre-treatment change (confidence set by the conditional
        least-favourable hybrid test, C-LF). ``"smoothness"``: the slope of the violation changes
        by at most ``M`` per period (optimal fixed-length interval, FLCI).
    m_values
        The ``Mbar`` or ``M`` values (default: 0 to 2 in 10 steps for relative magnitudes; for
        smoothness 0 to 2 standard errors of the first-period effect... see Notes).
    l_vec
        Weights of the post-treatment effects in ``theta`` (default: the first post period).
    alpha
        1 - confidence level.
    grid_points
        Grid for the test inversion (relative magnitudes), from ``-20`` to ``+20`` standard errors
        of ``theta``, as in R ``HonestDiD``.
    seed
        Seed of the least-favourable critical value's simulation (1000 draws).
    event_times, outcome
        Labels kept in the result.

    Returns
    -------
    HonestResult
        One row per ``M`` (``lb``, ``ub``), the original interval and the breakdown value (the
        largest ``M`` whose set excludes zero).

    Raises
    ------
    InputError
        Wrong sizes, a non-symmetric or non-positive-semidefinite ``sigma``, too few
        pre-periods.
    ParameterError
        Unknown ``method``, negative ``m_values``.

    Notes
    -----
    The default ``M`` grid for smoothness is ``0`` to ``sd(theta)/2`` in 10 steps (a slope change
    of half a standard error per period is already a large violation).

    References
    ----------
    Rambachan, A. and Roth, J. (2023). A more credible approach to parallel trends. Review of
    Economic Studies 90(5), 2555-2591.

    Andrews, I., Roth, J. and Pakes, A. (2023). Inference for linear conditional moment
    inequalities. Review of Economic Studies 90(6), 2763-2791.
    """
    check_choice("method", method, ("relative_magnitudes", "smoothness"))
    check_probability("alpha", alpha)
    b = np.asarray(betahat, dtype=float).ravel()
    s = np.asarray(sigma, dtype=float)
    _check_event_study(b, s, method, num_pre, num_post)
    lv = _l_vector(l_vec, num_post)
    n = num_pre + num_post
    post = slice(num_pre, n)
    theta = float(lv @ b[post])
    sd_theta = float(np.sqrt(lv @ s[post, post] @ lv))
    if not sd_theta > 0:
        raise InputError("The effect of interest has zero variance; sensitivity is undefined.")
    z = float(ndtri(1 - alpha / 2))
    if m_values is None:
        top = 2.0 if method == "relative_magnitudes" else sd_theta / 2
        m_values = list(np.linspace(0, top, 10))
    ms = np.asarray(list(m_values), dtype=float)
    if (ms < 0).any():
        raise ParameterError("`m_values` must be zero or positive.")
    if method == "smoothness":
        rows = _smoothness_rows(b, s, num_pre, num_post, lv, ms, alpha)
    else:
        grid = np.linspace(-20 * sd_theta, 20 * sd_theta, grid_points)
        rows = _rm_rows(b, s, num_pre, num_post, lv, ms, grid, alpha, seed)
    table = pd.DataFrame(rows, columns=["m", "lb", "ub", "ci_method"])
    return HonestResult(
        method=method,
        table=table,
        estimate=theta,
        std_error=sd_theta,
        original_low=theta - z * sd_theta,
        original_high=theta + z * sd_theta,
        alpha=alpha,
        l_vec=tuple(float(v) for v in lv),
        num_pre=num_pre,
        num_post=num_post,
        event_times=None if event_times is None else tuple(event_times),
        outcome=outcome,
        max_pre_change=float(np.abs(np.diff(np.r_[b[:num_pre], 0.0])).max()),
    )


def honest_did_for(
    result: Any,
    *,
    method: Method = "relative_magnitudes",
    m_values: Sequence[float] | None = None,
    post_period: int | Literal["average"] = 0,
    alpha: float | None = None,
    num_pre: int | None = None,
    num_post: int | None = None,
    **kwargs: Any,
) -> HonestResult:
    """HonestDiD for an outcomelab event study.

    Parameters
    ----------
    result
        A synthetic DiD result (:func:`outcomelab.synth.synthdid`, which carries ``event_study``
        and ``event_vcov``) or an event study from ``att_gt(...).aggregate("dynamic")`` that
        carries its covariance (``vcov``). For ``att_gt`` use ``base_period="universal"`` so the
        pre-treatment coefficients are relative to the period before treatment, as HonestDiD
        assumes.
    method, m_values
        See :func:`honest_did`.
    post_period
        Which post-treatment effect to study: 0 = the first treated period (event time 0);
        ``"average"``: the mean of all post-treatment effects (the average effect on the treated
        over the post-treatment periods that synthetic DiD reports).
    alpha
        Default: the result's level.
    num_pre
        Use only the last ``num_pre`` pre-treatment coefficients (default: all).
    num_post
        Use only the first ``num_post`` post-treatment coefficients (default: all). The
        relative-magnitudes set treats the other post-treatment effects as nuisance parameters,
        whose number makes it slow on long panels (12 post periods: minutes); the first post
        period alone (``num_post=1``) takes well under a second.
    **kwargs
        Passed to :func:`honest_did`.

    Returns
    -------
    HonestResult

    Raises
    ------
    InputError
        The result carries no event-study covariance, or ``post_period`` is out of range.
    """
    table, vcov = _event_study_parts(result)
    e = table["event_time"].to_numpy(dtype=float)
    keep = e != -1
    table, vcov = table[keep].reset_index(drop=True), vcov[np.ix_(keep, keep)]
    e = table["event_time"].to_numpy(dtype=float)
    pre = np.flatnonzero(e < 0)
    post = np.flatnonzero(e >= 0)
    if num_pre is not None:
        pre = pre[-num_pre:]
    if num_post is not None:
        post = post[:num_post]
    if post_period == "average":
        lv = np.full(len(post), 1.0 / len(post))
    elif isinstance(post_period, int) and 0 <= post_period < len(post):
        lv = np.zeros(len(post))
        lv[post_period] = 1.0
    else:
        raise InputError(
            f"`post_period` must be 'average' or between 0 and {len(post) - 1} (event times "
            f"{', '.join(f'{v:g}' for v in e[post])}); got {post_period!r}."
        )
    idx = np.r_[pre, post]
    return honest_did(
        table["estimate"].to_numpy(dtype=float)[idx],
        vcov[np.ix_(idx, idx)],
        num_pre=len(pre),
        num_post=len(post),
        method=method,
        m_values=m_values,
        l_vec=list(lv),
        alpha=getattr(result, "alpha", 0.05) if alpha is None else alpha,
        event_times=list(e[idx]),
        outcome=getattr(result, "outcome", None),
        **kwargs,
    )


def _event_study_parts(result: Any) -> tuple[pd.DataFrame, np.ndarray]:
    es = getattr(result, "event_study", None)
    cov = getattr(result, "event_vcov", None)
    if es is not None and cov is not None:
        return es[["event_time", "estimate"]].copy(), np.asarray(cov, dtype=float)
    cov = getattr(result, "vcov", None)
    if cov is None:
        cov = getattr(result, "covariance", None)
    tidy = result.tidy() if hasattr(result, "tidy") else None
    if cov is None or tidy is None or "event_time" not in tidy.columns:
        raise InputError(
            "honest_did_for needs an event study with its covariance: a synthdid result with "
            "standard errors, or att_gt(...).aggregate('dynamic') (which keeps `vcov`). For other "
            "estimators call honest_did(betahat, sigma, num_pre=..., num_post=...) directly."
        )
    return tidy[["event_time", "estimate"]].copy(), np.asarray(cov, dtype=float)


def _check_event_study(
    b: np.ndarray, s: np.ndarray, method: str, num_pre: int, num_post: int
) -> None:
    """Sizes, finiteness, symmetry and semi-definiteness of the coefficients and covariance."""
    n = num_pre + num_post
    if b.shape != (n,) or s.shape != (n, n):
        raise InputError(
            f"`betahat` has {b.size} values and `sigma` is {s.shape[0]}x{s.shape[-1]}, but "
            f"num_pre + num_post = {n}; pass the event-study coefficients without the reference "
            "period."
        )
    if not np.all(np.isfinite(b)) or not np.all(np.isfinite(s)):
        raise InputError("`betahat` and `sigma` must be finite numbers.")
    if not np.allclose(s, s.T, atol=1e-10 * max(1.0, float(np.abs(s).max()))):
        raise InputError("`sigma` is not symmetric; pass the covariance matrix of `betahat`.")
    if np.linalg.eigvalsh((s + s.T) / 2).min() < -1e-10 * max(1.0, float(np.abs(s).max())):
        raise InputError("`sigma` is not positive semi-definite; pass a covariance matrix.")
    need = 2 if method == "smoothness" else 1
    if num_pre < need or num_post < 1:
        raise InputError(
            f"{method} needs at least {need} pre-treatment coefficient(s) and one post-treatment "
            f"one; got num_pre={num_pre}, num_post={num_post}."
        )


def _l_vector(l_vec: Sequence[float] | None, num_post: int) -> np.ndarray:
    """The weights of the post-treatment effects (default: the first post period)."""
    if l_vec is None:
        lv = np.zeros(num_post)
        lv[0] = 1.0
        return lv
    lv = np.asarray(l_vec, dtype=float).ravel()
    if lv.shape != (num_post,):
        raise InputError(f"`l_vec` must have num_post = {num_post} values; got {lv.size}.")
    return lv


def _smoothness_rows(
    b: np.ndarray,
    s: np.ndarray,
    num_pre: int,
    num_post: int,
    lv: np.ndarray,
    ms: np.ndarray,
    alpha: float,
) -> list[tuple[float, float, float, str]]:
    """Optimal FLCI for each ``M``."""
    rows = []
    for m in ms:
        fl = optimal_flci(s, num_pre, num_post, lv, float(m), alpha)
        centre = float(fl.weights @ b)
        rows.append((float(m), centre - fl.half_length, centre + fl.half_length, "FLCI"))
    return rows


def _rm_rows(
    b: np.ndarray,
    s: np.ndarray,
    num_pre: int,
    num_post: int,
    lv: np.ndarray,
    ms: np.ndarray,
    grid: np.ndarray,
    alpha: float,
    seed: int,
) -> list[tuple[float, float, float, str]]:
    """C-LF set for each ``Mbar``: the union over the polyhedra of ``Delta^RM``."""
    kappa = alpha / 10
    rows = []
    for m in ms:
        accept = np.zeros(len(grid), dtype=bool)
        for s_loc in range(-(num_pre - 1), 1):
            for positive in (True, False):
                rng = np.random.default_rng(seed)
                accept |= _rm_piece_grid(
                    b, s, num_pre, num_post, lv, float(m), s_loc, positive, grid, alpha, kappa, rng
                )
        if accept.any():
            rows.append((float(m), float(grid[accept].min()), float(grid[accept].max()), "C-LF"))
        else:
            rows.append((float(m), np.nan, np.nan, "C-LF"))
    return rows
