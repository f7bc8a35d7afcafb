"""The portal's own database: accounts, sessions, tokens, uploads, receipts and jobs.

It is one SQLite file in ``<store>/portal/`` (write-ahead log, so readers never wait for a
writer), separate from the store's DuckDB catalogue, which stays the one record of what was
submitted. Every access opens a short connection; writes run in ``BEGIN IMMEDIATE`` transactions
so concurrent requests and worker processes serialise on the file, not in memory.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["connect", "now", "transaction"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS organisations (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('municipality', 'region', 'lab')),
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    roles TEXT NOT NULL,
    organisation_code TEXT REFERENCES organisations(code),
    disabled INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    external_subject TEXT UNIQUE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
CREATE TABLE IF NOT EXISTS api_tokens (
    id TEXT PRIMARY KEY,
    organisation_code TEXT NOT NULL REFERENCES organisations(code),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL,
    revoked_at REAL,
    last_used_at REAL
);
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users(id),
    organisation_code TEXT NOT NULL,
    created_at REAL NOT NULL,
    files TEXT NOT NULL,
    ok INTEGER NOT NULL,
    report TEXT NOT NULL,
    intervention_id TEXT,
    submission_id TEXT
);
CREATE TABLE IF NOT EXISTS receipts (
    id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL,
    organisation_code TEXT NOT NULL,
    intervention_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    created INTEGER NOT NULL,
    submitted_by TEXT NOT NULL,
    received_at REAL NOT NULL,
    files TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS receipts_submission ON receipts(submission_id);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('evaluate', 'publish')),
    submission_id TEXT,
    organisation_code TEXT,
    params TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    stage TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    error TEXT,
    result TEXT,
    marked_by TEXT,
    marked_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_at);
"""


def now() -> float:
    """Seconds since the epoch (the portal stores every time as UTC seconds)."""
    return time.time()


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=30000")
    return con


_READY: set[Path] = set()


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A short connection to the portal database (created with its tables on first use)."""
    con = _open(path)
    try:
        if path not in _READY:
            con.executescript(_SCHEMA)
            _READY.add(path)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A write transaction (``BEGIN IMMEDIATE``): committed at the end, rolled back on error."""
    with connect(path) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
