"""Repeated cross-sections and unbalanced panels for ``att_gt``, as R ``did`` 2.5 handles them.

With ``panel=False`` every row is its own sampling unit; with ``allow_unbalanced_panel=True`` an
unbalanced panel is estimated the same way (each cell uses the rows observed in its two periods)
and the influence functions are summed within units, so standard errors are clustered on the
unit. Each group-time cell is one 2x2 repeated-cross-section estimator of R ``DRDID``
(``drdid_rc``, ``std_ipw_did_rc``, ``reg_did_rc``, :mod:`outcomelab.did.drdid_rc`), after R
``did``'s guards (overlap, singular comparison covariates, an empty group-period); its influence
function is rescaled by ``n / n_cell`` (``n`` sampling units, ``n_cell`` rows in the cell) and
summed within sampling units, which is R ``did``'s ``inffunc`` for ``panel=FALSE``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import rows_preview, weight_values
from outcomelab.did._cells import CellEstimation
from outcomelab.did._panel_arrays import (
    check_long_columns,
    check_remaining,
    cluster_per_unit,
    cohort_per_unit,
    period_codes,
    unit_codes,
    weights_per_unit,
)
from outcomelab.did.drdid import TRIM_LEVEL, DiDEstimate
from outcomelab.did.drdid_core import check_rank, kish_ess, overlap_guard
from outcomelab.did.drdid_rc import drdid_rc, reg_did_rc, std_ipw_did_rc
from outcomelab.errors import (
    EmptyGroupError,
    EstimationError,
    InputError,
    NoOverlapError,
    SingularDesignError,
)

__all__ = ["CrossSectionArrays", "cross_section_arrays", "estimate_cross_sections"]

_ESTIMATORS: dict[str, Callable[..., DiDEstimate]] = {
    "dr": drdid_rc,
    "ipw": std_ipw_did_rc,
    "reg": reg_did_rc,
}


@dataclass(frozen=True)
class CrossSectionArrays:
    """Rows of repeated cross-sections (or of an unbalanced panel) as arrays.

    Attributes
    ----------
    unit_ids
        Identifier of each sampling unit (the unit of an unbalanced panel, the row label of a
        repeated cross-section).
    periods
        Sorted observed periods.
    cohort
        First treated period of each sampling unit, 0 for never treated.
    row_unit, row_period
        Sampling-unit index and period index of each row.
    y
        Outcome of each row.
    x
        Covariates of each row (its own period's values), shape ``(n_rows, k)``, or ``None``.
    row_weights
        Sampling weight of each row, or ``None``.
    weights
        Sampling weight of each sampling unit (R ``did`` averages a unit's rows), or ``None``.
    cluster, cluster_labels
        Cluster index of each sampling unit and the cluster values, or ``None``.
    n_units_input
        Sampling units in the data.
    dropped
        Reason -> number of rows dropped (missing values, already treated when the data start).
    n_late_never
        Sampling units whose cohort starts after the last period (never treated here).
    repeated
        ``True`` for repeated cross-sections, ``False`` for an unbalanced panel.
    """

    unit_ids: np.ndarray
    periods: np.ndarray
    cohort: np.ndarray
    row_unit: np.ndarray
    row_period: np.ndarray
    y: np.ndarray
    x: np.ndarray | None
    row_weights: np.ndarray | None
    n_units_input: int
    repeated: bool
    dropped: dict[str, int] = field(default_factory=dict)
    n_late_never: int = 0
    weights: np.ndarray | None = None
    cluster: np.ndarray | None = None
    cluster_labels: np.ndarray | None = None
    #: each row has its own covariates; there is no per-period covariate axis to choose from
    x_time_varying: bool = False

    @property
    def n_units(self) -> int:
        """Sampling units (units of an unbalanced panel, rows of repeated cross-sections)."""
        return int(self.cohort.shape[0])

    @property
    def n_rows(self) -> int:
        """Observations (rows)."""
        return int(self.y.shape[0])

    def restrict_periods(self, keep: np.ndarray, cohort: np.ndarray) -> CrossSectionArrays:
        """The rows of the periods in ``keep`` (a mask over ``periods``), with ``cohort`` per
        sampling unit; units left without rows are dropped."""
        rows = keep[self.row_period]
        units = np.zeros(self.n_units, dtype=bool)
        units[self.row_unit[rows]] = True
        new_unit = np.cumsum(units) - 1
        cluster, labels = self.cluster, self.cluster_labels
        if cluster is not None and labels is not None:
            used, cluster = np.unique(cluster[units], return_inverse=True)
            labels = labels[used]
        return replace(
            self,
            unit_ids=self.unit_ids[units],
            periods=self.periods[keep],
            cohort=cohort[units],
            row_unit=new_unit[self.row_unit[rows]],
            row_period=(np.cumsum(keep) - 1)[self.row_period[rows]],
            y=self.y[rows],
            x=None if self.x is None else self.x[rows],
            row_weights=None if self.row_weights is None else self.row_weights[rows],
            weights=None if self.weights is None else self.weights[units],
            cluster=cluster,
            cluster_labels=labels,
        )


def _sampling_units(
    data: pd.DataFrame, unit: str | None, tcode: np.ndarray, n_periods: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Sampling-unit index of each row and the identifiers; ``True`` if rows are their own units.

    Repeated cross-sections (``unit`` a column whose values may not repeat, or ``None``) or an
    unbalanced panel (``unit`` repeats across periods, never within one).
    """
    if unit is None:
        return np.arange(len(data)), np.asarray(data.index), True
    ucode, uniques = unit_codes(data[unit])
    key = ucode * n_periods + tcode
    counts = np.bincount(key, minlength=len(uniques) * n_periods)
    if counts.max() > 1:
        dup_rows = data.index[counts[key] > 1]
        raise InputError(
            f"{len(dup_rows)} rows share a ({unit!r}, period) pair with another row "
            f"(rows {rows_preview(dup_rows)}); a unit is observed once per period. Aggregate or "
            "drop the duplicates first."
        )
    return ucode, np.asarray(uniques), False


def _complete_rows(
    data: pd.DataFrame, outcome: str, covariates: list[str]
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Outcome, covariates and the mask of rows with no missing value among them."""
    y = data[outcome].to_numpy(dtype=np.float64, na_value=np.nan)
    complete = ~np.isnan(y)
    x = None
    if covariates:
        x = data[covariates].to_numpy(dtype=np.float64, na_value=np.nan)
        complete &= ~np.isnan(x).any(axis=1)
    return y, x, complete


def cross_section_arrays(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str | None,
    time: str,
    cohort: str,
    covariates: Sequence[str] | None,
    anticipation: int,
    panel_units: bool,
    cluster: str | None = None,
    weights: str | None = None,
) -> CrossSectionArrays:
    """Check long data and keep its rows as arrays for the repeated-cross-section estimators.

    Parameters
    ----------
    data
        Long data, one row per observation.
    outcome, time, cohort
        Column names; ``cohort`` is the first treated period, 0 or missing for never treated.
    unit
        With ``panel_units``: the unit of an unbalanced panel (one row per unit and period at
        most). Otherwise ``None`` (each row is a sampling unit) or a column that identifies each
        row (values must not repeat, as R ``did`` 2.5 requires with ``panel=FALSE``).
    covariates
        Covariates (numeric), or ``None``; each row uses its own values.
    anticipation
        Periods of anticipation.
    panel_units
        ``True`` for an unbalanced panel, ``False`` for repeated cross-sections.
    cluster
        Column with a cluster identifier (constant within each unit), or ``None``.
    weights
        Column of non-negative sampling weights (constant within each unit of a panel), or
        ``None``.

    Returns
    -------
    CrossSectionArrays

    Raises
    ------
    InputError
        Missing or non-numeric columns, fewer than two periods, a unit seen twice in a period, a
        repeated identifier in repeated cross-sections, a cohort or weight that changes within a
        unit.
    EmptyGroupError
        No observations or no treated units are left.
    """
    covs = list(covariates or [])
    check_long_columns(
        data, outcome=outcome, unit=unit, time=time, cohort=cohort, covariates=covs, cluster=cluster
    )
    periods, tcode = period_codes(data[time])
    if len(periods) < 2:
        raise InputError(
            f"`time` ({time!r}) has only {len(periods)} distinct period; difference-in-differences "
            "needs at least two periods."
        )
    ucode, uniques, own = _sampling_units(data, unit, tcode, len(periods))
    if not panel_units and not own:
        raise InputError(
            f"`unit` ({unit!r}) repeats across rows, but panel=False treats every row as its own "
            "sampling unit. Leave `unit` out for repeated cross-sections, or keep panel=True "
            "(with allow_unbalanced_panel=True if units are missing in some periods)."
        )
    rule = cohort_per_unit(data[cohort], ucode, uniques, periods, anticipation)
    y, x, complete = _complete_rows(data, outcome, covs)
    rows = complete & ~rule.already[ucode]
    dropped: dict[str, int] = {}
    what = "units" if panel_units else "observations"
    if rule.already.any():
        reason = f"{what} already treated in the first period" + (
            f" (anticipation {anticipation})" if anticipation else ""
        )
        dropped[reason] = int(rule.already.sum())
    if (~complete & ~rule.already[ucode]).any():
        dropped["rows with a missing outcome or covariate"] = int(
            (~complete & ~rule.already[ucode]).sum()
        )
    units = np.zeros(len(uniques), dtype=bool)
    units[ucode[rows]] = True
    check_remaining(int(units.sum()), rule.cohort[units], cohort, bool(dropped))
    row_w = weight_values(data, weights)
    unit_w = None
    if weights is not None and row_w is not None:
        unit_w = weights_per_unit(data, weights, ucode, len(uniques), uniques)[units]
    cl_codes = cl_labels = None
    if cluster is not None:
        cl_codes, cl_labels = cluster_per_unit(data[cluster], ucode, len(uniques), uniques, units)
    return CrossSectionArrays(
        unit_ids=uniques[units],
        periods=periods,
        cohort=rule.cohort[units],
        row_unit=(np.cumsum(units) - 1)[ucode[rows]],
        row_period=tcode[rows],
        y=y[rows],
        x=None if x is None else x[rows],
        row_weights=None if row_w is None else row_w[rows],
        n_units_input=len(uniques),
        repeated=not panel_units,
        dropped=dropped,
        n_late_never=int(rule.late[units].sum()),
        weights=unit_w,
        cluster=cl_codes,
        cluster_labels=cl_labels,
    )


def _cell_rows(
    rc: CrossSectionArrays, in_sample: np.ndarray, g: float, t: float, b: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of one cell (the cohort and its comparison cohorts in periods ``t`` and ``b``), the
    treated dummy and the dummy of period ``t``; refuses an empty group-period."""
    ti = int(np.searchsorted(rc.periods, t))
    bi = int(np.searchsorted(rc.periods, b))
    rows = np.flatnonzero(in_sample & ((rc.row_period == ti) | (rc.row_period == bi)))
    d = (rc.cohort[rc.row_unit[rows]] == g).astype(np.float64)
    post = (rc.row_period[rows] == ti).astype(np.float64)
    for treated, current, period in ((1, 1, t), (1, 0, b), (0, 1, t), (0, 0, b)):
        if not ((d == treated) & (post == current)).any():
            who = f"units of cohort {g:g}" if treated else "comparison units"
            raise EmptyGroupError(
                f"There are no {who} observed in period {period:g}, so ATT({g:g},{t:g}) cannot be "
                "estimated from repeated cross-sections (R did sets it to NA)."
            )
    return rows, d, post


def _estimate_cell(
    rc: CrossSectionArrays,
    rows: np.ndarray,
    d: np.ndarray,
    post: np.ndarray,
    method: Literal["dr", "ipw", "reg"],
    covs: list[str],
    where: str,
) -> DiDEstimate:
    """R ``did``'s guards, then the cell's 2x2 repeated-cross-section estimator."""
    xi = np.ones((rows.size, 1))
    if rc.x is not None:
        xi = np.column_stack([xi, rc.x[rows]])
        check_rank(xi, covs, where)
    if method in ("dr", "ipw"):
        if rc.x is None:
            if d.mean() >= 0.999:
                raise NoOverlapError(
                    f"The overlap condition is violated in {where}: {100 * d.mean():.2f}% of the "
                    "observations are treated, at or above 0.999 (R did's rule)."
                )
        else:
            overlap_guard(xi, d, where)
    if method in ("dr", "reg") and rc.x is not None:
        check_rank(xi[d == 0], covs, f"the comparison observations of {where}")
    weights = None if rc.row_weights is None else rc.row_weights[rows]
    return _ESTIMATORS[method](rc.y[rows], post, d, xi, weights=weights)


def _comparison_ess(
    est: DiDEstimate, d: np.ndarray, weights: np.ndarray | None
) -> tuple[float, float]:
    """Kish effective size of the comparison rows' weights (propensity odds for scores below the
    trimming level times sampling weights; the sampling weights alone for regression) and its
    share of the Kish size of the sampling weights alone."""
    w = np.ones(d.size) if weights is None else np.asarray(weights, dtype=np.float64)
    v = w
    if est.pscore is not None:
        ps = est.pscore
        v = w * np.where(ps < TRIM_LEVEL, ps / (1 - ps), 0.0)
    ess = kish_ess(v[d == 0])
    return ess, ess / kish_ess(w[d == 0])


def estimate_cross_sections(
    rc: CrossSectionArrays,
    cells: list[tuple[float, float, float]],
    samples: dict[tuple[float, tuple[float, ...], int], list[int]],
    method: Literal["dr", "ipw", "reg"],
    covs: list[str],
) -> CellEstimation:
    """Estimate every planned cell from the rows of its two periods (R ``did``, ``panel=FALSE``).

    Parameters
    ----------
    rc
        The rows.
    cells
        ``(group, time, base)`` of every cell.
    samples
        ``(cohort, comparison cohorts, covariate period) -> cell indices`` (from the plan).
    method
        ``"dr"`` (``drdid_rc``), ``"ipw"`` (``std_ipw_did_rc``) or ``"reg"`` (``reg_did_rc``).
    covs
        Covariate names, for error messages.

    Returns
    -------
    CellEstimation
        Influence functions summed within sampling units and scaled by ``n / n_cell``.
    """
    n = rc.n_units
    att = np.zeros(len(cells))
    influence = np.zeros((n, len(cells)), order="F")
    used_as_control = np.zeros(n, dtype=bool)
    n_trimmed = 0
    dropped: dict[int, EstimationError] = {}
    first_error: EstimationError | None = None
    ess = np.full(len(cells), np.nan)
    n_comparison = np.zeros(len(cells), dtype=np.int64)
    share = np.full(len(cells), np.nan)
    row_cohort = rc.cohort[rc.row_unit]
    for (g, ctrl, _), ks in samples.items():
        in_sample = np.isin(row_cohort, (g, *ctrl))
        for k in ks:
            _, t, b = cells[k]
            where = f"ATT({g:g},{t:g})"
            try:
                rows, d, post = _cell_rows(rc, in_sample, g, t, b)
                est = _estimate_cell(rc, rows, d, post, method, covs, where)
            except (EmptyGroupError, NoOverlapError, SingularDesignError) as err:
                # R did: the cell is NA with a warning; here it is left out and listed
                first_error = first_error or err
                dropped[k] = err
                continue
            att[k] = est.att
            n_trimmed += est.n_trimmed
            weights = None if rc.row_weights is None else rc.row_weights[rows]
            ess[k], share[k] = _comparison_ess(est, d, weights)
            n_comparison[k] = int((d == 0).sum())
            units = rc.row_unit[rows]
            influence[:, k] = np.bincount(
                units, weights=est.influence * (n / rows.size), minlength=n
            )
            used_as_control[units[d == 0]] = True
    return CellEstimation(
        att, influence, used_as_control, n_trimmed, dropped, first_error, ess, n_comparison, share
    )
