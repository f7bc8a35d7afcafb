"""Synthetic difference-in-differences on an outcome matrix (Arkhangelsky et al. 2021).

Rows ``0..N0-1`` of ``Y`` are comparison units, the rest treated; columns ``0..T0-1`` are
pre-treatment periods, the rest post. The three estimators of the paper share one code path and
differ only in their weights, exactly as in the R package ``synthdid``:

* ``sdid``: unit weights ``omega`` (with intercept, ridge ``zeta_omega = (N1 T1)^(1/4) sigma``) and
  time weights ``lambda`` (with intercept, ridge ``1e-6 sigma``), where ``sigma`` is the standard
  deviation of the first differences of the comparison units' pre-period outcomes;
* ``sc``: unit weights without intercept and with an infinitesimal ridge, no time weights;
* ``did``: uniform unit and time weights.

``tau = (-omega, 1/N1)' Y (-lambda, 1/T1)``. Variance: placebo (Algorithm 4), bootstrap
(Algorithm 2) and fixed-weight jackknife (Algorithm 3).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from outcomelab.synth.frank_wolfe import collapsed_form, fw_simplex, sparsify

__all__ = ["SdidFit", "SdidOptions", "fit_sdid", "noise_level", "variance_draws"]

SdidMethod = Literal["sdid", "sc", "did"]
SeMethod = Literal["placebo", "bootstrap", "jackknife"]


def noise_level(y: np.ndarray, n0: int, t0: int) -> float:
    """Standard deviation of the first differences of the comparison units' pre-period outcomes."""
    if t0 < 2:
        return 0.0
    return float(np.std(np.diff(y[:n0, :t0], axis=1), ddof=1))


@dataclass(frozen=True)
class SdidOptions:
    """Regularisation and solver settings, fixed from the full sample (as R keeps ``opts``)."""

    method: SdidMethod
    zeta_omega: float
    zeta_lambda: float
    min_decrease: float
    max_iter: int = 10_000
    max_iter_pre_sparsify: int = 100
    do_sparsify: bool = True

    @classmethod
    def default(cls, method: SdidMethod, y: np.ndarray, n0: int, t0: int) -> SdidOptions:
        """The package defaults for ``method`` on the matrix ``y``."""
        sigma = noise_level(y, n0, t0)
        n1, t1 = y.shape[0] - n0, y.shape[1] - t0
        eta_omega = (n1 * t1) ** 0.25 if method == "sdid" else 1e-6
        return cls(
            method=method,
            zeta_omega=eta_omega * sigma,
            zeta_lambda=1e-6 * sigma,
            min_decrease=1e-5 * sigma,
        )


@dataclass(frozen=True)
class SdidFit:
    """Weights and estimate of one fit."""

    estimate: float
    omega: np.ndarray
    lambda_: np.ndarray


def _solve(
    y: np.ndarray, zeta: float, intercept: bool, init: np.ndarray | None, opts: SdidOptions
) -> np.ndarray:
    first_iter = opts.max_iter_pre_sparsify if opts.do_sparsify else opts.max_iter
    w = fw_simplex(
        y,
        zeta=zeta,
        intercept=intercept,
        init=init,
        min_decrease=opts.min_decrease,
        max_iter=first_iter,
    )
    if opts.do_sparsify:
        w = fw_simplex(
            y,
            zeta=zeta,
            intercept=intercept,
            init=sparsify(w),
            min_decrease=opts.min_decrease,
            max_iter=opts.max_iter,
        )
    return w


