"""Validating a submission as a whole: each table, then the checks between tables.

A submission is a set of standard tables (a folder with ``interventions.csv``, ``participants.csv``,
``outcomes.csv``, ``costs.csv``, ... in CSV, Excel or Parquet, or a mapping of DataFrames). Besides
every single-table check, :func:`validate_package` checks the references between tables (foreign
keys in the schemas), participants' dates against their intervention's, outcome periods against the
intervention's follow-up and periodicity, and outcome values against the catalogue's kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from outcomelab.errors import InputError
from outcomelab.row_numbers import source_rows
from outcomelab.schemas.extensions import (
    EXTENSION_CHECKS,
    catalogue_clash_failures,
    covariate_failures,
    declared_covariates,
    lab_catalogue_text,
    member_table,
    outcome_table,
    unit_tables_failures,
)
from outcomelab.schemas.model import TableSchema, list_schemas, load_schema
from outcomelab.schemas.report import ValidationReport, empty_failures, make_failures
from outcomelab.schemas.submission import SubmissionSource, read_submission
from outcomelab.schemas.validation import ExtraColumns, validate_frame

__all__ = ["PACKAGE_CHECKS", "validate_package"]

#: checks between tables, with what they mean
PACKAGE_CHECKS = {
    "missing_table": "A table the submission needs is not there.",
    "empty_table": "A table the submission needs has a header but no rows (a submission must "
    "contain participants and their outcomes).",
    "foreign_key": "A value refers to a row that does not exist in the referenced table "
    "(unknown intervention, person or outcome code).",
    "participant_dates": "A participant starts before the intervention started or after it ended.",
    "followup_window": "An outcome period lies outside the person's intervention window: from "
    "`lookback_years` before the intervention's start to its end plus the outcome's longest "
    "follow-up window.",
    "period_form": "An outcome period is written as a year where the intervention reports months, "
    "or the other way round.",
    "outcome_value": "An outcome value is impossible for the outcome's kind (a rate not 0/1, "
    "or for an aggregate unit a share outside 0 to 1, negative days or amounts, more days than "
    "the period has).",
    **EXTENSION_CHECKS,
}


def _with_table(failures: pd.DataFrame, table: str) -> pd.DataFrame:
    out = failures.copy()
    out.insert(0, "table", table)
    return out


def _period_bounds(period: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First day, last day and form ('year'/'month') of each period string (NaT if malformed)."""
    codes, uniques = pd.factorize(period)
    text = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
    year = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
    monthly = text.str.len().to_numpy() == 7
    month = pd.to_numeric(text.str.slice(5, 7), errors="coerce").where(monthly, 1)
    first = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": 1}), errors="coerce"
    ).to_numpy(dtype="datetime64[ns]")
    last_month = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month.where(monthly, 12), "day": 1}), errors="coerce"
    )
    last = (last_month + pd.offsets.MonthEnd(0)).to_numpy(dtype="datetime64[ns]")
    form = np.where(monthly, "month", "year")
    take = np.maximum(codes, 0)
    return first[take], last[take], form[take]


def _max_window_months(catalogue: pd.DataFrame) -> dict[str, int]:
    windows = {}
    for code, text in zip(catalogue["code"], catalogue["followup_windows_months"], strict=True):
        if isinstance(code, str) and isinstance(text, str):
            months = [int(x) for x in text.split(";") if x.strip().isdigit()]
            if months:
                windows[code] = max(months)
    return windows


