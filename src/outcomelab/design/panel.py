"""The analysis panel: one row per person and period, built out of core with DuckDB.

The long outcome table is filtered, pivoted to one column per outcome and joined to the
participants' start dates and baseline covariates inside DuckDB, which spills to disk when a
``temp_directory`` is given, so panels larger than memory can be written straight to Parquet with
:func:`write_panel`. :func:`build_panel`, whose panel is held in memory anyway, pivots on a dense
grid of persons x periods in numpy instead (:mod:`outcomelab.design.pivot`: no hash aggregation,
no sort) when that grid is not much larger than the panel. What was left out, and why, is
reported in a :class:`PanelInfo`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa

from outcomelab._checks import check_choice
from outcomelab.design.assemble import panel_table
from outcomelab.design.pivot import PivotCounts, Pivoted, grid_fits, pivot_dense
from outcomelab.design.sources import PanelSource, register_source, unit_of_analysis_of
from outcomelab.errors import InputError

__all__ = [
    "PANEL_COLUMNS",
    "PanelInfo",
    "build_panel",
    "panel_info",
    "period_to_int",
    "write_panel",
]

#: the design columns every panel has (outcome and covariate columns come in between/after)
PANEL_COLUMNS = ("person_id", "unit", "period", "cohort", "rel_time", "treated", "treated_post")
_KEYS_PARTICIPANTS = ("person_id", "intervention_id", "group", "start_date")
_KEYS_OUTCOMES = ("person_id", "outcome_code", "period", "value")
_NOT_COVARIATES = {"person_id", "intervention_id", "group", "population", "name"}
_RESERVED = set(PANEL_COLUMNS)

_ORDER = " ORDER BY p.unit, w.t"
#: rows per Arrow batch when the panel is streamed out of DuckDB
_BATCH_ROWS = 1 << 20

PeriodType = Literal["year", "month"]
Output = Literal["pandas", "arrow"]


@dataclass(frozen=True)
class PanelInfo:
    """What went into an analysis panel and what was left out.

    Attributes
    ----------
    intervention_id, period_type
        The intervention and the periodicity (``"year"``: period = year; ``"month"``:
        period = year * 12 + month - 1).
    outcomes
        Outcome columns of the panel.
    covariates
        Baseline covariate columns copied from the participants table.
    n_rows, n_persons, n_participants, n_comparison
        Size of the panel.
    first_period, last_period
        Range of periods in the panel (``None`` when it is empty).
    cohorts
        Persons per cohort (start period; 0 = comparison).
    dropped
        One row per reason with columns ``reason, rows, persons`` (rows of the source tables and
        persons concerned).
    notes
        Remarks that do not drop anything (e.g. starts after the last period).
    unit_of_analysis
        ``"person"`` or the aggregate unit the intervention declares (``"municipality"``, ...).
    weight
        The panel's weight column (``"weight"``: the persons each aggregate unit covers) or
        ``None`` for persons.
    persons_covered
        Persons behind the kept units by group (``participant``, ``comparison``): the number of
        persons for a person panel, the sum of the units' populations for aggregate units.
    """

    intervention_id: str
    period_type: str
    outcomes: tuple[str, ...]
    covariates: tuple[str, ...]
    n_rows: int
    n_persons: int
    n_participants: int
    n_comparison: int
    first_period: int | None
    last_period: int | None
    cohorts: Mapping[int, int] = field(default_factory=dict)
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    notes: tuple[str, ...] = ()
    unit_of_analysis: str = "person"
    weight: str | None = None
    persons_covered: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cohorts", MappingProxyType(dict(self.cohorts)))
        object.__setattr__(self, "persons_covered", MappingProxyType(dict(self.persons_covered)))
        frame = self.dropped
        if frame.empty:
            frame = pd.DataFrame({"reason": [], "rows": [], "persons": []})
        object.__setattr__(self, "dropped", frame.reset_index(drop=True).copy())

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of everything in the report."""
        return {
            "intervention_id": self.intervention_id,
            "period_type": self.period_type,
            "outcomes": list(self.outcomes),
            "covariates": list(self.covariates),
            "n_rows": self.n_rows,
            "n_persons": self.n_persons,
            "n_participants": self.n_participants,
            "n_comparison": self.n_comparison,
            "first_period": self.first_period,
            "last_period": self.last_period,
            "cohorts": {str(k): int(v) for k, v in self.cohorts.items()},
            "dropped": [
                {"reason": str(r["reason"]), "rows": int(r["rows"]), "persons": int(r["persons"])}
                for r in self.dropped.to_dict(orient="records")
            ],
            "notes": list(self.notes),
            "unit_of_analysis": self.unit_of_analysis,
            "weight": self.weight,
            "persons_covered": {str(k): int(v) for k, v in self.persons_covered.items()},
        }

    def summary(self) -> str:
        """Readable text: size, cohorts, and every reason something was left out."""
        span = (
            f"periods {format_period(self.first_period, self.period_type)} to "
            f"{format_period(self.last_period, self.period_type)}"
            if self.first_period is not None and self.last_period is not None
            else "no periods"
        )
        cohorts = ", ".join(
            f"{format_period(k, self.period_type)}: {v}" for k, v in self.cohorts.items() if k
        )
        lines = [
            f"Panel for {self.intervention_id}: {self.n_rows:,} rows, {self.n_persons:,} persons "
            f"({self.n_participants:,} participants, {self.n_comparison:,} comparison), {span}.",
            f"  outcomes: {', '.join(self.outcomes)}",
            f"  participants by start {self.period_type}: {cohorts or 'none'}",
        ]
        if self.dropped.empty:
            lines.append("  nothing was dropped")
        d = self.dropped
        for reason, rows, persons in zip(
            d["reason"].tolist(), d["rows"].tolist(), d["persons"].tolist(), strict=True
        ):
            lines.append(f"  dropped: {reason} ({int(rows):,} rows, {int(persons):,} persons)")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


