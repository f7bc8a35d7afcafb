"""From a long unit-by-period table to the outcome matrix the synthetic designs work on.

One function, :func:`wide_panel`, checks the table (balanced, no missing outcomes, an absorbing
treatment) and returns a :class:`WidePanel`: comparison units first, then treated units grouped by
the period their treatment starts (their cohort), periods in order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_no_missing,
    check_numeric,
    require_columns,
    require_dataframe,
    rows_preview,
)
from outcomelab.errors import EmptyGroupError, InputError

__all__ = ["WidePanel", "wide_panel"]


@dataclass(frozen=True)
class WidePanel:
    """A balanced panel as a matrix.

    Attributes
    ----------
    y
        Outcomes, shape ``(N, T)``: the ``n0`` comparison units first, then treated units sorted by
        cohort.
    units
        Unit labels in row order.
    periods
        Period labels in column order.
    n0
        Number of comparison (never treated) units.
    cohort_start
        For each treated row (``N - n0`` of them), the column index of its first treated period.
    """

    y: np.ndarray
    units: np.ndarray
    periods: np.ndarray
    n0: int
    cohort_start: np.ndarray

    @property
    def n_treated(self) -> int:
        """Number of treated units."""
        return int(self.y.shape[0] - self.n0)

    @property
    def starts(self) -> np.ndarray:
        """Distinct first-treated column indices (one per cohort), ascending."""
        return np.unique(self.cohort_start)

    def cohort_rows(self, start: int) -> np.ndarray:
        """Row indices of the treated units whose treatment starts at column ``start``."""
        return self.n0 + np.flatnonzero(self.cohort_start == start)


def wide_panel(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str | None = None,
    cohort: str | None = None,
) -> WidePanel:
    """Check a long panel and turn it into a :class:`WidePanel`.

    Parameters
    ----------
    data
        One row per unit and period.
    outcome, unit, time
        Column names.
    treatment
        0/1 column, 1 from the first treated period on (absorbing). Give this or ``cohort``.
    cohort
        First treated period of each unit (0 or missing for never treated units).

    Returns
    -------
    WidePanel

    Raises
    ------
    InputError
        Missing columns, missing or non-numeric outcomes, an unbalanced panel, duplicate rows, a
        treatment that switches off, or a cohort outside the observed periods.
    EmptyGroupError
        No treated or no comparison units, or a cohort with no pre-treatment period.
    """
    data = require_dataframe(data)
    if (treatment is None) == (cohort is None):
        raise InputError(
            "Give exactly one of `treatment` (a 0/1 column per unit and period) or `cohort` "
            "(the first treated period of each unit)."
        )
    require_columns(data, outcome=outcome, unit=unit, time=time, treatment=treatment, cohort=cohort)
    wide = _outcome_matrix(data, outcome=outcome, unit=unit, time=time)
    periods = wide.columns.to_numpy()
    units = wide.index.to_numpy()
    if treatment is not None:
        start = _starts_from_treatment(data, units, unit=unit, time=time, treatment=treatment)
    else:
        start = _starts_from_cohort(data, units, periods, unit=unit, cohort=str(cohort))
    ever = start >= 0
    _check_groups(units, ever, start)
    treated_rows = np.flatnonzero(ever)[np.argsort(start[ever], kind="stable")]
    order = np.concatenate([np.flatnonzero(~ever), treated_rows])
    y = np.ascontiguousarray(wide.to_numpy(dtype=float)[order])
    return WidePanel(
        y=y,
        units=units[order],
        periods=periods,
        n0=int((~ever).sum()),
        cohort_start=start[order][int((~ever).sum()) :],
    )


def _outcome_matrix(data: pd.DataFrame, *, outcome: str, unit: str, time: str) -> pd.DataFrame:
    """Units x periods outcome table of a complete, balanced long panel."""
    check_numeric(data, "outcome", outcome)
    check_no_missing(data, "outcome", outcome)
    check_no_missing(data, "unit", unit)
    check_no_missing(data, "time", time)
    dup = data.duplicated([unit, time], keep=False).to_numpy()
    if dup.any():
        raise InputError(
            f"{int(dup.sum())} rows repeat a ({unit}, {time}) pair (rows "
            f"{rows_preview(data.index[dup])}); keep one row per unit and period."
        )
    wide = data.pivot(index=unit, columns=time, values=outcome).sort_index(axis=1)
    if wide.isna().to_numpy().any():
        holes = wide.isna().sum(axis=1)
        bad = holes[holes > 0]
        raise InputError(
            f"The panel is not balanced: {len(bad)} units lack some periods (units "
            f"{rows_preview(bad.index)}); synthetic designs need every unit in every period. "
            "Drop those units or fill the gaps."
        )
    return wide


def _starts_from_treatment(
    data: pd.DataFrame, units: np.ndarray, *, unit: str, time: str, treatment: str
) -> np.ndarray:
    """Column of each unit's first treated period (-1: never) from an absorbing 0/1 column."""
    check_numeric(data, "treatment", treatment)
    check_no_missing(data, "treatment", treatment)
    d = data.pivot(index=unit, columns=time, values=treatment).sort_index(axis=1)
    d = d.loc[units].to_numpy(dtype=float)
    if not np.isin(d, (0.0, 1.0)).all():
        raise InputError(f"`treatment` column {treatment!r} must hold only 0 and 1.")
    if (np.diff(d, axis=1) < 0).any():
        rows = units[(np.diff(d, axis=1) < 0).any(axis=1)]
        raise InputError(
            f"`treatment` switches off again for units {rows_preview(rows)}; these designs "
            "need a treatment that stays on once it starts."
        )
    ever = d.max(axis=1) > 0
    return np.where(ever, np.argmax(d > 0, axis=1), -1)


def _starts_from_cohort(
    data: pd.DataFrame, units: np.ndarray, periods: np.ndarray, *, unit: str, cohort: str
) -> np.ndarray:
    """Column of each unit's first treated period (-1: never) from a cohort column."""
    c = data.groupby(unit)[cohort].agg(["min", "max"])
    c = c.loc[units]
    varies = (c["min"] != c["max"]) & c["min"].notna()
    if varies.any():
        raise InputError(
            f"`cohort` differs between periods for units {rows_preview(c.index[varies])}; "
            "give each unit one first treated period."
        )
    g = pd.to_numeric(c["min"], errors="coerce").fillna(0).to_numpy()
    start = np.full(len(units), -1)
    for i in np.flatnonzero(g > 0):
        pos = np.flatnonzero(periods == g[i])
        if pos.size == 0:
            raise InputError(
                f"Unit {units[i]!r} has cohort {g[i]!r}, which is not an observed period "
                f"({periods[0]!r} to {periods[-1]!r}); fix the cohort or extend the panel."
            )
        start[i] = int(pos[0])
    return start


def _check_groups(units: np.ndarray, ever: np.ndarray, start: np.ndarray) -> None:
    """Treated and never treated units both present, every treated unit with a pre-period."""
    if not ever.any():
        raise EmptyGroupError("No unit is ever treated; there is no effect to estimate.")
    if ever.all():
        raise EmptyGroupError(
            "Every unit is treated at some point; synthetic designs need never treated "
            "comparison units (donors)."
        )
    early = ever & (start < 1)
    if early.any():
        raise EmptyGroupError(
            f"Units {rows_preview(units[early])} are treated from the first period on, so they "
            "have no pre-treatment period to match on; drop them or extend the panel backwards."
        )