def _foreign_key_failures(
    name: str,
    schema: TableSchema,
    data: pd.DataFrame,
    typed: pd.DataFrame,
    ok: dict[str, np.ndarray],
    typed_tables: Mapping[str, pd.DataFrame],
    ok_tables: Mapping[str, dict[str, np.ndarray]],
) -> list[pd.DataFrame]:
    found = []
    rows_all = source_rows(data)
    for fk in schema.foreign_keys:
        ref = typed_tables.get(fk.reference_table)
        if ref is None or not all(f in data.columns for f in fk.fields):
            continue
        ref_ok = np.logical_and.reduce(
            [ok_tables[fk.reference_table][f] for f in fk.reference_fields]
        )
        usable = np.logical_and.reduce([ok[f] for f in fk.fields])
        own = typed.loc[usable, list(fk.fields)]
        target = ref.loc[ref_ok, list(fk.reference_fields)]
        if len(fk.fields) == 1:
            known = own.iloc[:, 0].isin(target.iloc[:, 0]).to_numpy(dtype=bool)
        else:
            known = pd.MultiIndex.from_frame(own).isin(pd.MultiIndex.from_frame(target))
        pos = np.flatnonzero(usable)[~known]
        if not len(pos):
            continue
        field = ", ".join(fk.fields)
        ref_field = ", ".join(fk.reference_fields)
        values = typed.iloc[pos][list(fk.fields)].astype(str).agg(", ".join, axis=1)
        if fk.reference_table == "participants":
            advice = "submit the person in participants or drop these rows"
        elif fk.reference_table == "outcome_catalogue":
            advice = (
                "use a code of the lab's outcome catalogue (`outcomelab schemas docs`) or "
                "declare your own outcome in the submission's outcome_catalogue.csv"
            )
        elif fk.reference_table == "units":
            advice = "submit the unit in units or drop these rows"
        else:
            advice = f"add it to {fk.reference_table} or correct the value"
        messages = (
            "'"
            + values
            + f"' in {name}.{field} is not a {ref_field} in {fk.reference_table}; {advice}."
        )
        found.append(
            _with_table(
                make_failures(
                    rows_all[pos],
                    field,
                    values.to_numpy(dtype=object),
                    "foreign_key",
                    messages.to_numpy(dtype=object),
                ),
                name,
            )
        )
    return found


def _participant_date_failures(
    data: pd.DataFrame,
    participants: pd.DataFrame,
    interventions: pd.DataFrame,
    table: str = "participants",
) -> list[pd.DataFrame]:
    iv = interventions.dropna(subset=["intervention_id"]).drop_duplicates("intervention_id")
    iv = iv.set_index("intervention_id")
    where = pd.Index(iv.index).get_indexer(participants["intervention_id"])
    found = iv.index.size > 0 and where.max(initial=-1) >= 0
    if not found:
        return []
    start = participants["start_date"].to_numpy(dtype="datetime64[ns]")
    iv_start = iv["start_date"].to_numpy(dtype="datetime64[ns]")[np.maximum(where, 0)]
    iv_end = iv["end_date"].to_numpy(dtype="datetime64[ns]")[np.maximum(where, 0)]
    has = (where >= 0) & ~np.isnat(start)
    before = has & ~np.isnat(iv_start) & (start < iv_start)
    after = has & ~np.isnat(iv_end) & (start > iv_end)
    rows_all = source_rows(data)
    out = []
    for mask, word, other in (
        (before, "before the intervention started", iv_start),
        (after, "after the intervention ended", iv_end),
    ):
        pos = np.flatnonzero(mask)
        if not len(pos):
            continue
        starts = pd.Series(start[pos]).dt.strftime("%Y-%m-%d")
        others = pd.Series(other[pos]).dt.strftime("%Y-%m-%d")
        messages = (
            "start_date "
            + starts
            + f" is {word} ("
            + others
            + "); check the date or the intervention_id."
        )
        out.append(
            _with_table(
                make_failures(
                    rows_all[pos],
                    "start_date",
                    starts.to_numpy(dtype=object),
                    "participant_dates",
                    messages.to_numpy(dtype=object),
                ),
                table,
            )
        )
    return out