def format_period(period: int | None, period_type: str) -> str:
    """The ISO label of an integer period: ``2019`` or ``"2019-03"``."""
    if period is None:
        return "-"
    if period_type == "month":
        return f"{period // 12:04d}-{period % 12 + 1:02d}"
    return str(period)


def period_to_int(period: str | int, period_type: PeriodType) -> int:
    """Convert an ISO period label (``"2019"`` or ``"2019-03"``) to the panel's integer period.

    Parameters
    ----------
    period
        ``"YYYY"`` (or an int year) for yearly data, ``"YYYY-MM"`` for monthly data.
    period_type
        ``"year"`` or ``"month"``.

    Returns
    -------
    int
        The year, or ``year * 12 + month - 1``.

    Raises
    ------
    InputError
        If the label does not fit the period type.
    """
    text = str(period)
    if period_type == "year" and re.fullmatch(r"\d{4}", text):
        return int(text)
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if period_type == "month" and m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)) * 12 + int(m.group(2)) - 1
    if period_type == "month" and isinstance(period, int) and period > 9999:
        return period  # already an integer month
    form = "YYYY" if period_type == "year" else "YYYY-MM"
    raise InputError(
        f"Period {period!r} is not of the form {form} required for {period_type}ly data."
    )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> list[str]:
    return [str(r[0]) for r in con.execute(f"DESCRIBE {view}").fetchall()]


def _period_sql(period_type: str) -> str:
    """SQL turning the raw ``period`` column into the integer period (NULL if malformed)."""
    p = "CAST(period AS VARCHAR)"
    if period_type == "year":
        return f"CASE WHEN length({p}) = 4 THEN TRY_CAST({p} AS INTEGER) END"
    year = f"TRY_CAST(substr({p}, 1, 4) AS INTEGER)"
    month = f"TRY_CAST(substr({p}, 6, 2) AS INTEGER)"
    return (
        f"CASE WHEN length({p}) = 7 AND substr({p}, 5, 1) = '-' AND {month} BETWEEN 1 AND 12 "
        f"THEN {year} * 12 + {month} - 1 END"
    )


@dataclass
class _Plan:
    """The prepared panel queries and the facts reported about it (internal).

    ``sql`` gives the whole panel (for :func:`write_panel`); :func:`build_panel` reads the narrow
    ``rows_sql`` (unit, period, outcomes) and ``persons_sql`` (one row per unit, in unit order)
    and assembles the rest in Arrow (:func:`~outcomelab.design.assemble.panel_table`).
    """

    sql: str
    rows_sql: str
    persons_sql: str
    key: str
    weighted: bool
    info: PanelInfo
    rows: pa.Table | None = None


