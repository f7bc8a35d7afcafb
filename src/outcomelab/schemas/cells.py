"""Cells as the text a person sees in the file: one spreadsheet or Parquet cell, a column's cells
and the quoted form failure messages use."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["cell_to_text", "cells_as_text", "quoted"]


def cell_to_text(value: Any) -> str:
    """Write one spreadsheet or Parquet cell as the text a person would see in a CSV export.

    Dates become ``YYYY-MM-DD`` (a date-time at midnight too), whole floats lose their ``.0``,
    booleans become ``true``/``false`` and empty cells ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp | dt.datetime):
        if pd.isna(value):
            return ""
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if math.isfinite(number) and number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def cells_as_text(column: pd.Series, positions: np.ndarray) -> np.ndarray:
    """The cells at ``positions`` as the text a person would see."""
    values = column.iloc[positions]
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values.to_numpy(dtype=object)
    return np.array([cell_to_text(v) for v in values], dtype=object)


def quoted(values: np.ndarray) -> pd.Series:
    """Each value in single quotes, for a failure message."""
    return "'" + pd.Series(values, dtype=object).astype(str) + "'"
