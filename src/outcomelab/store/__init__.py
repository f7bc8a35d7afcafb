"""The lab's submission store: validated, immutable, versioned copies of submissions.

``Store(path)`` keeps a DuckDB catalogue and Parquet copies (plus the original files, byte for
byte) of every valid submission; ``Store.submit`` validates and stores, ``Store.list`` and
``Store.get`` read. ``register_plan`` and ``read_plans`` keep the interventions' signed
evaluation plans (pre-registrations) beside them.
"""

from __future__ import annotations

from outcomelab.store.content import content_hash, normalise
from outcomelab.store.plans import plan_hash, read_plans, register_plan
from outcomelab.store.store import (
    FileRecord,
    Store,
    Submission,
    SubmissionInfo,
    default_store_path,
)

__all__ = [
    "FileRecord",
    "Store",
    "Submission",
    "SubmissionInfo",
    "content_hash",
    "default_store_path",
    "normalise",
    "plan_hash",
    "read_plans",
    "register_plan",
]
