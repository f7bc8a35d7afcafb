"""The job queue: rows of the ``jobs`` table and the state changes a job goes through."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from outcomelab.errors import InputError
from outcomelab.portal.db import connect, now, transaction

__all__ = [
    "Job",
    "claim_next",
    "enqueue",
    "finish",
    "get_job",
    "list_jobs",
    "mark_for_publication",
    "progress",
    "requeue_interrupted",
]

Kind = Literal["evaluate", "publish"]


@dataclass(frozen=True)
class Job:
    """One background job."""

    id: str
    kind: str
    submission_id: str | None
    organisation_code: str | None
    params: dict[str, Any]
    status: str
    stage: str
    progress: float
    attempts: int
    created_by: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    error: str | None
    result: dict[str, Any] | None
    marked_by: str | None
    marked_at: float | None

    @property
    def finished(self) -> bool:
        """True when the job is done or failed."""
        return self.status in ("done", "failed")


def _job(row: Any) -> Job:
    return Job(
        id=row["id"], kind=row["kind"], submission_id=row["submission_id"],
        organisation_code=row["organisation_code"], params=json.loads(row["params"]),
        status=row["status"], stage=row["stage"], progress=float(row["progress"]),
        attempts=int(row["attempts"]), created_by=row["created_by"],
        created_at=row["created_at"], started_at=row["started_at"],
        finished_at=row["finished_at"], error=row["error"],
        result=json.loads(row["result"]) if row["result"] else None,
        marked_by=row["marked_by"], marked_at=row["marked_at"],
    )  # fmt: skip


def enqueue(
    db: Path,
    kind: Kind,
    *,
    params: dict[str, Any],
    created_by: str,
    submission_id: str | None = None,
    organisation: str | None = None,
) -> Job:
    """Put a job in the queue and return it (the request answers at once)."""
    job_id = secrets.token_hex(8)
    with transaction(db) as con:
        con.execute(
            "INSERT INTO jobs (id, kind, submission_id, organisation_code, params, status, stage, "
            "progress, created_by, created_at) VALUES (?, ?, ?, ?, ?, 'queued', 'queued', 0, ?, ?)",
            [job_id, kind, submission_id, organisation, json.dumps(params), created_by, now()],
        )
    job = get_job(db, job_id)
    assert job is not None
    return job


def get_job(db: Path, job_id: str) -> Job | None:
    """The job with this id, or None."""
    with connect(db) as con:
        row = con.execute("SELECT * FROM jobs WHERE id = ?", [job_id]).fetchone()
    return None if row is None else _job(row)


def list_jobs(db: Path, kind: str | None = None) -> list[Job]:
    """Jobs (all, or one kind), newest first."""
    with connect(db) as con:
        rows = con.execute(
            "SELECT * FROM jobs WHERE ? IS NULL OR kind = ? ORDER BY created_at DESC",
            [kind, kind],
        ).fetchall()
    return [_job(r) for r in rows]


def claim_next(db: Path) -> Job | None:
    """Take the oldest queued job and mark it running (atomically), or None."""
    with transaction(db) as con:
        row = con.execute(
            "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        con.execute(
            "UPDATE jobs SET status = 'running', stage = 'starting', started_at = ?, "
            "attempts = attempts + 1 WHERE id = ?",
            [now(), row["id"]],
        )
    return get_job(db, row["id"])


def progress(db: Path, job_id: str, stage: str, fraction: float) -> None:
    """Record a running job's stage and progress (0-1)."""
    with transaction(db) as con:
        con.execute(
            "UPDATE jobs SET stage = ?, progress = ? WHERE id = ? AND status = 'running'",
            [stage, max(0.0, min(1.0, fraction)), job_id],
        )


def finish(
    db: Path, job_id: str, *, error: str | None = None, result: dict[str, Any] | None = None
) -> None:
    """Mark a job done (with its result) or failed (with a readable error)."""
    with transaction(db) as con:
        con.execute(
            "UPDATE jobs SET status = ?, stage = ?, progress = ?, finished_at = ?, error = ?, "
            "result = ? WHERE id = ?",
            ["failed" if error else "done", "failed" if error else "done", 0.0 if error else 1.0,
             now(), error, json.dumps(result) if result is not None else None, job_id],
        )  # fmt: skip


def requeue_interrupted(db: Path, max_attempts: int = 3) -> int:
    """Put jobs that were running when the server stopped back in the queue.

    A job that was interrupted ``max_attempts`` times is failed instead (it may be what stops
    the server). Returns the number of jobs put back.
    """
    with transaction(db) as con:
        con.execute(
            "UPDATE jobs SET status = 'failed', stage = 'failed', finished_at = ?, error = ? "
            "WHERE status = 'running' AND attempts >= ?",
            [now(), "The job was interrupted too often; start it again.", max_attempts],
        )
        cur = con.execute(
            "UPDATE jobs SET status = 'queued', stage = 'queued', progress = 0 "
            "WHERE status = 'running'"
        )
    return int(cur.rowcount)


def mark_for_publication(db: Path, job_id: str, marked_by: str | None) -> Job:
    """Mark a finished evaluation for publication (``marked_by=None`` unmarks it).

    Raises
    ------
    InputError
        If the job is not a finished evaluation.
    """
    job = get_job(db, job_id)
    if job is None or job.kind != "evaluate" or job.status != "done":
        raise InputError("Only a finished evaluation can be marked for publication.")
    with transaction(db) as con:
        con.execute(
            "UPDATE jobs SET marked_by = ?, marked_at = ? WHERE id = ?",
            [marked_by, now() if marked_by else None, job_id],
        )
    marked = get_job(db, job_id)
    assert marked is not None
    return marked
