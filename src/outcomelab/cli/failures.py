"""Validation failures as a reader wants them in a terminal: identical failures grouped, 80 columns.

A municipality's file with one wrong outcome code in 550 rows should read as one line ("550 rows
(rows 2–551): 'x' ... Allowed: employment, ...") rather than 550 rows of a table. Failures are
grouped by table, column and rule, and within that by the failing value when few values account
for them; each group says how many rows, which rows, the message of its first failure and, where
the standard has a list of allowed values, that list.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["FailureGroup", "allowed_values", "failure_lines", "group_failures", "row_span"]

#: at most this many distinct values are listed one group each; more are summarised
_VALUES_PER_GROUP = 3


@dataclass(frozen=True)
class FailureGroup:
    """Failures of one rule on one column of one table, with the same value (or summarised)."""

    table: str | None
    column: str | None
    check: str
    rows: tuple[int, ...]
    n: int
    values: tuple[str, ...]
    n_values: int
    message: str


def row_span(rows: Sequence[int], limit: int = 6) -> str:
    """Row numbers in few words: ``rows 2–551``, ``rows 4, 9 and 12``, ``rows 4, 9, 12, … 980``.

    Examples
    --------
    >>> row_span([2, 3, 4, 5])
    'rows 2–5'
    >>> row_span([7])
    'row 7'
    >>> row_span([4, 9, 12])
    'rows 4, 9 and 12'
    >>> row_span(list(range(10, 100, 10)))
    'rows 10, 20, 30, 40, 50, … 90'
    """
    ordered = sorted(set(rows))
    if not ordered:
        return "the whole table"
    if len(ordered) == 1:
        return f"row {ordered[0]}"
    if ordered[-1] - ordered[0] == len(ordered) - 1:
        return f"rows {ordered[0]}–{ordered[-1]}"
    if len(ordered) <= limit:
        return "rows " + ", ".join(map(str, ordered[:-1])) + f" and {ordered[-1]}"
    return "rows " + ", ".join(map(str, ordered[: limit - 1])) + f", … {ordered[-1]}"


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    return str(value)


def group_failures(failures: pd.DataFrame, table: str | None = None) -> list[FailureGroup]:
    """Group a failures table (of a :class:`~outcomelab.schemas.ValidationReport`).

    ``table`` names the table of a one-table report (whose failures have no ``table`` column).

    Failures with the same table, column and rule form one group per failing value when at most
    three values account for them; otherwise one group with the number of different values.
    Groups come largest first.
    """
    if failures is None or failures.empty:
        return []
    frame = failures.copy()
    if "table" not in frame.columns:
        frame.insert(0, "table", table)
    groups: list[FailureGroup] = []
    keys = ["table", "column", "check"]
    for (table, column, check), part in frame.groupby(keys, sort=False, dropna=False):
        values = part["value"].map(_text)
        distinct = list(dict.fromkeys(v for v in values if v is not None))
        if 0 < len(distinct) <= _VALUES_PER_GROUP:
            pieces = [(v, part[values == v]) for v in distinct]
            missing = part[values.isna()]
            if not missing.empty:
                pieces.append(("", missing))
        else:
            pieces = [("", part)]
        for value, rows in pieces:
            numbers = tuple(int(r) for r in rows["row"] if _text(r) is not None)
            shown = (value,) if value else tuple(distinct[:_VALUES_PER_GROUP])
            groups.append(
                FailureGroup(
                    table=_text(table),
                    column=_text(column),
                    check=str(check),
                    rows=numbers,
                    n=len(rows),
                    values=shown,
                    n_values=1 if value else len(distinct),
                    message=str(rows["message"].iloc[0]),
                )
            )
    return sorted(groups, key=lambda g: -g.n)


def allowed_values(group: FailureGroup) -> tuple[str, ...]:
    """The values the standard allows in the group's column, when it has a closed list."""
    if group.column is None or group.table is None:
        return ()
    if group.check == "foreign_key" and group.column == "outcome_code":
        from outcomelab.vocabulary import lab_catalogue

        return tuple(lab_catalogue())
    if group.check != "enum":
        return ()
    from outcomelab.errors import OutcomelabError
    from outcomelab.schemas import load_schema

    try:
        fields = {f.name: f for f in load_schema(group.table).fields}
    except OutcomelabError:
        return ()
    found = fields.get(group.column)
    return tuple(found.enum) if found is not None and found.enum else ()


def _quote(value: str, width: int = 40) -> str:
    return repr(value if len(value) <= width else value[: width - 1] + "…")


def failure_lines(groups: Iterable[FailureGroup], width: int = 80) -> list[str]:
    """The text of the groups, each line at most ``width`` characters.

    Each group is a heading line (table, column, rule), a line with the number of rows, which rows
    and the value(s), the first failure's message and the allowed values, indented and wrapped.
    """
    lines: list[str] = []
    body = textwrap.TextWrapper(
        width=width, initial_indent="    ", subsequent_indent="    ", break_long_words=True
    )
    for group in groups:
        where = " · ".join(p for p in (group.table, group.column) if p)
        lines += textwrap.wrap(f"{where} — rule {group.check}" if where else group.check, width)
        count = f"{group.n:,} row{'s' if group.n != 1 else ''}"
        if group.rows and group.n > 1:
            count += f" ({row_span(group.rows)})"
        elif group.rows:
            count = row_span(group.rows)
        if group.n_values == 1 and group.values:
            count += f": {_quote(group.values[0])}"
        elif group.values and "," in (group.column or ""):
            count += f", {group.n_values:,} different keys"
        elif group.values:
            examples = ", ".join(_quote(v, 20) for v in group.values)
            count += f", {group.n_values:,} different values, e.g. {examples}"
        lines += textwrap.wrap(count, width, initial_indent="  ", subsequent_indent="    ")
        lines += body.wrap(group.message)
        allowed = allowed_values(group)
        if allowed:
            lines += body.wrap("Allowed: " + ", ".join(allowed) + ".")
        lines.append("")
    return lines
