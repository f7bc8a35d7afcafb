"""The outcomes pivoted on a dense grid of persons x periods in numpy (``build_panel``'s fast path).

DuckDB joins the long outcome rows to the kept persons' numbers (``_k``, 1..N) and streams them
as Arrow batches of ``(_k, outcome number, period, value)``; each batch is scattered into one
array per outcome holding every (person, period) cell, so no hash aggregation of the panel's
rows and no sort are needed: the cells come out in (person, period) order. The facts the panel
reports (malformed periods, periods not asked for, rows of persons not kept, duplicated cells,
persons left without a row) are counted on the way, with the same rules as the SQL pivot that
:func:`~outcomelab.design.write_panel` uses (a duplicated cell is missing, a NULL value stays
NULL, a NaN stays NaN).

The grid costs ``N x periods x outcomes x 17`` bytes; :func:`grid_fits` keeps this path for
panels whose cells are mostly filled (registers: every person has every period), else the SQL
pivot runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["PivotCounts", "Pivoted", "grid_fits", "pivot_dense"]

#: grid cells allowed beyond twice the cells the outcome rows can fill (small panels always fit)
_SLACK_CELLS = 1_000_000


def grid_fits(n_persons: int, n_periods: int, n_outcomes: int, n_rows: int) -> bool:
    """Whether the dense grid is at most about twice the panel it holds.

    Parameters
    ----------
    n_persons, n_periods
        Persons kept (``_k`` runs 1..n_persons) and periods from the first to the last.
    n_outcomes
        Outcome columns.
    n_rows
        Outcome rows of the chosen outcomes (an upper bound on the filled cells).
    """
    cells = n_persons * n_periods
    return cells <= 2 * n_rows // max(n_outcomes, 1) + _SLACK_CELLS


@dataclass(frozen=True)
class PivotCounts:
    """Rows and persons the pivot leaves out, by reason (the SQL pivot reports the same)."""

    bad_period_rows: int = 0
    bad_period_persons: int = 0
    outside_rows: int = 0
    outside_persons: int = 0
    unkept_rows: int = 0
    duplicate_rows: int = 0
    duplicate_persons: int = 0


@dataclass(frozen=True)
class Pivoted:
    """The narrow panel rows and what the pivot found.

    Attributes
    ----------
    rows
        ``unit, period`` (int64) and one float64 column per outcome, in (unit, period) order.
    kept
        The ``_k`` of the persons with at least one row (ascending), or ``None`` when that is
        every person (then ``unit = _k``).
    counts
        What was left out.
    first_period, last_period
        The periods of the panel's rows (``None`` when it has none).
    """

    rows: pa.Table
    kept: np.ndarray | None
    counts: PivotCounts
    first_period: int | None
    last_period: int | None


class _Grid:
    """Every (person, period, outcome) cell, filled batch by batch.

    Cell-major layout (the outcomes of one person and period side by side). Per batch: the
    values are scattered, ``count`` is raised by one per distinct cell and an ``owner`` scatter
    finds the rows of a cell that appears twice in the same batch (a plain ``count[at] += 1``
    counts such a cell once; ``np.add.at`` would count it right but costs 10x more). NULL values
    are flagged (``null``) only where they occur.
    """

    def __init__(
        self, n_persons: int, first: int, n_periods: int, n_outcomes: int, wanted: np.ndarray | None
    ) -> None:
        self.n_persons, self.first, self.n_periods = n_persons, first, n_periods
        self.n_outcomes = n_outcomes
        size = n_persons * n_periods * n_outcomes
        self.values = np.full(size, np.nan)
        self.null = np.zeros(size, dtype=bool)
        self.count = np.zeros(size, dtype=np.int32)
        self.owner = np.zeros(size, dtype=np.int32)
        self.wanted = wanted
        self.bad_rows = self.outside_rows = self.unkept_rows = 0
        self.bad_person = np.zeros(n_persons + 1, dtype=bool)
        self.outside_person = np.zeros(n_persons + 1, dtype=bool)

    def _kept_rows(self, k: np.ndarray, t_col: pa.Array, t: np.ndarray) -> np.ndarray | None:
        """The rows the panel keeps (``None``: all), counting the others by reason."""
        person = k > 0
        t_ok = pc.is_valid(t_col).to_numpy(zero_copy_only=False)
        bad = ~t_ok
        self.bad_rows += int(bad.sum())
        self.bad_person[k[bad & person]] = True
        self.unkept_rows += int((t_ok & ~person).sum())
        keep = t_ok & person
        if self.wanted is not None:
            outside = keep & ~np.isin(t, self.wanted)
            self.outside_rows += int(outside.sum())
            self.outside_person[k[outside]] = True
            keep &= ~outside
        return None if keep.all() else keep

    def add(self, batch: pa.RecordBatch) -> None:
        """Scatter one batch of ``(_k, outcome number, period, value)`` rows."""
        k_col, t_col, v_col = batch.column(0), batch.column(2), batch.column(3)
        k = pc.fill_null(k_col, 0).to_numpy()
        t = pc.fill_null(t_col, self.first).to_numpy()
        code = batch.column(1).to_numpy()
        value = pc.fill_null(v_col, np.nan).to_numpy()
        v_null = pc.is_null(v_col).to_numpy(zero_copy_only=False) if v_col.null_count else None
        keep = None
        if k_col.null_count or t_col.null_count or self.wanted is not None:
            keep = self._kept_rows(k, t_col, t)
        if keep is not None:
            k, t, code, value = k[keep], t[keep], code[keep], value[keep]
            v_null = None if v_null is None else v_null[keep]
        at = ((k - 1) * self.n_periods + (t - self.first)) * self.n_outcomes + code
        self.values[at] = value
        if v_null is not None and v_null.any():
            self.null[at[v_null]] = True
        self.count[at] += 1
        rows = np.arange(len(at), dtype=np.int32)
        self.owner[at] = rows
        again = self.owner[at] != rows  # a later row of the batch has the same cell
        if again.any():
            np.add.at(self.count, at[again], 1)

    def result(self, outcomes: Iterable[str]) -> Pivoted:
        """The filled cells as panel rows, and the counts."""
        names = list(outcomes)
        per_person = self.n_periods
        count = self.count.reshape(-1, len(names))  # one row per (person, period)
        dup = count > 1
        filled = count.any(axis=1)
        dup_cells = dup.any(axis=1)
        dup_rows = int(count[dup].sum())
        dup_persons = int(dup_cells.reshape(self.n_persons, per_person).any(axis=1).sum())
        has_row = filled.reshape(self.n_persons, per_person).any(axis=1)
        at = np.flatnonzero(filled)
        k = at // per_person + 1
        period = at % per_person + self.first
        kept = None
        unit: np.ndarray = k
        if not has_row.all():
            kept = np.flatnonzero(has_row) + 1
            unit = np.cumsum(has_row, dtype=np.int64)[k - 1]
        columns: dict[str, pa.Array] = {
            "unit": pa.array(unit.astype(np.int64)),
            "period": pa.array(period.astype(np.int64)),
        }
        values = self.values.reshape(-1, len(names))
        missing = (self.null.reshape(-1, len(names)) | dup | (count == 0))[at]
        for i, name in enumerate(names):
            columns[name] = pa.array(values[at, i], mask=missing[:, i])
        counts = PivotCounts(
            bad_period_rows=self.bad_rows,
            bad_period_persons=int(self.bad_person[1:].sum()),
            outside_rows=self.outside_rows,
            outside_persons=int(self.outside_person[1:].sum()),
            unkept_rows=self.unkept_rows,
            duplicate_rows=dup_rows,
            duplicate_persons=dup_persons,
        )
        first = int(period.min()) if len(period) else None
        last = int(period.max()) if len(period) else None
        return Pivoted(pa.table(columns), kept, counts, first, last)


def pivot_dense(
    batches: Iterable[pa.RecordBatch],
    *,
    outcomes: Iterable[str],
    n_persons: int,
    first: int,
    last: int,
    wanted: Iterable[int] | None = None,
) -> Pivoted:
    """Pivot streamed outcome rows on the dense grid of persons x periods.

    Parameters
    ----------
    batches
        Record batches with the columns ``_k`` (the person's number 1..``n_persons``, NULL for
        a person not kept), the outcome's position in ``outcomes``, ``t`` (the integer period,
        NULL when malformed) and ``value`` (float64).
    outcomes
        The outcome columns, in the order their numbers refer to.
    n_persons
        Persons kept.
    first, last
        The smallest and largest period any row has.
    wanted
        Periods to keep (``None``: all).

    Returns
    -------
    Pivoted
    """
    names = list(outcomes)
    want = None if wanted is None else np.asarray(sorted(set(wanted)), dtype=np.int64)
    grid = _Grid(n_persons, first, last - first + 1, len(names), want)
    for batch in batches:
        grid.add(batch)
    return grid.result(names)
