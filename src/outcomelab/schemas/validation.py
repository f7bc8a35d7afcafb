"""Validating one table against its standard Table Schema: every failure, in one pass.

The checks are driven by the Table Schema JSON and run column-wise on whole arrays (no Python loop
over rows): columns present, type, required, unique, enum, pattern, length, minimum/maximum, primary
key, personal identity numbers in clear, and the table's cross-field rules
(:mod:`outcomelab.schemas.rules`). Row numbers are those a person sees in the file: header = row 1,
first data row = row 2.

Why our own checks instead of frictionless or pandera: neither is a dependency of outcomelab, the
Table Schema subset we use is small, and vectorised pandas checks over distinct values validate a
million-row outcomes table in a few seconds while giving exactly the failure table the lab returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from outcomelab._checks import check_choice
from outcomelab.errors import InputError
from outcomelab.identity.clear import mentions_personnummer, numeric_identity_numbers
from outcomelab.identity.personnummer import looks_like_personnummer
from outcomelab.row_numbers import source_rows
from outcomelab.schemas.cells import cells_as_text, quoted
from outcomelab.schemas.conversion import ParsedColumn, parse_field, type_failures
from outcomelab.schemas.hidden_text import has_hidden_effect, visible
from outcomelab.schemas.model import Field, TableSchema, load_schema
from outcomelab.schemas.report import ValidationReport, empty_failures, make_failures
from outcomelab.schemas.rules import rules_for

__all__ = ["CHECKS", "validate"]

#: every single-table check, with what it means (used in the docs and the CLI's legend)
CHECKS = {
    "missing_column": "A column the schema requires is not in the file.",
    "extra_column": "The file has a column the standard does not define.",
    "type": "A value cannot be read as the column's type (number, whole number, date, true/false).",
    "required": "A required value is empty.",
    "enum": "A value is not one of the allowed values.",
    "pattern": "A value does not have the required form.",
    "min_length": "A text is shorter than allowed.",
    "max_length": "A text is longer than allowed.",
    "minimum": "A number is below the allowed minimum.",
    "maximum": "A number is above the allowed maximum.",
    "unique": "A value that must be unique appears more than once.",
    "primary_key": "Two rows have the same key.",
    "clear_identity": "A cell holds what looks like a personal identity number in clear.",
    "hidden_text": "A text holds an invisible control or an open text-direction override.",
}

#: shown instead of a value that looks like a personal identity number
WITHHELD = "<withheld: looks like a personal identity number>"

ExtraColumns = Literal["fail", "ignore"]


def _first_positions(codes: np.ndarray) -> np.ndarray:
    """For each element, the position of the first element with the same code."""
    _, first_index, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return first_index[inverse]


def _duplicates(code_arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of keys repeated after their first occurrence, and each one's first position.

    ``code_arrays`` holds one integer code array per key column (equal codes = equal values).
    """
    if not code_arrays or len(code_arrays[0]) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    key = np.asarray(code_arrays[0], dtype=np.int64)
    for codes in code_arrays[1:]:
        combined = key * (int(codes.max(initial=0)) + 2) + (codes + 1)
        key = np.asarray(pd.factorize(combined)[0], dtype=np.int64)
    first = _first_positions(key)
    later = np.flatnonzero(first != np.arange(len(key)))
    return later, first[later]


def _clear_identity(rows: np.ndarray, name: str) -> pd.DataFrame:
    """``clear_identity`` failures at ``rows`` of column ``name``; the value is withheld."""
    return make_failures(
        rows,
        name,
        WITHHELD,
        "clear_identity",
        f"{name} holds what looks like a personal identity number in clear; pseudonymise the "
        "file with `outcomelab pseudonymise` (or remove the number) before submitting.",
    )


def _hidden_text(rows: np.ndarray, column: pd.Series, pos: np.ndarray, name: str) -> pd.DataFrame:
    """``hidden_text`` failures: the cells shown with their invisible characters as codes."""
    cells = np.array([visible(str(c)) for c in cells_as_text(column, pos)], dtype=object)
    return make_failures(
        rows,
        name,
        cells,
        "hidden_text",
        (
            quoted(cells) + f" in {name} holds an invisible control character or a text-direction "
            "override it does not close (it would reverse the report's text after it); remove "
            "it, or end the override within the cell (U+202C)."
        ).to_numpy(dtype=object),
    )


