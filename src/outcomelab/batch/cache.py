"""Content-hash cache: rerun an evaluation only when its inputs, template or parameters change."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from outcomelab._version import __version__
from outcomelab.batch.manifest import EvaluationJob
from outcomelab.resources import templates_dir

__all__ = ["KEY_FILE", "is_fresh", "job_key", "mark_done"]

#: file in an evaluation's output folder that records the key of the run that produced it
KEY_FILE = ".batch-key"


def _hash_file(digest: hashlib._Hash, file: Path) -> None:
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)


def _template_file(template: str) -> Path | None:
    path = Path(template)
    if path.suffix == ".ipynb":
        return path if path.is_file() else None
    for name in (f"{template}_evaluation.ipynb", f"{template}.ipynb"):
        candidate = templates_dir() / name
        if candidate.is_file():
            return candidate
    return None


def job_key(job: EvaluationJob) -> str:
    """SHA-256 of everything that determines an evaluation's output.

    The job description (template, language, parameters, intervention), the bytes of every input
    file (or the stored submission's id, itself a content hash), the template notebook's bytes and
    the outcomelab version.

    Parameters
    ----------
    job
        The evaluation.

    Returns
    -------
    str
        Hex digest.
    """
    digest = hashlib.sha256()
    spec = job.to_dict()
    spec.pop("data")
    spec.pop("store")
    digest.update(json.dumps(spec, sort_keys=True, default=str).encode())
    digest.update(__version__.encode())
    if job.data is not None:
        files = sorted(p for p in Path(job.data).rglob("*") if p.is_file())
        for file in files:
            digest.update(str(file.relative_to(job.data)).encode())
            _hash_file(digest, file)
    template = _template_file(job.template)
    if template is not None:
        _hash_file(digest, template)
    return digest.hexdigest()


def is_fresh(folder: Path, key: str) -> bool:
    """Whether ``folder`` holds a finished evaluation produced under ``key``."""
    marker = folder / KEY_FILE
    return (
        marker.is_file()
        and marker.read_text(encoding="utf-8").strip() == key
        and (folder / "results.json").is_file()
    )


def mark_done(folder: Path, key: str) -> None:
    """Record that ``folder`` holds the finished evaluation for ``key``."""
    (folder / KEY_FILE).write_text(key + "\n", encoding="utf-8")
