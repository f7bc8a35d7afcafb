"""Cell suppression and rounding for published count tables.

Primary suppression hides every count from 1 to ``min_cell - 1``. Secondary suppression then
hides further cells until no row or column relation (the cells of a row plus the row total, and
likewise for columns and the margins) has exactly one hidden member, so a hidden cell cannot be
recovered by subtraction from a published total. The heuristic picks, in each relation that
needs it, the smallest positive interior cell — the cell whose hiding costs the reader least —
as in the classic hypercube approach; it does not solve the optimal (minimum-loss) problem that
tau-Argus solves.

Every suppression is logged with its reason; the log never contains the hidden value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from outcomelab.disclosure.policy import DisclosurePolicy
from outcomelab.errors import InputError

__all__ = [
    "SuppressedTable",
    "Suppression",
    "round_count",
    "suppress_counts",
    "suppress_derived",
]

TOTAL = "total"


@dataclass(frozen=True)
class Suppression:
    """One hidden cell and why it was hidden (the value itself is never recorded)."""

    table: str
    row: str
    column: str
    reason: str  # "primary" or "secondary" or "cohort"
    detail: str


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to publish and the log of what was hidden.

    Attributes
    ----------
    table
        Published values: hidden cells are ``<NA>``; counts are rounded per the policy.
    log
        One :class:`Suppression` per hidden cell.
    """

    table: pd.DataFrame
    log: tuple[Suppression, ...]

    def log_frame(self) -> pd.DataFrame:
        """The suppression log as a DataFrame (table, row, column, reason, detail)."""
        return pd.DataFrame(
            [s.__dict__ for s in self.log], columns=["table", "row", "column", "reason", "detail"]
        )


def round_count(count: float, base: int) -> int:
    """Round a count to the nearest multiple of ``base`` (halves round up).

    Parameters
    ----------
    count
        A non-negative count.
    base
        Rounding base (1 leaves the count unchanged).

    Returns
    -------
    int
    """
    if base <= 1:
        return round(count)
    return int(base * np.floor(count / base + 0.5))


def _check_counts(counts: pd.DataFrame, name: str) -> np.ndarray:
    values = counts.to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InputError(
            f"Table {name!r} must hold whole, non-negative counts; cell "
            f"({counts.index[r]!r}, {counts.columns[c]!r}) is not one. Pass counts, not rates."
        )
    return values


def suppress_counts(
    counts: pd.DataFrame,
    policy: DisclosurePolicy,
    *,
    name: str = "table",
    margins: bool = True,
) -> SuppressedTable:
    """Apply primary and secondary suppression and rounding to a table of person counts.

    Parameters
    ----------
    counts
        Interior cells of a cross-table: whole, non-negative counts of persons.
    policy
        The thresholds to apply.
    name
        Table name used in the log.
    margins
        Add and publish a ``total`` column and row (and protect them).

    Returns
    -------
    SuppressedTable
        Counts with hidden cells as ``<NA>`` and the log.

    Raises
    ------
    InputError
        A cell is negative, fractional or missing.
    """
    interior = _check_counts(counts, name)
    n_rows, n_cols = interior.shape
    if margins:
        full = np.zeros((n_rows + 1, n_cols + 1))
        full[:n_rows, :n_cols] = interior
        full[:n_rows, n_cols] = interior.sum(axis=1)
        full[n_rows, :n_cols] = interior.sum(axis=0)
        full[n_rows, n_cols] = interior.sum()
        row_labels = [*map(str, counts.index), TOTAL]
        col_labels = [*map(str, counts.columns), TOTAL]
    else:
        full = interior.copy()
        row_labels = [str(x) for x in counts.index]
        col_labels = [str(x) for x in counts.columns]

    hidden = (full > 0) & (full < policy.min_cell)
    log = [
        Suppression(name, row_labels[r], col_labels[c], "primary", f"count below {policy.min_cell}")
        for r, c in np.argwhere(hidden)
    ]
    if margins and policy.secondary_suppression:
        log.extend(_secondary(full, hidden, n_rows, n_cols, row_labels, col_labels, name))
        log.extend(_audit(full, hidden, n_rows, n_cols, row_labels, col_labels, name))

    published = np.array(
        [[round_count(v, policy.rounding_base) for v in row] for row in full], dtype=float
    )
    table = pd.DataFrame(published, index=row_labels, columns=col_labels).astype("Int64")
    table = table.mask(pd.DataFrame(hidden, index=row_labels, columns=col_labels))
    return SuppressedTable(table=table, log=tuple(log))


