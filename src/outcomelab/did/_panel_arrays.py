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
from dataclasses import dataclass, field, replace
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

__all__ = [
    "CohortRule",
    "PanelArrays",
    "check_long_columns",
    "check_remaining",
    "cluster_codes",
    "cluster_per_unit",
    "cohort_per_unit",
    "panel_arrays",
    "panel_arrays_many",
    "period_codes",
    "unit_codes",
    "weights_per_unit",
]


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

    def restrict_periods(self, keep: np.ndarray, cohort: np.ndarray) -> PanelArrays:
        """The periods in ``keep`` (a mask over ``periods``), with ``cohort`` per unit."""
        x = self.x
        if x is not None and self.x_time_varying:
            x = x[:, keep, :]
        return replace(self, periods=self.periods[keep], y=self.y[:, keep], cohort=cohort, x=x)


def period_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct periods and each row's index into them."""
    if not pd.api.types.is_numeric_dtype(values):
        raise InputError(
            f"`time` ({values.name!r}) must be numeric periods (e.g. integer years), "
            f"got dtype {values.dtype}; convert dates to years or period numbers first."
        )
    arr = values.to_numpy()
    if arr.dtype.kind in "iu" and arr.size:
        # integer periods (years): offsets from the first period, counted, instead of sorting
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo < 10_000_000:
            offset = np.subtract(arr, lo, dtype=np.int64)
            present = np.bincount(offset, minlength=hi - lo + 1) > 0
            uniq = np.flatnonzero(present) + lo
            if uniq.size == present.size:  # consecutive periods: the offset is the index
                return uniq.astype(np.float64), offset
            lut = np.full(present.size, -1, dtype=np.int64)
            lut[present] = np.arange(uniq.size)
            return uniq.astype(np.float64), lut[offset]
    codes, uniques = pd.factorize(values, sort=True)
    if (codes < 0).any():
        rows = rows_preview(values.index[codes < 0])
        raise InputError(
            f"`time` ({values.name!r}) has {int((codes < 0).sum())} missing values "
            f"(rows {rows}); every row needs a period."
        )
    return np.asarray(uniques, dtype=np.float64), codes.astype(np.int64, copy=False)


def unit_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's unit index and the distinct units (in order of appearance)."""
    arr = values.to_numpy()
    if arr.dtype.kind in "iu" and arr.size > 1 and bool(np.all(arr[1:] >= arr[:-1])):
        # sorted integer identifiers: runs of equal values, no hashing needed
        new = np.empty(arr.size, dtype=bool)
        new[0] = True
        np.not_equal(arr[1:], arr[:-1], out=new[1:])
        starts = np.flatnonzero(new)
        lengths = np.diff(starts, append=arr.size)
        return np.repeat(np.arange(starts.size, dtype=np.int64), lengths), arr[starts]
    codes, uniques = pd.factorize(values, sort=False)
    if (codes < 0).any():
        rows = rows_preview(values.index[codes < 0])
        raise InputError(
            f"`unit` ({values.name!r}) has {int((codes < 0).sum())} missing values (rows {rows}); "
            "every row needs a unit identifier."
        )
    return codes.astype(np.int64, copy=False), np.asarray(uniques)