@dataclass
class _Build:
    """The connection and what the steps of :func:`_prepare` report (internal)."""

    con: duckdb.DuckDBPyConnection
    intervention_id: str
    dropped: list[tuple[str, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def one(self, sql: str) -> tuple[Any, ...]:
        """The first row of a query (the result is fetched whole, so the connection is free)."""
        rows = self.con.execute(sql).fetchall()
        return tuple(rows[0]) if rows else ()

    def drop(self, reason: str, sql: str) -> None:
        """Record ``reason`` when ``sql`` (rows, persons) counts something."""
        r = self.one(sql)
        if r and r[0]:
            self.dropped.append((reason, int(r[0]), int(r[1] or 0)))


def _check_columns(con: duckdb.DuckDBPyConnection, unit: str) -> None:
    for view, keys in (("src_participants", _KEYS_PARTICIPANTS), ("src_outcomes", _KEYS_OUTCOMES)):
        have = _columns(con, view)
        missing = [k for k in keys if k not in have]
        if missing:
            table = view.removeprefix("src_")
            if unit != "person":
                table = {"participants": "units", "outcomes": "unit_outcomes"}[table]
                missing = ["unit_id" if k == "person_id" else k for k in missing]
            raise InputError(
                f"The {table} table lacks the column(s) {', '.join(missing)}; it has "
                f"{', '.join(have)}. Check the file against the standard schema "
                f"(`outcomelab validate`)."
            )


def _period_type(
    b: _Build, found: set[str], period_type: PeriodType | None
) -> tuple[PeriodType, list[tuple[Any, ...]]]:
    """The periodicity (given, the intervention's, or read off the labels) and code counts."""
    if period_type is None and "interventions" in found:
        cols = _columns(b.con, "src_interventions")
        if {"intervention_id", "period_type"} <= set(cols):
            row = b.one(
                "SELECT any_value(period_type) FROM src_interventions "
                f"WHERE CAST(intervention_id AS VARCHAR) = {_lit(b.intervention_id)}"
            )
            if row and row[0] in ("year", "month"):
                period_type = row[0]
    code_stats = b.con.execute(
        "SELECT CAST(outcome_code AS VARCHAR), count(*), min(length(CAST(period AS VARCHAR))), "
        "max(length(CAST(period AS VARCHAR))) FROM src_outcomes GROUP BY 1 ORDER BY 1"
    ).fetchall()
    if period_type is None:
        lengths = {r[2] for r in code_stats} | {r[3] for r in code_stats}
        period_type = "month" if lengths and min(lengths) == 7 else "year"
    check_choice("period_type", period_type, ["year", "month"])
    return period_type, code_stats


def _choose_outcomes(
    code_stats: list[tuple[Any, ...]], outcomes: Sequence[str] | None
) -> list[str]:
    present = {str(r[0]): int(r[1]) for r in code_stats if r[0] is not None}
    if outcomes is None:
        chosen = sorted(present)
    else:
        chosen = list(dict.fromkeys(outcomes))
        unknown = [c for c in chosen if c not in present]
        if unknown:
            raise InputError(
                f"`outcomes` names {', '.join(repr(c) for c in unknown)}, which the outcomes "
                f"table does not hold; it holds {', '.join(repr(c) for c in present) or 'nothing'}."
            )
    if not chosen:
        raise InputError("The outcomes table is empty; there is no outcome to build a panel of.")
    clash = [c for c in chosen if c in _RESERVED]
    if clash:
        raise InputError(f"Outcome code(s) {clash} clash with the panel's design columns.")
    return chosen


def _choose_covariates(
    con: duckdb.DuckDBPyConnection, covariates: Sequence[str] | None, chosen: list[str]
) -> list[str]:
    pcols = _columns(con, "src_participants")
    if covariates is None:
        covs = [c for c in pcols if c not in _NOT_COVARIATES and c not in chosen]
    else:
        covs = list(dict.fromkeys(covariates))
        bad = [c for c in covs if c not in pcols]
        if bad:
            raise InputError(
                f"`covariates` names {', '.join(repr(c) for c in bad)}, which the participants "
                f"table does not have; it has {', '.join(pcols)}."
            )
    return [c for c in covs if c not in _RESERVED]


def _select_members(b: _Build, period_type: str, covs: list[str], weighted: bool) -> None:
    """Table ``_p``: the kept participants and comparison candidates, numbered ``_k``."""
    con = b.con
    start = "TRY_CAST(start_date AS DATE)"
    cohort = (
        f"year({start})" if period_type == "year" else f"year({start}) * 12 + month({start}) - 1"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _p_all AS SELECT *, "
        "count(*) OVER (PARTITION BY person_id) AS _n, "
        f'CAST("group" AS VARCHAR) AS _grp, {start} AS _start '
        f"FROM src_participants WHERE CAST(intervention_id AS VARCHAR) = {_lit(b.intervention_id)}"
    )
    n_all = b.one("SELECT count(*) FROM _p_all")
    if not n_all or n_all[0] == 0:
        others = con.execute(
            "SELECT DISTINCT CAST(intervention_id AS VARCHAR) FROM src_participants "
            "ORDER BY 1 LIMIT 10"
        ).fetchall()
        listed = ", ".join(repr(r[0]) for r in others) or "none"
        raise InputError(
            f"No participants rows for intervention {b.intervention_id!r}; the table holds "
            f"intervention ids {listed}. Check `intervention_id`."
        )
    checks = [
        ("person listed more than once for the intervention", "_n > 1"),
        ("group is neither 'participant' nor 'comparison'", "_n = 1 AND (_grp IS NULL OR "
         "_grp NOT IN ('participant', 'comparison'))"),
        ("participant without a valid start_date", "_n = 1 AND _grp = 'participant' AND "
         "_start IS NULL"),
    ]  # fmt: skip
    for reason, cond in checks:
        b.drop(reason, f"SELECT count(*), count(DISTINCT person_id) FROM _p_all WHERE {cond}")
    cov_select = "".join(f", {_q(c)}" for c in covs)
    weight = ", CAST(population AS DOUBLE) AS weight" if weighted else ""
    # _k numbers the kept persons in pseudonym order: the outcome rows are joined to it once, so
    # the pivot groups on integers instead of 64-character pseudonyms
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _p AS SELECT person_id, "
        "CAST(row_number() OVER (ORDER BY person_id) AS BIGINT) AS _k, "
        f"CAST(CASE WHEN _grp = 'participant' THEN {cohort} ELSE 0 END AS BIGINT) AS cohort, "
        f"CAST(_grp = 'participant' AS BIGINT) AS treated{weight}{cov_select} FROM _p_all "
        "WHERE _n = 1 AND _grp IN ('participant', 'comparison') "
        "AND (_grp = 'comparison' OR _start IS NOT NULL)"
    )
    con.execute("DROP TABLE _p_all")


def _wanted_periods(
    periods: Iterable[str | int] | None, period_type: PeriodType
) -> list[int] | None:
    if periods is None:
        return None
    wanted = sorted({period_to_int(p, period_type) for p in periods})
    if not wanted:
        raise InputError("`periods` is empty; pass the periods to keep or None for all.")
    return wanted


def _pivot_outcomes(
    b: _Build, chosen: list[str], period_type: PeriodType, periods: Iterable[str | int] | None
) -> str:
    """Table ``_w``: one row per person and period, one column per outcome; returns the filter
    of the rows the panel keeps."""
    wanted = _wanted_periods(periods, period_type)
    period_filter = "" if wanted is None else f" AND t IN ({', '.join(str(w) for w in wanted)})"
    # the code as a small integer once per row; CASE aggregates are much cheaper than FILTER ones
    aggs = "".join(
        f", max(CASE WHEN _c = {i} THEN CAST(value AS DOUBLE) END) AS {_q(c)}"
        f", count(CASE WHEN _c = {i} THEN 1 END) AS {_q('_n_' + c)}"
        for i, c in enumerate(chosen)
    )
    b.con.execute(
        "CREATE OR REPLACE TEMP TABLE _w AS SELECT p._k, o.t, count(*) AS _rows" + aggs + " "
        f"FROM {_outcome_rows_sql(chosen, period_type)} o "
        "LEFT JOIN (SELECT person_id, _k FROM _p) p USING (person_id) GROUP BY p._k, o.t"
    )
    kept = f"_k IS NOT NULL AND t IS NOT NULL{period_filter}"
    dup_cond = " OR ".join(f"{_q('_n_' + c)} > 1" for c in chosen)
    dup_rows = " + ".join(
        f"CASE WHEN {_q('_n_' + c)} > 1 THEN {_q('_n_' + c)} ELSE 0 END" for c in chosen
    )
    outside = f"_k IS NOT NULL AND t IS NOT NULL AND NOT (TRUE{period_filter})"
    # every count the report needs, in one pass over the pivoted rows
    counts = b.one(
        "SELECT sum(_rows) FILTER (WHERE t IS NULL), count(DISTINCT _k) FILTER (WHERE t IS NULL), "
        f"sum(_rows) FILTER (WHERE {outside}), count(DISTINCT _k) FILTER (WHERE {outside}), "
        "sum(_rows) FILTER (WHERE _k IS NULL AND t IS NOT NULL), "
        f"sum({dup_rows}) FILTER (WHERE {kept} AND ({dup_cond})), "
        f"count(DISTINCT _k) FILTER (WHERE {kept} AND ({dup_cond})) FROM _w"
    )
    _record_drops(b, chosen, period_type, PivotCounts(*(int(c or 0) for c in counts)))
    return kept


def _outcome_rows_sql(chosen: list[str], period_type: PeriodType) -> str:
    """The chosen outcomes' rows as ``person_id, _c`` (the outcome's position), ``t``, value."""
    codes = ", ".join(_lit(c) for c in chosen)
    code_no = "CASE code " + " ".join(f"WHEN {_lit(c)} THEN {i}" for i, c in enumerate(chosen))
    return (
        f"(SELECT person_id, {code_no} END AS _c, {_period_sql(period_type)} AS t, value FROM "
        f"(SELECT person_id, CAST(outcome_code AS VARCHAR) AS code, period, value "
        f"FROM src_outcomes) WHERE code IN ({codes}))"
    )


def _record_drops(b: _Build, chosen: list[str], period_type: str, counts: PivotCounts) -> None:
    """The pivot's reasons for leaving rows out, in the panel's words (both pivots)."""
    form = "YYYY" if period_type == "year" else "YYYY-MM"
    if counts.bad_period_rows:
        b.dropped.append(
            (f"outcome period not of the form {form}", counts.bad_period_rows,
             counts.bad_period_persons)
        )  # fmt: skip
    if counts.outside_rows:
        b.dropped.append(
            ("outcome period outside `periods`", counts.outside_rows, counts.outside_persons)
        )
    if counts.unkept_rows:
        code_filter = f"CAST(outcome_code AS VARCHAR) IN ({', '.join(_lit(c) for c in chosen)})"
        persons = b.one(
            f"SELECT count(DISTINCT person_id) FROM src_outcomes WHERE {code_filter} "
            "AND person_id NOT IN (SELECT person_id FROM _p)"
        )
        b.dropped.append(
            ("outcome rows for persons not among this intervention's kept participants",
             counts.unkept_rows, int(persons[0]) if persons else 0)
        )  # fmt: skip
    if counts.duplicate_rows:
        b.dropped.append(
            ("duplicate outcome rows (same person, outcome and period); the value is set to "
             "missing", counts.duplicate_rows, counts.duplicate_persons)
        )  # fmt: skip


def _pivot_dense(
    b: _Build, chosen: list[str], period_type: PeriodType, periods: Iterable[str | int] | None,
    n_rows: int,
) -> Pivoted | None:  # fmt: skip
    """The panel's rows pivoted on a dense grid in numpy (:mod:`outcomelab.design.pivot`), or
    ``None`` when the grid would be much larger than the panel (then the SQL pivot runs)."""
    wanted = _wanted_periods(periods, period_type)
    rows = _outcome_rows_sql(chosen, period_type)
    span = b.one(f"SELECT min(t), max(t), (SELECT count(*) FROM _p) FROM {rows}")
    if not span or span[0] is None:
        return None
    first, last, n_persons = int(span[0]), int(span[1]), int(span[2])
    if not grid_fits(n_persons, last - first + 1, len(chosen), n_rows):
        return None
    stream = _arrow_reader(
        b.con.sql(
            "SELECT p._k, CAST(o._c AS INTEGER) AS _c, CAST(o.t AS BIGINT) AS t, "
            f"CAST(o.value AS DOUBLE) AS value FROM {rows} o "
            "LEFT JOIN (SELECT person_id, _k FROM _p) p USING (person_id)"
        )
    )
    pivoted = pivot_dense(
        stream, outcomes=chosen, n_persons=n_persons, first=first, last=last, wanted=wanted
    )
    _record_drops(b, chosen, period_type, pivoted.counts)
    if pivoted.kept is None:
        b.con.execute("CREATE OR REPLACE TEMP VIEW _pu AS SELECT *, _k AS unit FROM _p")
    else:
        b.con.register("_kept", pa.table({"_k": pivoted.kept.astype("int64")}))
        b.con.execute(
            "CREATE OR REPLACE TEMP TABLE _pu AS SELECT *, CAST(row_number() OVER (ORDER BY _k) "
            "AS BIGINT) AS unit FROM _p WHERE _k IN (SELECT _k FROM _kept)"
        )
        b.con.unregister("_kept")
        b.dropped.append(
            ("person without any outcome row in the panel's periods", 0,
             n_persons - len(pivoted.kept))
        )  # fmt: skip
    return pivoted


def _number_units(b: _Build, kept: str) -> bool:
    """Table (or view) ``_pu``: the persons with at least one kept outcome row, numbered 1..N
    (``unit``); True when that is everyone in ``_p`` (then ``unit = _k``)."""
    n_all = b.one("SELECT count(*) FROM _p")
    n_kept = b.one(f"SELECT count(DISTINCT _k) FROM _w WHERE {kept}")
    if n_all and n_kept and n_all[0] == n_kept[0]:
        b.con.execute("CREATE OR REPLACE TEMP VIEW _pu AS SELECT *, _k AS unit FROM _p")
        return True
    b.con.execute(
        "CREATE OR REPLACE TEMP TABLE _pu AS SELECT *, CAST(row_number() OVER (ORDER BY _k) "
        f"AS BIGINT) AS unit FROM _p WHERE _k IN (SELECT DISTINCT _k FROM _w WHERE {kept})"
    )
    r = b.one("SELECT (SELECT count(*) FROM _p) - (SELECT count(*) FROM _pu)")
    if r and r[0]:
        b.dropped.append(("person without any outcome row in the panel's periods", 0, int(r[0])))
    return False


def _rows_sql(chosen: list[str], kept: str, units_are_k: bool) -> str:
    """The narrow panel rows: ``unit, period`` and the outcome values."""
    outcome_cols = "".join(
        f", CASE WHEN w.{_q('_n_' + c)} > 1 THEN NULL ELSE w.{_q(c)} END AS {_q(c)}" for c in chosen
    )
    if units_are_k:
        return (
            "SELECT w._k AS unit, CAST(w.t AS BIGINT) AS period" + outcome_cols + " "
            f"FROM _w w WHERE {kept}"
        )
    return (
        "SELECT p.unit, CAST(w.t AS BIGINT) AS period" + outcome_cols + " "
        f"FROM (SELECT * FROM _w WHERE {kept}) w JOIN (SELECT _k, unit FROM _pu) p USING (_k)"
    )


def _persons_sql(covs: list[str], weighted: bool) -> str:
    """One row per unit, in unit order: the columns a panel row takes from its person."""
    cov_cols = "".join(f", {_q(c)}" for c in covs)
    weight = ", weight" if weighted else ""
    return f"SELECT person_id, unit, cohort, treated{weight}{cov_cols} FROM _pu ORDER BY unit"


def _panel_sql(chosen: list[str], covs: list[str], kept: str, key: str, weighted: bool) -> str:
    outcome_cols = "".join(
        f", CASE WHEN w.{_q('_n_' + c)} > 1 THEN NULL ELSE w.{_q(c)} END AS {_q(c)}" for c in chosen
    )
    cov_cols = "".join(f", p.{_q(c)}" for c in covs)
    weight = ", p.weight" if weighted else ""
    return (
        f"SELECT p.person_id AS {_q(key)}, p.unit, CAST(w.t AS BIGINT) AS period"
        + outcome_cols
        + ", p.cohort, "
        "CAST(CASE WHEN p.cohort > 0 THEN w.t - p.cohort END AS DOUBLE) AS rel_time, p.treated, "
        "CAST(p.cohort > 0 AND w.t >= p.cohort AS BIGINT) AS treated_post" + weight + cov_cols + " "
        f"FROM (SELECT * FROM _w WHERE {kept}) w "
        "JOIN _pu p USING (_k)"
    )


def _panel_facts(
    b: _Build,
    kept: str,
    period_type: str,
    chosen: list[str],
    covs: list[str],
    unit: str,
    weighted: bool,
    span: tuple[Any, ...] | None = None,
) -> PanelInfo:
    """The panel's facts; ``span`` = (first period, last period, rows) if known, else read
    from ``_w`` (the SQL pivot) with the filter ``kept``."""
    stats = b.one("SELECT count(*), count(*) FILTER (WHERE treated = 1) FROM _pu")
    n_persons, n_part = (int(stats[0]), int(stats[1])) if stats else (0, 0)
    if span is None:
        span = b.one(f"SELECT min(t), max(t), count(*) FROM _w WHERE {kept}")
    first, last, n_rows = (span[0], span[1], int(span[2])) if span else (None, None, 0)
    cohorts = {
        int(k): int(v)
        for k, v in b.con.execute(
            "SELECT cohort, count(*) FROM _pu GROUP BY cohort ORDER BY cohort"
        ).fetchall()
    }
    persons: dict[str, int] = {"participant": n_part, "comparison": n_persons - n_part}
    if weighted:
        covered = b.one(
            "SELECT CAST(coalesce(sum(weight) FILTER (WHERE treated = 1), 0) AS BIGINT), "
            "CAST(coalesce(sum(weight) FILTER (WHERE treated = 0), 0) AS BIGINT) FROM _pu"
        )
        persons = {"participant": int(covered[0]), "comparison": int(covered[1])}
    if last is not None:
        late = sum(v for k, v in cohorts.items() if k > last)
        if late:
            b.notes.append(
                f"{late} participants start after the last period in the panel "
                f"({format_period(int(last), period_type)}); they contribute only pre-start "
                "periods."
            )
    if n_part == 0:
        b.notes.append("The panel has no participants left; no effect can be estimated from it.")
    return PanelInfo(
        intervention_id=b.intervention_id,
        period_type=period_type,
        outcomes=tuple(chosen),
        covariates=tuple(covs),
        n_rows=n_rows,
        n_persons=n_persons,
        n_participants=n_part,
        n_comparison=n_persons - n_part,
        first_period=None if first is None else int(first),
        last_period=None if last is None else int(last),
        cohorts=cohorts,
        dropped=pd.DataFrame(b.dropped, columns=["reason", "rows", "persons"]),
        notes=tuple(b.notes),
        unit_of_analysis=unit,
        weight="weight" if weighted else None,
        persons_covered=persons,
    )


def _prepare(
    con: duckdb.DuckDBPyConnection,
    source: PanelSource,
    *,
    intervention_id: str,
    outcomes: Sequence[str] | None,
    periods: Iterable[str | int] | None,
    covariates: Sequence[str] | None,
    submission: str | None,
    period_type: PeriodType | None,
    dense: bool = False,
) -> _Plan:
    """Register the source and prepare the panel's queries; ``dense``: pivot the rows on a
    dense grid in numpy when it fits (:func:`build_panel`), else in SQL (table ``_w``)."""
    found = register_source(con, source, intervention_id=intervention_id, submission=submission)
    unit = unit_of_analysis_of(con, found, intervention_id)
    _check_columns(con, unit)
    b = _Build(con, intervention_id)
    kind, code_stats = _period_type(b, found, period_type)
    chosen = _choose_outcomes(code_stats, outcomes)
    covs = _choose_covariates(con, covariates, chosen)
    weighted = unit != "person" and "population" in _columns(con, "src_participants")
    _select_members(b, kind, covs, weighted)
    key = "person_id" if unit == "person" else "unit_id"
    n_rows = sum(int(r[1]) for r in code_stats if r[0] is not None and str(r[0]) in chosen)
    pivoted = _pivot_dense(b, chosen, kind, periods, n_rows) if dense else None
    if pivoted is not None:
        span = (pivoted.first_period, pivoted.last_period, pivoted.rows.num_rows)
        return _Plan(
            sql="",
            rows_sql="",
            persons_sql=_persons_sql(covs, weighted),
            key=key,
            weighted=weighted,
            info=_panel_facts(b, "", kind, chosen, covs, unit, weighted, span),
            rows=pivoted.rows,
        )
    kept = _pivot_outcomes(b, chosen, kind, periods)
    units_are_k = _number_units(b, kept)
    return _Plan(
        sql=_panel_sql(chosen, covs, kept, key, weighted),
        rows_sql=_rows_sql(chosen, kept, units_are_k),
        persons_sql=_persons_sql(covs, weighted),
        key=key,
        weighted=weighted,
        info=_panel_facts(b, kept, kind, chosen, covs, unit, weighted),
    )


def _connect(
    memory_limit: str | None, temp_directory: str | Path | None, threads: int | None
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {_lit(memory_limit)}")
    if temp_directory is not None:
        con.execute(f"SET temp_directory = {_lit(str(temp_directory))}")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    # a library call prints nothing: DuckDB draws a progress bar on stdout for long queries.
    # In a Jupyter kernel without ipywidgets (the report's kernel) DuckDB refuses the setting
    # and draws no bar anyway.
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")
    return con


def build_panel(
    source: PanelSource,
    *,
    intervention_id: str,
    outcomes: Sequence[str] | None = None,
    periods: Iterable[str | int] | None = None,
    covariates: Sequence[str] | None = None,
    submission: str | None = None,
    period_type: PeriodType | None = None,
    output: Output = "pandas",
    sort: bool = True,
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
) -> pd.DataFrame | pa.Table:
    """Build the analysis panel: one row per person and period, one column per outcome.

    Parameters
    ----------
    source
        A stored :class:`~outcomelab.store.Submission`; a :class:`~outcomelab.store.Store`
        (the latest submission for ``intervention_id`` unless ``submission`` names one); a dict
        with the DataFrames (or file paths) ``participants`` and ``outcomes`` (and optionally
        ``interventions``); or a folder holding those tables as Parquet, CSV or Excel files.
    intervention_id
        The intervention whose participants and comparison candidates form the panel.
    outcomes
        Outcome codes to pivot into columns; default every code in the outcomes table.
    periods
        Periods to keep (ISO labels ``"2019"`` / ``"2019-03"`` or integer periods); default all.
    covariates
        Participants columns to copy onto every row; default every column except
        ``person_id, intervention_id, group``.
    submission
        Submission id or unique prefix when ``source`` is a Store.
    period_type
        ``"year"`` or ``"month"``; default the intervention's ``period_type`` or, without an
        interventions table, inferred from the period labels.
    output
        ``"pandas"`` (a DataFrame) or ``"arrow"`` (a ``pyarrow.Table``; avoids a copy for large
        panels, and its text columns -- the pseudonym, text covariates -- are dictionary columns
        holding each person's text once). For panels larger than memory use :func:`write_panel`.
    sort
        Sort the rows by ``unit, period`` (default). Without sorting the rows come in no
        particular order, which saves time and memory on very large panels.
    memory_limit, temp_directory, threads
        DuckDB settings, e.g. ``memory_limit="2GB"``, ``temp_directory="/scratch"`` to spill
        joins and aggregations to disk.

    Returns
    -------
    pandas.DataFrame or pyarrow.Table
        Columns ``person_id, unit, period``, one float column per outcome (missing where the
        person has no value), ``cohort, rel_time, treated, treated_post`` and the covariates,
        sorted by ``unit, period`` (unless ``sort=False``). A DataFrame's
        ``attrs["panel_info"]`` holds :meth:`PanelInfo.to_dict` and ``attrs["dropped"]`` the
        list of what was dropped and why;
        :func:`panel_info` returns the :class:`PanelInfo` itself.

    Raises
    ------
    InputError
        If a table or column is missing, the intervention has no participants rows or an
        outcome code or covariate is unknown.

    Notes
    -----
    ``period`` is the year for yearly data and ``year * 12 + month - 1`` for monthly data.
    ``cohort`` is the period of the person's ``start_date`` (0 for comparison candidates:
    never treated), ``rel_time = period - cohort`` (missing for cohort 0), ``treated`` is 1 for
    participants in every period and ``treated_post`` is 1 from the start period on
    (``treated * 1{period >= cohort}``), the treatment indicator of a two-way fixed effects
    regression. ``unit`` numbers the persons 1..N in the order of their pseudonyms.

    Rows are dropped, and reported, when a person is listed twice for the intervention, has a
    group other than participant/comparison, is a participant without a start date, or has no
    outcome row; outcome rows with a malformed period or for persons not kept are left out; a
    duplicated (person, outcome, period) value is set to missing.

    Examples
    --------
    >>> from outcomelab.example import example_dir, EXAMPLE_INTERVENTION_ID
    >>> panel = build_panel(example_dir(), intervention_id=EXAMPLE_INTERVENTION_ID)
    >>> int(panel["period"].min()), int(panel["period"].max())
    (2015, 2024)
    """
    check_choice("output", output, ["pandas", "arrow"])
    con = _connect(memory_limit, temp_directory, threads)
    try:
        plan = _prepare(
            con,
            source,
            intervention_id=intervention_id,
            outcomes=outcomes,
            periods=periods,
            covariates=covariates,
            submission=submission,
            period_type=period_type,
            dense=True,
        )
        rows = plan.rows
        if rows is None:
            # stream the narrow rows (DuckDB never holds the whole result next to the Arrow copy)
            ordered = plan.rows_sql + (" ORDER BY unit, period" if sort else "")
            rows = _arrow_reader(con.sql(ordered)).read_all()
        persons = _arrow_reader(con.sql(plan.persons_sql)).read_all()
    finally:
        con.close()
    info = plan.info
    table = panel_table(
        rows,
        persons,
        key=plan.key,
        outcomes=info.outcomes,
        covariates=info.covariates,
        weighted=plan.weighted,
    )
    del rows, persons
    meta = dict(table.schema.metadata or {})
    meta[b"outcomelab.panel_info"] = _json_bytes(info.to_dict())
    table = table.replace_schema_metadata(meta)
    if output == "arrow":
        return table
    frame = _plain_text(table).to_pandas(split_blocks=True, self_destruct=True)
    del table
    frame.attrs["panel_info"] = info.to_dict()
    frame.attrs["dropped"] = info.to_dict()["dropped"]
    return frame


def write_panel(
    source: PanelSource,
    path: str | Path,
    *,
    intervention_id: str,
    outcomes: Sequence[str] | None = None,
    periods: Iterable[str | int] | None = None,
    covariates: Sequence[str] | None = None,
    submission: str | None = None,
    period_type: PeriodType | None = None,
    sort: bool = False,
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
) -> PanelInfo:
    """Build the analysis panel and write it straight to a Parquet file (out of core).

    Takes the same arguments as :func:`build_panel` plus ``path``; the panel never has to fit
    in memory (set ``memory_limit`` and ``temp_directory``).

    Parameters
    ----------
    source, intervention_id, outcomes, periods, covariates, submission, period_type
        As for :func:`build_panel`.
    path
        The Parquet file to write (replaced if it exists).
    sort
        Sort the rows by ``unit, period``; default False: on panels of millions of rows the
        sort costs much time and memory, so sort when reading if the order matters.
    memory_limit, temp_directory, threads
        DuckDB settings.

    Returns
    -------
    PanelInfo
        What the panel holds and what was dropped and why.

    Raises
    ------
    InputError
        As for :func:`build_panel`.
    """
    con = _connect(memory_limit, temp_directory, threads)
    try:
        plan = _prepare(
            con,
            source,
            intervention_id=intervention_id,
            outcomes=outcomes,
            periods=periods,
            covariates=covariates,
            submission=submission,
            period_type=period_type,
        )
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        query = plan.sql + (_ORDER if sort else "")
        con.execute(f"COPY ({query}) TO {_lit(str(target))} (FORMAT parquet)")
    finally:
        con.close()
    return plan.info


def _plain_text(table: pa.Table) -> pa.Table:
    """Dictionary (text) columns decoded, so a DataFrame holds plain strings as before.

    Decoded by taking each chunk's dictionary at its indices: the same strings as ``cast``, in
    a fifth of the time (0.02 s against 0.1 s for 2.2 million 64-character pseudonyms).
    """
    for i, fld in enumerate(table.schema):
        if pa.types.is_dictionary(fld.type):
            chunks = [c.dictionary.take(c.indices) for c in table.column(i).chunks]
            plain = pa.chunked_array(chunks, type=fld.type.value_type)
            table = table.set_column(i, pa.field(fld.name, plain.type), plain)
    return table


def _arrow_reader(relation: duckdb.DuckDBPyRelation) -> pa.RecordBatchReader:
    """Stream a query's result as Arrow batches (``to_arrow_reader`` from DuckDB 1.4 on)."""
    reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    return reader(_BATCH_ROWS)


def _json_bytes(value: Any) -> bytes:
    import json

    return json.dumps(value).encode()


def panel_info(panel: pd.DataFrame | pa.Table) -> PanelInfo:
    """Return the :class:`PanelInfo` recorded on a panel made by :func:`build_panel`.

    Parameters
    ----------
    panel
        A DataFrame (``attrs["panel_info"]``) or Arrow table (schema metadata) from
        :func:`build_panel`.

    Returns
    -------
    PanelInfo

    Raises
    ------
    InputError
        If the panel carries no record (it was not made by ``build_panel`` or lost its attrs).
    """
    import json

    if isinstance(panel, pa.Table):
        raw = (panel.schema.metadata or {}).get(b"outcomelab.panel_info")
        data = json.loads(raw) if raw else None
    else:
        data = panel.attrs.get("panel_info")
    if not data:
        raise InputError(
            "This panel carries no build record; it was not made by build_panel or lost its "
            "attrs in a pandas operation. Rebuild it or keep the PanelInfo from write_panel."
        )
    return PanelInfo(
        intervention_id=data["intervention_id"],
        period_type=data["period_type"],
        outcomes=tuple(data["outcomes"]),
        covariates=tuple(data["covariates"]),
        n_rows=data["n_rows"],
        n_persons=data["n_persons"],
        n_participants=data["n_participants"],
        n_comparison=data["n_comparison"],
        first_period=data["first_period"],
        last_period=data["last_period"],
        cohorts={int(k): v for k, v in data["cohorts"].items()},
        dropped=pd.DataFrame(data["dropped"], columns=["reason", "rows", "persons"]),
        notes=tuple(data["notes"]),
        unit_of_analysis=data.get("unit_of_analysis", "person"),
        weight=data.get("weight"),
        persons_covered=data.get("persons_covered", {}),
    )