def _outcome_failures(
    data: pd.DataFrame,
    outcomes: pd.DataFrame,
    ok: dict[str, np.ndarray],
    participants: pd.DataFrame | None,
    interventions: pd.DataFrame | None,
    catalogue: pd.DataFrame,
    lookback_years: int,
    *,
    aggregate: bool = False,
) -> list[pd.DataFrame]:
    key = "unit_id" if aggregate else "person_id"
    usable = ok["period"] & ok["outcome_code"] & ok[key]
    first, last, form = _period_bounds(outcomes["period"].where(usable, "1900"))
    found = _value_failures(data, outcomes, ok, catalogue, usable, first, last, aggregate=aggregate)
    if participants is None or interventions is None:
        return found
    summary = _intervention_windows(participants, interventions, key)
    if summary is None:
        return found
    where = pd.Index(summary.index).get_indexer(outcomes[key])
    known = usable & (where >= 0)
    take = np.maximum(where, 0)
    window = _window_failures(
        data, outcomes, catalogue, summary.iloc[take], known, first, last, lookback_years, aggregate
    )
    form_failures = _period_form_failures(data, outcomes, summary.iloc[take], known, form)
    table = "unit_outcomes" if aggregate else "outcomes"
    return [*found, *(_with_table(f, table) for f in (window, form_failures) if f is not None)]


def _value_failures(
    data: pd.DataFrame,
    outcomes: pd.DataFrame,
    ok: dict[str, np.ndarray],
    catalogue: pd.DataFrame,
    usable: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    *,
    aggregate: bool,
) -> list[pd.DataFrame]:
    """Outcome values against the catalogue's kind (``outcome_value``)."""
    table = "unit_outcomes" if aggregate else "outcomes"
    rows_all = source_rows(data)
    found: list[pd.DataFrame] = []
    code = outcomes["outcome_code"]
    kinds = catalogue.dropna(subset=["code"]).drop_duplicates("code").set_index("code")["kind"]
    kind = code.map(kinds).to_numpy(dtype=object)
    value = outcomes["value"].to_numpy(dtype=float, na_value=np.nan)
    days_in_period = ((last - first) / np.timedelta64(1, "D")) + 1
    total = np.zeros(len(value), dtype=bool)
    if aggregate and "statistic" in outcomes.columns:
        total = (outcomes["statistic"] == "total").to_numpy(dtype=bool, na_value=False)
    with np.errstate(invalid="ignore"):
        if aggregate:  # a unit's mean of a 0/1 outcome is a share
            not_rate = (kind == "rate") & ~total & ((value < 0) | (value > 1))
            rate_text = "is the share of a 0/1 outcome for the unit; write a number from 0 to 1"
        else:
            not_rate = (kind == "rate") & ~np.isin(value, (0.0, 1.0))
            rate_text = "is a rate (0 or 1 per person and period); write 0 or 1"
        negative = np.isin(kind, ["count", "days", "amount_sek", "time_to_event"]) & (value < 0)
        too_many_days = (kind == "days") & ~total & (value > days_in_period)
    has_value = ok["value"] & ok["outcome_code"]
    for mask, text in (
        (not_rate, rate_text),
        (negative, "cannot be negative"),
        (too_many_days, "counts days but is more than the days in the period"),
    ):
        pos = np.flatnonzero(mask & has_value & (~too_many_days | usable))
        if not len(pos):
            continue
        cells = outcomes["value"].iloc[pos].map(lambda v: f"{v:g}").astype(str)
        messages = ("value " + cells + " of " + code.iloc[pos].astype(str) + f" {text}.").to_numpy(
            dtype=object
        )
        found.append(
            _with_table(
                make_failures(
                    rows_all[pos], "value", cells.to_numpy(dtype=object), "outcome_value", messages
                ),
                table,
            )
        )
    return found


def _intervention_windows(
    participants: pd.DataFrame, interventions: pd.DataFrame, key: str
) -> pd.DataFrame | None:
    """Each member's intervention window (hull over their interventions) and periodicities,
    indexed by ``key``; ``None`` when no member links to a known intervention."""
    iv = interventions.dropna(subset=["intervention_id"]).drop_duplicates("intervention_id")
    links = participants[[key, "intervention_id"]].dropna()
    links = links.merge(
        iv[["intervention_id", "start_date", "end_date", "period_type"]],
        on="intervention_id",
        how="inner",
    )
    if links.empty:
        return None
    per_person = links.assign(
        open_ended=links["end_date"].isna(),
        is_year=links["period_type"] == "year",
        is_month=links["period_type"] == "month",
    ).groupby(key, sort=False)
    return pd.DataFrame(
        {
            "start": per_person["start_date"].min(),
            "end": per_person["end_date"].max(),
            "open_ended": per_person["open_ended"].any(),
            "is_year": per_person["is_year"].any(),
            "is_month": per_person["is_month"].any(),
        }
    )


