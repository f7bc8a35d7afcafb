"""The job runner: a thread that feeds queued jobs to a pool of worker processes."""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from pathlib import Path

from outcomelab.portal.jobs.queue import claim_next, finish, requeue_interrupted
from outcomelab.portal.jobs.work import run_job

__all__ = ["JobRunner"]

log = logging.getLogger("outcomelab.portal.jobs")


class JobRunner:
    """Run queued jobs in ``workers`` processes until :meth:`stop`.

    Parameters
    ----------
    db, home, store
        The portal database, the portal folder and the store folder.
    workers
        Processes in the pool (each runs one job at a time).
    poll_seconds
        How often the queue is looked at when idle.

    Notes
    -----
    On :meth:`start`, jobs left ``running`` by a server that stopped are queued again (their
    output folder is the portal's own and is rebuilt). Workers are started with ``spawn`` so a
    worker never inherits the server's threads or open database connections.
    """

    def __init__(
        self, db: Path, home: Path, store: Path, *, workers: int = 2, poll_seconds: float = 0.5
    ) -> None:
        self.db, self.home, self.store = db, home, store
        self.workers = max(1, workers)
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._running: set[Future[str]] = set()
        self._thread: threading.Thread | None = None
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> int:
        """Requeue interrupted jobs and start feeding the pool; returns how many were requeued."""
        requeued = requeue_interrupted(self.db)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
        )
        self._thread = threading.Thread(target=self._loop, name="portal-jobs", daemon=True)
        self._thread.start()
        return requeued

    def _loop(self) -> None:
        assert self._pool is not None
        while not self._stop.is_set():
            self._running = {f for f in self._running if not f.done()}
            job = claim_next(self.db) if len(self._running) < self.workers else None
            if job is None:
                self._stop.wait(self.poll_seconds)
                continue
            try:
                future = self._pool.submit(
                    run_job, str(self.db), str(self.home), str(self.store), job.id
                )
            except RuntimeError:  # the pool is shutting down: leave the job for the next start
                return
            future.add_done_callback(partial(self._check, job_id=job.id))
            self._running.add(future)

    def _check(self, future: Future[str], *, job_id: str) -> None:
        err = future.exception()
        if err is not None and not self._stop.is_set():  # the worker process died
            log.error("job %s: worker failed: %s", job_id, err)
            finish(self.db, job_id, error=f"The worker process stopped ({err}); start it again.")

    def stop(self, wait: bool = True) -> None:
        """Stop taking jobs; running ones finish (``wait``) or are requeued at the next start."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
