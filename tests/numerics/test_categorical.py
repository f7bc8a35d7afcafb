"""The shared categorical expansion."""

from __future__ import annotations

import numpy as np
import pandas as pd

from outcomelab.numerics import category_levels, expand_categorical, is_categorical


def test_text_levels_sorted_and_first_is_reference() -> None:
    col = pd.Series(["white", "black", "hispan", "black"])
    e = expand_categorical(col, drop_first=True)
    assert e.reference == "black"
    assert e.levels == ("hispan", "white")
    np.testing.assert_array_equal(e.matrix, [[0, 1], [0, 0], [1, 0], [0, 0]])


def test_all_levels_kept_without_drop_first() -> None:
    e = expand_categorical(pd.Series(["b", "a", "b"]))
    assert e.reference is None
    assert e.levels == ("a", "b")
    np.testing.assert_array_equal(e.matrix.sum(axis=1), 1.0)


def test_categorical_dtype_keeps_category_order_and_drops_unused() -> None:
    col = pd.Series(pd.Categorical(["low", "high", "low"], categories=["low", "mid", "high"]))
    assert category_levels(col) == ["low", "high"]
    e = expand_categorical(col, drop_first=True)
    assert e.reference == "low"
    np.testing.assert_array_equal(e.matrix[:, 0], [0, 1, 0])


def test_given_levels_and_unlisted_values_get_zero() -> None:
    col = pd.Series(["male", "female", "unknown", "other"])
    e = expand_categorical(col, levels=["female", "male", "unknown"], drop_first=True)
    assert e.levels == ("male", "unknown")
    np.testing.assert_array_equal(e.matrix, [[1, 0], [0, 0], [0, 1], [0, 0]])


def test_numbers_and_booleans_are_not_categories() -> None:
    assert not is_categorical(pd.Series([1.0, 2.0]))
    assert not is_categorical(pd.Series([True, False]))
    assert is_categorical(pd.Series(["a", "b"]))
    assert is_categorical(pd.Series(["a", "b"], dtype="string"))
    assert is_categorical(pd.Series(pd.Categorical([1, 2])))
