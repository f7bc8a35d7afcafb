"""The shared JSON-safe conversion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from outcomelab.numerics import finite_or_none, json_safe


def test_nan_and_infinities_become_null_at_any_depth() -> None:
    value = {
        "a": np.nan,
        "b": [np.float32("inf"), -np.inf, 1.5],
        "c": pd.DataFrame({"x": [1.0, np.nan]}),
        "d": pd.Series([pd.NA, 2], dtype="Int64"),
        "e": np.array([np.nan, 3.0]),
        "f": pd.NaT,
    }
    out = json_safe(value)
    assert out == {
        "a": None,
        "b": [None, None, 1.5],
        "c": [{"x": 1.0}, {"x": None}],
        "d": [None, 2],
        "e": [None, 3.0],
        "f": None,
    }
    json.dumps(out, allow_nan=False)  # raises if a NaN survived


def test_numpy_scalars_keys_dates_and_paths() -> None:
    out = json_safe(
        {1: np.int64(3), "b": np.bool_(True), "t": pd.Timestamp("2024-01-02"), "p": Path("a/b")}
    )
    assert out == {"1": 3, "b": True, "t": "2024-01-02T00:00:00", "p": "a/b"}
    assert type(out["1"]) is int and type(out["b"]) is bool


def test_significant_digits_round_and_clear_negative_zero() -> None:
    out = json_safe([1 / 3, -0.0, 123456.789], significant_digits=4)
    assert out == [0.3333, 0.0, 123500.0]
    assert str(out[1]) == "0.0"


def test_finite_or_none() -> None:
    assert finite_or_none(np.float64(2.5)) == 2.5
    assert finite_or_none(3) == 3.0
    assert finite_or_none(None) is None
    assert finite_or_none(np.nan) is None
    assert finite_or_none(float("-inf")) is None
    assert finite_or_none(pd.NA) is None
