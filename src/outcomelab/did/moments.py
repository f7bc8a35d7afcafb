"""Per-cohort sufficient statistics of a long panel, computed by DuckDB where the data lie.

Without covariates every group-time effect of Callaway & Sant'Anna is a difference of cohort
means of outcome changes, and the covariance of all of them (from their influence functions)
depends on the units only through, per cohort, the number of units, the mean outcome in each
period and the centred cross-products of the outcomes between periods. :func:`cohort_moments`
computes these in two streaming aggregations -- per unit (the wide outcome row and the checks
att_gt makes), then per cohort -- so the data never come into Python: a DataFrame, an Arrow
table or Parquet files of any size (DuckDB spills to ``temp_directory`` under ``memory_limit``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from outcomelab.errors import EmptyGroupError, InputError

if TYPE_CHECKING:
    import duckdb

__all__ = ["CohortMoments", "MomentsSource", "cohort_moments"]

#: what :func:`cohort_moments` reads: a long DataFrame, an Arrow table, or Parquet file(s)
MomentsSource: TypeAlias = pd.DataFrame | pa.Table | str | Path | Sequence[str | Path]


@dataclass(frozen=True)
class CohortMoments:
    """The sufficient statistics of a balanced panel's outcome, by cohort.

    Attributes
    ----------
    periods
        Sorted observed periods, shape ``(T,)``.
    cohorts
        Sorted distinct cohorts of the kept units (0 = never treated), shape ``(C,)``.
    counts
        Units of each cohort, shape ``(C,)``.
    means
        Mean outcome of each cohort in each period, shape ``(C, T)``.
    comoments
        Centred cross-products ``sum_i (y_i - mean)(y_i - mean)'`` within each cohort, shape
        ``(C, T, T)``.
    n_units_input
        Units in the data before balancing.
    dropped
        Reason -> number of units dropped (already treated in the first period, not observed
        in every period, missing outcome), in att_gt's order.
    n_late_never
        Units whose cohort starts after the last period (plus anticipation): never treated
        within the panel, as R ``did`` counts them.
    max_abs
        Largest absolute outcome value in the balanced panel (the scale of the degenerate-outcome
        check).
    """

    periods: np.ndarray
    cohorts: np.ndarray
    counts: np.ndarray
    means: np.ndarray
    comoments: np.ndarray
    n_units_input: int
    dropped: dict[str, int] = field(default_factory=dict)
    n_late_never: int = 0
    max_abs: float = 0.0

    @property
    def n_units(self) -> int:
        """Units in the balanced panel."""
        return int(self.counts.sum())

    def spread(self) -> float:
        """Standard deviation of all unit-period outcome values of the balanced panel."""
        n_values = self.n_units * self.periods.size
        grand = float(self.counts @ self.means.sum(axis=1)) / n_values
        within = float(sum(np.trace(c) for c in self.comoments))
        between = float(self.counts @ ((self.means - grand) ** 2).sum(axis=1))
        return float(np.sqrt(max(within + between, 0.0) / n_values))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _register(con: duckdb.DuckDBPyConnection, source: object) -> None:
    """View ``src`` over the source (no copy of a DataFrame or an Arrow table)."""
    if isinstance(source, pd.DataFrame | pa.Table):
        con.register("_src_data", source)
        con.execute("CREATE VIEW src AS SELECT * FROM _src_data")
        return
    if isinstance(source, str | Path):
        paths = [source]
    elif isinstance(source, Sequence) and source and all(isinstance(p, str | Path) for p in source):
        paths = list(source)
    else:
        raise InputError(
            "`data` must be a long DataFrame, a pyarrow Table or the path(s) of Parquet files; "
            f"got {type(source).__name__}."
        )
    files = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.append(str(path / "**" / "*.parquet"))
        elif path.is_file() or any(ch in str(p) for ch in "*?["):
            files.append(str(p))
        else:
            raise InputError(f"`data`: {str(p)!r} is neither a Parquet file nor a folder.")
    listed = ", ".join(_lit(f) for f in files)
    con.execute(f"CREATE VIEW src AS SELECT * FROM read_parquet([{listed}])")


def _check_columns(con: duckdb.DuckDBPyConnection, **columns: str) -> None:
    types = {str(r[0]): str(r[1]) for r in con.execute("DESCRIBE src").fetchall()}
    missing = [f"{arg}={col!r}" for arg, col in columns.items() if col not in types]
    if missing:
        raise InputError(
            f"Column(s) not in the data: {', '.join(missing)}; it has {', '.join(types)}."
        )
    numeric = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE",
               "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "DECIMAL")  # fmt: skip
    for arg in ("outcome", "time", "cohort"):
        kind = types[columns[arg]]
        if not kind.startswith(numeric):
            raise InputError(
                f"`{arg}` ({columns[arg]!r}) must be numeric, got {kind}"
                + ("; convert dates to years or period numbers first." if arg == "time" else ".")
            )


def _examples(con: duckdb.DuckDBPyConnection, condition: str) -> str:
    rows = con.execute(f"SELECT u FROM _u WHERE {condition} ORDER BY u LIMIT 5").fetchall()
    return ", ".join(repr(r[0]) for r in rows)


def _unit_table(
    con: duckdb.DuckDBPyConnection, periods: np.ndarray, *, outcome: str, unit: str, time: str,
    cohort: str,
) -> None:  # fmt: skip
    """Table ``_u``: one row per unit with its cohort range, per-period row counts and outcomes."""
    value = f"CAST({_q(outcome)} AS DOUBLE)"
    y = f"CASE WHEN isnan({value}) THEN NULL ELSE {value} END"  # NaN is missing, as in att_gt
    cols = []
    for j, p in enumerate(periods):
        cond = f"_t = {float(p)!r}"
        cols.append(f"count(CASE WHEN {cond} THEN 1 END) AS c{j}")
        cols.append(f"count(CASE WHEN {cond} THEN _y END) AS n{j}")
        cols.append(f"max(CASE WHEN {cond} THEN _y END) AS y{j}")
    con.execute(
        f"CREATE TEMP TABLE _u AS SELECT {_q(unit)} AS u, min(_g) AS g, max(_g) AS g_max, "
        + ", ".join(cols)
        + f" FROM (SELECT {_q(unit)}, CAST({_q(time)} AS DOUBLE) AS _t, {y} AS _y, "
        f"coalesce(CAST({_q(cohort)} AS DOUBLE), 0) AS _g FROM src) GROUP BY {_q(unit)}"
    )


def cohort_moments(
    data: MomentsSource,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    anticipation: int = 0,
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
) -> CohortMoments:
    """Check a long panel, balance it and return its outcome's sufficient statistics by cohort.

    The checks and the balancing are those of :func:`outcomelab.did.att_gt` (R ``did`` 2.5 with
    ``panel=TRUE``): duplicate unit-period rows, a cohort that changes within a unit and
    negative cohorts are errors; a cohort that starts after the last period (plus
    anticipation) is never treated within the panel; units already treated in the first period
    (plus anticipation), not observed in every period, or with a missing outcome are dropped
    and counted.

    Parameters
    ----------
    data
        Long data, one row per unit and period: a DataFrame, a pyarrow Table, or the path of a
        Parquet file, a folder of Parquet files, a glob, or a list of those.
    outcome, unit, time, cohort
        Column names; ``cohort`` is the first treated period, 0 or missing for never treated.
    anticipation
        Periods of anticipation; a cohort needs a period before ``cohort - anticipation``.
    memory_limit, temp_directory, threads
        DuckDB settings (e.g. ``memory_limit="2GB"``, ``temp_directory="/scratch"``).

    Returns
    -------
    CohortMoments

    Raises
    ------
    InputError
        A missing or non-numeric column, or a panel att_gt refuses (see above).
    EmptyGroupError
        No unit is left after balancing, or no treated unit.
    """
    import duckdb  # on first use: importing DuckDB costs ~0.1 s

    con = duckdb.connect(":memory:")
    try:
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
        _register(con, data)
        _check_columns(con, outcome=outcome, unit=unit, time=time, cohort=cohort)
        return _moments(con, outcome=outcome, unit=unit, time=time, cohort=cohort,
                        anticipation=anticipation)  # fmt: skip
    finally:
        con.close()


def _periods(con: duckdb.DuckDBPyConnection, unit: str, time: str) -> np.ndarray:
    found = con.execute(
        f"SELECT count(*) FILTER (WHERE {_q(time)} IS NULL), "
        f"count(*) FILTER (WHERE {_q(unit)} IS NULL) FROM src"
    ).fetchone()
    if found and found[0]:
        raise InputError(
            f"`time` ({time!r}) has {found[0]} missing values; every row needs a period."
        )
    if found and found[1]:
        raise InputError(
            f"`unit` ({unit!r}) has {found[1]} missing values; every row needs a unit identifier."
        )
    rows = con.execute(
        f"SELECT DISTINCT CAST({_q(time)} AS DOUBLE) AS t FROM src ORDER BY t"
    ).fetchall()
    periods = np.array([r[0] for r in rows], dtype=np.float64)
    if periods.size < 2:
        raise InputError(
            f"`time` ({time!r}) has only {periods.size} distinct period; difference-in-differences "
            "needs at least two periods."
        )
    return periods


def _check_units(
    con: duckdb.DuckDBPyConnection, periods: np.ndarray, *, unit: str, time: str, cohort: str
) -> None:
    """The errors of att_gt's panel checks, from the table of units."""
    n_t = periods.size
    dup = " OR ".join(f"c{j} > 1" for j in range(n_t))
    found = con.execute(
        f"SELECT count(*) FILTER (WHERE {dup}), count(*) FILTER (WHERE g <> g_max), "
        "count(*) FILTER (WHERE g < 0) FROM _u"
    ).fetchone()
    assert found is not None
    if found[0]:
        raise InputError(
            f"{found[0]} units have more than one row for a ({unit!r}, {time!r}) pair (units "
            f"{_examples(con, dup)}); a panel has one row per unit and period. Aggregate "
            "or drop the duplicates first."
        )
    if found[2]:
        raise InputError(
            f"`cohort` ({cohort!r}) has negative values (units {_examples(con, 'g < 0')});"
            " use the first treated period, or 0 / missing for never-treated units."
        )
    if found[1]:
        raise InputError(
            f"`cohort` ({cohort!r}) changes within {found[1]} units "
            f"({_examples(con, 'g <> g_max')}); the first treated period is a property of "
            "the unit and must be the same in every row of that unit."
        )


