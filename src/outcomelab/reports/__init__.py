"""Standard evaluation reports: Papermill templates -> executed notebook -> HTML and results.json.

``evaluate(data=... | submission=..., out=...)`` runs ``templates/standard_evaluation.ipynb`` and
returns an :class:`EvaluationRun` with the paths and the results dict. The template's cells are
short calls into :mod:`outcomelab.evaluation.standard` and :mod:`outcomelab.reports.render`, so the
logic is tested without a kernel. The results.json format is ``data_schemas/results/``.

The names below are imported on first use: the report kernel imports only the modules its cells
need (``nbformat``/``jsonschema`` alone take seconds to import).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outcomelab.reports.api import TEMPLATES, EvaluationRun, evaluate, resolve_template
    from outcomelab.reports.results_json import SCHEMA_VERSION, read_results, validate_results

__all__ = [
    "SCHEMA_VERSION",
    "TEMPLATES",
    "EvaluationRun",
    "evaluate",
    "read_results",
    "resolve_template",
    "validate_results",
]

_WHERE = {
    "TEMPLATES": "api",
    "EvaluationRun": "api",
    "evaluate": "api",
    "resolve_template": "api",
    "SCHEMA_VERSION": "results_json",
    "read_results": "results_json",
    "validate_results": "results_json",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"outcomelab.reports.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'outcomelab.reports' has no attribute {name!r}")
