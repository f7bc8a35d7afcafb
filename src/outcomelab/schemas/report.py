"""``ValidationReport``: every failure of a table (or a package of tables) in one object."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.errors import SchemaError

__all__ = ["FAILURE_COLUMNS", "ValidationReport", "empty_failures", "make_failures"]

#: columns of ``ValidationReport.failures`` (a package report adds ``table`` in front)
FAILURE_COLUMNS = ("row", "column", "value", "check", "message")


def empty_failures(with_table: bool = False) -> pd.DataFrame:
    """An empty failures table with the right columns and dtypes."""
    columns = (("table",) if with_table else ()) + FAILURE_COLUMNS
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    frame["row"] = frame["row"].astype("Int64")
    return frame


def make_failures(
    rows: np.ndarray | list[int] | None,
    column: str | None,
    values: Any,
    check: str,
    message: Any,
    n: int | None = None,
) -> pd.DataFrame:
    """Build a failures table; scalars are broadcast to ``len(rows)`` (or ``n``) rows.

    Parameters
    ----------
    rows
        Row numbers as seen in the file (``None`` for a failure of the whole table).
    column
        The column concerned (``None`` for the whole row or table).
    values
        The failing cell(s) as text (a scalar or one per row).
    check
        The rule's short name (``required``, ``enum``, ``primary_key``, ...).
    message
        A whole sentence per row (a scalar or one per row).
    n
        Number of rows when ``rows`` is ``None``.
    """
    if rows is None:
        count = 1 if n is None else n
        row_values = pd.array([pd.NA] * count, dtype="Int64")
    else:
        row_values = pd.array(np.asarray(rows, dtype=np.int64), dtype="Int64")
        count = len(row_values)

    def spread(x: Any) -> Any:
        if isinstance(x, pd.Series | np.ndarray | list):
            return np.asarray(x, dtype=object)
        return np.full(count, x, dtype=object)

    return pd.DataFrame(
        {
            "row": row_values,
            "column": spread(column),
            "value": spread(values),
            "check": spread(check),
            "message": spread(message),
        }
    )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a table or a package of tables.

    Attributes
    ----------
    table
        The schema's name (``"package"`` for :func:`validate_package`).
    n_rows
        Rows checked (for a package: per table, in ``rows_per_table``).
    failures
        One row per failure: ``row`` (as seen in the file, header = row 1; NA for a failure of
        the whole table), ``column``, ``value`` (the cell as written; identity numbers are never
        repeated), ``check`` (the rule) and ``message`` (a sentence saying what to fix). A package
        report has a ``table`` column first.
    rows_per_table
        For a package: the number of rows read per table.
    """

    table: str
    n_rows: int
    failures: pd.DataFrame = field(repr=False)
    rows_per_table: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # keep the report read-only: hold a private copy
        object.__setattr__(self, "failures", self.failures.reset_index(drop=True).copy())

    @property
    def ok(self) -> bool:
        """True when there is no failure."""
        return self.failures.empty

    @property
    def n_failures(self) -> int:
        """Number of failures."""
        return len(self.failures)

    def counts(self) -> pd.DataFrame:
        """Failures counted per rule (and table, column): columns ``[table,] check, column, n``."""
        keys = [k for k in ("table", "check", "column") if k in self.failures.columns]
        if self.failures.empty:
            return pd.DataFrame({**{k: [] for k in keys}, "n": pd.Series([], dtype=np.int64)})
        return (
            self.failures.fillna({"column": ""})
            .groupby(keys, sort=False)
            .size()
            .rename("n")
            .reset_index()
            .sort_values("n", ascending=False, kind="stable")
            .reset_index(drop=True)
        )

    def summary(self, max_rows: int = 20) -> str:
        """A short text: verdict, failures per rule, and the first ``max_rows`` failures."""
        if self.ok:
            return f"{self.table}: valid ({self.n_rows} rows checked)."
        lines = [f"{self.table}: {self.n_failures} failure(s) in {self.n_rows} rows."]
        for d in self.counts().to_dict(orient="records"):
            where = f"{d['table']}." if "table" in d else ""
            lines.append(f"  {d['check']:<28} {where}{d['column'] or '-'}: {d['n']}")
        lines.append("")
        for d in self.failures.head(max_rows).to_dict(orient="records"):
            prefix = f"{d['table']} " if "table" in d else ""
            row = "-" if pd.isna(d["row"]) else d["row"]
            lines.append(f"  {prefix}row {row}: {d['message']}")
        if self.n_failures > max_rows:
            lines.append(f"  ... and {self.n_failures - max_rows} more.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        """Verdict, failures per rule and the first 20 failures as HTML (for notebooks)."""
        verdict = (
            f"<p><b>{html.escape(self.table)}</b>: valid ({self.n_rows:,} rows checked).</p>"
            if self.ok
            else f"<p><b>{html.escape(self.table)}</b>: {self.n_failures:,} failure(s) in "
            f"{self.n_rows:,} rows.</p>"
        )
        if self.ok:
            return verdict
        counts = self.counts().to_html(index=False, escape=True)
        first = self.failures.head(20).to_html(index=False, escape=True, na_rep="")
        return f"{verdict}{counts}<p>First failures (rows as in the file):</p>{first}"

    def to_dict(self, max_failures: int | None = None) -> dict[str, Any]:
        """JSON-safe dict: ``ok``, ``table``, ``n_rows``, ``n_failures``, ``counts``, ``failures``.

        Parameters
        ----------
        max_failures
            Keep only the first failures (``None`` = all).
        """
        shown = self.failures if max_failures is None else self.failures.head(max_failures)
        records = json.loads(shown.to_json(orient="records", force_ascii=False))
        return {
            "ok": self.ok,
            "table": self.table,
            "n_rows": int(self.n_rows),
            "rows_per_table": {k: int(v) for k, v in self.rows_per_table.items()},
            "n_failures": self.n_failures,
            "counts": json.loads(self.counts().to_json(orient="records", force_ascii=False)),
            "failures": records,
        }

    def raise_for_failures(self) -> None:
        """Raise :class:`~outcomelab.errors.SchemaError` (with ``failures``) unless valid.

        Raises
        ------
        SchemaError
            Naming the number of failures and the commonest rule.
        """
        if self.ok:
            return
        top = self.counts().iloc[0]
        raise SchemaError(
            f"{self.table} does not fit the standard: {self.n_failures} failure(s), most often "
            f"'{top['check']}' ({top['n']}); see the failures table or run `outcomelab validate`.",
            self.failures,
        )
