"""The group-time cells of a balanced panel for ``att_gt``, for one or several outcomes at once.

Cells that share an estimation sample (one treated cohort, one set of comparison cohorts, one
covariate period) are estimated together by :func:`~outcomelab.did.drdid_core.estimate_cells`:
the sample's units, covariates, propensity score and comparison-group regression design are found
once, and each (cell, outcome) pair is a column of the outcome changes. Several outcomes whose
balanced panels keep the same units therefore share everything but their outcome columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from outcomelab.did._cells import CellEstimation
from outcomelab.did._panel_arrays import PanelArrays
from outcomelab.did.drdid_core import CellEstimates, estimate_cells
from outcomelab.errors import EstimationError, NoOverlapError, SingularDesignError

__all__ = ["estimate_panel_cells"]

#: a sample: (cohort, comparison cohorts, covariate period index) -> its cells' indices
Samples = dict[tuple[float, tuple[float, ...], int], list[int]]


class _Collect:
    """The estimates of every cell of one outcome, filled one sample at a time."""

    def __init__(self, n: int, k_cells: int) -> None:
        self.att = np.zeros(k_cells)
        # column-major: each cell's influence function is contiguous
        self.influence = np.zeros((n, k_cells), order="F")

    def put(self, idx: np.ndarray, ks: list[int], cols: slice, est: CellEstimates) -> None:
        """Store the columns ``cols`` of ``est`` as the cells ``ks`` (units ``idx``)."""
        n = self.influence.shape[0]
        self.att[ks] = est.att[cols]
        scale = n / idx.size
        inf = est.influence[:, cols]
        everyone = idx.size == n
        column = np.empty(idx.size)
        for j, k in enumerate(ks):
            np.multiply(inf[:, j], scale, out=column)
            if everyone:
                self.influence[:, k] = column
            else:
                self.influence[idx, k] = column


def estimate_panel_cells(
    panels: Sequence[PanelArrays],
    *,
    cells: list[tuple[float, float, float]],
    samples: Samples,
    codes_list: np.ndarray,
    ucode: np.ndarray,
    method: Literal["dr", "ipw", "reg"],
    covs: list[str],
) -> list[CellEstimation]:
    """Estimate every planned cell of each panel, one sample at a time.

    Parameters
    ----------
    panels
        Balanced panels of the same units (the same cohorts, covariates and weights), one per
        outcome; they differ only in ``y``.
    cells, samples, codes_list, ucode
        The plan: ``(group, time, base)`` of every cell, the samples, ``0`` then the treated
        cohorts and each unit's index into them.
    method
        ``"dr"``, ``"ipw"`` or ``"reg"``.
    covs
        Covariate names, for error messages.

    Returns
    -------
    list of CellEstimation
        One per panel, equal to estimating that panel alone.
    """
    first = panels[0]
    n = first.n_units
    tindex = {float(p): i for i, p in enumerate(first.periods)}
    k_cells = len(cells)
    out = [_Collect(n, k_cells) for _ in panels]
    used_as_control = np.zeros(n, dtype=bool)
    n_trimmed = 0
    dropped: dict[int, EstimationError] = {}
    first_error: EstimationError | None = None
    ess = np.full(k_cells, np.nan)
    n_comparison = np.zeros(k_cells, dtype=np.int64)
    share = np.full(k_cells, np.nan)
    for (g, ctrl, xper), ks in samples.items():
        gcode = int(np.searchsorted(codes_list, g))
        allowed = np.zeros(len(codes_list), dtype=bool)
        allowed[gcode] = True
        allowed[np.searchsorted(codes_list, np.asarray(ctrl))] = True
        idx = np.flatnonzero(allowed[ucode])
        d = (ucode[idx] == gcode).astype(np.float64)
        used_as_control[idx[d == 0]] = True
        ti = [tindex[cells[k][1]] for k in ks]
        bi = [tindex[cells[k][2]] for k in ks]
        parts = [_changes(pa.y, idx, ti, bi) for pa in panels]
        dy = parts[0] if len(parts) == 1 else np.hstack(parts)
        x = None
        if first.x is not None:
            x = first.x[idx] if not first.x_time_varying else first.x[idx, xper, :]
        listed = ", ".join(f"{c:g}" for c in ctrl)
        where = f"the sample of cohort {g:g} and comparison cohorts {listed}"
        w = None if first.weights is None else first.weights[idx]
        try:
            est = estimate_cells(
                dy, d, x, method=method, weights=w, covariate_names=covs, where=where
            )
        except (NoOverlapError, SingularDesignError) as err:
            # R did: the cell is NA with a warning; here it is left out and listed with the reason
            first_error = first_error or err
            dropped.update(dict.fromkeys(ks, err))
            continue
        n_trimmed += est.n_trimmed
        ess[ks] = est.comparison_ess
        n_comparison[ks] = est.n_comparison
        share[ks] = est.overlap_share
        m = len(ks)
        for o, collect in enumerate(out):
            collect.put(idx, ks, slice(o * m, (o + 1) * m), est)
    return [
        CellEstimation(
            c.att,
            c.influence,
            used_as_control,
            n_trimmed,
            dropped,
            first_error,
            ess,
            n_comparison,
            share,
        )
        for c in out
    ]


def _changes(y: np.ndarray, idx: np.ndarray, ti: list[int], bi: list[int]) -> np.ndarray:
    """Outcome changes ``Y_t - Y_base`` of the units ``idx``, one column per cell."""
    ysub = y if idx.size == y.shape[0] else y[idx]
    return ysub[:, ti] - ysub[:, bi]
