"""The lab's submission store: immutable, versioned copies of validated submissions.

Layout of a store folder (``Store(path)``, default ``$OUTCOMELAB_HOME`` or ``~/.outcomelab``)::

    catalogue.duckdb                 one row per submission and per table (DuckDB)
    .lock                            fcntl lock file guarding the catalogue
    submissions/<id>/tables/*.parquet    the normalised tables
    submissions/<id>/original/*      the submitted files, byte for byte
    submissions/<id>/manifest.json   what the catalogue says, kept beside the data
    tmp/                             work area of submissions in progress

A submission is validated first and only a valid one is stored. Its files are written to a
temporary folder inside the store, flushed to disk (fsync) and renamed into place in one atomic
step; the catalogue rows are written last, in one transaction, under an exclusive file lock. An
interrupted or refused submission therefore leaves the visible store exactly as it was (a
half-written folder is removed on the next write: each work folder in ``tmp/`` is locked by the
process writing it, and folders whose process died are removed under the store lock). Nothing
is ever overwritten: the same content gives the same id (the submission is idempotent) and changed
content gives a new version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from outcomelab.errors import InputError, SchemaError, StoreError
from outcomelab.identity.clear import refuse_in_text
from outcomelab.paths import existing_ancestor, expand_home
from outcomelab.schemas.submission import (
    SUBMISSION_TABLES,
    SubmissionSource,
    SubmittedTable,
    read_submission,
    typed_tables,
)
from outcomelab.store.catalogue import catalogue
from outcomelab.store.content import content_hash, file_sha256, normalise, to_arrow

__all__ = ["FileRecord", "Store", "Submission", "SubmissionInfo", "default_store_path"]


def default_store_path() -> Path:
    """``$OUTCOMELAB_HOME`` if set (a leading ``~`` expanded), else ``~/.outcomelab``."""
    home = os.environ.get("OUTCOMELAB_HOME")
    if home:
        return expand_home(home, what="store folder (OUTCOMELAB_HOME)")
    return Path.home() / ".outcomelab"


@dataclass(frozen=True)
class FileRecord:
    """One stored table: its rows and, when it came from a file, that file's name and hash."""

    table: str
    n_rows: int
    n_columns: int
    parquet_file: str
    parquet_sha256: str
    original_name: str | None = None
    original_file: str | None = None
    original_sha256: str | None = None
    original_bytes: int | None = None


@dataclass(frozen=True)
class SubmissionInfo:
    """Catalogue record of one stored submission.

    Attributes
    ----------
    submission_id
        SHA-256 of the normalised content (64 hex characters); also the version id.
    intervention_id
        The intervention the submission is about.
    version
        1 for the intervention's first stored submission, 2 for the next, ...
    submitted_at
        When it was stored (UTC).
    files
        One :class:`FileRecord` per table.
    path
        Folder of the submission inside the store.
    created
        False when identical content was already stored and this call changed nothing.
    submitted_by, note
        Free text given at submission.
    """

    submission_id: str
    intervention_id: str
    version: int
    submitted_at: dt.datetime
    files: tuple[FileRecord, ...]
    path: Path
    created: bool = True
    submitted_by: str | None = None
    note: str | None = None

    @property
    def short_id(self) -> str:
        """The first 12 characters of the id (enough to name it on the command line)."""
        return self.submission_id[:12]

    @property
    def row_counts(self) -> Mapping[str, int]:
        """Rows per table."""
        return MappingProxyType({f.table: f.n_rows for f in self.files})

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the record."""
        return {
            "submission_id": self.submission_id,
            "intervention_id": self.intervention_id,
            "version": self.version,
            "submitted_at": self.submitted_at.isoformat(),
            "submitted_by": self.submitted_by,
            "note": self.note,
            "path": str(self.path),
            "files": [dict(f.__dict__) for f in self.files],
        }

    def summary(self) -> str:
        """Readable text: id, intervention, version, tables and original files."""
        lines = [
            f"Submission {self.submission_id}",
            f"  intervention {self.intervention_id}, version {self.version}, stored "
            f"{self.submitted_at:%Y-%m-%d %H:%M:%S} UTC",
        ]
        for f in self.files:
            origin = (
                f" from {f.original_name} ({f.original_bytes:,} bytes, sha256 "
                f"{(f.original_sha256 or '')[:12]})"
                if f.original_name
                else " (given as a DataFrame)"
            )
            lines.append(f"  {f.table:<14} {f.n_rows:>10,} rows{origin}")
        lines.append(f"  stored in {self.path}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Submission:
    """A stored submission: read its tables (never change them).

    Attributes
    ----------
    info
        The catalogue record.
    """

    info: SubmissionInfo
    _paths: Mapping[str, Path] = field(repr=False)

    @property
    def id(self) -> str:
        """The submission id."""
        return self.info.submission_id

    @property
    def path(self) -> Path:
        """Folder of the submission in the store."""
        return self.info.path

    def table_names(self) -> list[str]:
        """Names of the tables stored, in standard order."""
        return [t for t in SUBMISSION_TABLES if t in self._paths]

    def parquet_path(self, name: str) -> Path:
        """Path of the normalised Parquet file of table ``name`` (read-only)."""
        if name not in self._paths:
            raise InputError(
                f"Submission {self.info.short_id} has no table {name!r}; it has "
                f"{', '.join(self.table_names())}."
            )
        return self._paths[name]

    def table(self, name: str) -> pd.DataFrame:
        """Read table ``name`` (typed as in the standard schema) into a DataFrame."""
        frame: pd.DataFrame = pq.read_table(self.parquet_path(name)).to_pandas(date_as_object=False)
        return frame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every stored table, by name."""
        return {name: self.table(name) for name in self.table_names()}

    def original_files(self) -> list[Path]:
        """The submitted files, byte for byte as received."""
        return [self.path / f.original_file for f in self.info.files if f.original_file is not None]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_table(table: pa.Table, path: Path) -> None:
    """Write one normalised table as Parquet (a seam the tests use to simulate a crash)."""
    pq.write_table(table, path, compression="zstd")


