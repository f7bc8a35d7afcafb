"""What a stored submission holds: normalising the tables and hashing the content.

The submission itself is read by :func:`outcomelab.schemas.read_submission`, the reader
validation uses.

The version id of a submission is the SHA-256 of its *normalised* content: the intervention id and,
for every table in name order, the table converted to the standard schema's types, with columns in
the schema's order and rows sorted by the primary key, serialised as CSV through Arrow. Reordered
rows or columns, a BOM, a semicolon separator or a decimal comma therefore give the same id; any
change of a value gives a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = ["content_hash", "file_sha256", "normalise", "to_arrow"]


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalise(name: str, data: pd.DataFrame) -> pd.DataFrame:
    """Order a table typed by :func:`outcomelab.schemas.typed_tables`: schema columns in schema
    order, rows in primary-key order.

    Parameters
    ----------
    name
        Standard table name.
    data
        The table converted to its schema's types (and its declared covariates); it must be valid.

    Returns
    -------
    pandas.DataFrame
        Schema columns first in schema order (others after, by name), rows sorted by the primary
        key (or by every column when there is none), index reset.
    """
    from outcomelab.schemas import load_schema

    schema = load_schema(name)
    typed = data
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
