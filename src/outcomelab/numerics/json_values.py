"""The one conversion of results to plain JSON values (NaN and infinity become ``null``).

Every ``to_dict()`` and every writer of JSON uses :func:`json_safe`; scalars that a report reads as
a number go through :func:`finite_or_none`. A NaN must never reach a reader as a number: JSON has no
NaN, and a ``null`` says "not computed" where a NaN would be read as a value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["finite_or_none", "json_safe"]


def finite_or_none(value: Any) -> float | None:
    """``float(value)``, or ``None`` for ``None``, missing values, NaN and infinities."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _rounded(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    places = digits - 1 - math.floor(math.log10(abs(value)))
    return float(round(value, places)) + 0.0  # + 0.0 turns -0.0 into 0.0


def json_safe(value: Any, *, significant_digits: int | None = None, strict: bool = False) -> Any:
    """Convert NumPy/pandas scalars and containers to plain JSON types.

    Parameters
    ----------
    value
        Any mix of mappings, lists, tuples, NumPy arrays, DataFrames (lists of records), Series
        (lists), NumPy and Python scalars, timestamps and paths.
    significant_digits
        Round finite floats to this many significant digits (and ``-0.0`` to ``0.0``), for
        output that must be byte-identical across platforms; ``None`` keeps every digit.
    strict
        Raise for a value of any other type instead of returning it unchanged (for files that
        must hold nothing but JSON, such as results.json).

    Returns
    -------
    Any
        Dicts with string keys, lists, ``str``, ``int``, ``float``, ``bool`` and ``None``. NaN,
        infinities, ``pd.NA`` and ``NaT`` become ``None``; dates and timestamps ISO strings;
        paths strings. Values of other types are returned unchanged unless ``strict``.

    Raises
    ------
    TypeError
        With ``strict``, for a value that is none of the above (the message names its type).

    Examples
    --------
    >>> import numpy as np
    >>> json_safe({"a": np.float64("nan"), "b": np.arange(2), "c": (np.True_, 1.5)})
    {'a': None, 'b': [0, 1], 'c': [True, 1.5]}
    >>> json_safe([1 / 3, -0.0], significant_digits=3)
    [0.333, 0.0]
    >>> json_safe({"x": object}, strict=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: a value of type type (<class 'object'>) is not a JSON value; ...
    """
    if isinstance(value, Mapping):
        return {
            str(k): json_safe(v, significant_digits=significant_digits, strict=strict)
            for k, v in value.items()
        }
    if isinstance(value, pd.DataFrame):
        value = value.to_dict(orient="records")
    elif isinstance(value, pd.Series | np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [json_safe(v, significant_digits=significant_digits, strict=strict) for v in value]
    return _scalar(value, significant_digits, strict)


def _scalar(value: Any, digits: int | None, strict: bool) -> Any:
    """One value that is not a container, as a JSON value (see :func:`json_safe`)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            return None
        return number if digits is None else _rounded(number, digits)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if strict:
        raise TypeError(
            f"a value of type {type(value).__name__} ({value!r}) is not a JSON value; convert it "
            "to a number, string, list or dict first."
        )
    return value