def _describe_source(source: SubmissionSource) -> str:
    """``4 files (27.3 MB)``: how much a submission is, for a progress line."""
    if isinstance(source, Mapping):
        return f"{len(source)} tables"
    from outcomelab.errors import OutcomelabError
    from outcomelab.schemas import locate_tables

    paths = [Path(source)] if isinstance(source, str | Path) else [Path(p) for p in source]
    files = []
    for path in paths:
        with contextlib.suppress(OutcomelabError):  # the reader says what is wrong with it
            files += list(locate_tables(path).values()) if path.is_dir() else [path]
    files = [f for f in files if f.is_file()]
    size = sum(f.stat().st_size for f in files)
    return f"{len(files)} file{'s' if len(files) != 1 else ''} ({size / 1e6:,.1f} MB)"


def _validate(tables: Mapping[str, SubmittedTable]) -> None:
    """Run the standard validation; raise SchemaError with every failure if anything fails."""
    from outcomelab.schemas import validate_package

    package = validate_package({name: t.data for name, t in tables.items()})
    failures, ok = package.failures, package.ok
    if not ok:
        if "table" in failures.columns:
            failures = failures[["table", *[c for c in failures.columns if c != "table"]]]
        n = len(failures)
        where = ", ".join(sorted(set(failures["table"]))) if "table" in failures else "the data"
        raise SchemaError(
            f"The submission is not valid: {n} failure{'s' if n != 1 else ''} in {where}. "
            "Nothing was stored; correct the files and submit again "
            "(`outcomelab validate` lists every failure).",
            failures.reset_index(drop=True),
        )


