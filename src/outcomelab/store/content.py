"""What a submission holds: reading its inputs, normalising the tables and hashing the content.

The version id of a submission is the SHA-256 of its *normalised* content: the intervention id and,
for every table in name order, the table converted to the standard schema's types, with columns in
the schema's order and rows sorted by the primary key, serialised as CSV through Arrow. Reordered
rows or columns, a BOM, a semicolon separator or a decimal comma therefore give the same id; any
change of a value gives a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from outcomelab.errors import InputError, ReadError

__all__ = [
    "SUBMISSION_TABLES",
    "InputTable",
    "collect_inputs",
    "content_hash",
    "file_sha256",
    "normalise",
]

#: tables a submission may hold (participants and outcomes are required)
SUBMISSION_TABLES = ("interventions", "participants", "outcomes", "costs")
REQUIRED_TABLES = ("participants", "outcomes")
_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")


@dataclass(frozen=True)
class InputTable:
    """One submitted table: the data as read and, when it came from a file, that file."""

    name: str
    data: pd.DataFrame
    path: Path | None = None


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _table_name(path: Path) -> str:
    stem = path.name
    for suffix in _SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if stem not in SUBMISSION_TABLES:
        raise InputError(
            f"Cannot tell which table {path.name} holds: name the file after the table "
            f"({', '.join(s + '.csv' for s in SUBMISSION_TABLES)}; .xlsx and .parquet also work)."
        )
    return stem


def _read(path: Path, name: str) -> InputTable:
    from outcomelab.schemas import read_table

    return InputTable(name=name, data=read_table(path), path=path)


def collect_inputs(
    source: Mapping[str, pd.DataFrame | str | Path] | str | Path | Sequence[str | Path],
) -> dict[str, InputTable]:
    """Read what was submitted into named tables.

    Parameters
    ----------
    source
        A folder (every ``<table>.csv|.xlsx|.parquet`` in it), a list of such files, or a mapping
        of table name to DataFrame or file.

    Returns
    -------
    dict of str to InputTable

    Raises
    ------
    InputError
        If a file name does not say which table it holds, a table is given twice, a table name is
        unknown, or participants or outcomes are missing.
    ReadError
        If a file or folder does not exist or cannot be read.
    """
    tables: dict[str, InputTable] = {}

    def add(item: InputTable) -> None:
        if item.name in tables:
            raise InputError(f"Table {item.name!r} is given twice; submit one file per table.")
        tables[item.name] = item

    if isinstance(source, Mapping):
        for name, item in source.items():
            if name not in SUBMISSION_TABLES:
                raise InputError(
                    f"Unknown table {name!r}; a submission holds {', '.join(SUBMISSION_TABLES)}."
                )
            if isinstance(item, pd.DataFrame):
                add(InputTable(name=name, data=item))
            else:
                add(_read(Path(item), name))
    else:
        paths = [Path(source)] if isinstance(source, str | Path) else [Path(p) for p in source]
        files: list[Path] = []
        for p in paths:
            if p.is_dir():
                found = sorted(
                    f for f in p.iterdir() if f.is_file() and f.suffix.lower() in _SUFFIXES
                    and _stem_known(f)
                )  # fmt: skip
                if not found:
                    raise ReadError(
                        f"The folder {p} holds no table files ({', '.join(SUBMISSION_TABLES)} "
                        "as .csv, .xlsx or .parquet)."
                    )
                files.extend(found)
            elif p.is_file():
                files.append(p)
            else:
                raise ReadError(f"{p} does not exist; check the path.")
        for f in files:
            add(_read(f, _table_name(f)))
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise InputError(
            f"The submission lacks {' and '.join(missing)}; a submission needs at least "
            "participants and outcomes."
        )
    return tables


def _stem_known(path: Path) -> bool:
    try:
        _table_name(path)
    except InputError:
        return False
    return True


def normalise(name: str, data: pd.DataFrame) -> pd.DataFrame:
    """Convert a table to the standard schema's types, column order and primary-key row order.

    Parameters
    ----------
    name
        Standard table name.
    data
        The table as read (text) or built in Python; it must be valid.

    Returns
    -------
    pandas.DataFrame
        Schema columns first in schema order (others after, by name), rows sorted by the primary
        key (or by every column when there is none), index reset.
    """
    from outcomelab.schemas import coerce, load_schema

    schema = load_schema(name)
    typed = coerce(data, schema)
    fields = [f for f in schema.field_names if f in typed.columns]
    others = sorted(c for c in typed.columns if c not in fields)
    typed = typed[fields + others]
    key = [k for k in (schema.primary_key or []) if k in typed.columns] or list(typed.columns)
    typed = typed.sort_values(key, kind="stable", na_position="last").reset_index(drop=True)
    typed.attrs = {}
    return typed


def to_arrow(data: pd.DataFrame) -> pa.Table:
    """Arrow table of a normalised frame (dates as ``date32``, no index)."""
    table = pa.Table.from_pandas(data, preserve_index=False)
    for i, name in enumerate(table.column_names):
        if pa.types.is_timestamp(table.schema.field(name).type):
            table = table.set_column(i, name, table.column(name).cast(pa.date32()))
    return table.replace_schema_metadata(None)


def content_hash(intervention_id: str, tables: Mapping[str, pa.Table]) -> str:
    """SHA-256 of the normalised content (see the module notes); the submission's version id."""
    digest = hashlib.sha256()
    digest.update(b"outcomelab-submission-v1\n")
    digest.update(intervention_id.encode() + b"\n")
    for name in sorted(tables):
        sink = pa.BufferOutputStream()
        pacsv.write_csv(tables[name], sink)
        body = sink.getvalue()
        digest.update(f"table {name} {body.size}\n".encode())
        digest.update(memoryview(body))
    return digest.hexdigest()
