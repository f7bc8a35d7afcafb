"""Run many evaluations in parallel: a local process pool or the user's Dask cluster.

One evaluation per process (Papermill kernels are not shared between threads); a failing
evaluation is reported and does not stop the others; an evaluation whose inputs, template and
parameters are unchanged since its last successful run is skipped.
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from outcomelab.batch.cache import is_fresh, job_key, mark_done
from outcomelab.batch.manifest import EvaluationJob
from outcomelab.errors import OutcomelabError, ParameterError
from outcomelab.reports.startup import skip_iri_grammar

__all__ = ["BatchSummary", "JobOutcome", "run_batch", "run_job"]

Runner = Callable[[dict[str, Any], str], None]


@dataclass(frozen=True)
class JobOutcome:
    """What happened to one evaluation."""

    name: str
    status: str  # "done", "skipped" or "failed"
    seconds: float
    reason: str = ""


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


def _evaluate(job: dict[str, Any], out: str) -> None:
    """Default runner: the standard report via :func:`outcomelab.reports.evaluate`."""
    from outcomelab.reports import evaluate

    evaluate(
        submission=job["submission"],
        data=job["data"],
        store=job["store"],
        intervention=job["intervention"],
        template=job["template"],
        params=job["params"],
        lang=job["lang"],
        out=out,
    )


def run_job(job: dict[str, Any], out: str, key: str, runner: Runner | None = None) -> JobOutcome:
    """Run one evaluation into ``out`` (in a worker process); never raises.

    The evaluation is written to a temporary sibling folder and moved into place only when it
    succeeded, so a failed rerun leaves the previous good output untouched.

    Parameters
    ----------
    job
        :meth:`EvaluationJob.to_dict` of the evaluation.
    out
        Its output folder.
    key
        Its cache key (recorded on success).
    runner
        Function ``runner(job, folder)`` that writes the evaluation; the standard report by
        default.

    Returns
    -------
    JobOutcome
    """
    start = time.perf_counter()
    target = Path(out)
    work = target.with_name(target.name + ".running")
    try:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        (runner or _evaluate)(job, str(work))
        mark_done(work, key)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
        return JobOutcome(job["name"], "done", time.perf_counter() - start)
    except OutcomelabError as err:
        reason = str(err).splitlines()[0]
    except Exception as err:  # a bug or an environment failure: still only this evaluation
        reason = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    failed = target.with_name(target.name + ".failed")
    if failed.exists():
        shutil.rmtree(failed)
    if work.exists():
        work.rename(failed)
    return JobOutcome(job["name"], "failed", time.perf_counter() - start, reason)


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
            outcomes.extend(_run_dask(pending, root, scheduler, runner, update))
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


def _run_dask(
    pending: list[tuple[EvaluationJob, str]],
    root: Path,
    scheduler: str,
    runner: Runner | None,
    update: Callable[[int], None],
) -> list[JobOutcome]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    outcomes: list[JobOutcome] = []
    with Client(scheduler, timeout="30s") as client:
        futures = {
            client.submit(
                run_job, job.to_dict(), str(root / job.name), key, runner, pure=False
            ): job.name
            for job, key in pending
        }
        remaining = len(futures)
        for future in dask_completed(list(futures)):
            remaining -= 1
            try:
                outcomes.append(future.result())
            except Exception as err:
                outcomes.append(JobOutcome(futures[future], "failed", 0.0, f"worker failed: {err}"))
            update(remaining)
    return outcomes
