"""Outcome contracts: a YAML definition, settlement under a rate card or a counterfactual rule with
every cap, and export in the INDIGO impact-bond data standard's field names."""

from outcomelab.contracts.evaluation import EvaluationResults, load_evaluation
from outcomelab.contracts.indigo import to_indigo
from outcomelab.contracts.loading import load_contract, parse_contract
from outcomelab.contracts.model import (
    PAYMENT_RULES,
    VALIDATION_METHODS,
    Contract,
    Investment,
    OutcomeMetric,
    Party,
    PaymentDate,
)
from outcomelab.contracts.settlement import CAP_ORDER, Settlement, settle, settle_files
from outcomelab.contracts.verified import load_verified

__all__ = [
    "CAP_ORDER",
    "PAYMENT_RULES",
    "VALIDATION_METHODS",
    "Contract",
    "EvaluationResults",
    "Investment",
    "OutcomeMetric",
    "Party",
    "PaymentDate",
    "Settlement",
    "load_contract",
    "load_evaluation",
    "load_verified",
    "parse_contract",
    "settle",
    "settle_files",
    "to_indigo",
]
