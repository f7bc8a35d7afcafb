"""The small example submission that ``make demo`` and the tests use, and its truth.

The small example (600 participants, 6,000 comparison candidates) is not shipped as files: its CSVs
would be about 25 MB. It is generated deterministically on first use (about a second) and cached in
the user's cache folder; the same generator version and seed always give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from outcomelab.errors import ReadError
from outcomelab.example import generator
from outcomelab.example.generator import _GENERATOR_VERSION, generate_example

__all__ = ["EXAMPLE_FILES", "SMALL_EXAMPLE", "example_dir", "load_truth"]

#: sizes and seed of the small example returned by :func:`example_dir`
SMALL_EXAMPLE: dict[str, int] = {"n_participants": 600, "n_pool": 6000, "seed": 20261127}
#: files of an example folder
EXAMPLE_FILES = (
    "interventions.csv",
    "participants.csv",
    "outcomes.csv",
    "costs.csv",
    "truth.json",
)


def _cache_root() -> Path:
    explicit = os.environ.get("OUTCOMELAB_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "outcomelab"


def example_dir() -> Path:
    """Return the folder holding the small example submission (generated and cached on first use).

    Returns
    -------
    pathlib.Path
        Folder with ``interventions.csv``, ``participants.csv``, ``outcomes.csv``, ``costs.csv``
        and ``truth.json`` for 600 participants and 6,000 comparison candidates. It lives under
        ``$OUTCOMELAB_CACHE`` (default ``$XDG_CACHE_HOME/outcomelab`` or ``~/.cache/outcomelab``).
        Treat it as read-only; copy it before changing anything.

    Notes
    -----
    The folder is written to a temporary sibling and renamed into place, so concurrent first
    calls (e.g. parallel test workers) never see a half-written example.
    """
    s = SMALL_EXAMPLE
    # the generator's own source is part of the key: a changed generator never reuses a stale copy
    code = hashlib.sha256(Path(generator.__file__).read_bytes()).hexdigest()[:10]
    name = f"example-v{_GENERATOR_VERSION}-{code}-{s['n_participants']}-{s['n_pool']}-{s['seed']}"
    root = _cache_root()
    target = root / name
    if all((target / f).is_file() for f in EXAMPLE_FILES):
        return target
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        generate_example(tmp, **s)
        try:
            os.replace(tmp, target)
        except OSError:
            # another process won the race (target exists and is complete), or a stale
            # incomplete folder is in the way: replace that one
            if all((target / f).is_file() for f in EXAMPLE_FILES):
                return target
            shutil.rmtree(target, ignore_errors=True)
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def load_truth(path: str | Path | None = None) -> dict[str, Any]:
    """Read ``truth.json`` of an example folder.

    Parameters
    ----------
    path
        An example folder, or the ``truth.json`` file itself; default the small example
        (:func:`example_dir`).

    Returns
    -------
    dict
        The true effects; see :func:`~outcomelab.example.generate_example` for the definitions.

    Raises
    ------
    ReadError
        If there is no ``truth.json`` at ``path``.
    """
    p = example_dir() if path is None else Path(path)
    if p.is_dir():
        p = p / "truth.json"
    if not p.is_file():
        raise ReadError(
            f"No truth.json at {p}; pass a folder written by `outcomelab example --out DIR` "
            "or by outcomelab.example.generate_example(out_dir)."
        )
    result: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    return result
