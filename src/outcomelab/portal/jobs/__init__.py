"""Background jobs: evaluations and site builds run in a pool of worker processes.

The queue is the ``jobs`` table of the portal database, so a job survives a restart of the
server: :class:`~outcomelab.portal.jobs.pool.JobRunner` puts jobs that were running when the
server stopped back in the queue when it starts, and runs queued jobs in a
``ProcessPoolExecutor`` (one evaluation per process; a report kernel is a process of its own).
A request only ever inserts a row and answers.
"""

from __future__ import annotations

from outcomelab.portal.jobs.pool import JobRunner
from outcomelab.portal.jobs.queue import Job, enqueue, get_job, list_jobs, mark_for_publication

__all__ = ["Job", "JobRunner", "enqueue", "get_job", "list_jobs", "mark_for_publication"]
