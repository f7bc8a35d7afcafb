"""Tests of the exact two-way within transformation and the CR1 helpers: dummy-regression check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomelab.did.within import TwoWayIndex, demean_two_way, factorize, singleton_mask
from outcomelab.numerics import fixef_dof, is_nested


def _dummy_residuals(x: np.ndarray, unit: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Residuals of x on full unit and period dummies by least squares (the definition)."""
    dummies = np.hstack([np.eye(unit.max() + 1)[unit], np.eye(time.max() + 1)[time]])
    coef, *_ = np.linalg.lstsq(dummies, x, rcond=None)
    return x - dummies @ coef


@settings(max_examples=40, deadline=None)
@given(
    n_units=st.integers(2, 12),
    n_times=st.integers(2, 9),
    keep_share=st.floats(0.3, 1.0),
    seed=st.integers(0, 10_000),
    shuffle=st.booleans(),
)
def test_demeaning_equals_dummy_regression(
    n_units: int, n_times: int, keep_share: float, seed: int, shuffle: bool
) -> None:
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_times)
    time = np.tile(np.arange(n_times), n_units)
    keep = rng.random(unit.size) < keep_share
    if shuffle:
        order = rng.permutation(unit.size)
        unit, time, keep = unit[order], time[order], keep[order]
    unit, time = unit[keep], time[keep]
    if unit.size < 2:
        return
    unit, _ = factorize(unit)
    time, _ = factorize(time)
    x = rng.normal(size=unit.size)
    index = TwoWayIndex.from_codes(unit, time)
    (ours,) = demean_two_way([x], index)
    # tolerance: both are exact up to rounding; 1e-9 absolute on values of order 1
    np.testing.assert_allclose(ours, _dummy_residuals(x, unit, time), atol=1e-9)


def test_balanced_paths_agree() -> None:
    rng = np.random.default_rng(0)
    unit = np.repeat(np.arange(50), 7)
    time = np.tile(np.arange(7), 50)
    x = rng.normal(size=unit.size)
    grid = demean_two_way([x], TwoWayIndex.from_codes(unit, time))[0]
    order = rng.permutation(unit.size)
    shuffled = demean_two_way([x[order]], TwoWayIndex.from_codes(unit[order], time[order]))[0]
    np.testing.assert_allclose(shuffled, grid[order], atol=1e-12)
    np.testing.assert_allclose(grid, _dummy_residuals(x, unit, time), atol=1e-10)


def test_disconnected_design_is_still_a_projection() -> None:
    # two blocks of units observed in disjoint periods: the FE design is rank-deficient by one more
    unit = np.array([0, 0, 1, 1, 2, 2, 3, 3, 2])
    time = np.array([0, 1, 0, 1, 2, 3, 2, 3, 4])
    unit2 = np.append(unit, [3])
    time2 = np.append(time, [4])
    x = np.random.default_rng(1).normal(size=unit2.size)
    ours = demean_two_way([x], TwoWayIndex.from_codes(unit2, time2))[0]
    np.testing.assert_allclose(ours, _dummy_residuals(x, unit2, time2), atol=1e-10)


def test_singletons_removed_repeatedly() -> None:
    # unit 2 has one row; dropping it leaves period 2 with one row (unit 1), then unit 1 has ...
    unit = np.array([0, 0, 1, 1, 2, 3, 3])
    time = np.array([0, 1, 1, 2, 3, 0, 1])
    keep = singleton_mask(unit, time)
    # period 3 and unit 2 single -> drop row 4; period 2 single -> drop row 3; unit 1 single
    # (row 2) -> drop; remaining units 0 and 3 in periods 0 and 1
    assert keep.tolist() == [True, True, False, False, False, True, True]


def test_nesting_and_fixef_dof() -> None:
    unit = np.array([0, 0, 1, 1, 2, 2])
    time = np.array([0, 1, 0, 1, 0, 1])
    region = np.array([0, 0, 0, 0, 1, 1])
    assert is_nested(unit, region) and not is_nested(time, region)
    # pyfixest's rule: (3 + 2) levels - (2 - 1) normalisations, then each fixed effect nested in
    # a cluster variable counts one parameter instead of its levels
    assert fixef_dof([(unit, 3), (time, 2)], [region]) == 4 - 3 + 1
    assert fixef_dof([(unit, 3), (time, 2)], [time]) == 4 - 2 + 1
    assert fixef_dof([(unit, 3), (time, 2)], [unit, time]) == 4 - 5 + 2
    assert fixef_dof([], [region]) == 0


@pytest.mark.parametrize("n_units", [3, 40])
def test_factorize_codes(n_units: int) -> None:
    values = pd.Series(np.repeat(np.arange(n_units)[::-1], 2).astype(str))
    codes, k = factorize(values.to_numpy())
    assert k == n_units and codes.max() == n_units - 1


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint16, np.float64, object])
@pytest.mark.parametrize("layout", ["sorted", "shuffled"])
def test_fast_codes_equal_pandas_factorize(dtype, layout):
    """The one-pass codes of sorted integer ids and the lookup-table codes of integer periods
    are pandas.factorize's, for every dtype and row order (the fast paths only skip the hash)."""
    from outcomelab.did.within import factorize, factorize_sorted

    rng = np.random.default_rng(4)
    values = np.repeat(rng.choice(np.arange(0, 120, 3), 25, replace=False), 4)
    values = np.sort(values) if layout == "sorted" else rng.permutation(values)
    if np.dtype(dtype).kind == "i":
        values = values - 60  # negative values too (and the int8 range)
    values = values.astype(dtype)
    for sort in (False, True):
        codes, k = factorize(values, sort=sort)
        ref, uniques = pd.factorize(values, sort=sort)
        np.testing.assert_array_equal(codes, ref)
        assert k == len(uniques)
    codes, levels = factorize_sorted(values)
    ref, uniques = pd.factorize(values, sort=True)
    np.testing.assert_array_equal(codes, ref)
    np.testing.assert_array_equal(levels, np.asarray(uniques))
    wide = np.array([127, -128, 0, 127], dtype=np.int8)  # a range wider than int8 holds
    codes, levels = factorize_sorted(wide)
    assert codes.tolist() == [2, 0, 1, 2]
    assert levels.tolist() == [-128, 0, 127]


@pytest.mark.parametrize(
    ("n_small", "duplicate"), [(7, False), (52, False), (60, False), (7, True)]
)
def test_cross_counts_equal_the_sparse_product(n_small, duplicate):
    """C' diag(1/n) C from the sets of periods as bits (<= 52 periods) equals the sparse
    product; more periods, or a unit-period cell with two rows, take the sparse product."""
    from scipy import sparse

    from outcomelab.did.within import _cross_counts

    rng = np.random.default_rng(n_small)
    n_big = 400
    cells = rng.random((n_big, n_small)) < 0.6
    cells[:, 0] = True  # every unit has a row
    big, small = np.nonzero(cells)
    if duplicate:
        big, small = np.append(big, big[3]), np.append(small, small[3])
    count = np.bincount(big, minlength=n_big)
    ours = _cross_counts(big, small, n_big, n_small, count)
    c = sparse.csr_matrix((np.ones(big.size), (big, small)), shape=(n_big, n_small))
    ref = (c.T @ sparse.diags(1.0 / count) @ c).toarray()
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)
