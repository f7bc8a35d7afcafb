"""Discount factors: a constant rate or a declining long-horizon schedule (UK Green Book).

Year ``t = 0`` is the first year of the appraisal and is not discounted; flows are treated as
falling at the end of year ``t`` (the Green Book's and ASEK's convention for annual flows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from outcomelab.errors import ParameterError

__all__ = ["GREEN_BOOK_SCHEDULE", "discount_factors"]

#: UK HM Treasury Green Book (2022), table 8: (first year the rate applies, rate). The Swedish
#: transport appraisal guidance (ASEK) also uses 3.5 %.
GREEN_BOOK_SCHEDULE: tuple[tuple[int, float], ...] = (
    (0, 0.035),
    (31, 0.030),
    (76, 0.025),
    (126, 0.020),
    (201, 0.015),
    (301, 0.010),
)


def _check_schedule(schedule: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
    steps = [(int(start), float(rate)) for start, rate in schedule]
    if not steps or steps[0][0] != 0:
        raise ParameterError(
            "`discount_schedule` must start at year 0, e.g. [(0, 0.035), (31, 0.03)]; "
            f"got {list(schedule)!r}."
        )
    starts = [s for s, _ in steps]
    if starts != sorted(set(starts)):
        raise ParameterError(
            f"`discount_schedule` years must increase strictly; got the start years {starts}."
        )
    for start, rate in steps:
        if not -0.5 < rate < 1:
            raise ParameterError(
                f"`discount_schedule` has the rate {rate!r} from year {start}; rates are fractions "
                "(0.035 for 3.5 %) between -0.5 and 1."
            )
    return steps


def discount_factors(
    n_years: int,
    rate: float = 0.035,
    schedule: Literal["constant", "declining"] | Sequence[tuple[int, float]] = "constant",
) -> np.ndarray:
    """Discount factors for years ``0 .. n_years - 1``.

    Parameters
    ----------
    n_years
        Number of years (>= 1).
    rate
        Annual discount rate as a fraction (0.035 = 3.5 %), used when ``schedule="constant"``.
    schedule
        ``"constant"``: one rate for every year. ``"declining"``: the Green Book schedule
        (:data:`GREEN_BOOK_SCHEDULE`: 3.5 % for years 0-30, 3.0 % for 31-75, 2.5 % for 76-125, ...).
        Or a sequence of ``(first_year, rate)`` steps starting at year 0.

    Returns
    -------
    numpy.ndarray
        ``D_t`` for ``t = 0 .. n_years - 1`` (``D_0 = 1``).

    Raises
    ------
    ParameterError
        If ``n_years < 1``, the rate is not in (-0.5, 1) or the schedule is malformed.

    Notes
    -----
    Constant rate: :math:`D_t = (1 + r)^{-t}`. Step schedule with rate :math:`r_s` in force in
    year :math:`s`: :math:`D_t = \\prod_{s=1}^{t} (1 + r_s)^{-1}`, so with the Green Book
    :math:`D_{40} = 1.035^{-30} \\cdot 1.03^{-10}`.

    References
    ----------
    HM Treasury (2022). *The Green Book: Central Government Guidance on Appraisal and Evaluation*,
    section A6 (discounting), table 8.
    Trafikverket (2024). *ASEK 8.0*, chapter 5 (kalkylränta 3.5 %).

    Examples
    --------
    >>> discount_factors(3, 0.10).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    if int(n_years) != n_years or n_years < 1:
        raise ParameterError(f"`horizon_years` must be a whole number >= 1; got {n_years!r}.")
    if isinstance(schedule, str):
        if schedule == "constant":
            if not -0.5 < float(rate) < 1:
                raise ParameterError(
                    f"`discount_rate` must be a fraction between -0.5 and 1 (0.035 for 3.5 %); "
                    f"got {rate!r}."
                )
            return np.power(1.0 + float(rate), -np.arange(int(n_years), dtype=float))
        if schedule == "declining":
            steps = list(GREEN_BOOK_SCHEDULE)
        else:
            raise ParameterError(
                f"`discount_schedule` must be 'constant', 'declining' or a list of "
                f"(first_year, rate) steps; got {schedule!r}."
            )
    else:
        steps = _check_schedule(schedule)
    years = np.arange(int(n_years))
    rates = np.empty(int(n_years))
    for start, step_rate in steps:
        rates[years >= start] = step_rate
    # the rate in force in year s discounts year s back to year s - 1
    per_year = np.concatenate([[1.0], 1.0 / (1.0 + rates[1:])])
    return np.cumprod(per_year)
