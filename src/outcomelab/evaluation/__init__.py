"""The standard evaluation's analysis steps, from a submission to the numbers of results.json.

Load the submission and choose the design, estimate every outcome, diagnose, check robustness,
rate the evidence, count the sample flow and value the effects: :class:`Evaluation` runs the steps
in that order. Every number comes from the public estimators (:mod:`outcomelab.did`,
:mod:`outcomelab.matching`, :mod:`outcomelab.economics`). The report templates
(:mod:`outcomelab.reports`) call these steps and only render their results.

The names below are imported on first use, so ``import outcomelab.evaluation`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outcomelab.evaluation.standard import Evaluation, OutcomeEstimate

__all__ = ["SCHEMA_VERSION", "Evaluation", "OutcomeEstimate"]

#: version of the results.json format the steps fill (``data_schemas/results/``)
SCHEMA_VERSION = "1.0"

_WHERE = {"Evaluation": "standard", "OutcomeEstimate": "standard"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"outcomelab.evaluation.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'outcomelab.evaluation' has no attribute {name!r}")
