"""The estimates of every planned group-time cell, as both data paths of ``att_gt`` return them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from outcomelab.errors import (
    EmptyGroupError,
    EstimationError,
    NoOverlapError,
    SingularDesignError,
)

__all__ = ["CellEstimation", "dropped_cell"]


@dataclass(frozen=True)
class CellEstimation:
    """ATT and influence function of every planned cell.

    Attributes
    ----------
    att
        ATT(g,t) of each planned cell, shape ``(K,)`` (0 where not estimated).
    influence
        Influence functions on the whole sample of sampling units (units of a panel, rows of
        repeated cross-sections), shape ``(n, K)``, scaled as R ``did``'s ``inffunc``.
    used_as_control
        Sampling units used as comparison in at least one cell, shape ``(n,)``.
    n_trimmed
        Comparison observations trimmed for a propensity score of at least 0.995, summed over
        cells.
    dropped
        Index of each cell that could not be estimated on its sample (no overlap, singular
        covariates, an empty group-period) -> the error that says why.
    first_error
        The first such error, raised when no cell at all can be estimated.
    comparison_ess, n_comparison, overlap_share
        Kish effective sample size of each cell's comparison weights, its number of comparison
        units and the share of the comparison group's effective size the propensity weights keep
        (NaN, 0 and NaN where not estimated).
    """

    att: np.ndarray
    influence: np.ndarray
    used_as_control: np.ndarray
    n_trimmed: int
    dropped: dict[int, EstimationError]
    first_error: EstimationError | None
    comparison_ess: np.ndarray
    n_comparison: np.ndarray
    overlap_share: np.ndarray


#: the kind of reason a cell was not estimated, by error class (words for reports key on it)
_KINDS = (
    (NoOverlapError, "no_overlap"),
    (SingularDesignError, "singular_covariates"),
    (EmptyGroupError, "no_observations"),
)


def dropped_cell(group: float, time: float, err: EstimationError) -> dict[str, Any]:
    """One entry of ``diagnostics["dropped_cells"]``: the cell, its group and period, the kind of
    reason (``"no_overlap"``, ``"singular_covariates"``, ``"no_observations"`` or ``"other"``)
    and the error's sentence."""
    kind = next((name for cls, name in _KINDS if isinstance(err, cls)), "other")
    return {
        "cell": f"ATT({group:g},{time:g})",
        "group": group,
        "time": time,
        "kind": kind,
        "reason": str(err),
    }
