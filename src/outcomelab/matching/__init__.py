"""outcomelab.matching: matching on the propensity score or covariates, for the ATT.

``match(data, treatment=..., covariates=...)`` returns a :class:`MatchResult` with
``.matched_data``, ``.propensity``, ``.balance()`` and ``.effect(outcome)``.
"""

from outcomelab.matching.match import match
from outcomelab.matching.result import MatchResult

__all__ = ["MatchResult", "match"]
