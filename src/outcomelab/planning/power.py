"""Closed-form power for a two-group comparison and for difference-in-differences.

Two groups of ``n1`` treated and ``n0`` comparison units, outcome standard deviation ``sigma`` and a
true difference ``delta``: the standardised effect is ``d = delta / sigma`` and the test statistic
has non-centrality ``d sqrt(n1 n0 / (n1 + n0))``.

* ``test="t"``: two-sided t test with ``n1 + n0 - 2`` df, power from the non-central t
  distribution (as ``statsmodels.stats.power.TTestIndPower``);
* ``test="z"``: the normal approximation (as ``NormalIndPower``); both tails are counted.

A difference-in-differences compares the change in the treated group with the change in the
comparison group. With ``m`` periods averaged before and ``r`` after, and correlation ``rho``
between a unit's outcomes in two periods, the variance of a unit's change is ``sigma² f`` with

``f = (1 + (m - 1) rho) / m + (1 + (r - 1) rho) / r - 2 rho``

(McKenzie 2012, eq. 2; ``f = 2 (1 - rho)`` for one period before and one after, which is how the
lab's group-time estimator reads a follow-up year against the year before the start). Power then
follows the two-group formulas with ``sigma_eff = sigma sqrt(f)``.

References
----------
McKenzie, D. (2012). Beyond baseline and follow-up: the case for more T in experiments. Journal of
Development Economics 99(2), 210-221.

Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 2.
"""

from __future__ import annotations

import math

from scipy import optimize, stats

from outcomelab._checks import check_alpha, check_choice, check_probability
from outcomelab.errors import ParameterError

__all__ = [
    "did_variance_factor",
    "power_two_group",
    "solve_effect_size",
    "solve_treated",
]


def _check_sizes(n1: float, n0: float, test: str) -> None:
    check_choice("test", test, ("t", "z"))
    if not (n1 >= 1 and n0 >= 1) or (test == "t" and n1 + n0 <= 2):
        raise ParameterError(
            f"Power needs at least one unit in each group (and three in all for a t test); "
            f"got {n1} treated and {n0} comparison."
        )


def power_two_group(
    effect_size: float, n1: float, n0: float, *, alpha: float = 0.05, test: str = "t"
) -> float:
    """Power of the two-sided two-group test for a standardised effect ``effect_size``.

    Parameters
    ----------
    effect_size
        ``delta / sigma`` (Cohen's d).
    n1, n0
        Treated and comparison units.
    alpha
        Significance level.
    test
        ``"t"`` (non-central t, ``n1 + n0 - 2`` df) or ``"z"`` (normal).

    Returns
    -------
    float
        The probability of rejecting "no effect".

    Examples
    --------
    >>> round(power_two_group(0.5, 64, 64), 3)
    0.801
    """
    check_alpha(alpha)
    _check_sizes(n1, n0, test)
    nc = abs(effect_size) * math.sqrt(n1 * n0 / (n1 + n0))
    if test == "z":
        crit = stats.norm.isf(alpha / 2)
        return float(stats.norm.sf(crit - nc) + stats.norm.cdf(-crit - nc))
    df = n1 + n0 - 2
    crit = stats.t.isf(alpha / 2, df)
    # the lower tail P(T < -crit | nc) written as P(T > crit | -nc): same value, no underflow NaN
    return float(stats.nct.sf(crit, df, nc) + stats.nct.sf(crit, df, -nc))


def solve_effect_size(
    n1: float, n0: float, *, alpha: float = 0.05, power: float = 0.8, test: str = "t"
) -> float:
    """Smallest standardised effect detected with probability ``power`` (the MDE over sigma)."""
    check_probability("power", power)
    _check_sizes(n1, n0, test)
    if power <= alpha:
        raise ParameterError(f"`power` ({power}) must exceed `alpha` ({alpha}).")
    hi = 1.0
    while power_two_group(hi, n1, n0, alpha=alpha, test=test) < power:
        hi *= 2.0
    return float(
        optimize.brentq(
            lambda d: power_two_group(d, n1, n0, alpha=alpha, test=test) - power,
            0.0,
            hi,
            xtol=1e-12,
        )
    )


def solve_treated(
    effect_size: float,
    n0: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    test: str = "t",
    ratio: float | None = None,
    limit: float = 1e7,
) -> float | None:
    """Treated units needed to detect ``effect_size`` with a comparison group of at most ``n0``.

    With ``ratio=None`` the comparison group is the whole pool ``n0`` (difference-in-differences);
    with a ``ratio`` it is ``min(n0, ratio x treated)`` (1:ratio matching from a pool of ``n0``).

    Returns
    -------
    float or None
        The (fractional) number of treated units; ``None`` when even an unlimited number would not
        reach ``power`` because the comparison group is too small.
    """
    check_probability("power", power)
    if effect_size == 0:
        raise ParameterError("`effect_size` must be non-zero to solve for a sample size.")

    def comparison(n: float) -> float:
        return n0 if ratio is None else min(n0, ratio * n)

    def gap(n: float) -> float:
        return power_two_group(effect_size, n, comparison(n), alpha=alpha, test=test) - power

    low = 2.0 if test == "t" else 1.0
    if gap(low) >= 0:
        return low
    if gap(limit) < 0:
        return None
    return float(optimize.brentq(gap, low, limit, xtol=1e-9))


def did_variance_factor(periods_before: int, periods_after: int, icc: float) -> float:
    """``f`` such that Var(a unit's before-after change) = ``sigma² f`` (McKenzie 2012).

    Examples
    --------
    >>> did_variance_factor(1, 1, 0.5)
    1.0
    """
    if periods_before < 1 or periods_after < 1:
        raise ParameterError(
            "A difference-in-differences needs at least one period before and one after."
        )
    check_probability("icc", icc, open_interval=False)
    m, r = periods_before, periods_after
    return (1 + (m - 1) * icc) / m + (1 + (r - 1) * icc) / r - 2 * icc
