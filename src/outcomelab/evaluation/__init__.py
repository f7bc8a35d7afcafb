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
    from outcomelab.evaluation.diagnostics import Diagnostics, diagnose, rate_evidence
    from outcomelab.evaluation.estimates import Estimates, OutcomeEstimate, estimate
    from outcomelab.evaluation.robustness import RobustnessCheck, check_robustness
    from outcomelab.evaluation.sample_flow import SampleFlow, count_sample_flow
    from outcomelab.evaluation.settings import EvaluationSettings
    from outcomelab.evaluation.setup import Setup, prepare
    from outcomelab.evaluation.standard import Evaluation, run_evaluation
    from outcomelab.evaluation.valuation import Valuation, value_effects

__all__ = [
    "SCHEMA_VERSION",
    "Diagnostics",
    "Estimates",
    "Evaluation",
    "EvaluationSettings",
    "OutcomeEstimate",
    "RobustnessCheck",
    "SampleFlow",
    "Setup",
    "Valuation",
    "check_robustness",
    "count_sample_flow",
    "diagnose",
    "estimate",
    "prepare",
    "rate_evidence",
    "run_evaluation",
    "value_effects",
]

#: version of the results.json format the steps fill (``data_schemas/results/``)
SCHEMA_VERSION = "1.0"

_WHERE = {
    "Diagnostics": "diagnostics",
    "diagnose": "diagnostics",
    "rate_evidence": "diagnostics",
    "Estimates": "estimates",
    "OutcomeEstimate": "estimates",
    "estimate": "estimates",
    "RobustnessCheck": "robustness",
    "check_robustness": "robustness",
    "SampleFlow": "sample_flow",
    "count_sample_flow": "sample_flow",
    "EvaluationSettings": "settings",
    "Setup": "setup",
    "prepare": "setup",
    "Evaluation": "standard",
    "run_evaluation": "standard",
    "Valuation": "valuation",
    "value_effects": "valuation",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"outcomelab.evaluation.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'outcomelab.evaluation' has no attribute {name!r}")