def _window_failures(
    data: pd.DataFrame,
    outcomes: pd.DataFrame,
    catalogue: pd.DataFrame,
    window: pd.DataFrame,
    known: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    lookback_years: int,
    aggregate: bool,
) -> pd.DataFrame | None:
    """Periods outside the member's follow-up window (``followup_window``).

    ``window`` holds the member's intervention window on each outcome row.
    """
    p_start = window["start"].to_numpy(dtype="datetime64[ns]")
    p_end = window["end"].to_numpy(dtype="datetime64[ns]")
    p_open = window["open_ended"].to_numpy(dtype=bool)
    months = outcomes["outcome_code"].map(_max_window_months(catalogue)).fillna(0)
    months = months.to_numpy(dtype=np.int64)
    lower = (pd.Series(p_start) - pd.DateOffset(years=lookback_years)).to_numpy(
        dtype="datetime64[ns]"
    )
    upper = (pd.Series(p_end) + pd.to_timedelta(months * 30.44, unit="D")).to_numpy(
        dtype="datetime64[ns]"
    )
    with np.errstate(invalid="ignore"):
        # an aggregate unit's long history is what synthetic control and synthetic DiD fit
        # (Proposition 99: 19 years before the start): no lower bound for units
        too_early = known & ~np.isnat(p_start) & (last < lower) & (not aggregate)
        too_late = known & ~p_open & ~np.isnat(upper) & (first > upper)
    pos = np.flatnonzero(too_early | too_late)
    if not len(pos):
        return None
    periods = outcomes["period"].iloc[pos].astype(str)
    messages = pd.Series(
        np.where(
            too_early[pos],
            f"is more than {lookback_years} years before the person's intervention started",
            "is after the intervention's end plus the outcome's longest follow-up window",
        ),
        dtype=object,
    )
    return make_failures(
        source_rows(data)[pos],
        "period",
        periods.to_numpy(dtype=object),
        "followup_window",
        ("period " + periods.reset_index(drop=True) + " " + messages + ".").to_numpy(dtype=object),
    )


def _period_form_failures(
    data: pd.DataFrame,
    outcomes: pd.DataFrame,
    window: pd.DataFrame,
    known: np.ndarray,
    form: np.ndarray,
) -> pd.DataFrame | None:
    """Periods written as years where the intervention reports months, or the other way."""
    is_year = window["is_year"].to_numpy(dtype=bool)
    is_month = window["is_month"].to_numpy(dtype=bool)
    wrong_form = known & (((form == "year") & ~is_year) | ((form == "month") & ~is_month))
    pos = np.flatnonzero(wrong_form)
    if not len(pos):
        return None
    periods = outcomes["period"].iloc[pos].astype(str).reset_index(drop=True)
    expected = np.where(form[pos] == "year", "months (YYYY-MM)", "years (YYYY)")
    messages = (
        "period "
        + periods
        + " does not match the intervention's period_type, which reports "
        + pd.Series(expected, dtype=object)
        + "."
    )
    return make_failures(
        source_rows(data)[pos],
        "period",
        periods.to_numpy(dtype=object),
        "period_form",
        messages.to_numpy(dtype=object),
    )