def _field_failures(
    data: pd.DataFrame, field: Field, missing_values: tuple[str, ...], *, check_unique: bool = True
) -> tuple[list[pd.DataFrame], ParsedColumn, np.ndarray]:
    """Every single-field failure of ``field``; also the parsed column and its usable-cell mask."""
    column = data[field.name]
    name = field.name
    rows_all = source_rows(data)
    found: list[pd.DataFrame] = []
    parsed = parse_field(column, field, missing_values)
    clear = np.zeros(len(column), dtype=bool)
    if field.type in ("integer", "number") and len(parsed.uniques):
        clear = parsed.present & parsed.per_row(numeric_identity_numbers(parsed.uniques))
        if clear.any():
            found.append(_clear_identity(rows_all[clear], name))
            parsed = replace(  # not usable: no further check may show the value
                parsed,
                values=parsed.values.mask(pd.Series(clear, index=parsed.values.index)),
                bad=parsed.bad | clear,
            )
    if (parsed.bad & ~clear).any():
        found.append(type_failures(data, field, parsed.bad & ~clear))
    if field.required:
        pos = np.flatnonzero(~parsed.present)
        if len(pos):
            found.append(
                make_failures(
                    rows_all[pos],
                    name,
                    cells_as_text(column, pos),
                    "required",
                    f"{name} is required but empty; fill it in.",
                )
            )
    ok = parsed.ok
    if field.type == "string":
        ok = _string_failures(data, field, parsed, ok, rows_all, found)
    if field.type in ("integer", "number"):
        found.extend(_range_failures(data, field, parsed, ok, rows_all))
    if field.unique and check_unique:
        found.extend(_unique_failures(data, field, parsed, ok, rows_all))
    return found, parsed, ok


def _string_failures(
    data: pd.DataFrame,
    field: Field,
    parsed: ParsedColumn,
    ok: np.ndarray,
    rows_all: np.ndarray,
    found: list[pd.DataFrame],
) -> np.ndarray:
    """Append a text field's failures (identity numbers in clear, hidden text, enum, pattern,
    lengths) to ``found``; return the usable cells without those holding an identity number or
    hidden text."""
    column, name = data[field.name], field.name
    uniques = parsed.uniques
    if field.pattern is not None or name == "person_id":
        clear_u = looks_like_personnummer(uniques)
    else:
        clear_u = np.zeros(len(uniques), dtype=bool)
    if field.enum is None and field.pattern is None:
        clear_u |= mentions_personnummer(uniques)
        hidden = ok & ~parsed.per_row(clear_u) & parsed.per_row(has_hidden_effect(uniques))
        if hidden.any():
            found.append(_hidden_text(rows_all[hidden], column, np.flatnonzero(hidden), name))
            ok = ok & ~hidden
    clear = ok & parsed.per_row(clear_u)
    if clear.any():
        found.append(_clear_identity(rows_all[clear], name))
        ok = ok & ~clear
    for check, unique_fail, tail in _string_checks(field, uniques):
        failing = ok & parsed.per_row(unique_fail)
        if failing.any():
            pos = np.flatnonzero(failing)
            cells = cells_as_text(column, pos)
            found.append(
                make_failures(
                    rows_all[pos],
                    name,
                    cells,
                    check,
                    (quoted(cells) + tail).to_numpy(dtype=object),
                )
            )
    return ok


def _string_checks(field: Field, uniques: pd.Series) -> list[tuple[str, np.ndarray, str]]:
    """(check, failing distinct values, message tail) of a text field's constraints."""
    name = field.name
    checks: list[tuple[str, np.ndarray, str]] = []
    if field.enum is not None:
        allowed = ", ".join(field.enum)
        checks.append(
            (
                "enum",
                ~uniques.isin(field.enum).to_numpy(dtype=bool),
                f" is not an allowed value of {name}; use one of {allowed}.",
            )
        )
    if field.pattern is not None:
        checks.append(
            (
                "pattern",
                ~uniques.str.fullmatch(field.pattern).to_numpy(dtype=bool),
                f" does not have the form {name} requires ({_describe_pattern(field)}).",
            )
        )
    lengths = uniques.str.len().to_numpy()
    if field.min_length is not None:
        checks.append(
            (
                "min_length",
                lengths < field.min_length,
                f" in {name} is too short; write at least {field.min_length} characters.",
            )
        )
    if field.max_length is not None:
        checks.append(
            (
                "max_length",
                lengths > field.max_length,
                f" in {name} is too long; write at most {field.max_length} characters.",
            )
        )
    return checks


