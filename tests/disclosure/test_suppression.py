from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from outcomelab.disclosure import (
    DisclosurePolicy,
    load_policy,
    round_count,
    suppress_counts,
    suppress_derived,
)
from outcomelab.errors import InputError, ParameterError

NO_ROUNDING = DisclosurePolicy(rounding_base=1)


def _hidden(table: pd.DataFrame) -> np.ndarray:
    return table.isna().to_numpy()


def test_primary_suppression_hides_small_counts_but_not_zero() -> None:
    counts = pd.DataFrame({"a": [0, 3, 10], "b": [20, 30, 40]}, index=["x", "y", "z"])
    out = suppress_counts(counts, NO_ROUNDING, name="t", margins=False)
    assert _hidden(out.table).tolist() == [[False, False], [True, False], [False, False]]
    assert [(s.row, s.column, s.reason) for s in out.log] == [("y", "a", "primary")]
    # the log never records the hidden value
    assert "3" not in out.log[0].detail.replace("count below 5", "")


def test_secondary_suppression_protects_row_and_column_totals() -> None:
    # one small cell: its row and column need a second hidden cell each
    counts = pd.DataFrame({"a": [2, 50, 60], "b": [40, 7, 80], "c": [30, 9, 90]})
    out = suppress_counts(counts, NO_ROUNDING, name="t")
    hidden = _hidden(out.table)
    assert hidden[0, 0]
    for axis in (0, 1):
        assert not (hidden.sum(axis=axis) == 1).any(), "a line has exactly one hidden cell"
    reasons = {s.reason for s in out.log}
    assert reasons == {"primary", "secondary"}
    # the smallest positive interior cell in row 0 after the hidden one is b=40? no: c=30 is
    # smaller, so c is hidden in row 0; column a picks b-row 50
    assert hidden[0, 2] and hidden[1, 0]


def _recoverable(full: np.ndarray, hidden: np.ndarray) -> bool:
    """True if some hidden cell's value is pinned down by the published cells (LP range 0)."""
    n_rows, n_cols = full.shape[0] - 1, full.shape[1] - 1
    idx = {rc: i for i, rc in enumerate(map(tuple, np.argwhere(hidden)))}
    if not idx:
        return False
    a_eq, b_eq = [], []
    lines = [[(r, c) for c in range(n_cols)] + [(r, n_cols)] for r in range(n_rows + 1)]
    lines += [[(r, c) for r in range(n_rows)] + [(n_rows, c)] for c in range(n_cols + 1)]
    for line in lines:
        *parts, total = line
        row = np.zeros(len(idx))
        rhs = 0.0
        for rc in parts:
            if rc in idx:
                row[idx[rc]] += 1
            else:
                rhs -= full[rc]
        if total in idx:
            row[idx[total]] -= 1
        else:
            rhs += full[total]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    for i in range(len(idx)):
        c = np.zeros(len(idx))
        c[i] = 1
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        if lo.status == 0 and hi.status == 0 and abs(-hi.fun - lo.fun) < 1e-9:
            return True
    return False


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda r: st.integers(2, 5).flatmap(
            lambda c: st.lists(
                st.lists(st.integers(0, 40), min_size=c, max_size=c), min_size=r, max_size=r
            )
        )
    )
)
def test_no_hidden_cell_is_recoverable_from_totals(cells: list[list[int]]) -> None:
    counts = pd.DataFrame(cells)
    out = suppress_counts(counts, NO_ROUNDING)
    hidden = _hidden(out.table)
    interior = np.array(cells, dtype=float)
    full = np.zeros((interior.shape[0] + 1, interior.shape[1] + 1))
    full[:-1, :-1] = interior
    full[:-1, -1] = interior.sum(1)
    full[-1, :-1] = interior.sum(0)
    full[-1, -1] = interior.sum()
    small = (full > 0) & (full < 5)
    assert (hidden >= small).all(), "a small count was published"
    for axis in (0, 1):
        assert not (hidden.sum(axis=axis) == 1).any()
    # no hidden cell can be pinned down by solving the published totals (LP bounds differ)
    assert not _recoverable(full, hidden)


def test_rounding_and_policy_validation(tmp_path: pytest.TempPathFactory) -> None:
    assert round_count(12, 5) == 10
    assert round_count(12.5, 5) == 15
    assert round_count(7, 1) == 7
    out = suppress_counts(pd.DataFrame({"a": [12, 23]}), DisclosurePolicy(), margins=False)
    assert out.table["a"].tolist() == [10, 25]
    with pytest.raises(ParameterError, match="min_cell"):
        DisclosurePolicy(min_cell=0)
    file = tmp_path / "p.yaml"  # type: ignore[operator]
    file.write_text("min_cohort: 100\nmin_cell: 10\n")
    assert load_policy(file) == DisclosurePolicy(min_cohort=100, min_cell=10)
    file.write_text("min_cells: 10\n")
    with pytest.raises(ParameterError, match="unknown fields"):
        load_policy(file)


def test_counts_must_be_whole_and_derived_statistics_follow_counts() -> None:
    with pytest.raises(InputError, match="whole, non-negative counts"):
        suppress_counts(pd.DataFrame({"a": [0.5, 2.0]}), NO_ROUNDING)
    rates = pd.DataFrame({"rate": [0.25, 0.6]}, index=["small", "large"])
    n = pd.DataFrame({"rate": [4, 50]}, index=["small", "large"])
    out = suppress_derived(rates, n, NO_ROUNDING, name="rates")
    assert out.table["rate"].isna().tolist() == [True, False]
    assert out.log_frame()["row"].tolist() == ["small"]
