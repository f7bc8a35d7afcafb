"""The options of one socio-economic appraisal, checked once, and the years they span.

:class:`ValueOptions` is the parameter object behind :func:`outcomelab.economics.value`: every
option is checked when it is made, and :meth:`ValueOptions.settings` is the record the result
keeps. :class:`AppraisalYears` holds the calendar years the options and the costs decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import check_alpha
from outcomelab.economics.outcomes import ONE_OFF_OUTCOMES
from outcomelab.economics.persistence import Persistence, persistence_factors
from outcomelab.errors import InputError, ParameterError

__all__ = ["AppraisalYears", "ValueOptions", "appraisal_years"]

DiscountSchedule = Literal["constant", "declining"] | Sequence[tuple[int, float]]


@dataclass(frozen=True)
class ValueOptions:
    """The options of :func:`~outcomelab.economics.value` (see there), checked on creation.

    Raises
    ------
    ParameterError
        An option outside its allowed range.

    Examples
    --------
    >>> ValueOptions(horizon_years=3, participants=60).years_of(["sick_leave_days"])
    {'sick_leave_days': 3}
    >>> ValueOptions(horizon_years=3, participants=0)
    Traceback (most recent call last):
    ...
    outcomelab.errors.ParameterError: `participants` must be a whole number >= 1; got 0.
    """

    horizon_years: int
    participants: int
    start_year: int | None = None
    effect_start_year: int | None = None
    price_year: int | None = None
    discount_rate: float = 0.035
    discount_schedule: DiscountSchedule = "constant"
    persistence: Persistence = "constant"
    decay_years: float | None = None
    half_life: float | None = None
    effect_years: Mapping[str, int] | None = None
    deadweight: float = 0.0
    optimism_bias: float = 0.0
    draws: int = 10_000
    seed: int | None = None
    alpha: float = 0.05

    def __post_init__(self) -> None:
        participants, draws = self.participants, self.draws
        if int(participants) != participants or participants < 1:
            raise ParameterError(
                f"`participants` must be a whole number >= 1; got {participants!r}."
            )
        if not 0 <= self.deadweight < 1:
            raise ParameterError(f"`deadweight` must be in [0, 1); got {self.deadweight!r}.")
        if not self.optimism_bias >= 0:
            raise ParameterError(
                f"`optimism_bias` must be >= 0 (0.2 for 20 %); got {self.optimism_bias!r}."
            )
        if int(draws) != draws or draws < 0:
            raise ParameterError(f"`draws` must be a whole number >= 0; got {draws!r}.")
        check_alpha(self.alpha)
        if self.discount_schedule == "declining" and self.discount_rate != 0.035:
            raise ParameterError(
                "`discount_schedule='declining'` uses the Green Book rates (3.5 % for years "
                f"0-30, then 3.0 %, ...), but `discount_rate` = {self.discount_rate!r} was also "
                "given; leave `discount_rate` at 0.035 or pass explicit steps, e.g. "
                "[(0, 0.04), (31, 0.03)]."
            )
        for o, n_years in dict(self.effect_years or {}).items():
            if int(n_years) != n_years or n_years < 1:
                raise ParameterError(
                    f"`effect_years[{o!r}]` must be a whole number of years >= 1; got {n_years!r}."
                )

    @property
    def horizon(self) -> int:
        """The appraisal's length in whole years."""
        return int(self.horizon_years)

    @property
    def scale(self) -> float:
        """Participants net of deadweight: what one participant's effect is multiplied by."""
        return float(self.participants) * (1.0 - self.deadweight)

    def years_of(self, outcomes: Sequence[str]) -> dict[str, int]:
        """How many years each outcome's effect counts (one-off outcomes 1, others the horizon)."""
        years = {o: self.horizon for o in outcomes} | {
            o: 1 for o in outcomes if o in ONE_OFF_OUTCOMES
        }
        return years | {o: int(n) for o, n in dict(self.effect_years or {}).items()}

    def effect_weights(self, outcomes: Sequence[str], lag: int) -> np.ndarray:
        """Weight of each outcome's effect per appraisal year (outcomes x years).

        Zero before the effects start (``lag`` years after year 0) and once the outcome's effect
        years have passed; in between the persistence factors.
        """
        weight = np.zeros(self.horizon)
        weight[lag:] = persistence_factors(
            self.horizon - lag,
            self.persistence,
            decay_years=self.decay_years,
            half_life=self.half_life,
        )
        years_of = self.years_of(outcomes)
        weights = np.zeros((len(outcomes), self.horizon))
        for j, o in enumerate(outcomes):
            weights[j] = weight
            weights[j, lag + years_of[o] :] = 0.0
        return weights

    def settings(self, years: AppraisalYears, valued: Sequence[str]) -> dict[str, object]:
        """The settings record of the result (what was assumed, in JSON-friendly types)."""
        schedule = self.discount_schedule
        years_of = self.years_of(valued)
        return {
            "horizon_years": self.horizon,
            "participants": int(self.participants),
            "start_year": years.start,
            "effect_start_year": years.first_effect,
            "price_year": years.price_year,
            "discount_rate": float(self.discount_rate),
            "discount_schedule": schedule
            if isinstance(schedule, str)
            else [list(s) for s in schedule],
            "persistence": self.persistence,
            "decay_years": self.decay_years,
            "half_life": self.half_life,
            "effect_years": {o: years_of[o] for o in valued},
            "deadweight": float(self.deadweight),
            "optimism_bias": float(self.optimism_bias),
            "draws": int(self.draws),
            "seed": self.seed,
            "alpha": float(self.alpha),
        }


@dataclass(frozen=True)
class AppraisalYears:
    """The calendar years of one appraisal.

    Attributes
    ----------
    years
        Calendar year of each appraisal year (year 0 first, not discounted).
    first_effect
        First calendar year with effects.
    price_year
        Price year of every amount in the result.
    """

    years: np.ndarray
    first_effect: int
    price_year: int

    @property
    def start(self) -> int:
        """Calendar year of appraisal year 0."""
        return int(self.years[0])

    @property
    def lag(self) -> int:
        """Years from year 0 to the first year with effects."""
        return self.first_effect - self.start


def appraisal_years(
    options: ValueOptions, unit_value_rows: pd.DataFrame, costs: pd.DataFrame
) -> AppraisalYears:
    """The appraisal's years: start (default the first cost year), first effect, price year.

    Raises
    ------
    ParameterError
        No ``start_year`` and no costs, or an ``effect_start_year`` outside the appraisal.
    InputError
        Costs in years outside the appraisal.
    """
    start_year = options.start_year
    if start_year is None:
        if costs.empty:
            raise ParameterError("`start_year` is required when there are no costs.")
        start_year = int(costs["year"].min())
    first_effect = int(
        start_year if options.effect_start_year is None else options.effect_start_year
    )
    price_year = options.price_year
    if price_year is None:
        price_year = int(max([*unit_value_rows["price_year"], *costs["price_year"]]))
    years = np.arange(int(start_year), int(start_year) + options.horizon)
    outside = costs.loc[(costs["year"] < years[0]) | (costs["year"] > years[-1])]
    if len(outside):
        raise InputError(
            f"`costs` has years {sorted(outside['year'].unique())} outside the appraisal "
            f"{years[0]}-{years[-1]}; lengthen `horizon_years` or move `start_year`."
        )
    if not years[0] <= first_effect <= years[-1]:
        raise ParameterError(
            f"`effect_start_year` = {first_effect} is outside the appraisal {years[0]}-{years[-1]}."
        )
    return AppraisalYears(years=years, first_effect=first_effect, price_year=int(price_year))
