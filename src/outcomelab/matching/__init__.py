"""outcomelab.matching: matching on the propensity score or covariates, for the ATT.

``match(data, treatment=..., covariates=...)`` returns a :class:`MatchResult` with
``.matched_data``, ``.propensity``, ``.balance()`` and ``.effect(outcome)``.
"""

from outcomelab.matching.matcher import match
from outcomelab.matching.result import MatchResult
from outcomelab.matching.weighting import WeightingResult, weighting

__all__ = ["MatchResult", "WeightingResult", "match", "weighting"]