class Store:
    """The lab's store of submissions.

    Parameters
    ----------
    path
        Store folder; default ``$OUTCOMELAB_HOME`` or ``~/.outcomelab``. Created on first write.

    Examples
    --------
    >>> import tempfile
    >>> from outcomelab.example import example_dir, EXAMPLE_INTERVENTION_ID
    >>> store = Store(tempfile.mkdtemp())
    >>> info = store.submit(example_dir(), intervention_id=EXAMPLE_INTERVENTION_ID)
    >>> store.get(info.short_id).table("participants").shape[0]
    6600
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = expand_home(path, what="store folder") if path else default_store_path()

    def check_path(self, *, write: bool) -> None:
        """Refuse a store path that is a file (or inside one), or read-only when writing.

        Called before any work, so a wrong ``--store`` costs one line, not a validation run.

        Raises
        ------
        StoreError
            The path or a parent is a file, or ``write`` and the folder is read-only.
        """
        found = existing_ancestor(self.path)
        if found.exists() and not found.is_dir():
            where = "is a file" if found == self.path else f"is inside {found}, which is a file"
            raise StoreError(
                f"The store {self.path} {where}; give a folder with --store or OUTCOMELAB_HOME."
            )
        if write and not os.access(found, os.W_OK | os.X_OK):
            raise StoreError(
                f"The store {self.path} is read-only for this user ({found} cannot be written); "
                "nothing was stored. Ask the store's owner, or give another folder with --store."
            )

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- writing ---------------------------------------------------------------------------------
    def submit(
        self,
        tables_or_files: SubmissionSource,
        *,
        intervention_id: str,
        submitted_by: str | None = None,
        note: str | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> SubmissionInfo:
        """Validate a submission and, only if it is valid, store an immutable versioned copy.

        Parameters
        ----------
        tables_or_files
            What :func:`outcomelab.schemas.read_submission` reads: a folder, one workbook with
            a sheet per table, a list of files named after their tables (``participants.csv``,
            ``outcomes.xlsx``, ...), or a mapping of table name to DataFrame or file.
        intervention_id
            The intervention the submission is about; every participants row must name it.
        submitted_by, note
            Free text kept in the catalogue.
        progress
            Told in a short sentence when each step starts (reading, validating, pseudonymity and
            types, writing each table), with the files' sizes and the tables' rows.

        Returns
        -------
        SubmissionInfo
            The record; ``created`` is False when identical content was already stored (then
            nothing changes: submitting is idempotent).

        Raises
        ------
        SchemaError
            If the data fail validation; ``failures`` holds every failure and the store is
            unchanged.
        InputError
            If tables are missing or not for ``intervention_id``, or ``submitted_by`` or
            ``note`` holds what looks like a personal identity number.
        ReadError
            If a file cannot be read.
        StoreError
            If writing fails (the store is left as it was).

        Notes
        -----
        The id is the SHA-256 of the normalised content (see :mod:`outcomelab.store.content`).
        Files are written to ``tmp/`` inside the store, fsynced and renamed into place; the
        catalogue rows are written last in one transaction under an exclusive ``fcntl`` lock, so
        concurrent submitters never see or make a half-stored submission.
        """
        if not intervention_id or not str(intervention_id).strip():
            raise InputError("`intervention_id` must be a non-empty string.")
        refuse_in_text(submitted_by, what="`submitted_by` (--by)")
        refuse_in_text(note, what="`note` (--note)")
        self.check_path(write=True)
        tell = progress or (lambda _: None)
        tell(f"Reading {_describe_source(tables_or_files)}")
        inputs = read_submission(tables_or_files)
        rows = sum(len(t.data) for t in inputs.values())
        tell(f"Validating {rows:,} rows in {len(inputs)} tables")
        _validate(inputs)
        _check_intervention(inputs, intervention_id)
        tell("Converting types and normalising the tables")
        typed = typed_tables(inputs)
        normalised = {name: to_arrow(normalise(name, frame)) for name, frame in typed.items()}
        sid = content_hash(intervention_id, normalised)

        existing = self._find(sid)
        if existing is not None:
            return _replace_created(existing, created=False)

        with _staging(self.path / "tmp", sid[:12]) as work:
            try:
                tell(f"Writing {len(normalised)} tables to the store")
                records = self._write_files(work, inputs, normalised)
                return self._commit(work, sid, intervention_id, records, submitted_by, note)
            except (OSError, pa.ArrowException) as err:
                raise StoreError(
                    f"Storing submission {sid[:12]} failed ({err}); the store was left "
                    "unchanged. Check free disk space and permissions of the store folder and "
                    "try again."
                ) from err

    def _write_files(
        self, work: Path, inputs: Mapping[str, SubmittedTable], normalised: Mapping[str, pa.Table]
    ) -> list[FileRecord]:
        (work / "tables").mkdir(parents=True)
        (work / "original").mkdir()
        records = []
        for name in (t for t in SUBMISSION_TABLES if t in normalised):
            target = work / "tables" / f"{name}.parquet"
            _write_table(normalised[name], target)
            _fsync_file(target)
            source = inputs[name].path
            orig: dict[str, Any] = {}
            if source is not None:
                stored = work / "original" / f"{name}{''.join(source.suffixes[-1:])}"
                shutil.copyfile(source, stored)
                _fsync_file(stored)
                digest = file_sha256(stored)
                if digest != file_sha256(source):
                    raise StoreError(
                        f"The copy of {source.name} differs from the original; the file changed "
                        "while it was being submitted. Submit it again."
                    )
                orig = {
                    "original_name": source.name,
                    "original_file": f"original/{stored.name}",
                    "original_sha256": digest,
                    "original_bytes": stored.stat().st_size,
                }
            records.append(
                FileRecord(
                    table=name,
                    n_rows=normalised[name].num_rows,
                    n_columns=normalised[name].num_columns,
                    parquet_file=f"tables/{name}.parquet",
                    parquet_sha256=file_sha256(target),
                    **orig,
                )
            )
        for sub in ("tables", "original"):
            _fsync_dir(work / sub)
        return records

    def _commit(
        self,
        work: Path,
        sid: str,
        intervention_id: str,
        records: list[FileRecord],
        submitted_by: str | None,
        note: str | None,
    ) -> SubmissionInfo:
        from outcomelab._version import __version__

        final_root = self.path / "submissions"
        final_root.mkdir(parents=True, exist_ok=True)
        final = final_root / sid
        with catalogue(self.path, write=True) as con:
            self._remove_orphans(con)
            _remove_stale_staging(self.path / "tmp")
            row = con.execute("SELECT 1 FROM submissions WHERE submission_id = ?", [sid]).fetchone()
            if row is not None:  # stored by another process meanwhile
                found = self._read_info(con, sid)
                return _replace_created(found, created=False)
            version_row = con.execute(
                "SELECT coalesce(max(version), 0) + 1 FROM submissions WHERE intervention_id = ?",
                [intervention_id],
            ).fetchone()
            version = int(version_row[0]) if version_row else 1
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
            info = SubmissionInfo(
                submission_id=sid,
                intervention_id=intervention_id,
                version=version,
                submitted_at=now,
                files=tuple(records),
                path=final,
                submitted_by=submitted_by,
                note=note,
            )
            manifest = work / "manifest.json"
            manifest.write_text(json.dumps(info.to_dict(), indent=2) + "\n", encoding="utf-8")
            _fsync_file(manifest)
            for p in work.rglob("*"):
                if p.is_file():
                    p.chmod(0o444)
            _fsync_dir(work)
            os.rename(work, final)  # atomic on one file system
            _fsync_dir(final_root)
            try:
                con.execute("BEGIN TRANSACTION")
                _insert_catalogue_rows(con, info, __version__)
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    con.execute("ROLLBACK")
                _remove_tree(final)
                raise
            con.execute("CHECKPOINT")
        return info

    def _remove_orphans(self, con: Any) -> None:
        """Remove submission folders without a catalogue row (a crash after the rename)."""
        folder = self.path / "submissions"
        if not folder.is_dir():
            return
        known = {r[0] for r in con.execute("SELECT submission_id FROM submissions").fetchall()}
        for child in folder.iterdir():
            if child.name not in known:
                _remove_tree(child)

    # -- reading ---------------------------------------------------------------------------------
    def _find(self, sid: str) -> SubmissionInfo | None:
        self.check_path(write=False)
        if not (self.path / "catalogue.duckdb").exists():
            return None
        with catalogue(self.path, write=False) as con:
            row = con.execute("SELECT 1 FROM submissions WHERE submission_id = ?", [sid]).fetchone()
            return None if row is None else self._read_info(con, sid)

    def _read_info(self, con: Any, sid: str) -> SubmissionInfo:
        head = con.execute(
            "SELECT submission_id, intervention_id, version, submitted_at, submitted_by, note "
            "FROM submissions WHERE submission_id = ?",
            [sid],
        ).fetchone()
        rows = con.execute(
            "SELECT table_name, n_rows, n_columns, parquet_file, parquet_sha256, original_name, "
            "original_file, original_sha256, original_bytes FROM submission_tables "
            "WHERE submission_id = ?",
            [sid],
        ).fetchall()
        order = {t: i for i, t in enumerate(SUBMISSION_TABLES)}
        files = tuple(
            FileRecord(
                table=r[0], n_rows=int(r[1]), n_columns=int(r[2]), parquet_file=r[3],
                parquet_sha256=r[4], original_name=r[5], original_file=r[6],
                original_sha256=r[7], original_bytes=None if r[8] is None else int(r[8]),
            )
            for r in sorted(rows, key=lambda r: order.get(r[0], 99))
        )  # fmt: skip
        return SubmissionInfo(
            submission_id=head[0],
            intervention_id=head[1],
            version=int(head[2]),
            submitted_at=head[3],
            files=files,
            path=self.path / "submissions" / head[0],
            created=True,
            submitted_by=head[4],
            note=head[5],
        )

    def list(self, intervention_id: str | None = None) -> pd.DataFrame:
        """Every stored submission, oldest first.

        Parameters
        ----------
        intervention_id
            Only this intervention's submissions.

        Returns
        -------
        pandas.DataFrame
            Columns ``submission_id, short_id, intervention_id, version, submitted_at, tables,
            n_participants, n_comparison, n_outcomes, original_files``: ``n_participants`` counts
            the rows of group ``participant`` (people, or units of an aggregate submission),
            ``n_comparison`` those of group ``comparison``; ``n_outcomes`` is the number of
            outcome rows.
        """
        columns = [
            "submission_id", "short_id", "intervention_id", "version", "submitted_at", "tables",
            "n_participants", "n_comparison", "n_outcomes", "original_files",
        ]  # fmt: skip
        self.check_path(write=False)
        if not (self.path / "catalogue.duckdb").exists():
            return pd.DataFrame({c: [] for c in columns})
        with catalogue(self.path, write=False) as con:
            frame = con.execute(
                "SELECT s.submission_id, substr(s.submission_id, 1, 12) AS short_id, "
                "s.intervention_id, s.version, s.submitted_at, "
                "string_agg(t.table_name, ',' ORDER BY t.table_name) AS tables, "
                "CAST(coalesce(max(t.n_rows) FILTER (WHERE t.table_name IN "
                "('outcomes', 'unit_outcomes')), 0) AS BIGINT) AS n_outcomes, "
                "coalesce(string_agg(t.original_name, ',' ORDER BY t.original_name), '') "
                "AS original_files "
                "FROM submissions s JOIN submission_tables t USING (submission_id) "
                "WHERE ? IS NULL OR s.intervention_id = ? "
                "GROUP BY ALL ORDER BY s.submitted_at, s.intervention_id, s.version",
                [intervention_id, intervention_id],
            ).df()
            counts = [self._group_counts(con, sid) for sid in frame["submission_id"]]
        frame["n_participants"] = [c[0] for c in counts]
        frame["n_comparison"] = [c[1] for c in counts]
        return frame[columns].reset_index(drop=True)

    def _group_counts(self, con: Any, sid: str) -> tuple[int, int]:
        """Rows of group participant and comparison in a submission's people (or units)."""
        for table in ("participants", "units"):
            row = con.execute(
                "SELECT parquet_file FROM submission_tables "
                "WHERE submission_id = ? AND table_name = ?",
                [sid, table],
            ).fetchone()
            path = self.path / "submissions" / sid / str(row[0]) if row else None
            if path is not None and path.is_file():
                found = con.execute(
                    "SELECT count(*) FILTER (WHERE \"group\" = 'participant'), "
                    "count(*) FILTER (WHERE \"group\" = 'comparison') FROM read_parquet(?)",
                    [str(path)],
                ).fetchone()
                return int(found[0]), int(found[1])
        return 0, 0

    def resolve(self, submission_id: str) -> str:
        """Full id of a submission given its id or a unique prefix (at least 4 characters).

        Raises
        ------
        StoreError
            If no submission, or more than one, starts with the prefix.
        """
        prefix = submission_id.strip().lower()
        if len(prefix) < 4:
            raise StoreError(
                f"Submission id {submission_id!r} is too short; give at least 4 characters."
            )
        self.check_path(write=False)
        if not (self.path / "catalogue.duckdb").exists():
            raise StoreError(f"The store at {self.path} is empty; there is no {submission_id!r}.")
        with catalogue(self.path, write=False) as con:
            rows = con.execute(
                "SELECT submission_id FROM submissions WHERE starts_with(submission_id, ?) "
                "ORDER BY 1 LIMIT 6",
                [prefix],
            ).fetchall()
        if not rows:
            raise StoreError(
                f"No submission {submission_id!r} in the store at {self.path}; "
                "`outcomelab submissions list` shows the ids."
            )
        if len(rows) > 1:
            listed = ", ".join(r[0][:12] for r in rows[:5])
            raise StoreError(
                f"Submission id {submission_id!r} is ambiguous: it starts {listed}; "
                "give more characters."
            )
        return str(rows[0][0])

    def get(self, submission_id: str) -> Submission:
        """The stored submission with this id (or unique prefix).

        Raises
        ------
        StoreError
            If the id is unknown or ambiguous, or a stored file is missing.
        """
        sid = self.resolve(submission_id)
        with catalogue(self.path, write=False) as con:
            info = self._read_info(con, sid)
        paths = {f.table: info.path / f.parquet_file for f in info.files}
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise StoreError(
                f"Submission {sid[:12]} is damaged: {', '.join(missing)} is missing. "
                "Restore the store folder from a backup."
            )
        return Submission(info=info, _paths=paths)

    def latest(self, intervention_id: str) -> Submission:
        """The most recent submission for ``intervention_id``.

        Raises
        ------
        StoreError
            If the intervention has no submission in the store.
        """
        listing = self.list(intervention_id)
        if listing.empty:
            raise StoreError(
                f"The store at {self.path} holds no submission for intervention "
                f"{intervention_id!r}."
            )
        return self.get(str(listing["submission_id"].iloc[-1]))


