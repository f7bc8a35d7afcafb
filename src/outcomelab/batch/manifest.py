"""The batch manifest: which evaluations to run, read from YAML.

Example::

    defaults:            # applied to every evaluation unless it sets its own
      template: standard
      lang: sv
      params: {alpha: 0.05, seed: 20261127}
    evaluations:
      - name: norrkoping-unga
        data: submissions/norrkoping        # a folder of files in the standard schemas
        intervention: NKP-UNGA-2019
      - name: lund-halsa
        submission: 3f2a9c0d1e4b          # or a stored submission (with `store:`)
        store: /srv/outcomelab
        params: {primary_outcome: sick_leave_days}

Relative paths are relative to the manifest's folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from outcomelab.errors import ParameterError, ReadError
from outcomelab.safe_yaml import compose_text

__all__ = ["EvaluationJob", "load_manifest"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_JOB_KEYS = {"name", "data", "submission", "store", "intervention", "template", "lang", "params"}


@dataclass(frozen=True)
class EvaluationJob:
    """One evaluation to run: its inputs, template and parameters."""

    name: str
    template: str = "standard"
    lang: str = "sv"
    data: Path | None = None
    submission: str | None = None
    store: Path | None = None
    intervention: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe description of the job (paths as strings)."""
        return {
            "name": self.name,
            "template": self.template,
            "lang": self.lang,
            "data": None if self.data is None else str(self.data),
            "submission": self.submission,
            "store": None if self.store is None else str(self.store),
            "intervention": self.intervention,
            "params": self.params,
        }


def _line(node: yaml.Node | None) -> str:
    return f"line {node.start_mark.line + 1}" if node is not None else "?"


def load_manifest(path: str | Path) -> list[EvaluationJob]:
    """Read a batch manifest.

    Parameters
    ----------
    path
        The manifest YAML file.

    Returns
    -------
    list of EvaluationJob
        In manifest order.

    Raises
    ------
    ReadError
        The file is missing or not YAML.
    ParameterError
        A field is unknown, missing or invalid; the message names the evaluation and the line.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
        root = compose_text(text, source=f"Manifest {file}")
        raw = yaml.safe_load(text)
    except FileNotFoundError as err:
        raise ReadError(f"Manifest {file} does not exist.") from err
    except yaml.YAMLError as err:
        raise ReadError(f"Manifest {file} is not valid YAML: {err}") from err
    if not isinstance(raw, dict) or not isinstance(raw.get("evaluations"), list):
        raise ParameterError(
            f"Manifest {file} must have a list `evaluations:` (one entry per evaluation)."
        )
    nodes = _evaluation_nodes(root)
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - (_JOB_KEYS - {"name"}):
        raise ParameterError(
            f"Manifest {file}: `defaults` may only set {sorted(_JOB_KEYS - {'name'})}."
        )
    jobs: list[EvaluationJob] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw["evaluations"]):
        where = f"{file} {_line(nodes[i] if i < len(nodes) else None)}"
        if not isinstance(entry, dict):
            raise ParameterError(f"{where}: each evaluation must be a mapping of fields.")
        unknown = sorted(set(entry) - _JOB_KEYS)
        if unknown:
            raise ParameterError(
                f"{where}: unknown field(s) {unknown}; allowed are {sorted(_JOB_KEYS)}."
            )
        merged = {**defaults, **entry}
        merged["params"] = {**(defaults.get("params") or {}), **(entry.get("params") or {})}
        name = str(merged.get("name", ""))
        if not _NAME.match(name):
            raise ParameterError(
                f"{where}: `name` must be 1-100 letters, digits, '.', '_' or '-' (it names the "
                f"output folder); got {name!r}."
            )
        if name in seen:
            raise ParameterError(f"{where}: the name {name!r} is used twice.")
        seen.add(name)
        if (merged.get("data") is None) == (merged.get("submission") is None):
            raise ParameterError(f"{where}: give exactly one of `data` or `submission`.")
        if merged.get("lang", "sv") not in ("sv", "en"):
            raise ParameterError(f"{where}: `lang` must be 'sv' or 'en'; got {merged['lang']!r}.")
        jobs.append(
            EvaluationJob(
                name=name,
                template=str(merged.get("template", "standard")),
                lang=str(merged.get("lang", "sv")),
                data=_resolve(file, merged.get("data")),
                submission=None if merged.get("submission") is None else str(merged["submission"]),
                store=_resolve(file, merged.get("store")),
                intervention=None
                if merged.get("intervention") is None
                else str(merged["intervention"]),
                params=dict(merged["params"]),
            )
        )
    return jobs


def _resolve(manifest: Path, value: object) -> Path | None:
    if value is None:
        return None
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else (manifest.parent / path).resolve()


def _evaluation_nodes(root: yaml.Node | None) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "evaluations" and isinstance(value, yaml.SequenceNode):
            return list(value.value)
    return []
