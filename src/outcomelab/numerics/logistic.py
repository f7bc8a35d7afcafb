"""The one binomial GLM fit (logit or probit) of the code base, iterated as R's ``glm.fit`` does.

Every propensity score in outcomelab comes from :func:`fit_binomial`: matching's (MatchIt's
``distance = "glm"``), the DiD estimators' (R ``DRDID``/``did``, which call ``glm``/``fastglm``)
and the report's odds weights. The iteration (starting values, the deviance convergence rule, the
link clamps) follows R's ``glm.fit`` and ``binomial()``, so scores agree with R to rounding error
and nearest-neighbour matches, which can hinge on tiny differences, are the same.

The weighted least-squares step runs on **column-scaled** data (each column divided by its norm):
with raw earnings (values near 1e4) beside 0/1 indicators the cross-product matrix has a condition
number near 1e16 and the normal equations lose every digit; after scaling they are well
conditioned and the solution, mapped back to the raw columns, is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from outcomelab.numerics.normal import ndtri

__all__ = ["BinomialFit", "expit", "fit_binomial", "information_inverse"]

_EPS = np.finfo(float).eps
#: R's binomial(link = "probit") clamps the linear predictor at -qnorm(eps)
_PROBIT_THRESH = -ndtri(float(_EPS))

Link = Literal["logit", "probit"]


@dataclass(frozen=True)
class BinomialFit:
    """A fitted binomial GLM.

    Attributes
    ----------
    score
        Fitted probabilities ``mu``.
    linear
        Linear predictor ``eta = x @ coef``.
    coef
        Coefficients on the columns of ``x`` (minimum-norm solution if the design is rank
        deficient).
    converged
        Whether R's rule ``|dev - dev_old| / (|dev| + 0.1) < epsilon`` was met.
    iterations
        IRLS steps taken.
    deviance
        Final (weighted) deviance.
    """

    score: np.ndarray
    linear: np.ndarray
    coef: np.ndarray
    converged: bool
    iterations: int
    deviance: float


def _linkinv(eta: np.ndarray, link: Link) -> np.ndarray:
    if link == "logit":
        # R: binomial()$linkinv clamps at +-30 to eps / 1 - eps
        mu = expit(eta)
        return np.where(eta < -30, _EPS, np.where(eta > 30, 1 - _EPS, mu))
    from scipy import special  # probit only (matching): SciPy's vectorised normal CDF

    return np.asarray(special.ndtr(np.clip(eta, -_PROBIT_THRESH, _PROBIT_THRESH)))


def expit(eta: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-eta))``, as ``scipy.special.expit`` computes it."""
    with np.errstate(over="ignore"):  # exp(-eta) = inf below eta = -709: the score is 0
        return np.asarray(1.0 / (1.0 + np.exp(-eta)))


def _mu_eta(eta: np.ndarray, link: Link) -> np.ndarray:
    if link == "logit":
        opexp = np.exp(-np.abs(eta))
        return np.maximum(opexp / (1 + opexp) ** 2, _EPS)
    return np.maximum(np.exp(-0.5 * eta**2) / np.sqrt(2 * np.pi), _EPS)


def _linkfun(mu: np.ndarray, link: Link) -> np.ndarray:
    if link == "logit":
        return np.asarray(np.log(mu / (1 - mu)))
    from scipy import special

    return np.asarray(special.ndtri(mu))


def _deviance(y: np.ndarray, mu: np.ndarray, weights: np.ndarray | None) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(y == 1, np.log(1.0 / mu), 0.0)
        b = np.where(y == 0, np.log(1.0 / (1.0 - mu)), 0.0)
    resid = a + b
    if weights is not None:
        resid = np.where(weights > 0, weights * resid, 0.0)
    return float(2 * np.sum(resid))


#: rows per block of the IRLS passes: the block's temporaries stay in cache, and the fit never
#: holds more than the design, two n-vectors (eta, mu) and one block's copies
_BLOCK_ROWS = 1 << 15


@dataclass
class _Pass:
    """What one pass over the rows gives: the deviance at the current coefficients and the
    weighted cross-products of the next IRLS step (``x'Wx``, ``x'Wz``; unscaled columns)."""

    deviance: float
    xtwx: np.ndarray
    xtwz: np.ndarray


def _rows(x: np.ndarray, lo: int, hi: int, intercept: bool) -> np.ndarray:
    """Rows ``lo:hi`` of the design: ``x``'s, behind a column of ones with ``intercept``."""
    return np.column_stack([np.ones(hi - lo), x[lo:hi]]) if intercept else x[lo:hi]


def _irls_pass(
    x: np.ndarray,
    intercept: bool,
    y: np.ndarray,
    prior: np.ndarray | None,
    link: Link,
    coef: np.ndarray | None,
    eta: np.ndarray,
    mu: np.ndarray,
    *,
    accumulate: bool,
) -> _Pass:
    """One pass over blocks of rows at ``coef`` (``None``: R's starting values from ``y``).

    Fills ``eta`` and ``mu`` in place, sums the deviance and, if ``accumulate``, the IRLS
    cross-products with the working response ``z = eta + (y - mu) / mu'(eta)`` and the working
    weights ``w mu'(eta)^2 / (mu (1 - mu))``, block by block (no n x k temporary).
    """
    k = x.shape[1] + intercept
    xtwx, xtwz = np.zeros((k, k)), np.zeros(k)
    dev = 0.0
    for lo in range(0, x.shape[0], _BLOCK_ROWS):
        hi = min(lo + _BLOCK_ROWS, x.shape[0])
        yb = y[lo:hi]
        pb = None if prior is None else prior[lo:hi]
        xb = _rows(x, lo, hi, intercept)
        if coef is None:
            mu[lo:hi] = (yb + 0.5) / 2.0 if pb is None else (pb * yb + 0.5) / (pb + 1.0)
            eta[lo:hi] = _linkfun(mu[lo:hi], link)
        else:
            eta[lo:hi] = xb @ coef
            mu[lo:hi] = _linkinv(eta[lo:hi], link)
        eb, mb = eta[lo:hi], mu[lo:hi]
        dev += _deviance(yb, mb, pb)
        if not accumulate:
            continue
        mu_eta = _mu_eta(eb, link)
        z = eb + (yb - mb) / mu_eta
        w2 = mu_eta**2 / (mb * (1 - mb))
        if pb is not None:
            w2 = pb * w2
        xtwx += xb.T @ (xb * w2[:, None])
        xtwz += xb.T @ (w2 * z)
    return _Pass(dev, xtwx, xtwz)


