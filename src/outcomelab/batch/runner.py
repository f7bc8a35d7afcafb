"""Run many evaluations in parallel: a local process pool or the user's Dask cluster.

One evaluation per process (Papermill kernels are not shared between threads); a failing
evaluation is reported and does not stop the others; an evaluation whose inputs, template and
parameters are unchanged since its last successful run is skipped.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from outcomelab.batch.cache import is_fresh, job_key
from outcomelab.batch.job import JobOutcome, Runner, run_job
from outcomelab.batch.manifest import EvaluationJob
from outcomelab.errors import ParameterError
from outcomelab.reports.startup import skip_iri_grammar

__all__ = ["BatchSummary", "JobOutcome", "run_batch", "run_job"]


@dataclass(frozen=True)
class BatchSummary:
    """Every evaluation's outcome and the wall time of the whole batch."""

    outcomes: tuple[JobOutcome, ...]
    seconds: float

    def count(self, status: str) -> int:
        """Number of evaluations with ``status``."""
        return sum(o.status == status for o in self.outcomes)

    @property
    def failures(self) -> tuple[JobOutcome, ...]:
        """The failed evaluations with their one-line reasons."""
        return tuple(o for o in self.outcomes if o.status == "failed")


def run_batch(
    jobs: Sequence[EvaluationJob],
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    runner: Runner | None = None,
    force: bool = False,
    show_progress: bool = True,
) -> BatchSummary:
    """Run evaluations in parallel and report each one's outcome.

    Parameters
    ----------
    jobs
        Evaluations from :func:`outcomelab.batch.load_manifest`.
    out
        Folder that receives one sub-folder per evaluation (named after the job); a failed
        evaluation's partial output is kept in ``<name>.failed``.
    workers
        Local worker processes (default: the number of CPU cores). Ignored with ``scheduler``.
    scheduler
        Address of an existing Dask distributed scheduler (``tcp://host:8786``) to run on
        instead of local processes; every worker needs outcomelab installed.
    runner
        Function ``runner(job_dict, folder)`` that produces one evaluation (must be importable
        by the workers); the standard report by default.
    force
        Rerun evaluations even when their cached output is current.
    show_progress
        Show a progress bar with done / failed / running counts.

    Returns
    -------
    BatchSummary
    """
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    outcomes: list[JobOutcome] = []
    pending: list[tuple[EvaluationJob, str]] = []
    for job in jobs:
        key = job_key(job)
        if not force and is_fresh(root / job.name, key):
            outcomes.append(JobOutcome(job.name, "skipped", 0.0, "inputs unchanged"))
        else:
            pending.append((job, key))
    if workers is not None and workers < 1:
        raise ParameterError(f"`workers` must be at least 1; got {workers}.")

    progress = Progress(
        TextColumn("[bold]evaluations"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}  {task.fields[status]}"),
        TimeElapsedColumn(),
        disable=not show_progress,
    )
    with progress:
        task = progress.add_task("batch", total=len(jobs), status="", completed=len(outcomes))

        def update(running: int) -> None:
            done = sum(o.status == "done" for o in outcomes)
            failed = sum(o.status == "failed" for o in outcomes)
            skipped = sum(o.status == "skipped" for o in outcomes)
            progress.update(
                task,
                completed=len(outcomes),
                status=f"done {done} · failed {failed} · skipped {skipped} · running {running}",
            )

        update(len(pending))
        if scheduler:
            from outcomelab.batch.cluster import run_on_cluster

            outcomes.extend(run_on_cluster(pending, root, scheduler, runner, update))
        elif pending:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=skip_iri_grammar
            ) as pool:
                futures: dict[Future[JobOutcome], str] = {
                    pool.submit(run_job, job.to_dict(), str(root / job.name), key, runner): job.name
                    for job, key in pending
                }
                for future in as_completed(futures):
                    outcomes.append(_result_of(future, futures[future]))
                    update(len(futures) - sum(f.done() for f in futures))
    order = {job.name: i for i, job in enumerate(jobs)}
    outcomes.sort(key=lambda o: order[o.name])
    return BatchSummary(outcomes=tuple(outcomes), seconds=time.perf_counter() - start)


def _result_of(future: Future[JobOutcome], name: str) -> JobOutcome:
    try:
        return future.result()
    except Exception as err:  # the worker process itself died
        return JobOutcome(name, "failed", 0.0, f"worker failed: {type(err).__name__}: {err}")
