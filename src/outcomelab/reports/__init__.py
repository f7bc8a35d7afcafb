"""Standard evaluation reports: Papermill templates -> executed notebook -> HTML and results.json.

``evaluate(data=... | submission=..., out=...)`` runs ``templates/standard_evaluation.ipynb`` and
returns an :class:`EvaluationRun` with the paths and the results dict. The template's cells are
short calls into :mod:`outcomelab.reports.evaluation` and :mod:`outcomelab.reports.render`, so the
logic is tested without a kernel. The results.json format is ``data_schemas/results/``.
"""

from __future__ import annotations

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