def _range_failures(
    data: pd.DataFrame, field: Field, parsed: ParsedColumn, ok: np.ndarray, rows_all: np.ndarray
) -> list[pd.DataFrame]:
    """Numbers below the field's minimum or above its maximum."""
    column, name = data[field.name], field.name
    found: list[pd.DataFrame] = []
    numbers = parsed.values.to_numpy(dtype=float, na_value=np.nan)
    bounds_to_check: tuple[tuple[float | None, str, str], ...] = (
        (field.minimum, "minimum", "below"),
        (field.maximum, "maximum", "above"),
    )
    for bound, check, word in bounds_to_check:
        if bound is None:
            continue
        with np.errstate(invalid="ignore"):
            beyond = ok & (numbers < bound if check == "minimum" else numbers > bound)
        if beyond.any():
            pos = np.flatnonzero(beyond)
            cells = cells_as_text(column, pos)
            bounds = _describe_bounds(field)
            found.append(
                make_failures(
                    rows_all[pos],
                    name,
                    cells,
                    check,
                    (
                        quoted(cells) + f" in {name} is {word} the allowed range ({bounds})."
                    ).to_numpy(dtype=object),
                )
            )
    return found


def _unique_failures(
    data: pd.DataFrame, field: Field, parsed: ParsedColumn, ok: np.ndarray, rows_all: np.ndarray
) -> list[pd.DataFrame]:
    """Usable values of a unique field that an earlier row already has."""
    column, name = data[field.name], field.name
    idx = np.flatnonzero(ok)
    later, first = _duplicates([_key_codes(parsed)[idx]])
    if not len(later):
        return []
    pos = idx[later]
    first_rows = rows_all[idx[first]]
    cells = cells_as_text(column, pos)
    return [
        make_failures(
            rows_all[pos],
            name,
            cells,
            "unique",
            (
                quoted(cells)
                + f" in {name} also appears in row "
                + pd.Series(first_rows).astype(str)
                + f"; each {name} must be unique."
            ).to_numpy(dtype=object),
        )
    ]


def _key_codes(parsed: ParsedColumn) -> np.ndarray:
    """Integer codes identifying equal values of a parsed column (for keys and uniqueness)."""
    if len(parsed.uniques) and parsed.codes.max(initial=-1) >= 0:
        if parsed.values.dtype.kind in "fiM" or str(parsed.values.dtype) in ("Int64", "boolean"):
            return np.asarray(pd.factorize(parsed.values)[0], dtype=np.int64)
        return parsed.codes
    return np.asarray(pd.factorize(parsed.values)[0], dtype=np.int64)


def _describe_bounds(field: Field) -> str:
    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if field.minimum is not None and field.maximum is not None:
        return f"{fmt(field.minimum)} to {fmt(field.maximum)}"
    if field.minimum is not None:
        return f"at least {fmt(field.minimum)}"
    return f"at most {fmt(field.maximum)}"  # type: ignore[arg-type]


_PATTERN_HINTS = {
    "^[0-9a-f]{64}$": "a pseudonym of 64 lower-case hexadecimal characters",
    "^[0-9]{4}$": "4 digits, e.g. '0581'",
    "^([0-9]{2}|[0-9]{4})$": "2 digits for a region or 4 for a municipality, e.g. '0581'",
    "^[12][0-9]{3}(-(0[1-9]|1[0-2]))?$": "YYYY for a year or YYYY-MM for a month, e.g. 2024-03",
    "^[a-z][a-z0-9_]*$": "lower-case letters, digits and _, e.g. 'employment'",
}


def _describe_pattern(field: Field) -> str:
    pattern = field.pattern or ""
    if pattern in _PATTERN_HINTS:
        return _PATTERN_HINTS[pattern]
    if field.name == "sectors":
        return "sectors separated by ';', e.g. 'social_services;school'"
    if field.name == "followup_windows_months":
        return "months separated by ';', e.g. '12;24;36'"
    return f"pattern {pattern}"


