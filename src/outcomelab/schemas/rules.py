"""Cross-field rules of the standard tables: what a Table Schema cannot say about one row.

Each rule reads the converted table and returns the positions of the rows that break it. The rules
are listed per table in :data:`TABLE_RULES`; their descriptions appear in the generated docs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["TABLE_RULES", "RowFinding", "RowRule", "rules_for"]


@dataclass(frozen=True)
class RowFinding:
    """Rows (positions 0..n-1) breaking a rule, the column to point at and one message per row."""

    positions: np.ndarray
    column: str
    messages: pd.Series | str


@dataclass(frozen=True)
class RowRule:
    """A named cross-field rule with a one-sentence description for the docs."""

    check: str
    description: str
    columns: tuple[str, ...]
    find: Callable[[pd.DataFrame, dict[str, np.ndarray]], RowFinding]


def _iso(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%Y-%m-%d")


def _end_before_start(typed: pd.DataFrame, present: dict[str, np.ndarray]) -> RowFinding:
    start, end = typed["start_date"], typed["end_date"]
    bad = (end < start).to_numpy(dtype=bool, na_value=False)
    pos = np.flatnonzero(bad)
    messages = (
        "end_date "
        + _iso(end.iloc[pos])
        + " is before start_date "
        + _iso(start.iloc[pos])
        + "; correct one of the two dates."
    )
    return RowFinding(pos, "end_date", messages)


def _participant_needs_start(typed: pd.DataFrame, present: dict[str, np.ndarray]) -> RowFinding:
    bad = (typed["group"] == "participant").to_numpy(dtype=bool) & ~present["start_date"]
    return RowFinding(
        np.flatnonzero(bad),
        "start_date",
        "A participant needs a start_date (the date the person started the intervention).",
    )


def _comparison_without_dates(typed: pd.DataFrame, present: dict[str, np.ndarray]) -> RowFinding:
    is_comparison = (typed["group"] == "comparison").to_numpy(dtype=bool)
    bad = is_comparison & (present["start_date"] | present["end_date"])
    return RowFinding(
        np.flatnonzero(bad),
        "start_date",
        "A comparison candidate must have empty start_date and end_date (they did not take "
        "part); if the person took part, set group to 'participant'.",
    )


def _start_in_future(typed: pd.DataFrame, present: dict[str, np.ndarray]) -> RowFinding:
    today = pd.Timestamp(dt.date.today())
    start = typed["start_date"]
    bad = (start > today).to_numpy(dtype=bool, na_value=False)
    pos = np.flatnonzero(bad)
    messages = (
        "start_date "
        + _iso(start.iloc[pos])
        + f" lies in the future (today is {today:%Y-%m-%d}); a submission reports starts that "
        "have happened. Correct the date, or leave the person out until the start."
    )
    return RowFinding(pos, "start_date", messages)


def _period_in_future(typed: pd.DataFrame, present: dict[str, np.ndarray]) -> RowFinding:
    today = dt.date.today()
    period = typed["period"].astype("string")
    year = pd.to_numeric(period.str.slice(0, 4), errors="coerce")
    month = pd.to_numeric(period.str.slice(5, 7), errors="coerce").fillna(1)
    bad = ((year > today.year) | ((year == today.year) & (month > today.month))).to_numpy(
        dtype=bool, na_value=False
    )
    pos = np.flatnonzero(bad)
    messages = (
        "period "
        + period.iloc[pos].astype(str)
        + f" has not begun (today is {today:%Y-%m-%d}); outcomes are reported for periods "
        "that have begun. Correct the period."
    )
    return RowFinding(pos, "period", messages)


_PERIOD_FUTURE = RowRule(
    "period_in_future",
    "period has begun by the day the submission is validated.",
    ("period",),
    _period_in_future,
)

_FUTURE = RowRule(
    "start_in_future",
    "start_date is not after the day the submission is validated.",
    ("start_date",),
    _start_in_future,
)


def _born_after_start(typed: pd.DataFrame, present: dict[str, np.ndarray]) -> RowFinding:
    start_year = typed["start_date"].dt.year
    bad = (typed["birth_year"] > start_year).to_numpy(dtype=bool, na_value=False)
    pos = np.flatnonzero(bad)
    messages = (
        "birth_year "
        + typed["birth_year"].iloc[pos].astype(str)
        + " is after the start_date "
        + _iso(typed["start_date"].iloc[pos])
        + "; check the birth year."
    )
    return RowFinding(pos, "birth_year", messages)


def _organisation_code_length(typed: pd.DataFrame, present: dict[str, np.ndarray]) -> RowFinding:
    code = typed["organisation_code"].astype(str)
    kind = typed["organisation_type"]
    municipality = (kind == "municipality").to_numpy(dtype=bool)
    region = (kind == "region").to_numpy(dtype=bool)
    has_code = present["organisation_code"]
    length = code.str.len().to_numpy()
    bad_m = municipality & has_code & (length != 4)
    bad_r = region & has_code & (length != 2)
    no_code = (municipality | region) & ~has_code
    pos = np.flatnonzero(bad_m | bad_r | no_code)
    messages = np.where(
        no_code[pos],
        "A municipality or region needs its organisation_code (4 digits for a municipality, "
        "e.g. '0581'; 2 for a region, e.g. '05').",
        np.where(
            bad_m[pos],
            "A municipality's organisation_code has 4 digits with its leading zero (e.g. "
            "'0581'); a 2-digit code belongs to a region.",
            "A region's organisation_code has 2 digits (e.g. '05'); "
            "a 4-digit code belongs to a municipality.",
        ),
    )
    return RowFinding(pos, "organisation_code", pd.Series(messages, dtype=object))


def _repeated_sector(typed: pd.DataFrame, present: dict[str, np.ndarray]) -> RowFinding:
    sectors = typed["sectors"].fillna("").astype(str).str.split(";")
    repeated = sectors.map(lambda items: len(items) != len(set(items))).to_numpy(dtype=bool)
    return RowFinding(
        np.flatnonzero(repeated & present["sectors"]),
        "sectors",
        "sectors names the same sector more than once; list each sector once.",
    )


_END = RowRule(
    "end_before_start",
    "end_date is not before start_date.",
    ("start_date", "end_date"),
    _end_before_start,
)

#: cross-field rules per standard table
TABLE_RULES: dict[str, tuple[RowRule, ...]] = {
    "interventions": (
        _END,
        RowRule(
            "organisation_code_length",
            "organisation_code is given, with 4 digits for a municipality and 2 digits for a "
            "region.",
            ("organisation_type", "organisation_code"),
            _organisation_code_length,
        ),
        RowRule(
            "repeated_sector",
            "No sector is listed twice in sectors.",
            ("sectors",),
            _repeated_sector,
        ),
    ),
    "participants": (
        RowRule(
            "participant_needs_start_date",
            "A participant (group = participant) has a start_date.",
            ("group", "start_date"),
            _participant_needs_start,
        ),
        RowRule(
            "comparison_without_dates",
            "A comparison candidate (group = comparison) has neither start_date nor end_date.",
            ("group", "start_date", "end_date"),
            _comparison_without_dates,
        ),
        _END,
        _FUTURE,
        RowRule(
            "born_after_start",
            "birth_year is not after the year of start_date.",
            ("birth_year", "start_date"),
            _born_after_start,
        ),
    ),
    "outcomes": (_PERIOD_FUTURE,),
    "unit_outcomes": (_PERIOD_FUTURE,),
    "units": (
        RowRule(
            "participant_needs_start_date",
            "A participating unit (group = participant) has a start_date.",
            ("group", "start_date"),
            _participant_needs_start,
        ),
        RowRule(
            "comparison_without_dates",
            "A comparison unit (group = comparison) has neither start_date nor end_date.",
            ("group", "start_date", "end_date"),
            _comparison_without_dates,
        ),
        _END,
        _FUTURE,
    ),
}


def rules_for(table: str) -> tuple[RowRule, ...]:
    """Return the cross-field rules of standard table ``table`` (empty for other tables)."""
    return TABLE_RULES.get(table, ())
