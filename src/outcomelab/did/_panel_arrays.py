"""Wide NumPy arrays (units x periods) for the group-time DiD estimators, built once from long data.

Checks the long table (duplicate unit-period rows, a cohort that changes within a unit), applies
R ``did`` 2.5's rules for cohorts outside the panel (a cohort that starts after the last period
plus anticipation is never treated in it; units already treated in the first period are dropped),
balances the panel the way R ``did`` does with ``panel=TRUE`` (units not observed with complete
data in every period are dropped, and the count is reported) and returns the outcome as a
``units x periods`` array, the cohort of every unit and the covariates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_column_names,
    check_numeric,
    require_columns,
    require_dataframe,
    rows_preview,
    weight_values,
)
from outcomelab.errors import EmptyGroupError, InputError

__all__ = ["PanelArrays", "panel_arrays"]


@dataclass(frozen=True)
class PanelArrays:
    """A balanced panel as arrays.

    Attributes
    ----------
    unit_ids
        Original unit identifiers, one per row of ``y``.
    periods
        Sorted observed periods, one per column of ``y``.
    y
        Outcome, shape ``(n_units, n_periods)``.
    cohort
        First treated period of each unit, 0 for never treated (float array).
    x
        Covariates, shape ``(n_units, n_covariates)`` when they do not change over time, else
        ``(n_units, n_periods, n_covariates)``; ``None`` without covariates.
    x_time_varying
        Whether ``x`` has a period axis.
    n_units_input
        Units in the data before balancing.
    cluster
        Cluster index (0..G-1) of each unit, or ``None``.
    cluster_labels
        The original cluster values, one per index.
    dropped
        Reason -> number of units dropped (incomplete, or already treated when the panel starts).
    n_late_never
        Units whose cohort starts after the last period (plus anticipation), kept as never
        treated, as R ``did`` does.
    weights
        Sampling weight of each unit (constant within units), or ``None``.
    """

    unit_ids: np.ndarray
    periods: np.ndarray
    y: np.ndarray
    cohort: np.ndarray
    x: np.ndarray | None
    x_time_varying: bool
    n_units_input: int
    dropped: dict[str, int] = field(default_factory=dict)
    n_late_never: int = 0
    cluster: np.ndarray | None = None
    cluster_labels: np.ndarray | None = None
    weights: np.ndarray | None = None

    @property
    def n_units(self) -> int:
        """Units in the balanced panel."""
        return int(self.y.shape[0])


def _period_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct periods and each row's index into them."""
    if not pd.api.types.is_numeric_dtype(values):
        raise InputError(
            f"`time` ({values.name!r}) must be numeric periods (e.g. integer years), "
            f"got dtype {values.dtype}; convert dates to years or period numbers first."
        )
    arr = values.to_numpy()
    if arr.dtype.kind in "iu":
        # integer periods (years): a lookup table instead of sorting
        uniq = np.sort(pd.unique(arr))
        lut = np.full(int(uniq[-1] - uniq[0]) + 1, -1, dtype=np.int64)
        if lut.size <= 10_000_000:
            lut[uniq - uniq[0]] = np.arange(uniq.size)
            return uniq.astype(np.float64), lut[arr - uniq[0]]
    codes, uniques = pd.factorize(values, sort=True)
    if (codes < 0).any():
        rows = rows_preview(values.index[codes < 0])
        raise InputError(
            f"`time` ({values.name!r}) has {int((codes < 0).sum())} missing values "
            f"(rows {rows}); every row needs a period."
        )
    return np.asarray(uniques, dtype=np.float64), codes.astype(np.int64, copy=False)


def _unit_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's unit index and the distinct units (in order of appearance)."""
    arr = values.to_numpy()
    if arr.dtype.kind in "iu" and arr.size > 1 and bool(np.all(arr[1:] >= arr[:-1])):
        # sorted integer identifiers: runs of equal values, no hashing needed
        new = np.empty(arr.size, dtype=bool)
        new[0] = True
        np.not_equal(arr[1:], arr[:-1], out=new[1:])
        return np.cumsum(new, dtype=np.int64) - 1, arr[new]
    codes, uniques = pd.factorize(values, sort=False)
    if (codes < 0).any():
        rows = rows_preview(values.index[codes < 0])
        raise InputError(
            f"`unit` ({values.name!r}) has {int((codes < 0).sum())} missing values (rows {rows}); "
            "every row needs a unit identifier."
        )
    return codes.astype(np.int64, copy=False), np.asarray(uniques)


