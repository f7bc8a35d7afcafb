"""Converting text cells to a Table Schema field's type, vectorised, with the cells that fail.

A text column is factorised once (its distinct values and, per row, which one it holds); every
parse and check then runs on the distinct values only and is broadcast back to the rows. Submitted
columns repeat a lot (codes, periods, 0/1 values, pseudonyms over many periods), which makes a
million-row table quick to check.

Missing cells (the schema's ``missingValues``, e.g. ``""`` and ``"NA"``) are never failures here;
whether they are allowed is the ``required`` check's business.

Accepted spellings
------------------
- integer: optional sign and digits (``"12"``, ``"+3"``); a whole number written ``"12.0"``.
- number: ``.`` or ``,`` as decimal mark (``"1,5"``), spaces (also no-break and thin spaces) as
  thousands separators (``"1 234,50"``), the Unicode minus sign, exponent notation; ``inf`` and
  ``nan`` are refused.
- boolean: the field's ``trueValues``/``falseValues``.
- date: ``YYYY-MM-DD`` and a real calendar day (``2023-02-30`` fails); a date-time at midnight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.errors import SchemaError
from outcomelab.row_numbers import source_rows
from outcomelab.schemas.cells import cell_to_text, cells_as_text, quoted
from outcomelab.schemas.model import Field, TableSchema, load_schema
from outcomelab.schemas.report import make_failures

__all__ = ["ParsedColumn", "coerce", "parse_field", "type_failures"]

_INT_RE = r"[+-]?\d+"
_WHOLE_FLOAT_RE = r"[+-]?\d+[.,]0+"
_NUM_RE = r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?"
_DATE_RE = r"\d{4}-\d{2}-\d{2}( 00:00:00(\.0+)?|T00:00:00(\.0+)?)?"
_SPACES = "[ \u00a0\u202f\u2009]"


@dataclass(frozen=True)
class ParsedColumn:
    """One column converted to its field's type.

    Attributes
    ----------
    values
        The converted column (missing and failing cells NA).
    present
        Mask of cells that are not missing.
    bad
        Mask of present cells that cannot be converted to the type.
    codes
        Per row, the index of its distinct value in ``uniques`` (-1 for a null cell).
    uniques
        The distinct cell values as stripped text (``str`` objects).
    """

    values: pd.Series
    present: np.ndarray
    bad: np.ndarray
    codes: np.ndarray
    uniques: pd.Series

    @property
    def ok(self) -> np.ndarray:
        """Mask of cells that are present and of the right type."""
        return self.present & ~self.bad

    def per_row(self, unique_mask: np.ndarray) -> np.ndarray:
        """Broadcast a mask over ``uniques`` to the rows (null cells False)."""
        if len(unique_mask) == 0:
            return np.zeros(len(self.codes), dtype=bool)
        out = unique_mask[np.maximum(self.codes, 0)]
        return out & (self.codes >= 0)


def _is_text(column: pd.Series) -> bool:
    return bool(column.dtype == object or pd.api.types.is_string_dtype(column))


def _factorize_text(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct values (as ``str``) of a text or mixed column."""
    codes, uniques = pd.factorize(column)
    values = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if len(values) and pd.api.types.infer_dtype(values, skipna=False) != "string":
        values = pd.Series([cell_to_text(v) for v in values], dtype=object)
    return np.asarray(codes, dtype=np.int64), values


def _take(unique_values: Any, codes: np.ndarray, dtype: str) -> pd.Series:
    """Rows' values from per-unique values (code -1 -> missing)."""
    arr = pd.array(unique_values, dtype=dtype)
    return pd.Series(arr.take(codes, allow_fill=True))


def _parse_unique_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cleaned = text.str.replace(_SPACES, "", regex=True).str.replace("\u2212", "-", regex=False)
    shaped = cleaned.str.fullmatch(_NUM_RE).to_numpy(dtype=bool)
    numbers = np.full(len(text), np.nan)
    numbers[shaped] = pd.to_numeric(
        cleaned[shaped].str.replace(",", ".", regex=False), errors="coerce"
    ).to_numpy(dtype=float)
    bad = ~shaped | ~np.isfinite(numbers)
    return numbers, bad


def _parse_unique_integers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    text = text.str.replace("\u2212", "-", regex=False)  # Unicode minus, as Swedish Excel writes
    whole = text.str.fullmatch(_INT_RE).to_numpy(dtype=bool)
    floaty = ~whole & text.str.fullmatch(_WHOLE_FLOAT_RE).to_numpy(dtype=bool)
    take = whole | floaty
    numbers = np.zeros(len(text), dtype=np.int64)
    digits = text[take].str.replace(r"[.,]0+$", "", regex=True)
    parsed = pd.to_numeric(digits, errors="coerce").to_numpy(dtype=float)
    fits = np.isfinite(parsed) & (np.abs(parsed) < 2**62)
    idx = np.flatnonzero(take)
    numbers[idx[fits]] = parsed[fits].astype(np.int64)
    bad = np.ones(len(text), dtype=bool)
    bad[idx[fits]] = False
    return numbers, bad


