"""The store's catalogue: an embedded DuckDB database guarded by a file lock.

DuckDB lets one process at a time open a database file for writing, so every access opens a short
connection while holding an ``fcntl.flock`` on ``<store>/.lock``: shared for reading (read-only
connection), exclusive for writing. Catalogue rows are written in one transaction.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from outcomelab.errors import StoreError

__all__ = ["CATALOGUE_FILE", "LOCK_FILE", "catalogue", "store_lock"]

CATALOGUE_FILE = "catalogue.duckdb"
LOCK_FILE = ".lock"

_DDL = """
CREATE TABLE IF NOT EXISTS submissions (
    submission_id VARCHAR PRIMARY KEY,
    intervention_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    submitted_by VARCHAR,
    note VARCHAR,
    outcomelab_version VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS submission_tables (
    submission_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    n_rows BIGINT NOT NULL,
    n_columns INTEGER NOT NULL,
    parquet_file VARCHAR NOT NULL,
    parquet_sha256 VARCHAR NOT NULL,
    original_file VARCHAR,
    original_name VARCHAR,
    original_sha256 VARCHAR,
    original_bytes BIGINT,
    PRIMARY KEY (submission_id, table_name)
);
"""


@contextmanager
def store_lock(root: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the store's file lock (shared or exclusive) for the duration of the block.

    A reader of a store it may not write (a read-only copy, another user's store) opens the lock
    file read-only, which is enough for a shared lock.

    Raises
    ------
    StoreError
        An exclusive lock is needed but the store cannot be written.
    """
    if exclusive:
        root.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        if err.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        if exclusive:
            raise StoreError(
                f"The store {root} is read-only for this user; nothing was changed."
            ) from err
        fd = os.open(root / LOCK_FILE, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def catalogue(root: Path, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the catalogue under the store lock; create it on the first write.

    Parameters
    ----------
    root
        The store folder.
    write
        Exclusive lock and a writable connection (the caller runs its own transaction), or a
        shared lock and a read-only connection.

    Yields
    ------
    duckdb.DuckDBPyConnection
        Closed when the block ends.

    Raises
    ------
    StoreError
        If the catalogue file exists but cannot be opened (damaged or not a DuckDB file).
    """
    path = root / CATALOGUE_FILE
    with store_lock(root, exclusive=write or not path.exists()):
        try:
            con = duckdb.connect(str(path), read_only=not write and path.exists())
        except duckdb.Error as err:
            raise StoreError(
                f"The store catalogue {path} cannot be opened ({err}); it may be damaged. "
                "Restore it from a backup of the store folder."
            ) from err
        try:
            if write or not _has_tables(con):
                con.execute(_DDL)
            yield con
        finally:
            con.close()


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'submissions'"
    ).fetchone()
    return bool(rows and rows[0])
