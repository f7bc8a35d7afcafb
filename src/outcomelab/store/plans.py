"""Evaluation plans (pre-registrations) kept in the store beside the interventions' submissions.

Layout inside a store folder::

    plans/<intervention id>/<plan hash>.json     one file per registered plan, never overwritten

A plan is a JSON document whose ``plan_hash`` is the SHA-256 of its canonical content (every other
field, keys sorted, compact separators, UTF-8): :func:`plan_hash` computes it and
:func:`register_plan` refuses a document whose hash does not match. A plan is written to a
temporary file in the same folder, flushed and renamed into place, so a reader never sees half a
plan; registering the same plan twice is a no-op. The store does not interpret a plan's fields:
:mod:`outcomelab.planning` builds them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from outcomelab.errors import InputError, StoreError
from outcomelab.store.store import Store

__all__ = ["plan_hash", "read_plans", "register_plan"]

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_HASH = re.compile(r"^[0-9a-f]{64}$")


def plan_hash(document: dict[str, Any]) -> str:
    """SHA-256 (hex) of a plan's canonical JSON content, its ``plan_hash`` field left out."""
    content = {k: v for k, v in document.items() if k != "plan_hash"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"outcomelab-plan-v1\n" + text.encode("utf-8")).hexdigest()


def _folder(store: Store, intervention_id: str) -> Path:
    if not isinstance(intervention_id, str) or not _SAFE_ID.match(intervention_id):
        raise InputError(
            f"Intervention id {intervention_id!r} cannot name a plan folder: use letters, digits, "
            "'-', '_' and '.', starting with a letter or digit."
        )
    return store.path / "plans" / intervention_id


def register_plan(store: Store, document: dict[str, Any]) -> Path:
    """Store a signed plan document; return its file.

    Raises
    ------
    InputError
        The document has no valid ``intervention_id`` or its ``plan_hash`` does not match its
        content (it was changed after signing).
    StoreError
        The file cannot be written.
    """
    expected = plan_hash(document)
    if document.get("plan_hash") != expected:
        raise InputError(
            "The plan's `plan_hash` does not match its content (it was changed after it was "
            "signed, or never signed); sign it again with EvaluationPlan.signed()."
        )
    folder = _folder(store, document.get("intervention_id"))  # type: ignore[arg-type]
    target = folder / f"{expected}.json"
    if target.exists():
        return target
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{expected}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as err:
        raise StoreError(f"Could not write the plan to {target}: {err}") from err
    return target


def read_plans(store: Store, intervention_id: str) -> list[dict[str, Any]]:
    """Every registered plan of an intervention, oldest first (by ``registered``, then hash).

    Raises
    ------
    StoreError
        A stored plan's content no longer matches its hash (the file was altered).
    """
    folder = _folder(store, intervention_id)
    if not folder.is_dir():
        return []
    plans = []
    for file in sorted(folder.glob("*.json")):
        if not _HASH.match(file.stem):
            continue
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise StoreError(f"Stored plan {file} cannot be read: {err}") from err
        if plan_hash(document) != file.stem or document.get("plan_hash") != file.stem:
            raise StoreError(
                f"Stored plan {file} does not match its hash: it was altered after registration."
            )
        plans.append(document)
    return sorted(plans, key=lambda p: (str(p.get("registered")), p["plan_hash"]))
