"""The one reader of a submission: which tables a folder (or workbook, or file list) holds.

Every step that takes a submission reads it here: ``validate --package``, ``submit`` (the store),
the analysis panel of a folder and the evaluation report. They therefore accept exactly the same
files, separators, encodings and formats, because :func:`read_table` reads each one.

A submission is

* a folder with files named after the tables (``participants.csv``, ``outcomes.xlsx``,
  ``costs.parquet``, ...; other files are ignored),
* one ``.xlsx`` workbook whose sheets are named after the tables,
* a list of such files, or
* a mapping of table name to a DataFrame or a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from outcomelab.errors import InputError, ReadError
from outcomelab.schemas.reading import TABLE_SUFFIXES, read_table

__all__ = [
    "REQUIRED_TABLES",
    "SUBMISSION_TABLES",
    "SubmissionSource",
    "SubmittedTable",
    "locate_tables",
    "read_submission",
    "table_name_of",
    "typed_tables",
]

#: the tables a submission may hold, in the order they are stored and reported
SUBMISSION_TABLES = (
    "interventions",
    "participants",
    "outcomes",
    "units",
    "unit_outcomes",
    "costs",
    "outcome_catalogue",
    "covariate_catalogue",
)

#: the tables a person-level submission must hold (an aggregate one: units, unit_outcomes)
REQUIRED_TABLES = ("interventions", "participants", "outcomes")

#: what :func:`read_submission` accepts
SubmissionSource = Mapping[str, pd.DataFrame | str | Path] | str | Path | Sequence[str | Path]

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class SubmittedTable:
    """One table of a submission: its cells as text and, when it came from a file, that file.

    Attributes
    ----------
    name
        The standard table it holds (``participants``, ...).
    data
        Every cell as text, row numbers as in the file (see :func:`read_table`); a DataFrame given
        in Python is kept as it is.
    path
        The file it was read from (the workbook for a sheet); ``None`` for a DataFrame.
    sheet
        The workbook sheet it was read from, if any.
    """

    name: str
    data: pd.DataFrame
    path: Path | None = None
    sheet: str | None = None


def table_name_of(path: Path) -> str:
    """The submission table a file holds, from its name (``participants.csv`` -> participants).

    Raises
    ------
    InputError
        If the file's name is not a submission table's name with a table file ending.
    """
    stem = path.name
    lower = stem.lower()
    for suffix in TABLE_SUFFIXES:
        if lower.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if stem not in SUBMISSION_TABLES:
        raise InputError(
            f"Cannot tell which table {path.name} holds: name the file after the table "
            f"({', '.join(s + '.csv' for s in SUBMISSION_TABLES)}; .xlsx and .parquet also work)."
        )
    return stem


def locate_tables(folder: str | Path) -> dict[str, Path]:
    """The file of each submission table in ``folder`` (tables without a file are left out).

    Raises
    ------
    ReadError
        If ``folder`` is not a folder, or holds a table in more than one file.
    """
    path = Path(folder)
    if not path.is_dir():
        raise ReadError(
            f"{path} is not a folder; give the folder that holds the tables (or one .xlsx "
            "workbook with a sheet per table)."
        )
    found: dict[str, list[Path]] = {}
    for file in sorted(path.iterdir()):
        if not file.is_file() or file.name.startswith((".", "~$")):
            continue
        if not file.name.lower().endswith(TABLE_SUFFIXES):
            continue
        try:
            name = table_name_of(file)
        except InputError:
            continue  # a note or another file beside the tables
        found.setdefault(name, []).append(file)
    twice = {n: files for n, files in found.items() if len(files) > 1}
    if twice:
        name, files = next(iter(twice.items()))
        raise ReadError(
            f"{path} holds table {name!r} more than once ({', '.join(p.name for p in files)}); "
            "keep one file per table."
        )
    return {n: found[n][0] for n in SUBMISSION_TABLES if n in found}


def _read_workbook(path: Path) -> dict[str, SubmittedTable]:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
        sheets = list(workbook.sheetnames)
        workbook.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise ReadError(f"{path.name} is not a readable Excel workbook (.xlsx): {err}.") from err
    names = [name for name in SUBMISSION_TABLES if name in sheets]
    if not names:
        raise ReadError(
            f"{path.name} has no sheet named after a submission table (its sheets are "
            f"{', '.join(sheets)}); name the sheets {', '.join(REQUIRED_TABLES)}."
        )
    return {name: SubmittedTable(name, read_table(path, sheet=name), path, name) for name in names}


def _read_files(paths: Sequence[Path]) -> dict[str, SubmittedTable]:
    tables: dict[str, SubmittedTable] = {}
    for path in paths:
        if path.is_dir():
            items = [SubmittedTable(n, read_table(f), f) for n, f in locate_tables(path).items()]
            if not items:
                raise ReadError(
                    f"{path} holds none of the submission tables; expected files named "
                    f"{', '.join(n + '.csv' for n in REQUIRED_TABLES)} (or .xlsx/.parquet)."
                )
        elif (
            path.is_file()
            and path.suffix.lower() in _WORKBOOK_SUFFIXES
            and (path.stem not in SUBMISSION_TABLES)
        ):
            items = list(_read_workbook(path).values())
        elif path.is_file():
            name = table_name_of(path)
            items = [SubmittedTable(name, read_table(path), path)]
        else:
            raise ReadError(f"{path} does not exist; check the path.")
        for item in items:
            if item.name in tables:
                raise InputError(f"Table {item.name!r} is given twice; submit one file per table.")
            tables[item.name] = item
    return tables


def read_submission(source: SubmissionSource) -> dict[str, SubmittedTable]:
    """Read every table of a submission, as text, with the file each came from.

    Parameters
    ----------
    source
        A folder, one ``.xlsx`` workbook with a sheet per table, a list of table files (or
        folders), or a mapping of table name to a DataFrame or a file. CSV may use any separator,
        encoding and decimal mark :func:`read_table` accepts.

    Returns
    -------
    dict of str to SubmittedTable
        The tables found, in the order of :data:`SUBMISSION_TABLES`. Whether the required tables
        are there is for validation to say (``missing_table``).

    Raises
    ------
    ReadError
        If a path does not exist, a folder or workbook holds no submission table, a table is in
        a folder twice, or a file cannot be read.
    InputError
        If a file's name or a mapping key is not a submission table, or a table is given twice.

    Examples
    --------
    >>> from outcomelab.example import example_dir
    >>> sorted(read_submission(example_dir()))
    ['costs', 'interventions', 'outcomes', 'participants']
    """
    if isinstance(source, Mapping):
        tables: dict[str, SubmittedTable] = {}
        for name, item in source.items():
            if name not in SUBMISSION_TABLES:
                raise InputError(
                    f"Unknown table {name!r}; a submission holds {', '.join(SUBMISSION_TABLES)}."
                )
            if isinstance(item, pd.DataFrame):
                tables[name] = SubmittedTable(name, item)
            elif isinstance(item, str | Path):
                tables[name] = SubmittedTable(name, read_table(Path(item)), Path(item))
            else:
                raise InputError(
                    f"Table {name!r} must be a pandas DataFrame or a file path; got "
                    f"{type(item).__name__}."
                )
    else:
        paths = [Path(source)] if isinstance(source, str | Path) else [Path(p) for p in source]
        tables = _read_files(paths)
    return {n: tables[n] for n in SUBMISSION_TABLES if n in tables}


def typed_tables(
    tables: Mapping[str, SubmittedTable] | Mapping[str, pd.DataFrame],
) -> dict[str, pd.DataFrame]:
    """Each table converted to its standard schema's types (see :func:`coerce`).

    The covariates a ``covariate_catalogue`` declares are converted too: numeric ones to
    numbers, categorical ones to text with ``"unknown"`` for an empty cell.

    Raises
    ------
    SchemaError
        If a value cannot be converted (validate the submission first).
    """
    from outcomelab.schemas.conversion import coerce
    from outcomelab.schemas.extensions import coerce_covariates, declared_covariates

    frames = {n: t.data if isinstance(t, SubmittedTable) else t for n, t in tables.items()}
    declared = declared_covariates(frames.get("covariate_catalogue"))
    out = {}
    for name, frame in frames.items():
        typed = coerce(frame, name)
        if declared and name in ("participants", "units"):
            typed = coerce_covariates(typed, declared)
        out[name] = typed
    return out
