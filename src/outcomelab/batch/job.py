"""One evaluation of a batch, as a worker process runs it (a local pool's or a Dask worker's).

:func:`run_job` never raises: a failing evaluation becomes a :class:`JobOutcome` with its
one-line reason, and its partial output is kept beside the last good one.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outcomelab.batch.cache import mark_done
from outcomelab.errors import OutcomelabError

__all__ = ["JobOutcome", "Runner", "run_job"]

#: ``runner(job_dict, folder)`` writes one evaluation into ``folder``
Runner = Callable[[dict[str, Any], str], None]


@dataclass(frozen=True)
class JobOutcome:
    """What happened to one evaluation."""

    name: str
    status: str  # "done", "skipped" or "failed"
    seconds: float
    reason: str = ""


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
