"""Input checks shared by every public function: the one place options and columns are validated.

Each check raises :class:`~outcomelab.errors.InputError` (or :class:`ParameterError`) with a message
that names the argument, lists the offending columns or values and says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.errors import InputError, ParameterError

__all__ = [
    "check_choice",
    "check_no_missing",
    "check_numeric",
    "check_probability",
    "require_columns",
    "require_dataframe",
    "rows_preview",
]


def rows_preview(index: Iterable[Any], limit: int = 5) -> str:
    """Format the first ``limit`` row labels of ``index`` as ``"12, 40, 41 and 3 more"``."""
    labels = list(index)
    shown = ", ".join(str(x) for x in labels[:limit])
    rest = len(labels) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def require_dataframe(data: object, argument: str = "data") -> pd.DataFrame:
    """Return ``data`` if it is a non-empty DataFrame, else raise InputError."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"`{argument}` must be a pandas DataFrame, got {type(data).__name__}; "
            "read your file with pandas.read_csv or outcomelab.schemas.read_table first."
        )
    if data.empty:
        raise InputError(f"`{argument}` has no rows; there is nothing to estimate from.")
    return data


def require_columns(data: pd.DataFrame, **columns: str | Sequence[str] | None) -> None:
    """Check that every named column exists in ``data``.

    Parameters
    ----------
    data
        The caller's table.
    **columns
        Argument name -> column name(s) (``None`` is skipped), e.g. ``outcome="y"``.

    Raises
    ------
    InputError
        Listing every argument whose column(s) are missing, and the columns that do exist.
    """
    problems = []
    for argument, value in columns.items():
        if value is None:
            continue
        names = [value] if isinstance(value, str) else list(value)
        missing = [name for name in names if name not in data.columns]
        if missing:
            problems.append(f"`{argument}` names {', '.join(repr(m) for m in missing)}")
    if problems:
        available = ", ".join(repr(c) for c in list(data.columns)[:20])
        raise InputError(
            f"Columns not found in the data: {'; '.join(problems)}. "
            f"The data have: {available}{' ...' if data.shape[1] > 20 else ''}."
        )


def check_choice(argument: str, value: object, allowed: Iterable[object]) -> None:
    """Raise ParameterError unless ``value`` is one of ``allowed``."""
    options = list(allowed)
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ParameterError(f"`{argument}` must be one of {listed}; got {value!r}.")


def check_probability(argument: str, value: float, *, open_interval: bool = True) -> None:
    """Raise ParameterError unless ``0 < value < 1`` (or ``0 <= value <= 1``)."""
    ok = 0 < value < 1 if open_interval else 0 <= value <= 1
    if not ok:
        bounds = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ParameterError(f"`{argument}` must be {bounds}; got {value!r}.")


def check_numeric(data: pd.DataFrame, argument: str, columns: str | Sequence[str]) -> None:
    """Raise InputError if any of ``columns`` is not numeric (bool counts as numeric)."""
    names = [columns] if isinstance(columns, str) else list(columns)
    bad = [c for c in names if not (pd.api.types.is_numeric_dtype(data[c]))]
    if bad:
        kinds = ", ".join(f"{c!r} ({data[c].dtype})" for c in bad)
        raise InputError(
            f"`{argument}` must name numeric columns; not numeric: {kinds}. "
            "Convert them with pandas.to_numeric or encode categories as dummies."
        )


def check_no_missing(data: pd.DataFrame, argument: str, columns: str | Sequence[str]) -> None:
    """Raise InputError naming each column with missing values and how many rows are affected."""
    names = [columns] if isinstance(columns, str) else list(columns)
    problems = []
    for c in names:
        missing = data[c].isna().to_numpy()
        if missing.any():
            rows = rows_preview(data.index[missing])
            problems.append(f"{c!r} has {int(missing.sum())} missing values (rows {rows})")
    if problems:
        raise InputError(
            f"`{argument}`: {'; '.join(problems)}. Drop or impute those rows before estimating."
        )


def as_float_array(values: pd.Series | np.ndarray) -> np.ndarray:
    """Return ``values`` as a contiguous float64 NumPy array."""
    return np.ascontiguousarray(np.asarray(values, dtype=np.float64))
