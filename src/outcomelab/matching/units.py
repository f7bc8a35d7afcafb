"""The unit id that makes matching independent of row order.

Matching breaks ties (comparison units at the same distance, treated units with the same score)
by position. To make the matched set a function of the units and not of how the rows happen to be
sorted, :func:`match` works on the rows sorted by unit id -- the ``unit`` column, or the data's
index -- and maps every result back to the caller's row order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from outcomelab._checks import check_no_missing, require_columns, rows_preview
from outcomelab.errors import InputError

__all__ = ["UnitOrder", "unit_order"]


@dataclass(frozen=True)
class UnitOrder:
    """Row permutation that sorts the data by unit id.

    Attributes
    ----------
    perm
        ``perm[k]`` is the caller's row at sorted position ``k``; None when the rows are already
        in id order (nothing to do).
    source
        What the ids are, in words (``"column 'id'"``, ``"the index"``).
    """

    perm: np.ndarray | None
    source: str

    def to_sorted(self, data: pd.DataFrame) -> pd.DataFrame:
        """The data in id order."""
        return data if self.perm is None else data.iloc[self.perm]

    def rows_back(self, values: np.ndarray) -> np.ndarray:
        """Per-row values (first axis in id order) in the caller's row order."""
        if self.perm is None:
            return values
        out = np.empty_like(values)
        out[self.perm] = values
        return out

    def positions_back(self, positions: np.ndarray) -> np.ndarray:
        """Row positions in id order (``-1`` = none) as positions in the caller's order."""
        if self.perm is None:
            return positions
        return np.where(positions >= 0, self.perm[np.maximum(positions, 0)], -1)


def _argsort(ids: pd.Index) -> np.ndarray:
    try:
        return np.asarray(ids.argsort(kind="stable"))
    except TypeError:  # mixed types: order by their text
        return np.asarray(ids.astype(str).argsort(kind="stable"))


def unit_order(data: pd.DataFrame, unit: str | None) -> UnitOrder:
    """Find the order of the rows by unit id (the ``unit`` column, or the index).

    Raises
    ------
    InputError
        ``unit`` names no column, has missing values, or repeats an id; or, with ``unit=None``,
        the index repeats a label (then no id tells the rows apart: pass ``unit=``).
    """
    if unit is not None:
        if not isinstance(unit, str):
            raise InputError(f"`unit` must be the name of an id column; got {unit!r}.")
        require_columns(data, unit=unit)
        check_no_missing(data, "unit", unit)
        ids = pd.Index(data[unit])
        source = f"column {unit!r}"
    else:
        ids = data.index
        source = "the index"
    if not ids.is_unique:
        repeated = ids[ids.duplicated()]
        raise InputError(
            f"The unit ids ({source}) repeat {len(repeated)} values ({rows_preview(repeated)}); "
            "matching breaks ties by unit id, so every row needs its own. "
            + (
                "Pass unit='<id column>' or reset the index."
                if unit is None
                else "Keep one row per unit."
            )
        )
    if ids.is_monotonic_increasing:
        return UnitOrder(None, source)
    return UnitOrder(_argsort(ids), source)
