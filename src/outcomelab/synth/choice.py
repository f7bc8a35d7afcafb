"""Which design fits an intervention whose units are municipalities, regions or other aggregates.

:func:`choose_aggregate_design` applies the lab's rule:

* a few treated units (at most ``max_few``) with enough comparison units that have the whole
  series (donors): synthetic difference-in-differences, with synthetic control beside it;
* many treated units: group-time DiD (``att_gt``) weighted by population;
* no (or too few) usable donors: interrupted time series on the treated units' own history.

The result names the design and the reasons as codes (for the report's vocabulary) and as
English sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import require_columns, require_dataframe
from outcomelab.errors import EmptyGroupError, InputError

__all__ = ["DesignChoice", "choose_aggregate_design"]

Design = Literal["sdid", "att_gt", "its"]


@dataclass(frozen=True)
class DesignChoice:
    """The chosen design and why.

    Attributes
    ----------
    design
        ``"sdid"``, ``"att_gt"`` or ``"its"``.
    reason
        Code of the deciding reason: ``few_treated_with_donors``, ``many_treated``,
        ``no_donors`` or ``too_few_pre_periods``.
    n_treated, n_donors, n_pre
        Treated units, comparison units with a complete series, and pre-treatment periods of the
        first cohort.
    sentence
        The reason in one English sentence.
    """

    design: Design
    reason: str
    n_treated: int
    n_donors: int
    n_pre: int
    sentence: str


def choose_aggregate_design(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    max_few: int = 10,
    min_donors: int = 5,
    min_pre: int = 4,
) -> DesignChoice:
    """Pick the design for an aggregate-unit panel.

    Parameters
    ----------
    data
        Long panel, one row per unit and period.
    outcome, unit, time
        Column names.
    cohort
        First treated period per unit (0 or missing: never treated).
    max_few
        Largest number of treated units for which synthetic DiD is chosen.
    min_donors
        Fewest never treated units with a complete outcome series (donors) for a comparison
        design.
    min_pre
        Fewest pre-treatment periods for a comparison design.

    Returns
    -------
    DesignChoice

    Raises
    ------
    InputError
        Missing columns.
    EmptyGroupError
        No treated unit.
    """
    data = require_dataframe(data)
    require_columns(data, outcome=outcome, unit=unit, time=time, cohort=cohort)
    periods = np.sort(data[time].dropna().unique())
    g = pd.to_numeric(data.groupby(unit)[cohort].max(), errors="coerce").fillna(0)
    treated = g[g > 0]
    if treated.empty:
        raise EmptyGroupError(
            "No unit has a treatment start (cohort); there is nothing to evaluate."
        )
    complete = data.dropna(subset=[outcome]).groupby(unit)[time].nunique() == len(periods)
    donors = [u for u in g.index[g == 0] if bool(complete.get(u, False))]
    first = treated.min()
    n_pre = int((periods < first).sum())
    n_t, n_d = len(treated), len(donors)
    if n_pre < min_pre:
        if n_pre < 3:
            raise InputError(
                f"The first treated units start after only {n_pre} observed periods; no design "
                "can estimate an effect without at least 3 earlier periods."
            )
        return DesignChoice(
            "its",
            "too_few_pre_periods",
            n_t,
            n_d,
            n_pre,
            f"Only {n_pre} periods before the start: too few to build a comparison group, so "
            "the treated units are compared with their own earlier trend.",
        )
    if n_d < min_donors:
        return DesignChoice(
            "its",
            "no_donors",
            n_t,
            n_d,
            n_pre,
            f"Only {n_d} comparison units have the whole series (at least {min_donors} are "
            "needed), so the treated units are compared with their own earlier trend.",
        )
    if n_t <= max_few:
        return DesignChoice(
            "sdid",
            "few_treated_with_donors",
            n_t,
            n_d,
            n_pre,
            f"{n_t} treated unit(s) and {n_d} possible comparison units: a weighted "
            "(synthetic) comparison group is built from the comparison units.",
        )
    return DesignChoice(
        "att_gt",
        "many_treated",
        n_t,
        n_d,
        n_pre,
        f"{n_t} treated units: group-time difference-in-differences weighted by population.",
    )