def validate_package(
    tables: Mapping[str, pd.DataFrame] | SubmissionSource,
    *,
    required: Sequence[str] | None = None,
    extra_columns: ExtraColumns = "fail",
    lookback_years: int = 10,
) -> ValidationReport:
    """Validate several standard tables together: each one, then the checks between them.

    Parameters
    ----------
    tables
        A mapping of standard table name to DataFrame (text as read by :func:`read_table`, or
        typed), or what :func:`~outcomelab.schemas.read_submission` reads (a folder, a workbook,
        a list of files). When ``outcome_catalogue`` is not given, the bundled standard
        catalogue is used.
    required
        Tables that must be present; default interventions and, by the unit of analysis,
        participants and outcomes (persons) or units and unit_outcomes (aggregate units).
    extra_columns
        ``"fail"`` or ``"ignore"`` columns the standard does not define (see :func:`validate`).
    lookback_years
        How far before an intervention's start a person's outcome periods may go (baseline
        history); not applied to aggregate units.

    Returns
    -------
    ValidationReport
        ``table="package"``; its ``failures`` have a ``table`` column first. ``rows_per_table``
        gives the rows read per table.

    Raises
    ------
    InputError
        If ``tables`` names a table that is not a standard table.
    ReadError
        If a folder is given and a file in it cannot be read (see
        :func:`~outcomelab.schemas.read_submission`).

    Notes
    -----
    Checks between tables: ``missing_table``; ``empty_table`` (a required table without rows);
    ``foreign_key`` (participants of unknown interventions, outcome rows for persons not in
    participants, unknown outcome codes, costs of unknown interventions, unit values of unknown
    outcomes, an unknown primary outcome); ``participant_dates`` (a participant's start before the
    intervention's start or after its end); ``followup_window`` (a period ending more than
    ``lookback_years`` before the earliest start of the person's interventions -- persons only: an
    aggregate unit's history may go back as far as it is kept --, or starting after the latest end
    plus the outcome's longest follow-up window; no upper bound while an intervention is open);
    ``period_form`` (``YYYY`` where the intervention reports months or ``YYYY-MM`` where it reports
    years); ``outcome_value`` (a rate not 0/1, a negative count, day count or amount, more days
    than the period has). Duplicate keys are reported per table (``primary_key``).

    Examples
    --------
    >>> from outcomelab.resources import schemas_dir
    >>> from outcomelab.schemas import read_table
    >>> report = validate_package({"outcome_catalogue": read_table(
    ...     schemas_dir() / "outcome_catalogue.csv")}, required=())
    >>> report.ok
    True
    """
    frames = _standard_frames(tables)
    found: list[pd.DataFrame] = unit_tables_failures(frames)
    members, outcome_name = member_table(frames), outcome_table(frames)
    if required is None:
        required = ("interventions", members, outcome_name)
    found.extend(_presence_failures(frames, required))
    # the lab's catalogue is always there; a submission's own catalogue adds codes of its own
    lab = lab_catalogue_text()
    own = frames.get("outcome_catalogue")
    if own is not None:
        found.append(catalogue_clash_failures(own, lab))
    declared = declared_covariates(frames.get("covariate_catalogue"))
    each = _validate_each(frames, members, declared, extra_columns)
    found.extend(each.failures)
    if "covariate_catalogue" in frames and members in frames:
        found.extend(
            covariate_failures(members, frames[members], frames["covariate_catalogue"], declared)
        )
    typed_tables, ok_tables = each.typed, each.ok
    _add_lab_catalogue(typed_tables, ok_tables, lab)
    for name in frames:
        found.extend(
            _foreign_key_failures(
                name,
                each.schemas[name],
                frames[name],
                typed_tables[name],
                ok_tables[name],
                typed_tables,
                ok_tables,
            )
        )
    if members in frames and "interventions" in frames:
        found.extend(
            _participant_date_failures(
                frames[members], typed_tables[members], typed_tables["interventions"], members
            )
        )
    if outcome_name in frames:
        found.extend(
            _outcome_failures(
                frames[outcome_name],
                typed_tables[outcome_name],
                ok_tables[outcome_name],
                typed_tables.get(members),
                typed_tables.get("interventions"),
                typed_tables["outcome_catalogue"],
                lookback_years,
                aggregate=outcome_name == "unit_outcomes",
            )
        )
    return ValidationReport(
        table="package",
        n_rows=sum(each.rows.values()),
        failures=_in_table_order(found),
        rows_per_table=each.rows,
    )