def _primary_key_failures(
    data: pd.DataFrame,
    schema: TableSchema,
    parsed: dict[str, ParsedColumn],
    ok: dict[str, np.ndarray],
) -> list[pd.DataFrame]:
    pk = list(schema.primary_key)
    if not pk or not all(c in parsed for c in pk) or not all(c in data.columns for c in pk):
        return []
    complete = np.logical_and.reduce([ok[c] for c in pk])
    idx = np.flatnonzero(complete)
    later, first = _duplicates([_key_codes(parsed[c])[idx] for c in pk])
    if not len(later):
        return []
    rows_all = source_rows(data)
    pos = idx[later]
    key_text = (
        pd.DataFrame({c: cells_as_text(data[c], pos) for c in pk})
        .astype(str)
        .agg(", ".join, axis=1)
        .to_numpy(dtype=object)
    )
    messages = (
        f"The key ({', '.join(pk)}) = ("
        + pd.Series(key_text, dtype=object)
        + ") repeats row "
        + pd.Series(rows_all[idx[first]]).astype(str)
        + "; remove the duplicate or correct the key."
    )
    return [
        make_failures(
            rows_all[pos],
            ", ".join(pk),
            key_text,
            "primary_key",
            messages.to_numpy(dtype=object),
        )
    ]


def _column_label(data: pd.DataFrame, name: str) -> str:
    """How a failure names a column: its name, or its position when the name is withheld."""
    if _name_is_identity(name):
        return f"<column {list(data.columns).index(name) + 1}>"
    return name


def _name_is_identity(name: str) -> bool:
    names = pd.Series([name])
    return bool(looks_like_personnummer(names)[0] or mentions_personnummer(names)[0])


def _header_failures(data: pd.DataFrame) -> list[pd.DataFrame]:
    """A column name that looks like a personal identity number (whatever ``extra_columns``)."""
    return [
        make_failures(
            [1],
            _column_label(data, name),
            WITHHELD,
            "clear_identity",
            f"The name of column {position} in the header looks like a personal identity "
            "number; delete the column or give it another name.",
        )
        for position, name in enumerate(data.columns, start=1)
        if _name_is_identity(str(name))
    ]


def _extra_column_failures(
    data: pd.DataFrame, extra: list[str], missing: list[str], *, report: bool
) -> list[pd.DataFrame]:
    """Extra columns (when ``report``) and identity numbers in them (always).

    An ignored column is still read and its file is stored byte for byte with the submission, so
    an identity number in it is refused all the same.
    """
    import difflib

    found = []
    rows_all = source_rows(data)
    for name in extra:
        label = _column_label(data, name)
        if report and label == name:
            normalised = name.strip().lower().replace(" ", "_").replace("-", "_")
            guess = [m for m in missing if m == normalised] or difflib.get_close_matches(
                normalised, missing, n=1, cutoff=0.75
            )
            hint = (
                f"rename it to {guess[0]!r} if that is what it holds"
                if guess
                else "or rename it if it is a standard column spelled differently"
            )
            found.append(
                make_failures(
                    [1],
                    name,
                    name,
                    "extra_column",
                    f"Column {name!r} is not part of the standard; remove it, {hint}."
                    if not guess
                    else f"Column {name!r} is not part of the standard; {hint}.",
                )
            )
        column = data[name]
        text = column.where(column.notna(), "").astype(str)
        clear = looks_like_personnummer(text) | mentions_personnummer(text)
        if clear.any():
            pos = np.flatnonzero(clear)
            found.append(
                make_failures(
                    rows_all[pos],
                    label,
                    WITHHELD,
                    "clear_identity",
                    f"Column {label!r} holds what looks like personal identity numbers in "
                    "clear; delete the column, or pseudonymise it with `outcomelab pseudonymise`.",
                )
            )
    return found