def _insert_catalogue_rows(con: Any, info: SubmissionInfo, version: str) -> None:
    """Insert the catalogue rows of a submission (inside the caller's transaction)."""
    con.execute(
        "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?)",
        [info.submission_id, info.intervention_id, info.version, info.submitted_at,
         info.submitted_by, info.note, version],
    )  # fmt: skip
    for r in info.files:
        con.execute(
            "INSERT INTO submission_tables VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [info.submission_id, r.table, r.n_rows, r.n_columns, r.parquet_file,
             r.parquet_sha256, r.original_file, r.original_name, r.original_sha256,
             r.original_bytes],
        )  # fmt: skip


def _replace_created(info: SubmissionInfo, *, created: bool) -> SubmissionInfo:
    from dataclasses import replace

    return replace(info, created=created)


@contextlib.contextmanager
def _staging(tmp_root: Path, prefix: str) -> Iterator[Path]:
    """A fresh work folder in ``tmp_root`` (not created), locked for as long as it is in use.

    The lock is ``<folder>.lock`` beside it, created and locked before the folder exists and
    removed after it is gone, so :func:`_remove_stale_staging` can tell a folder whose process
    died (lock free) from one still being written (lock held).
    """
    tmp_root.mkdir(parents=True, exist_ok=True)
    work = tmp_root / f"{prefix}-{uuid.uuid4().hex}"
    lock = work.with_name(work.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield work
    finally:
        if work.exists():
            _remove_tree(work)
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)