def _standard_frames(
    tables: Mapping[str, pd.DataFrame] | SubmissionSource,
) -> dict[str, pd.DataFrame]:
    """The tables as text DataFrames by standard name (InputError for a name not standard)."""
    if isinstance(tables, Mapping) and all(isinstance(v, pd.DataFrame) for v in tables.values()):
        frames = dict(tables)
    else:
        frames = {name: t.data for name, t in read_submission(tables).items()}
    known = list_schemas()
    unknown = [name for name in frames if name not in known]
    if unknown:
        raise InputError(
            f"Not standard tables: {', '.join(map(repr, unknown))}; the standard tables are "
            f"{', '.join(known)}."
        )
    return frames


def _presence_failures(
    frames: Mapping[str, pd.DataFrame], required: Sequence[str]
) -> list[pd.DataFrame]:
    """``missing_table`` and ``empty_table`` failures of the required tables."""
    found = []
    for name in required:
        if name not in frames:
            found.append(
                _with_table(
                    make_failures(
                        None,
                        None,
                        None,
                        "missing_table",
                        f"The submission has no {name} table; add {name}.csv (or .xlsx).",
                    ),
                    name,
                )
            )
        elif len(frames[name]) == 0:
            found.append(
                _with_table(
                    make_failures(
                        None,
                        None,
                        None,
                        "empty_table",
                        f"The {name} table has a header but no rows; a submission must contain "
                        "its members and their outcomes.",
                    ),
                    name,
                )
            )
    return found


@dataclass
class _EachTable:
    """Every table validated on its own: failures, typed values, usable cells, schema, rows."""

    failures: list[pd.DataFrame] = field(default_factory=list)
    typed: dict[str, pd.DataFrame] = field(default_factory=dict)
    ok: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _validate_each(
    frames: Mapping[str, pd.DataFrame],
    members: str,
    declared: Mapping[str, object],
    extra_columns: ExtraColumns,
) -> _EachTable:
    """Validate each table against its schema (a member table without its declared columns)."""
    each = _EachTable()
    for name, data in frames.items():
        schema = load_schema(name)
        own_columns = [c for c in declared if c in data.columns and name == members]
        report, typed, ok = validate_frame(
            data.drop(columns=own_columns) if own_columns else data,
            schema,
            extra_columns=extra_columns,
        )
        each.rows[name] = len(data)
        if not report.ok:
            each.failures.append(_with_table(report.failures, name))
        each.typed[name], each.ok[name], each.schemas[name] = typed, ok, schema
    return each


def _add_lab_catalogue(
    typed_tables: dict[str, pd.DataFrame],
    ok_tables: dict[str, dict[str, np.ndarray]],
    lab: pd.DataFrame,
) -> None:
    """Put the lab's catalogue under ``outcome_catalogue``, followed by the submission's own
    codes (those the lab does not define), so foreign keys find both."""
    _, lab_typed, lab_ok = validate_frame(lab, "outcome_catalogue")
    if "outcome_catalogue" not in typed_tables:
        typed_tables["outcome_catalogue"], ok_tables["outcome_catalogue"] = lab_typed, lab_ok
        return
    own_typed = typed_tables["outcome_catalogue"]
    keep = ~own_typed["code"].isin(set(lab["code"])).to_numpy(dtype=bool)
    typed_tables["outcome_catalogue"] = pd.concat(
        [lab_typed, own_typed.loc[keep]], ignore_index=True
    )
    own_ok = ok_tables["outcome_catalogue"]
    ok_tables["outcome_catalogue"] = {
        k: np.concatenate([lab_ok[k], v[keep]]) for k, v in own_ok.items()
    }


def _in_table_order(found: list[pd.DataFrame]) -> pd.DataFrame:
    """All failures in one table, by standard table then row (tables' own failures first)."""
    found = [f for f in found if not f.empty]
    if not found:
        return empty_failures(with_table=True)
    order = {name: i for i, name in enumerate(list_schemas())}
    failures = pd.concat(found, ignore_index=True)
    failures["_t"] = failures["table"].map(order)
    return (
        failures.sort_values(["_t", "row"], kind="stable", na_position="first")
        .drop(columns="_t")
        .reset_index(drop=True)
    )
