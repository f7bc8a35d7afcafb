"""The normal and chi-square tail probabilities the estimators' inference needs, without SciPy.

``scipy.special`` costs about a quarter of a second to import (it loads its array-API layer);
an estimate on a few thousand units takes less than that, so the inference every result makes
(intervals, p-values, the pre-test) uses the standard library instead: ``math.erf``/``erfc`` as
SciPy's ``ndtr`` does (erf near zero, erfc in the tails), ``statistics.NormalDist.inv_cdf``
(Wichura's AS 241, full double precision) for the quantile and the closed forms of the
chi-square distribution with whole degrees of freedom. They agree with ``scipy.special`` to a few
units in the last place (tests/numerics/test_normal.py).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import overload

import numpy as np

__all__ = ["chi2_sf", "ndtr", "ndtri"]

_SQRT1_2 = math.sqrt(0.5)
_STANDARD = NormalDist()


def _cdf(v: float) -> float:
    if math.isnan(v):
        return math.nan
    x = v * _SQRT1_2
    z = abs(x)
    if z < _SQRT1_2:
        return 0.5 + 0.5 * math.erf(x)
    y = 0.5 * math.erfc(z)
    return 1.0 - y if x > 0 else y


def _quantile(p: float) -> float:
    if math.isnan(p) or p < 0 or p > 1:
        return math.nan
    if p == 0:
        return -math.inf
    if p == 1:
        return math.inf
    return _STANDARD.inv_cdf(p)


@overload
def ndtr(x: float) -> float: ...
@overload
def ndtr(x: np.ndarray) -> np.ndarray: ...
def ndtr(x: float | np.ndarray) -> float | np.ndarray:
    """The standard normal distribution function, element by element (``scipy.special.ndtr``)."""
    if np.ndim(x) == 0:
        return _cdf(float(x))
    arr = np.asarray(x, dtype=float)
    return np.fromiter((_cdf(v) for v in arr.ravel()), float, arr.size).reshape(arr.shape)


@overload
def ndtri(p: float) -> float: ...
@overload
def ndtri(p: np.ndarray) -> np.ndarray: ...
def ndtri(p: float | np.ndarray) -> float | np.ndarray:
    """The standard normal quantile, element by element (``scipy.special.ndtri``: ``-inf`` at
    0, ``inf`` at 1, NaN outside [0, 1])."""
    if np.ndim(p) == 0:
        return _quantile(float(p))
    arr = np.asarray(p, dtype=float)
    return np.fromiter((_quantile(v) for v in arr.ravel()), float, arr.size).reshape(arr.shape)


def chi2_sf(df: int, x: float) -> float:
    """``P(X > x)`` for a chi-square variable with ``df`` (a whole number >= 1) degrees of
    freedom (``scipy.special.chdtrc``).

    The regularised upper incomplete gamma function ``Q(df / 2, x / 2)`` in closed form: with
    ``h = x / 2``, ``sum_{j < df/2} h^j e^-h / j!`` for even ``df`` and ``erfc(sqrt(h)) +
    sum_{j < (df-1)/2} h^(j+1/2) e^-h / Gamma(j + 3/2)`` for odd ``df``; each term is formed on
    the log scale so that none overflows or underflows early.
    """
    if df < 1 or int(df) != df:
        raise ValueError(f"chi2_sf needs whole degrees of freedom >= 1; got {df!r}.")
    if math.isnan(x):
        return math.nan
    if x <= 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    h = 0.5 * x
    log_h = math.log(h)
    if df % 2 == 0:
        return math.fsum(math.exp(j * log_h - h - math.lgamma(j + 1)) for j in range(df // 2))
    tail = math.fsum(
        math.exp((j + 0.5) * log_h - h - math.lgamma(j + 1.5)) for j in range((df - 1) // 2)
    )
    return math.erfc(math.sqrt(h)) + tail
