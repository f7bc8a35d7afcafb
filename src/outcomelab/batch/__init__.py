"""Batch evaluation: many interventions at once, on local processes or a Dask cluster."""

from outcomelab.batch.manifest import EvaluationJob, load_manifest
from outcomelab.batch.runner import BatchSummary, JobOutcome, run_batch, run_job

__all__ = ["BatchSummary", "EvaluationJob", "JobOutcome", "load_manifest", "run_batch", "run_job"]