def _secondary(
    full: np.ndarray,
    hidden: np.ndarray,
    n_rows: int,
    n_cols: int,
    row_labels: list[str],
    col_labels: list[str],
    name: str,
) -> list[Suppression]:
    """Hide cells until no relation (row or column with its total) has exactly one hidden cell."""
    labels = [f"row {x!r}" for x in row_labels] + [f"column {x!r}" for x in col_labels]
    relations = [
        (label, [*parts, total])
        for label, (parts, total) in zip(labels, _lines(n_rows, n_cols), strict=True)
    ]
    log: list[Suppression] = []
    changed = True
    while changed:
        changed = False
        for label, cells in relations:
            if sum(hidden[rc] for rc in cells) != 1:
                continue
            candidates = [rc for rc in cells if not hidden[rc]]
            interior = [rc for rc in candidates if rc[0] < n_rows and rc[1] < n_cols]
            # prefer positive interior cells, then positive margins: a hidden zero in a line of
            # zeros is pinned down by non-negativity and protects nothing
            pool = (
                [rc for rc in interior if full[rc] > 0]
                or [rc for rc in candidates if full[rc] > 0]
                or interior
                or candidates
            )
            if not pool:
                continue
            pick = min(pool, key=lambda rc: (full[rc], rc))
            hidden[pick] = True
            log.append(
                Suppression(
                    name,
                    row_labels[pick[0]],
                    col_labels[pick[1]],
                    "secondary",
                    f"protects a hidden cell in {label}",
                )
            )
            changed = True
    return log


def _lines(n_rows: int, n_cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every additive relation of a table with margins: (parts, total)."""
    rows = [([(r, c) for c in range(n_cols)], (r, n_cols)) for r in range(n_rows + 1)]
    cols = [([(r, c) for r in range(n_rows)], (n_rows, c)) for c in range(n_cols + 1)]
    return rows + cols


def _exposed(
    full: np.ndarray, hidden: np.ndarray, n_rows: int, n_cols: int
) -> list[tuple[int, int]]:
    """Hidden cells whose value an attacker can narrow to less than one person.

    Solves, for each hidden cell, min and max of the cell subject to the published totals and
    non-negativity (two linear programmes) and reports the cells whose range is below 1.
    """
    cells = [(int(r), int(c)) for r, c in np.argwhere(hidden)]
    if not cells:
        return []
    position = {rc: i for i, rc in enumerate(cells)}
    a_eq, b_eq = [], []
    for parts, total in _lines(n_rows, n_cols):
        row = np.zeros(len(cells))
        rhs = 0.0
        for rc in parts:
            if rc in position:
                row[position[rc]] += 1.0
            else:
                rhs -= full[rc]
        if total in position:
            row[position[total]] -= 1.0
        else:
            rhs += full[total]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    exposed = []
    for i, rc in enumerate(cells):
        objective = np.zeros(len(cells))
        objective[i] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status == 0 and high.status == 0 and (-high.fun - low.fun) < 1.0:
            exposed.append(rc)
    return exposed


def _audit(
    full: np.ndarray,
    hidden: np.ndarray,
    n_rows: int,
    n_cols: int,
    row_labels: list[str],
    col_labels: list[str],
    name: str,
) -> list[Suppression]:
    """Hide more cells until no hidden cell can be recovered by solving the totals (LP audit)."""
    log: list[Suppression] = []
    for _ in range(full.size):
        exposed = _exposed(full, hidden, n_rows, n_cols)
        if not exposed:
            break
        r, c = exposed[0]
        line = [(r, j) for j in range(n_cols + 1)] + [(i, c) for i in range(n_rows + 1)]
        open_cells = [rc for rc in line if not hidden[rc] and full[rc] > 0]
        if not open_cells:
            open_cells = [(int(i), int(j)) for i, j in np.argwhere(~hidden & (full > 0))]
        if not open_cells:
            break
        pick = min(open_cells, key=lambda rc: (rc[0] >= n_rows or rc[1] >= n_cols, full[rc], rc))
        hidden[pick] = True
        log.append(
            Suppression(
                name,
                row_labels[pick[0]],
                col_labels[pick[1]],
                "secondary",
                f"audit: cell ({row_labels[r]}, {col_labels[c]}) was recoverable from the totals",
            )
        )
        log.extend(_secondary(full, hidden, n_rows, n_cols, row_labels, col_labels, name))
    return log


def suppress_derived(
    values: pd.DataFrame,
    counts: pd.DataFrame,
    policy: DisclosurePolicy,
    *,
    name: str = "table",
) -> SuppressedTable:
    """Hide statistics (rates, means, effects) computed from fewer than ``min_cell`` persons.

    Parameters
    ----------
    values
        The statistics to publish.
    counts
        Number of persons behind each statistic (same shape and labels as ``values``).
    policy
        The thresholds to apply.
    name
        Table name used in the log.

    Returns
    -------
    SuppressedTable
    """
    if values.shape != counts.shape:
        raise InputError(
            f"Table {name!r}: values have shape {values.shape} but counts {counts.shape}; "
            "give one count per statistic."
        )
    n = _check_counts(counts, name)
    hidden = n < policy.min_cell
    log = tuple(
        Suppression(
            name,
            str(values.index[r]),
            str(values.columns[c]),
            "primary",
            f"based on fewer than {policy.min_cell} persons",
        )
        for r, c in np.argwhere(hidden)
    )
    table = values.mask(pd.DataFrame(hidden, index=values.index, columns=values.columns))
    return SuppressedTable(table=table, log=log)