def _moments(
    con: duckdb.DuckDBPyConnection, *, outcome: str, unit: str, time: str, cohort: str,
    anticipation: int,
) -> CohortMoments:  # fmt: skip
    periods = _periods(con, unit, time)
    n_t = periods.size
    _unit_table(con, periods, outcome=outcome, unit=unit, time=time, cohort=cohort)
    _check_units(con, periods, unit=unit, time=time, cohort=cohort)
    all_rows = " AND ".join(f"c{j} = 1" for j in range(n_t))
    all_y = " AND ".join(f"n{j} = 1" for j in range(n_t))
    # R did 2.5 (as att_gt): a cohort after the last period (plus anticipation) is never treated
    # in the panel; a unit already treated in the first period (plus anticipation) is dropped
    late = f"g > {float(periods[-1] + anticipation)!r}"
    already = f"(g > 0 AND g <= {float(periods[0] + anticipation)!r})"
    cohort_in_panel = f"CASE WHEN {late} THEN 0 ELSE g END"
    # per cohort: units, means and centred cross-products (DuckDB's covar_pop is a one-pass
    # co-moment update, accurate without subtracting large raw sums)
    aggs = [f"favg(y{j})" for j in range(n_t)]  # Kahan-summed mean
    pairs = [(j, k) for j in range(n_t) for k in range(j, n_t)]
    aggs += [f"covar_pop(y{j}, y{k})" for j, k in pairs]
    aggs.append("max(greatest(" + ", ".join(f"abs(y{j})" for j in range(n_t)) + "))")
    stats: list[Any] = con.execute(
        f"SELECT {cohort_in_panel} AS cg, count(*), {', '.join(aggs)} FROM _u "
        f"WHERE {all_rows} AND {all_y} AND NOT {already} GROUP BY cg ORDER BY cg"
    ).fetchall()
    counted = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {already}), "
        f"count(*) FILTER (WHERE NOT {already} AND NOT ({all_rows})), "
        f"count(*) FILTER (WHERE NOT {already} AND ({all_rows}) AND NOT ({all_y})), "
        f"count(*) FILTER (WHERE {late}) FROM _u"
    ).fetchone()
    assert counted is not None
    n_input, n_already, missing_rows, missing_y, n_late = (int(v) for v in counted)
    dropped = {}
    if n_already:
        reason = "already treated in the first period" + (
            f" (anticipation {anticipation})" if anticipation else ""
        )
        dropped[reason] = n_already
    if missing_rows:
        dropped["not observed in every period"] = missing_rows
    if missing_y:
        dropped["missing outcome in some period"] = missing_y
    if not stats:
        raise EmptyGroupError(
            "No unit is observed with complete data in every period, so the balanced panel is "
            "empty; check the outcome and covariate columns for missing values."
        )
    cohorts = np.array([float(r[0]) for r in stats])
    counts = np.array([int(r[1]) for r in stats], dtype=np.int64)
    if not (cohorts > 0).any():
        raise EmptyGroupError(
            f"No treated units remain (every `cohort` value in {cohort!r} is 0 or missing"
            + (" after dropping incomplete units" if dropped else "")
            + "); there is no treatment effect to estimate."
        )
    means = np.array([[float(v) for v in r[2 : 2 + n_t]] for r in stats])
    comoments = np.zeros((len(stats), n_t, n_t))
    for c, r in enumerate(stats):
        for (j, k), v in zip(pairs, r[2 + n_t : -1], strict=True):
            comoments[c, j, k] = comoments[c, k, j] = float(v) * counts[c]
    return CohortMoments(
        periods=periods,
        cohorts=cohorts,
        counts=counts,
        means=means,
        comoments=comoments,
        n_units_input=n_input,
        dropped=dropped,
        n_late_never=n_late,
        max_abs=max(float(r[-1]) for r in stats),
    )
