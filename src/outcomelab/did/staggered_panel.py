"""The long panel behind the regression-based staggered estimators (Sun-Abraham, imputation).

:func:`staggered_panel` checks the data with the same rules as :func:`~outcomelab.did.att_gt`
(:func:`~outcomelab.did._panel_arrays.panel_arrays`: one cohort and one weight per unit, cohorts
after the last period count as never treated, units treated from the first period and units
with missing values are dropped, the panel is balanced) so that the estimators use the same
units as the headline estimate, and lays the balanced panel out as unit-major long arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_alpha,
    cluster_columns,
    covariate_columns,
    require_dataframe,
)
from outcomelab.did._panel_arrays import PanelArrays, panel_arrays
from outcomelab.did.notes import dropped_units_note, late_cohorts_note
from outcomelab.did.within import TwoWayIndex
from outcomelab.errors import ParameterError

__all__ = ["StaggeredPanel", "check_anticipation", "staggered_panel"]


@dataclass(frozen=True)
class StaggeredPanel:
    """A balanced panel as unit-major long arrays (row ``i * T + t`` is unit ``i``, period ``t``).

    Attributes
    ----------
    periods
        The ``T`` periods, sorted.
    cohort
        First treated period of each of the ``n`` units (0 = never treated in the panel).
    y
        Outcome per row.
    x
        Covariates per row (rows x k; time-invariant ones repeated) or ``None``.
    unit_weight
        Weight of each unit, or ``None``.
    unit_cluster
        Cluster code of each unit (the unit itself when no ``cluster`` is given).
    covariates
        Covariate names.
    notes
        What was dropped on the way, in words.
    """

    periods: np.ndarray
    cohort: np.ndarray
    y: np.ndarray
    x: np.ndarray | None
    unit_weight: np.ndarray | None
    unit_cluster: np.ndarray
    covariates: list[str]
    notes: list[str]

    @property
    def n_units(self) -> int:
        """Number of units."""
        return int(self.cohort.size)

    @property
    def n_periods(self) -> int:
        """Number of periods."""
        return int(self.periods.size)

    def row_unit(self) -> np.ndarray:
        """Unit code of each row."""
        return np.repeat(np.arange(self.n_units), self.n_periods)

    def row_time(self) -> np.ndarray:
        """Period code of each row."""
        return np.tile(np.arange(self.n_periods), self.n_units)

    def index(self, rows: np.ndarray | None = None) -> TwoWayIndex:
        """The two-way index of all rows, or of ``rows`` (a boolean mask) with codes renumbered."""
        unit, time = self.row_unit(), self.row_time()
        if rows is None:
            return TwoWayIndex.from_codes(unit, time)
        u = np.unique(unit[rows], return_inverse=True)[1]
        t = np.unique(time[rows], return_inverse=True)[1]
        return TwoWayIndex.from_codes(u.astype(np.intp), t.astype(np.intp))


def check_anticipation(anticipation: object) -> int:
    """Return ``anticipation`` if it is a non-negative integer, else raise ParameterError."""
    if isinstance(anticipation, bool) or not isinstance(anticipation, int | np.integer):
        raise ParameterError(
            f"`anticipation` must be a whole number of periods (0 or more); got {anticipation!r}."
        )
    if anticipation < 0:
        raise ParameterError(f"`anticipation` must be 0 or more periods; got {anticipation!r}.")
    return int(anticipation)


def _dropped_notes(pa: PanelArrays, n_zero_weight: int) -> list[str]:
    notes = [
        late_cohorts_note(pa.n_late_never, float(pa.periods[-1])),
        dropped_units_note(pa.dropped, pa.n_units_input),
        f"{n_zero_weight} units with weight 0 were left out." if n_zero_weight else None,
    ]
    return [n for n in notes if n is not None]


def staggered_panel(
    data: object,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    covariates: object,
    cluster: object,
    weights: str | None,
    anticipation: int,
    alpha: object,
) -> tuple[StaggeredPanel, float]:
    """Check the arguments and data and build the panel (see the module docstring).

    Returns
    -------
    panel, alpha
        The panel and the checked ``alpha``.

    Raises
    ------
    InputError, ParameterError
        As :func:`~outcomelab.did.att_gt` for the same arguments.
    EmptyGroupError
        No treated units are left.
    """
    alpha_value = check_alpha(alpha)
    frame = require_dataframe(data)
    covs = covariate_columns(frame, covariates)
    cl_names = cluster_columns(frame, cluster, unit=unit)
    cl_name = cl_names[0] if cl_names and cl_names[0] != unit else None
    pa = panel_arrays(
        frame,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        covariates=covs or None,
        anticipation=anticipation,
        cluster=cl_name,
        weights=weights,
    )
    n, n_t = pa.y.shape
    keep = np.ones(n, dtype=bool) if pa.weights is None else pa.weights > 0
    x = None
    if pa.x is not None:
        xw = pa.x if pa.x_time_varying else np.broadcast_to(pa.x[:, None, :], (n, n_t, len(covs)))
        x = np.ascontiguousarray(xw[keep].reshape(-1, len(covs)))
    if pa.cluster is None:
        unit_cluster = np.arange(int(keep.sum()))
    else:
        unit_cluster = pd.factorize(pa.cluster[keep])[0]
    panel = StaggeredPanel(
        periods=pa.periods,
        cohort=pa.cohort[keep],
        y=np.ascontiguousarray(pa.y[keep].reshape(-1)),
        x=x,
        unit_weight=None if pa.weights is None else pa.weights[keep],
        unit_cluster=np.asarray(unit_cluster, dtype=np.intp),
        covariates=covs,
        notes=_dropped_notes(pa, int((~keep).sum())),
    )
    return panel, alpha_value