def _solve_step(
    step: _Pass,
    scale: np.ndarray,
    x: np.ndarray,
    intercept: bool,
    y: np.ndarray,
    prior: np.ndarray | None,
    link: Link,
    eta: np.ndarray,
    mu: np.ndarray,
) -> np.ndarray:
    """The IRLS step's weighted least squares by the normal equations of the column-scaled
    design (``x / scale``: well conditioned); an SVD solution on the whole weighted design when
    the scaled cross-product is still ill-conditioned (rank deficient). Returns coefficients on
    the unscaled columns."""
    a = step.xtwx / np.outer(scale, scale)
    b = step.xtwz / scale
    if np.linalg.cond(a) < 1e10:
        return np.asarray(np.linalg.solve(a, b) / scale)
    mu_eta = _mu_eta(eta, link)
    z = eta + (y - mu) / mu_eta
    w2 = mu_eta**2 / (mu * (1 - mu))
    if prior is not None:
        w2 = prior * w2
    root = np.sqrt(w2)
    design = _rows(x, 0, x.shape[0], intercept)
    beta, *_ = np.linalg.lstsq(design / scale * root[:, None], z * root, rcond=None)
    return np.asarray(beta / scale)


def fit_binomial(
    x: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    link: Link = "logit",
    maxit: int = 25,
    epsilon: float = 1e-8,
    intercept: bool = False,
) -> BinomialFit:
    """Fit ``P(y = 1 | x)`` by a binomial GLM with iteratively reweighted least squares.

    Parameters
    ----------
    x
        Design matrix, shape ``(n, k)``: the full design (include the intercept column
        yourself), or without the intercept column when ``intercept=True``.
    y
        0/1 outcome, shape ``(n,)``.
    weights
        Optional non-negative prior weights (R's ``weights`` argument of ``glm``); rows with
        weight 0 do not enter the fit.
    link
        ``"logit"`` or ``"probit"``.
    maxit, epsilon
        Iteration limit and convergence tolerance. R's ``glm.control`` defaults are 25 and
        ``1e-8``; ``fastglm`` (used by R ``did``/``DRDID``) allows 100 iterations.
    intercept
        Put a column of ones in front of ``x`` block by block (no ``n x (k + 1)`` copy of the
        design); the first coefficient is then the intercept's.

    Returns
    -------
    BinomialFit
        Check ``converged``; separation (scores numerically 0 or 1) is for the caller to judge,
        as R leaves it to the user after its warning.

    Notes
    -----
    IRLS as in R's ``glm.fit``: start from ``mu = (w y + 0.5) / (w + 1)`` (``binomial()``'s
    ``initialize``), then repeat ``z = eta + (y - mu) / mu'(eta)``, working weights
    ``w mu'(eta)^2 / (mu (1 - mu))``, weighted least squares of ``z`` on ``x``, until
    ``|dev - dev_old| / (|dev| + 0.1) < epsilon``. The logit inverse link is clamped to
    ``[eps, 1 - eps]`` beyond ``|eta| > 30`` and ``mu'(eta)`` to at least ``eps``, as R does.
    """
    yf = np.asarray(y, dtype=np.float64)
    prior = None if weights is None else np.asarray(weights, dtype=np.float64)
    scale = np.sqrt(np.einsum("ij,ij->j", x, x))
    if intercept:
        scale = np.concatenate([[np.sqrt(x.shape[0])], scale])
    scale[scale == 0] = 1.0
    eta, mu = np.empty(x.shape[0]), np.empty(x.shape[0])
    step = _irls_pass(x, intercept, yf, prior, link, None, eta, mu, accumulate=True)
    dev_old = dev = step.deviance
    coef = np.zeros(len(scale))
    converged = False
    it = 0
    for it in range(1, maxit + 1):
        coef = _solve_step(step, scale, x, intercept, yf, prior, link, eta, mu)
        step = _irls_pass(x, intercept, yf, prior, link, coef, eta, mu, accumulate=it < maxit)
        dev = step.deviance
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        dev_old = dev
    return BinomialFit(
        score=mu, linear=eta, coef=coef, converged=converged, iterations=it, deviance=dev
    )


def information_inverse(
    x: np.ndarray, score: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """``(x' diag(w p (1 - p)) x / n)^{-1}``: ``n`` times R's ``vcov()`` of a logit fit.

    The inverse of the average Fisher information, which the influence function of an estimator
    with an estimated logit propensity score needs (R ``DRDID``'s ``Hessian.ps``).
    """
    w = score * (1 - score)
    if weights is not None:
        w = weights * w
    return np.asarray(np.linalg.inv((x * w[:, None]).T @ x / x.shape[0]))
