"""Sensitivity to unmeasured confounding: Rosenbaum bounds for matched pairs and E-values."""

from outcomelab.sensitivity.evalue import EValue, e_value, e_value_for_effect, e_value_rr
from outcomelab.sensitivity.rosenbaum import RosenbaumBounds, pair_differences, rosenbaum_bounds

__all__ = [
    "EValue",
    "RosenbaumBounds",
    "e_value",
    "e_value_for_effect",
    "e_value_rr",
    "pair_differences",
    "rosenbaum_bounds",
]
