"""The append-only audit log: who uploaded, viewed, evaluated and published what, and when.

One JSON object per line in ``<store>/portal/audit.jsonl``. Lines are only ever appended (the file
is opened with ``O_APPEND`` under an exclusive lock and flushed to disk before the request
answers), and each line carries the SHA-256 of the line before it, so removing or editing a line
breaks the chain that :func:`verify_chain` checks. Entries name people, organisations and ids,
never the content of a submission.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outcomelab.errors import StoreError

__all__ = ["ACTIONS", "AuditEntry", "read_entries", "record", "verify_chain"]

#: actions the portal records
ACTIONS = (
    "login", "login_failed", "logout", "password_changed", "upload", "submit", "view_submission",
    "download", "view_report", "evaluate", "job_finished", "mark_publication",
    "unmark_publication", "publish", "user_added", "user_disabled", "token_created",
    "token_revoked", "api_submit",
)  # fmt: skip
_GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """One line of the log."""

    seq: int
    at: str
    actor: str
    organisation: str | None
    action: str
    target: str | None
    detail: dict[str, Any]
    prev: str


def _path(home: Path) -> Path:
    return home / "audit.jsonl"


def _last_line(fh: Any) -> bytes | None:
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    if size == 0:
        return None
    block = min(size, 65536)
    fh.seek(size - block)
    lines = fh.read(block).rstrip(b"\n").split(b"\n")
    return lines[-1]


def record(
    home: Path,
    *,
    actor: str,
    action: str,
    organisation: str | None = None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Append one entry (durably: the line is on disk when this returns).

    Raises
    ------
    StoreError
        If the log cannot be written (the caller's action must then not count as done).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")  # a programming error, not input
    home.mkdir(parents=True, exist_ok=True)
    path = _path(home)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)
        with os.fdopen(fd, "r+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            last = _last_line(fh)
            if last is None:
                seq, prev = 1, _GENESIS
            else:
                seq = int(json.loads(last)["seq"]) + 1
                prev = hashlib.sha256(last).hexdigest()
            entry = {
                "seq": seq,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "actor": actor,
                "organisation": organisation,
                "action": action,
                "target": target,
                "detail": detail,
                "prev": prev,
            }
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str)
            fh.write(line.encode() + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as err:
        raise StoreError(f"The audit log {path} could not be written ({err}).") from err


def _entries(home: Path) -> Iterator[tuple[bytes, AuditEntry]]:
    path = _path(home)
    if not path.exists():
        return
    with path.open("rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH)
        for raw in fh:
            line = raw.rstrip(b"\n")
            if line:
                d = json.loads(line)
                yield line, AuditEntry(**d)


def read_entries(
    home: Path, *, limit: int = 200, action: str | None = None, actor: str | None = None
) -> list[AuditEntry]:
    """The newest entries first (optionally one action's or one actor's)."""
    kept = [
        e
        for _, e in _entries(home)
        if (action is None or e.action == action) and (actor is None or e.actor == actor)
    ]
    return kept[::-1][:limit]


def verify_chain(home: Path) -> int:
    """Check that no line was removed, inserted or edited; return the number of entries.

    Raises
    ------
    StoreError
        Naming the first line whose link to the line before it is broken.
    """
    prev = _GENESIS
    n = 0
    for line, entry in _entries(home):
        n += 1
        if entry.prev != prev or entry.seq != n:
            raise StoreError(
                f"The audit log is broken at line {n} (entry {entry.seq}): it does not follow the "
                "line before it. Restore the store's portal/audit.jsonl from a backup."
            )
        prev = hashlib.sha256(line).hexdigest()
    return n