def _cluster_per_unit(
    values: pd.Series, ucode: np.ndarray, n_units: int, units: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster index of every unit; the cluster must not change within a unit."""
    codes, labels = pd.factorize(values, sort=True)
    if (codes < 0).any():
        rows = rows_preview(values.index[codes < 0])
        raise InputError(
            f"`cluster` ({values.name!r}) has {int((codes < 0).sum())} missing values "
            f"(rows {rows}); every unit needs a cluster."
        )
    per_unit = np.zeros(n_units, dtype=np.int64)
    per_unit[ucode] = codes
    changing = codes != per_unit[ucode]
    if changing.any():
        bad = pd.unique(np.asarray(units)[ucode[changing]])
        raise InputError(
            f"`cluster` ({values.name!r}) changes within {len(bad)} units ({rows_preview(bad)}); "
            "clusters must contain whole units (e.g. the municipality at the start of the "
            "intervention)."
        )
    return per_unit, np.asarray(labels)


def _weights_per_unit(
    data: pd.DataFrame, weights: str, ucode: np.ndarray, n_units: int, units: np.ndarray
) -> np.ndarray:
    """Weight of every unit; the weight must not change within a unit."""
    values = cast("np.ndarray", weight_values(data, weights))  # a column name: never None
    per_unit = np.zeros(n_units)
    per_unit[ucode] = values
    changing = values != per_unit[ucode]
    if changing.any():
        bad = pd.unique(np.asarray(units)[ucode[changing]])
        raise InputError(
            f"`weights` ({weights!r}) changes within {len(bad)} units ({rows_preview(bad)}); "
            "att_gt needs one weight per unit (e.g. the population at the start of the "
            "intervention). R did would use each cell's earlier period's weight; fix one weight "
            "per unit instead so every cell weights the unit the same."
        )
    return per_unit


def panel_arrays(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] | None,
    anticipation: int,
    cluster: str | None = None,
    weights: str | None = None,
) -> PanelArrays:
    """Check long panel data and reshape it to balanced wide arrays.

    Parameters
    ----------
    data
        Long data, one row per unit and period.
    outcome, unit, time, cohort
        Column names; ``cohort`` is the first treated period, 0 or missing for never treated.
    covariates
        Baseline covariates (numeric), or ``None``.
    anticipation
        Periods of anticipation; a cohort needs a period before ``cohort - anticipation``.
    cluster
        Column with a cluster identifier that is constant within each unit, or ``None``.
    weights
        Column of non-negative sampling weights, constant within each unit, or ``None``.

    Returns
    -------
    PanelArrays

    Raises
    ------
    InputError
        Missing or non-numeric columns, duplicate unit-period rows, a cohort that changes within a
        unit.
    EmptyGroupError
        No treated units are left after balancing.
    """
    data = require_dataframe(data)
    check_column_names(outcome=outcome, unit=unit, time=time, cohort=cohort)
    covs = list(covariates or [])
    require_columns(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        covariates=covs,
        cluster=cluster,
    )
    check_numeric(data, "outcome", outcome)
    check_numeric(data, "cohort", cohort)
    if covs:
        check_numeric(data, "covariates", covs)
    periods, tcode = _period_codes(data[time])
    n_t = len(periods)
    if n_t < 2:
        raise InputError(
            f"`time` ({time!r}) has only {n_t} distinct period; difference-in-differences needs "
            "at least two periods."
        )
    ucode, uniques = _unit_codes(data[unit])
    n_all = len(uniques)
    key = ucode * n_t + tcode
    n_rows = len(key)
    # fast path: sorted by unit then period and balanced -> the wide array is a reshape
    dense = n_rows == n_all * n_t and bool(np.array_equal(key, np.arange(n_rows)))
    if dense:
        counts = np.ones(n_rows, dtype=np.int64)
    else:
        counts = np.bincount(key, minlength=n_all * n_t)
        if counts.max() > 1:
            dup_rows = data.index[counts[key] > 1]
            raise InputError(
                f"{len(dup_rows)} rows share a ({unit!r}, {time!r}) pair with another row "
                f"(rows {rows_preview(dup_rows)}); a panel has one row per unit and period. "
                "Aggregate or drop the duplicates first."
            )

    # cohort: one value per unit, 0 = never treated
    gvals = data[cohort].to_numpy(dtype=np.float64, na_value=np.nan)
    gvals = np.where(np.isnan(gvals), 0.0, gvals)
    if (gvals < 0).any():
        rows = rows_preview(data.index[gvals < 0])
        raise InputError(
            f"`cohort` ({cohort!r}) has negative values (rows {rows}); use the first treated "
            "period, or 0 / missing for never-treated units."
        )
    g_unit = np.zeros(n_all)
    g_unit[ucode] = gvals
    changing = gvals != g_unit[ucode]
    if changing.any():
        bad_units = pd.unique(np.asarray(uniques)[ucode[changing]])
        raise InputError(
            f"`cohort` ({cohort!r}) changes within {len(bad_units)} units "
            f"({rows_preview(bad_units)}); the first treated period is a property of the unit and "
            "must be the same in every row of that unit."
        )
    late = g_unit > periods[-1] + anticipation
    g_unit[late] = 0.0  # R did: cohorts that start after the panel are never treated in it
    already = (g_unit > 0) & (g_unit <= periods[0] + anticipation)

    # wide outcome; missing values (and rows with missing covariates) make the unit incomplete
    yv = data[outcome].to_numpy(dtype=np.float64, na_value=np.nan)
    if dense:
        y: np.ndarray = yv.reshape(n_all, n_t)
    else:
        y_flat = np.full(n_all * n_t, np.nan)
        y_flat[key] = yv
        y = y_flat.reshape(n_all, n_t)
    x: np.ndarray | None = None
    x_varying = False
    if covs:
        xv = data[covs].to_numpy(dtype=np.float64, na_value=np.nan)
        if dense:
            xw = xv.reshape(n_all, n_t, len(covs))
        else:
            x_flat = np.full((n_all * n_t, len(covs)), np.nan)
            x_flat[key] = xv
            xw = x_flat.reshape(n_all, n_t, len(covs))
        incomplete_x = np.isnan(xw).any(axis=(1, 2))
    else:
        xw = None
        incomplete_x = np.zeros(n_all, dtype=bool)
    missing_rows = (
        np.zeros(n_all, dtype=bool) if dense else (counts.reshape(n_all, n_t) == 0).any(axis=1)
    )
    missing_rows &= ~already
    missing_y = np.isnan(y).any(axis=1) & ~missing_rows & ~already
    incomplete_x &= ~missing_rows & ~missing_y & ~already
    keep = ~(missing_rows | missing_y | incomplete_x | already)
    dropped = {}
    if already.any():
        reason = "already treated in the first period" + (
            f" (anticipation {anticipation})" if anticipation else ""
        )
        dropped[reason] = int(already.sum())
    if missing_rows.any():
        dropped["not observed in every period"] = int(missing_rows.sum())
    if missing_y.any():
        dropped["missing outcome in some period"] = int(missing_y.sum())
    if incomplete_x.any():
        dropped["missing covariate values"] = int(incomplete_x.sum())
    if not keep.all():
        y = y[keep]
        g_unit = g_unit[keep]
        if xw is not None:
            xw = xw[keep]
    ids = np.asarray(uniques)[keep]
    unit_w = None
    if weights is not None:
        unit_w = _weights_per_unit(data, weights, ucode, n_all, uniques)[keep]
    cl_codes = cl_labels = None
    if cluster is not None:
        cl_codes, cl_labels = _cluster_per_unit(data[cluster], ucode, n_all, uniques)
        cl_codes = cl_codes[keep]
        used, cl_codes = np.unique(cl_codes, return_inverse=True)
        cl_labels = cl_labels[used]
    if y.shape[0] == 0:
        raise EmptyGroupError(
            "No unit is observed with complete data in every period, so the balanced panel is "
            "empty; check the outcome and covariate columns for missing values."
        )
    if not (g_unit > 0).any():
        raise EmptyGroupError(
            f"No treated units remain (every `cohort` value in {cohort!r} is 0 or missing"
            + (" after dropping incomplete units" if dropped else "")
            + "); there is no treatment effect to estimate."
        )
    if xw is not None:
        first = xw[:, :1, :]
        if np.array_equal(np.broadcast_to(first, xw.shape), xw):
            x = np.ascontiguousarray(xw[:, 0, :])
        else:
            x = xw
            x_varying = True
    return PanelArrays(
        unit_ids=ids,
        periods=periods,
        y=y,
        cohort=g_unit,
        x=x,
        x_time_varying=x_varying,
        n_units_input=n_all,
        dropped=dropped,
        cluster=cl_codes,
        cluster_labels=cl_labels,
        weights=unit_w,
        n_late_never=int(late.sum()),
    )