def fit_sdid(
    y: np.ndarray,
    n0: int,
    t0: int,
    opts: SdidOptions,
    *,
    omega_init: np.ndarray | None = None,
    lambda_init: np.ndarray | None = None,
    update: bool = True,
) -> SdidFit:
    """Weights and point estimate for the block design ``(n0, t0)``.

    ``update=False`` keeps ``omega_init``/``lambda_init`` as given (the fixed-weight jackknife).
    """
    n, t = y.shape
    n1, t1 = n - n0, t - t0
    if opts.method == "did":
        omega = np.full(n0, 1.0 / n0)
        lam = np.full(t0, 1.0 / t0)
    else:
        yc = collapsed_form(y, n0, t0)
        if opts.method == "sc":
            lam = np.zeros(t0)
        elif update or lambda_init is None:
            lam = _solve(yc[:n0, :], opts.zeta_lambda, True, lambda_init, opts)
        else:
            lam = lambda_init
        if update or omega_init is None:
            omega = _solve(yc[:, :t0].T, opts.zeta_omega, opts.method == "sdid", omega_init, opts)
        else:
            omega = omega_init
    row = np.concatenate([-omega, np.full(n1, 1.0 / n1)])
    col = np.concatenate([-lam, np.full(t1, 1.0 / t1)])
    return SdidFit(float(row @ y @ col), omega, lam)


def _sum_normalize(x: np.ndarray) -> np.ndarray:
    s = x.sum()
    return x / s if s != 0 else np.full(len(x), 1.0 / len(x))


def variance_draws(
    y: np.ndarray,
    n0: int,
    t0: int,
    opts: SdidOptions,
    fit: SdidFit,
    se: SeMethod,
    replications: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Replicate estimates behind the standard error (``se = sqrt((B-1)/B) sd(draws)``).

    For ``jackknife`` the leave-one-unit-out estimates with the weights held fixed; the
    standard error is then ``sqrt((n-1)/n * sum (u - mean u)^2)`` (see :func:`standard_error`).
    """
    n = y.shape[0]
    n1 = n - n0
    if se == "placebo":
        draws = np.empty(replications)
        for b in range(replications):
            ind = rng.permutation(n0)
            n0b = n0 - n1
            sub = y[ind]
            draws[b] = fit_sdid(
                sub,
                n0b,
                t0,
                opts,
                omega_init=_sum_normalize(fit.omega[ind[:n0b]]),
                lambda_init=fit.lambda_,
            ).estimate
        return draws
    if se == "bootstrap":
        draws = np.empty(replications)
        b = 0
        while b < replications:
            ind = np.sort(rng.integers(0, n, size=n))
            n0b = int((ind < n0).sum())
            if n0b == 0 or n0b == n:
                continue
            draws[b] = fit_sdid(
                y[ind],
                n0b,
                t0,
                opts,
                omega_init=_sum_normalize(fit.omega[ind[:n0b]]),
                lambda_init=fit.lambda_,
            ).estimate
            b += 1
        return draws
    # fixed-weight jackknife, in closed form: drop one unit, renormalise omega, keep lambda
    t1 = y.shape[1] - t0
    col = np.concatenate([-fit.lambda_, np.full(t1, 1.0 / t1)])
    unit_contrast = y @ col  # each unit's lambda-weighted post-minus-pre change
    treated = unit_contrast[n0:]
    controls = unit_contrast[:n0]
    omega = fit.omega
    out = np.empty(n)
    total = float(omega @ controls)
    for j in range(n0):
        rest = 1.0 - omega[j]
        out[j] = treated.mean() - (total - omega[j] * controls[j]) / rest
    s = treated.sum()
    for k in range(n1):
        out[n0 + k] = (s - treated[k]) / (n1 - 1) - total
    return out


def standard_error(draws: np.ndarray, se: SeMethod) -> float:
    """Standard error from replicate draws as the paper defines it for each method."""
    b = len(draws)
    if se == "jackknife":
        return float(np.sqrt((b - 1) / b * np.sum((draws - draws.mean()) ** 2)))
    return float(np.sqrt((b - 1) / b) * np.std(draws, ddof=1))


def with_method(opts: SdidOptions, method: SdidMethod) -> SdidOptions:
    """The same options for another estimator."""
    return replace(opts, method=method)