def _parse_unique_dates(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    shaped = text.str.fullmatch(_DATE_RE).to_numpy(dtype=bool)
    dates = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    parsed = pd.to_datetime(text[shaped].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    dates[shaped] = parsed.to_numpy(dtype="datetime64[ns]")
    return dates, np.isnat(dates)


def _parse_typed(column: pd.Series, field: Field) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Convert a column that already has a non-text dtype (a DataFrame built in Python)."""
    n = len(column)
    present = ~column.isna().to_numpy(dtype=bool)
    bad = np.zeros(n, dtype=bool)
    kind = field.type
    is_bool = pd.api.types.is_bool_dtype(column)
    is_num = pd.api.types.is_numeric_dtype(column) and not is_bool
    is_date = pd.api.types.is_datetime64_any_dtype(column)
    if kind == "number":
        floats = np.full(n, np.nan)
        if is_num:
            floats = column.to_numpy(dtype=float, na_value=np.nan).copy()
            bad = present & ~np.isfinite(floats)
        else:
            bad = present.copy()
        floats[bad] = np.nan
        return pd.Series(floats), present, bad
    if kind == "integer":
        ints = np.zeros(n, dtype=np.int64)
        if is_num:
            floats = column.to_numpy(dtype=float, na_value=np.nan).copy()
            whole = np.isfinite(floats) & (np.mod(floats, 1) == 0) & (np.abs(floats) < 2**62)
            ints[whole] = floats[whole].astype(np.int64)
            bad = present & ~whole
        else:
            bad = present.copy()
        out = pd.array(ints, dtype="Int64")
        out[~present | bad] = pd.NA
        return pd.Series(out), present, bad
    if kind == "boolean":
        flags = pd.array(np.zeros(n, dtype=bool), dtype="boolean")
        if is_bool:
            flags[present] = column[present].to_numpy(dtype=bool)
        else:
            bad = present.copy()
        flags[~present | bad] = pd.NA
        return pd.Series(flags), present, bad
    if kind == "date":
        dates = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
        if is_date:
            values = pd.to_datetime(column).reset_index(drop=True)
            if getattr(values.dt, "tz", None) is not None:
                values = values.dt.tz_localize(None)
            dates = values.dt.normalize().astype("datetime64[ns]")
        else:
            bad = present.copy()
        return dates, present, bad
    texts = np.array(
        [cell_to_text(v) if p else np.nan for v, p in zip(column, present, strict=True)]
    )
    return pd.Series(pd.array(texts, dtype="str")), present, bad


def parse_field(
    column: pd.Series, field: Field, missing_values: tuple[str, ...] = ("",)
) -> ParsedColumn:
    """Convert one column to ``field``'s type.

    Parameters
    ----------
    column
        The cells (text as read from a file, or already typed values).
    field
        The schema field.
    missing_values
        Spellings of a missing cell.

    Returns
    -------
    ParsedColumn
        Converted values (index 0..n-1), present and failing masks, and the column's distinct
        values for further checks.

    Notes
    -----
    Types: string -> pandas ``str``, integer -> ``Int64``, number -> ``float64``,
    boolean -> ``boolean``, date -> ``datetime64[ns]``.
    """
    n = len(column)
    if not _is_text(column):
        typed, present, bad = _parse_typed(column, field)
        if field.type == "string":
            codes, uniques = _factorize_text(typed)
        else:
            codes, uniques = np.full(n, -1, dtype=np.int64), pd.Series([], dtype=object)
        return ParsedColumn(typed, present, bad, codes, uniques)
    codes, raw_uniques = _factorize_text(column)
    uniques = raw_uniques.str.strip() if field.type != "string" else raw_uniques
    unique_missing = raw_uniques.isin(missing_values).to_numpy(dtype=bool) | uniques.isin(
        missing_values
    ).to_numpy(dtype=bool)
    unique_present = ~unique_missing
    null = codes < 0
    present = ~null & unique_present[np.maximum(codes, 0)] if len(uniques) else ~null
    take_codes = np.where(present, codes, -1)
    kind = field.type
    unique_bad = np.zeros(len(uniques), dtype=bool)
    values: pd.Series
    if kind == "string":
        values = _take(raw_uniques.to_numpy(dtype=object), take_codes, "str")
    elif kind == "number":
        numbers, unique_bad = _parse_unique_numbers(uniques)
        values = pd.Series(numbers.take(take_codes) if n else np.zeros(0))
        values[take_codes < 0] = np.nan
    elif kind == "integer":
        ints, unique_bad = _parse_unique_integers(uniques)
        masked = np.ma.masked_array(ints, unique_bad)
        values = _take(pd.array(masked.filled(0), dtype="Int64"), take_codes, "Int64")
        values[pd.Series(unique_bad.take(np.maximum(take_codes, 0)) if n else [])] = pd.NA
    elif kind == "boolean":
        is_true = uniques.isin(field.true_values).to_numpy(dtype=bool)
        is_false = uniques.isin(field.false_values).to_numpy(dtype=bool)
        unique_bad = ~(is_true | is_false)
        flags = pd.array(is_true, dtype="boolean")
        flags[unique_bad] = pd.NA
        values = _take(flags, take_codes, "boolean")
    else:  # date
        dates, unique_bad = _parse_unique_dates(uniques)
        taken = dates.take(np.maximum(take_codes, 0)) if n else dates[:0]
        taken[take_codes < 0] = np.datetime64("NaT")
        values = pd.Series(taken, dtype="datetime64[ns]")
    bad = present & unique_bad[np.maximum(codes, 0)] if len(uniques) else np.zeros(n, bool)
    if kind != "string" and bad.any():
        values[bad] = pd.NA if kind in ("integer", "boolean") else np.nan
    return ParsedColumn(values.reset_index(drop=True), present, bad, codes, uniques)


def _tidy_dtype(values: pd.Series, field: Field) -> pd.Series:
    """Plain NumPy dtypes where nothing is missing (int64, bool) so downstream code stays simple."""
    if field.type == "integer" and not values.isna().any():
        return values.astype(np.int64)
    if field.type == "boolean" and not values.isna().any():
        return values.astype(bool)
    return values


def coerce(
    data: pd.DataFrame, schema: str | Path | Mapping[str, Any] | TableSchema
) -> pd.DataFrame:
    """Convert the schema's columns of ``data`` to their types.

    Parameters
    ----------
    data
        A table as read by :func:`read_table` (text) or built in Python.
    schema
        Standard table name or schema.

    Returns
    -------
    pandas.DataFrame
        Same rows and columns; schema columns converted: string -> ``str`` (NaN when missing),
        integer -> ``int64`` (``Int64`` when some are missing), number -> ``float64``,
        boolean -> ``bool`` (``boolean`` when some are missing), date -> ``datetime64[ns]``.
        Columns the schema does not know are left as they are; ``attrs`` are kept.

    Raises
    ------
    SchemaError
        If some present values cannot be converted; ``failures`` lists every one of them
        (``row, column, value, check, message``).
    """
    table = load_schema(schema)
    out = data.copy()
    failures = []
    for field in table.fields:
        if field.name not in data.columns:
            continue
        parsed = parse_field(data[field.name], field, table.missing_values)
        if parsed.bad.any():
            failures.append(type_failures(data, field, parsed.bad))
        out[field.name] = _tidy_dtype(parsed.values, field).set_axis(out.index)
    out.attrs = dict(data.attrs)
    if failures:
        table_failures = pd.concat(failures, ignore_index=True)
        n = len(table_failures)
        columns = ", ".join(sorted(set(table_failures["column"])))
        raise SchemaError(
            f"{n} value{'s' if n != 1 else ''} in {table.name} cannot be read as the schema's "
            f"types (columns {columns}); run `outcomelab validate` to see them all.",
            table_failures,
        )
    return out


def type_failures(data: pd.DataFrame, field: Field, bad: np.ndarray) -> pd.DataFrame:
    """Failures for the cells of ``field`` (mask ``bad``) that cannot be read as its type."""
    pos = np.flatnonzero(bad)
    cells = cells_as_text(data[field.name], pos)
    shown = quoted(cells)
    name = field.name
    if field.type == "integer":
        messages = shown + f" in {name} is not a whole number; write digits only, e.g. 12."
    elif field.type == "number":
        messages = shown + f" in {name} is not a number; write e.g. 1234.5 or 1234,5 without units."
    elif field.type == "boolean":
        messages = shown + (
            f" in {name} is not true or false; write true or false (also accepted: "
            f"{', '.join(v for v in field.true_values + field.false_values if v.islower())})."
        )
    elif field.type == "date":
        shaped = pd.Series(cells, dtype=object).astype(str).str.strip()
        shaped_ok = shaped.str.match(r"^\d{4}-\d{2}-\d{2}").to_numpy(dtype=bool)
        messages = pd.Series(
            np.where(
                shaped_ok,
                shown + f" in {name} is not a date that exists; check the month and day.",
                shown + f" in {name} is not a date written YYYY-MM-DD (e.g. 2024-03-01).",
            ),
            dtype=object,
        )
    else:  # pragma: no cover - strings never fail conversion
        messages = shown + f" in {name} cannot be read."
    rows = source_rows(data)[pos]
    return make_failures(rows, name, cells, "type", messages.to_numpy(dtype=object))
