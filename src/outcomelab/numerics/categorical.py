"""The one expansion of a categorical column into 0/1 indicator columns.

A column is categorical when it holds text or is a pandas ``Categorical``; numbers and booleans
are numbers (a boolean is already a 0/1 indicator). Its levels are the categories of a
``Categorical`` that occur in the data, in the categories' order, or else the distinct values
sorted as text, the order R's ``factor()`` gives a character column. With ``drop_first=True`` the
first level is the reference and gets no column (treatment contrasts, as R's ``model.matrix``
builds a regression design); with ``drop_first=False`` every level gets one (as MatchIt's and
cobalt's balance tables show them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Expansion", "category_levels", "expand_categorical", "is_categorical"]


@dataclass(frozen=True)
class Expansion:
    """Indicator columns of one categorical column.

    Attributes
    ----------
    matrix
        Float 0/1 array, shape ``(n, m)``, one column per level in ``levels``.
    levels
        The level each column indicates.
    reference
        The level left out with ``drop_first=True``; ``None`` when every level has a column.
    """

    matrix: np.ndarray
    levels: tuple[Any, ...]
    reference: Any | None


def is_categorical(column: pd.Series) -> bool:
    """Whether ``column`` holds categories (text or a pandas ``Categorical``), not numbers."""
    return bool(
        isinstance(column.dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(column)
        or pd.api.types.is_string_dtype(column)
    )


def category_levels(column: pd.Series) -> list[Any]:
    """Levels of ``column`` that occur in it: a ``Categorical``'s categories in their order, else
    the distinct non-missing values sorted as text."""
    return _ordered(column, column.dropna().unique().tolist())


def _ordered(column: pd.Series, present: list[Any]) -> list[Any]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        seen = set(present)
        return [lv for lv in column.cat.categories if lv in seen]
    return sorted(present, key=str)


def expand_categorical(
    column: pd.Series, *, levels: Sequence[Any] | None = None, drop_first: bool = False
) -> Expansion:
    """0/1 indicators of the levels of ``column``.

    Parameters
    ----------
    column
        The values (any dtype; values not among ``levels`` and missing values get 0 in every
        column).
    levels
        The levels in order; default :func:`category_levels`.
    drop_first
        Leave the first level out as the reference (treatment contrasts).

    Returns
    -------
    Expansion

    Examples
    --------
    >>> import pandas as pd
    >>> e = expand_categorical(pd.Series(["b", "a", "c", "a"]), drop_first=True)
    >>> e.levels, e.reference, e.matrix.tolist()
    (('b', 'c'), 'a', [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    """
    values = column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column
    raw_codes, uniques = pd.factorize(values)  # one hash pass; -1 for missing values
    ordered = list(_ordered(column, list(uniques)) if levels is None else levels)
    position = pd.Index(ordered, dtype=object).get_indexer(pd.Index(uniques, dtype=object))
    lookup = np.append(position, -1)  # raw code -1 (missing) -> -1
    codes = lookup[raw_codes]
    first = 1 if drop_first else 0
    kept = ordered[first:]
    matrix = np.zeros((codes.size, len(kept)))
    rows = np.flatnonzero(codes >= first)
    matrix[rows, codes[rows] - first] = 1.0
    return Expansion(
        matrix=matrix, levels=tuple(kept), reference=ordered[0] if drop_first and ordered else None
    )
