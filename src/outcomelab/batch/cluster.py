"""Running the batch's evaluations on a Dask cluster (``outcomelab batch --scheduler ADDRESS``).

Imported only when a scheduler address is given (it imports ``distributed``). The cluster's
worker processes are not started by outcomelab, so the process set-up the local pool does in its
initializer (:func:`~outcomelab.reports.startup.skip_iri_grammar`) is brought to them by a
worker plugin that the client registers before it submits anything: every worker, also one that
joins later, runs it once when it starts, before its first evaluation imports jsonschema.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from distributed import Client, WorkerPlugin
from distributed import as_completed as dask_completed

from outcomelab.batch.job import JobOutcome, Runner, run_job
from outcomelab.batch.manifest import EvaluationJob
from outcomelab.reports.startup import skip_iri_grammar

__all__ = ["WorkerSetup", "run_on_cluster"]

#: the plugin's name on the cluster (registering it again replaces it)
PLUGIN_NAME = "outcomelab-worker-setup"


class WorkerSetup(WorkerPlugin):
    """Worker plugin: the start-up outcomelab's own processes do, once per worker process."""

    name = PLUGIN_NAME

    def setup(self, worker: Any) -> None:
        """Skip jsonschema's IRI grammar in the worker (1.7 s of CPU per worker process)."""
        skip_iri_grammar()


def run_on_cluster(
    pending: list[tuple[EvaluationJob, str]],
    root: Path,
    scheduler: str,
    runner: Runner | None,
    update: Callable[[int], None],
) -> list[JobOutcome]:
    """Submit one task per evaluation to the scheduler at ``scheduler`` and collect outcomes.

    Parameters
    ----------
    pending
        The evaluations to run with their cache keys.
    root
        The batch's output folder (the same path on every worker).
    scheduler
        The Dask scheduler's address.
    runner
        The function producing one evaluation (``None``: the standard report).
    update
        Called with the number of evaluations still running after each one ends.

    Returns
    -------
    list of JobOutcome
        One per evaluation, in the order they ended.
    """
    outcomes: list[JobOutcome] = []
    with Client(scheduler, timeout="30s") as client:
        client.register_plugin(WorkerSetup(), name=PLUGIN_NAME)
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
                reason = f"worker failed: {err}"
                outcomes.append(JobOutcome(futures[future], "failed", 0.0, reason))
            update(remaining)
    return outcomes