def _lock_is_held(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def _remove_stale_staging(tmp_root: Path) -> None:
    """Remove work folders of submits whose process died (``kill -9``, power loss).

    Called under the store's exclusive lock. A folder whose lock file is still locked belongs to
    a submit in progress and is left alone.
    """
    if not tmp_root.is_dir():
        return
    for entry in sorted(tmp_root.iterdir()):
        if entry.suffix == ".lock":
            if not entry.with_suffix("").exists() and not _lock_is_held(entry):
                with contextlib.suppress(OSError):
                    entry.unlink()
            continue
        lock = entry.with_name(entry.name + ".lock")
        if _lock_is_held(lock):
            continue
        if entry.is_dir() and not entry.is_symlink():
            _remove_tree(entry)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()
        with contextlib.suppress(OSError):
            lock.unlink()


def _remove_tree(path: Path) -> None:
    """Remove a folder whose files were made read-only."""
    for p in path.rglob("*"):
        if p.is_file():
            p.chmod(0o644)
    shutil.rmtree(path, ignore_errors=True)


def _check_intervention(inputs: Mapping[str, SubmittedTable], intervention_id: str) -> None:
    """Every participants row (and interventions/costs row) must belong to ``intervention_id``."""
    for name in ("participants", "interventions", "costs"):
        if name not in inputs or "intervention_id" not in inputs[name].data.columns:
            continue
        values = inputs[name].data["intervention_id"].astype(str)
        other = sorted(set(values) - {intervention_id})
        if other:
            n = int((values != intervention_id).sum())
            raise InputError(
                f"{n} row(s) of {name} name another intervention ({', '.join(other[:5])}) than "
                f"the one submitted for ({intervention_id!r}); submit each intervention "
                "separately or correct intervention_id."
            )
