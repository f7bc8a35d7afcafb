"""The numerical core the estimators share: one logistic fit, one cluster-robust covariance, one
categorical expansion and one JSON-safe conversion of values.

This package sits on the lowest floor: it imports NumPy, pandas, SciPy (on first use) and
:mod:`outcomelab.errors` only, so every estimator (``did``, ``matching``, ``balance``) and every
writer of results can use it without an import running up a floor.
"""

from outcomelab.numerics.categorical import (
    Expansion,
    category_levels,
    expand_categorical,
    is_categorical,
)
from outcomelab.numerics.cluster_vcov import cr1_vcov, fixef_dof, is_nested
from outcomelab.numerics.json_values import finite_or_none, json_safe
from outcomelab.numerics.logistic import BinomialFit, fit_binomial

__all__ = [
    "BinomialFit",
    "Expansion",
    "category_levels",
    "cr1_vcov",
    "expand_categorical",
    "finite_or_none",
    "fit_binomial",
    "fixef_dof",
    "is_categorical",
    "is_nested",
    "json_safe",
]