def validate_frame(
    data: pd.DataFrame,
    schema: str | Path | Mapping[str, Any] | TableSchema,
    *,
    extra_columns: ExtraColumns = "fail",
) -> tuple[ValidationReport, pd.DataFrame, dict[str, np.ndarray]]:
    """Validate and also return the converted table and the mask of usable cells per column.

    The converted table has failing cells set to missing; :func:`validate_package` uses it for
    the cross-table checks. See :func:`validate` for the parameters.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"`data` must be a pandas DataFrame, got {type(data).__name__}; read the file with "
            "outcomelab.schemas.read_table first."
        )
    check_choice("extra_columns", extra_columns, ("fail", "ignore"))
    table = load_schema(schema)
    data = data.rename(columns=str)
    found: list[pd.DataFrame] = []
    names = table.field_names
    missing = [f for f in table.fields if f.name not in data.columns]
    for f in missing:
        if f.required:
            found.append(
                make_failures(
                    [1],
                    f.name,
                    None,
                    "missing_column",
                    f"The required column {f.name!r} is missing from the header; add it "
                    f"({f.title or f.name}).",
                )
            )
    found.extend(_header_failures(data))
    extra = [c for c in data.columns if c not in names]
    if extra:
        found.extend(
            _extra_column_failures(
                data, extra, [f.name for f in missing], report=extra_columns == "fail"
            )
        )
    typed: dict[str, pd.Series] = {}
    ok: dict[str, np.ndarray] = {}
    present: dict[str, np.ndarray] = {}
    parsed_columns: dict[str, ParsedColumn] = {}
    for f in table.fields:
        if f.name in data.columns:
            field_found, parsed, is_ok = _field_failures(
                data, f, table.missing_values, check_unique=[f.name] != list(table.primary_key)
            )
            found.extend(field_found)
            parsed_columns[f.name] = parsed
            values, is_present = parsed.values, parsed.present
        else:
            values = pd.Series(np.full(len(data), np.nan, dtype=object))
            is_present = np.zeros(len(data), dtype=bool)
            is_ok = is_present
        typed[f.name] = values.reset_index(drop=True)
        ok[f.name] = is_ok
        present[f.name] = is_present
    typed_frame = pd.DataFrame(typed)
    typed_frame.attrs = dict(data.attrs)
    found.extend(_primary_key_failures(data, table, parsed_columns, ok))
    rows_all = source_rows(data)
    for rule in rules_for(table.name):
        if not all(c in data.columns for c in rule.columns):
            continue
        finding = rule.find(typed_frame, present)
        if len(finding.positions):
            messages: Any = finding.messages
            if isinstance(messages, pd.Series):
                messages = messages.to_numpy(dtype=object)
            found.append(
                make_failures(
                    rows_all[finding.positions],
                    finding.column,
                    cells_as_text(data[finding.column], finding.positions),
                    rule.check,
                    messages,
                )
            )
    found = [f for f in found if not f.empty]
    if found:
        failures = pd.concat(found, ignore_index=True)
        order = {name: i for i, name in enumerate(list(data.columns) + names)}
        failures["_col"] = failures["column"].map(lambda c: order.get(c, len(order)))
        failures = (
            failures.sort_values(["row", "_col"], kind="stable", na_position="first")
            .drop(columns="_col")
            .reset_index(drop=True)
        )
    else:
        failures = empty_failures()
    report = ValidationReport(table=table.name, n_rows=len(data), failures=failures)
    return report, typed_frame, ok


def validate(
    data: pd.DataFrame,
    schema: str | Path | Mapping[str, Any] | TableSchema,
    *,
    extra_columns: ExtraColumns = "fail",
) -> ValidationReport:
    """Check a table against a standard schema and collect every failure.

    Parameters
    ----------
    data
        The table: text as read by :func:`read_table` (row numbers as in the file) or a DataFrame
        built in Python (row ``i`` is reported as file row ``i + 2``, as if written to CSV).
    schema
        A standard table name (``"participants"``, ...), a schema file or a :class:`TableSchema`.
    extra_columns
        ``"fail"`` (default) reports columns the standard does not define (they may carry data the
        lab must not receive); ``"ignore"`` skips them, but still refuses identity numbers in
        them or in their names.

    Returns
    -------
    ValidationReport
        ``.ok`` and ``.failures`` (``row, column, value, check, message``), sorted by row.

    Raises
    ------
    InputError
        If ``data`` is not a DataFrame or ``schema`` is unknown.

    Notes
    -----
    Checks: required columns present (``missing_column``), no unknown columns
    (``extra_column``), ``type``, ``required``, ``enum``, ``pattern``, ``min_length``,
    ``max_length``, ``minimum``, ``maximum``, ``unique``, ``primary_key`` (a repeated key after its
    first occurrence), ``clear_identity`` (a personal identity number in clear anywhere; its value
    is withheld from the report) and the table's cross-field rules (``end_before_start``,
    ``participant_needs_start_date``, ``comparison_without_dates``, ``born_after_start``,
    ``organisation_code_length``, ``repeated_sector``). A cell that fails its type is not checked
    further; its row still takes part in the other columns' checks.

    References
    ----------
    Frictionless Standards, *Table Schema* (v1), https://specs.frictionlessdata.io/table-schema/.

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"person_id": ["a" * 64], "outcome_code": ["employment"],
    ...                     "period": ["2023-13"], "value": ["1"]})
    >>> report = validate(bad, "outcomes")
    >>> report.ok, int(report.failures.loc[0, "row"]), report.failures.loc[0, "check"]
    (False, 2, 'pattern')
    """
    return validate_frame(data, schema, extra_columns=extra_columns)[0]
