"""Turn the many kinds of ``source`` the design functions accept into DuckDB views.

A source is a stored :class:`~outcomelab.store.Submission` (read from its Parquet files), a
:class:`~outcomelab.store.Store` plus a submission id, a mapping of table name to DataFrame (or to a
file path), or a folder holding ``participants`` and ``outcomes`` files, found by
:func:`outcomelab.schemas.locate_tables` as validation finds them (Parquet read directly by
DuckDB; CSV/Excel read through :func:`outcomelab.schemas.read_table`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from outcomelab.errors import InputError, ReadError

__all__ = ["PanelSource", "register_source", "unit_of_analysis_of"]

#: what ``build_panel`` accepts as its first argument
PanelSource = Any

_TABLES = ("participants", "outcomes", "interventions", "units", "unit_outcomes")
_REQUIRED = ("participants", "outcomes")
#: an aggregate-unit submission's tables, seen by the panel as participants and outcomes
_AGGREGATE = {"units": "participants", "unit_outcomes": "outcomes"}


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _register_path(con: duckdb.DuckDBPyConnection, view: str, path: Path) -> None:
    if path.suffix.lower() in {".parquet", ".pq"}:
        con.execute(
            f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet({_sql_string(str(path))})"
        )
        return
    from outcomelab.schemas import read_table

    name = view.removeprefix("src_")
    frame = read_table(path, name)
    con.register(view, frame)


def _resolve_store(source: Any, submission: str | None, intervention_id: str) -> Any:
    """A Store -> the chosen Submission (latest for the intervention unless ``submission``)."""
    if submission is not None:
        return source.get(submission)
    listing = source.list()
    mine = listing[listing["intervention_id"] == intervention_id]
    if mine.empty:
        raise InputError(
            f"The store at {source.path} holds no submission for intervention "
            f"{intervention_id!r}; submit one with `outcomelab submit` or pass `submission=`."
        )
    latest = mine.sort_values("submitted_at").iloc[-1]
    return source.get(str(latest["submission_id"]))


def register_source(
    con: duckdb.DuckDBPyConnection,
    source: PanelSource,
    *,
    intervention_id: str,
    submission: str | None = None,
) -> set[str]:
    """Create the views ``src_participants``, ``src_outcomes`` (and ``src_interventions``).

    Parameters
    ----------
    con
        The DuckDB connection to register the views on.
    source
        Submission, Store (with ``submission``), mapping of DataFrames or paths, or a folder.
    intervention_id
        Used to choose the latest submission when ``source`` is a Store and no id is given.
    submission
        Submission id (or unique prefix) when ``source`` is a Store.

    Returns
    -------
    set of str
        Names of the tables found (always includes ``participants`` and ``outcomes``; an
        aggregate-unit submission's ``units`` and ``unit_outcomes`` are also registered as those,
        with ``unit_id`` renamed ``person_id``).

    Raises
    ------
    InputError
        If the source is of an unknown kind or lacks a required table.
    ReadError
        If a folder does not exist.
    """
    if hasattr(source, "list") and hasattr(source, "get") and hasattr(source, "submit"):
        source = _resolve_store(source, submission, intervention_id)
    if hasattr(source, "parquet_path") and hasattr(source, "table_names"):
        found = _register_submission(con, source)
    elif isinstance(source, Mapping):
        found = _register_mapping(con, source)
    elif isinstance(source, str | Path):
        found = _register_folder(con, Path(source))
    else:
        raise InputError(
            "`source` must be a stored Submission, a Store (with `submission=`), a dict of "
            f"DataFrames or a folder; got {type(source).__name__}."
        )
    for table, as_table in _AGGREGATE.items():
        if table in found and as_table not in found:
            con.execute(
                f"CREATE OR REPLACE VIEW src_{as_table} AS "
                f"SELECT * RENAME (unit_id AS person_id) FROM src_{table}"
            )
            found.add(as_table)
    missing = [n for n in _REQUIRED if n not in found]
    if missing:
        raise InputError(
            f"The source lacks the table(s) {', '.join(missing)}; an analysis panel needs both "
            "participants and outcomes."
        )
    return found


def _register_submission(con: duckdb.DuckDBPyConnection, submission: Any) -> set[str]:
    """Views on a stored submission's Parquet files."""
    found: set[str] = set()
    for name in _TABLES:
        if name in submission.table_names():
            _register_path(con, f"src_{name}", Path(submission.parquet_path(name)))
            found.add(name)
    return found


def _register_mapping(con: duckdb.DuckDBPyConnection, source: Mapping[str, Any]) -> set[str]:
    """Views on a mapping of table name to DataFrame or file path."""
    found: set[str] = set()
    for name in _TABLES:
        if name not in source:
            continue
        item = source[name]
        if isinstance(item, pd.DataFrame):
            con.register(f"src_{name}", item)
        elif isinstance(item, str | Path):
            _register_path(con, f"src_{name}", Path(item))
        else:
            raise InputError(
                f"`source[{name!r}]` must be a pandas DataFrame or a file path; "
                f"got {type(item).__name__}."
            )
        found.add(name)
    return found


def _register_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> set[str]:
    """Views on a submission folder: Parquet files directly, anything else through the reader."""
    from outcomelab.schemas import locate_tables

    if not folder.is_dir():
        raise ReadError(
            f"{folder} is not a folder; pass a folder with participants and outcomes files, "
            "a dict of DataFrames, a stored Submission or a Store."
        )
    files = {n: p for n, p in locate_tables(folder).items() if n in _TABLES}
    if all(p.suffix.lower() in {".parquet", ".pq"} for p in files.values()):
        for name, path in files.items():  # large panels: DuckDB reads Parquet directly
            _register_path(con, f"src_{name}", path)
        return set(files)
    from outcomelab.schemas import read_submission, typed_tables

    frames = typed_tables(read_submission(folder))
    found: set[str] = set()
    for name in _TABLES:
        if name in frames:
            con.register(f"src_{name}", frames[name])
            found.add(name)
    return found


def unit_of_analysis_of(
    con: duckdb.DuckDBPyConnection, found: set[str], intervention_id: str
) -> str:
    """The intervention's unit of analysis: its ``unit_of_analysis`` or, without one, ``person``
    for person tables and ``unit`` for an aggregate-unit submission's tables."""
    default = "unit" if "units" in found else "person"
    if "interventions" not in found:
        return default
    columns = {str(r[0]) for r in con.execute("DESCRIBE src_interventions").fetchall()}
    if not {"unit_of_analysis", "intervention_id"} <= columns:
        return default
    row = con.execute(
        "SELECT any_value(CAST(unit_of_analysis AS VARCHAR)) FROM src_interventions "
        "WHERE CAST(intervention_id AS VARCHAR) = " + _sql_string(intervention_id)
    ).fetchall()
    value = str(row[0][0]).strip() if row and row[0][0] is not None else ""
    return value or default