def cluster_per_unit(
    values: pd.Series, ucode: np.ndarray, n_units: int, units: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster index (0..G-1) of every kept unit and the labels of the clusters used; the
    cluster must not change within a unit."""
    per_unit, labels = cluster_codes(values, ucode, n_units, units)
    used, codes_kept = np.unique(per_unit[keep], return_inverse=True)
    return codes_kept, labels[used]


def cluster_codes(
    values: pd.Series, ucode: np.ndarray, n_units: int, units: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster index of every unit into the sorted cluster labels, and the labels; the cluster
    must not change within a unit."""
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


def weights_per_unit(
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


@dataclass(frozen=True)
class _RowKeys:
    """Each row's period and unit index, and whether the rows are a sorted balanced panel."""

    periods: np.ndarray
    tcode: np.ndarray
    ucode: np.ndarray
    uniques: np.ndarray
    key: np.ndarray
    dense: bool
    counts: np.ndarray

    @property
    def n_units(self) -> int:
        return len(self.uniques)


def check_long_columns(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str | None,
    time: str,
    cohort: str,
    covariates: list[str],
    cluster: str | None,
) -> None:
    """The columns exist, are named once and the outcome, cohort and covariates are numeric."""
    names = {"outcome": outcome, "time": time, "cohort": cohort}
    if unit is not None:  # repeated cross-sections need no unit column
        names["unit"] = unit
    check_column_names(**names)
    require_columns(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        covariates=covariates,
        cluster=cluster,
    )
    check_numeric(data, "outcome", outcome)
    check_numeric(data, "cohort", cohort)
    if covariates:
        check_numeric(data, "covariates", covariates)


def _row_keys(data: pd.DataFrame, unit: str, time: str) -> _RowKeys:
    """Period and unit codes of every row; refuses duplicate unit-period rows."""
    periods, tcode = period_codes(data[time])
    n_t = len(periods)
    if n_t < 2:
        raise InputError(
            f"`time` ({time!r}) has only {n_t} distinct period; difference-in-differences needs "
            "at least two periods."
        )
    ucode, uniques = unit_codes(data[unit])
    n_all = len(uniques)
    key = ucode * n_t
    key += tcode
    n_rows = len(key)
    # fast path: sorted by unit then period and balanced -> the wide array is a reshape
    dense = n_rows == n_all * n_t and _is_range(key)
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
    return _RowKeys(periods, tcode, ucode, np.asarray(uniques), key, dense, counts)


def _is_range(key: np.ndarray, block: int = 1 << 20) -> bool:
    """Whether ``key`` is ``0, 1, ..., n - 1``, compared a block at a time (no ``n``-long
    temporaries)."""
    ramp = np.arange(min(block, key.size), dtype=key.dtype)
    for start in range(0, key.size, block):
        part = key[start : start + block]
        if part[0] != start or not np.array_equal(part, ramp[: part.size] + start):
            return False
    return True


@dataclass(frozen=True)
class CohortRule:
    """The cohort of every unit after R ``did`` 2.5's rules for cohorts outside the panel.

    Attributes
    ----------
    cohort
        First treated period per unit, 0 for never treated (late cohorts set to 0).
    late
        Units whose cohort starts after the last period plus anticipation (never treated here).
    already
        Units already treated in the first period (plus anticipation): R ``did`` drops them.
    """

    cohort: np.ndarray
    late: np.ndarray
    already: np.ndarray


def cohort_per_unit(
    values: pd.Series,
    ucode: np.ndarray,
    uniques: np.ndarray,
    periods: np.ndarray,
    anticipation: int,
) -> CohortRule:
    """One cohort per unit (it must not change within a unit), with R ``did``'s rules."""
    gvals = values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    gvals[np.isnan(gvals)] = 0.0
    if (gvals < 0).any():
        rows = rows_preview(values.index[gvals < 0])
        raise InputError(
            f"`cohort` ({values.name!r}) has negative values (rows {rows}); use the first "
            "treated period, or 0 / missing for never-treated units."
        )
    g_unit = np.zeros(len(uniques))
    g_unit[ucode] = gvals
    changing = gvals != g_unit[ucode]
    if changing.any():
        bad_units = pd.unique(uniques[ucode[changing]])
        raise InputError(
            f"`cohort` ({values.name!r}) changes within {len(bad_units)} units "
            f"({rows_preview(bad_units)}); the first treated period is a property of the unit "
            "and must be the same in every row of that unit."
        )
    late = g_unit > periods[-1] + anticipation
    g_unit[late] = 0.0  # R did: cohorts that start after the panel are never treated in it
    already = (g_unit > 0) & (g_unit <= periods[0] + anticipation)
    return CohortRule(g_unit, late, already)


def _wide(values: np.ndarray, keys: _RowKeys) -> np.ndarray:
    """Rows (``(n_rows,)`` or ``(n_rows, k)``) as ``(n_units, n_periods[, k])``, NaN if absent."""
    n_all, n_t = keys.n_units, len(keys.periods)
    shape = (n_all, n_t, *values.shape[1:])
    if keys.dense:
        return values.reshape(shape)
    flat = np.full((n_all * n_t, *values.shape[1:]), np.nan)
    flat[keys.key] = values
    return flat.reshape(shape)


def _balance(
    keys: _RowKeys, y: np.ndarray, xw: np.ndarray | None, already: np.ndarray, anticipation: int
) -> tuple[np.ndarray, dict[str, int]]:
    """Units kept in the balanced panel and the count dropped for each reason."""
    n_all, n_t = keys.n_units, len(keys.periods)
    if xw is not None:
        incomplete_x = np.isnan(xw).any(axis=(1, 2))
    else:
        incomplete_x = np.zeros(n_all, dtype=bool)
    missing_rows = (
        np.zeros(n_all, dtype=bool)
        if keys.dense
        else (keys.counts.reshape(n_all, n_t) == 0).any(axis=1)
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
    return keep, dropped


def _time_invariant(xw: np.ndarray | None) -> tuple[np.ndarray | None, bool]:
    """Covariates as ``(n, k)`` when they do not change over time, else ``(n, T, k)``."""
    if xw is None:
        return None, False
    first = xw[:, :1, :]
    if np.array_equal(np.broadcast_to(first, xw.shape), xw):
        return np.ascontiguousarray(xw[:, 0, :]), False
    return xw, True


def check_remaining(n_units: int, cohort: np.ndarray, name: str, dropped: bool) -> None:
    """Refuse an empty sample or one without treated units."""
    if n_units == 0:
        raise EmptyGroupError(
            "No unit is observed with complete data in every period, so the balanced panel is "
            "empty; check the outcome and covariate columns for missing values."
        )
    if not (cohort > 0).any():
        raise EmptyGroupError(
            f"No treated units remain (every `cohort` value in {name!r} is 0 or missing"
            + (" after dropping incomplete units" if dropped else "")
            + "); there is no treatment effect to estimate."
        )


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
    (pa,) = panel_arrays_many(
        data,
        outcomes=[outcome],
        unit=unit,
        time=time,
        cohort=cohort,
        covariates=covariates,
        anticipation=anticipation,
        cluster=cluster,
        weights=weights,
    )
    check_remaining(pa.n_units, pa.cohort, cohort, bool(pa.dropped))
    return pa


def panel_arrays_many(
    data: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] | None,
    anticipation: int,
    cluster: str | None = None,
    weights: str | None = None,
) -> list[PanelArrays]:
    """:func:`panel_arrays` of several outcomes of one panel, sharing everything but the outcome.

    The row keys, cohorts, covariates, weights and clusters are checked and shaped once; each
    outcome is balanced on its own (a unit missing one outcome in some period is dropped from that
    outcome's panel only), so each element equals ``panel_arrays`` of that outcome. Outcomes whose
    balanced panels keep the same units share the unit-level arrays (``unit_ids``, ``cohort``,
    ``x``, ``weights``, ``cluster``: the same objects). :func:`check_remaining` is left to the
    caller (it is an error of one outcome).
    """
    data = require_dataframe(data)
    covs = list(covariates or [])
    for k, outcome in enumerate(outcomes):
        check_long_columns(
            data,
            outcome=outcome,
            unit=unit,
            time=time,
            cohort=cohort,
            covariates=covs if k == 0 else [],
            cluster=cluster if k == 0 else None,
        )
    keys = _row_keys(data, unit, time)
    rule = cohort_per_unit(data[cohort], keys.ucode, keys.uniques, keys.periods, anticipation)
    xw = None
    if covs:
        xw = _wide(data[covs].to_numpy(dtype=np.float64, na_value=np.nan), keys)
    unit_w = None
    if weights is not None:
        unit_w = weights_per_unit(data, weights, keys.ucode, keys.n_units, keys.uniques)
    cl_unit = cl_labels_all = None
    if cluster is not None:
        cl_unit, cl_labels_all = cluster_codes(
            data[cluster], keys.ucode, keys.n_units, keys.uniques
        )
    shared: list[tuple[np.ndarray, dict[str, object]]] = []
    out = []
    for outcome in outcomes:
        # wide outcome; missing values (and rows with missing covariates) make the unit incomplete
        y = _wide(data[outcome].to_numpy(dtype=np.float64, na_value=np.nan), keys)
        keep, dropped = _balance(keys, y, xw, rule.already, anticipation)
        if not keep.all():
            y = y[keep]
        arrays = next((a for k, a in shared if np.array_equal(k, keep)), None)
        if arrays is None:
            arrays = _unit_arrays(keys, rule, keep, xw, unit_w, cl_unit, cl_labels_all)
            shared.append((keep, arrays))
        out.append(
            PanelArrays(
                periods=keys.periods,
                y=y,
                n_units_input=keys.n_units,
                dropped=dropped,
                n_late_never=int(rule.late.sum()),
                **arrays,  # type: ignore[arg-type]
            )
        )
    return out


def _unit_arrays(
    keys: _RowKeys,
    rule: CohortRule,
    keep: np.ndarray,
    xw: np.ndarray | None,
    unit_w: np.ndarray | None,
    cl_unit: np.ndarray | None,
    cl_labels_all: np.ndarray | None,
) -> dict[str, object]:
    """The unit-level arrays of the units in ``keep``."""
    everyone = bool(keep.all())
    if xw is not None and not everyone:
        xw = xw[keep]
    x, x_varying = _time_invariant(xw)
    cl_codes = cl_labels = None
    if cl_unit is not None and cl_labels_all is not None:
        used, cl_codes = np.unique(cl_unit[keep], return_inverse=True)
        cl_labels = cl_labels_all[used]
    return {
        "unit_ids": keys.uniques[keep],
        "cohort": rule.cohort if everyone else rule.cohort[keep],
        "x": x,
        "x_time_varying": x_varying,
        "weights": None if unit_w is None else unit_w[keep],
        "cluster": cl_codes,
        "cluster_labels": cl_labels,
    }
