"""What every result offers: the ``Result`` and ``EffectLike`` protocols.

Every estimator, diagnostic and aggregation returns an immutable object with at least
``tidy()`` (a copy of its table as a DataFrame), ``to_dict()`` (JSON-safe, NaN as ``None``) and
``summary()`` (plain text). Effect estimates (:class:`~outcomelab.results.EffectResult` and its
subclasses) also carry the headline numbers of :class:`EffectLike`. Code that consumes results
(reports, the evaluation steps, publishing) should type against these protocols, not against
concrete classes, so a new estimator fits by offering the same methods.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import pandas as pd

__all__ = ["EffectLike", "Result"]


@runtime_checkable
class Result(Protocol):
    """Any outcomelab result: a table, a JSON-safe dict and a text summary."""

    def tidy(self) -> pd.DataFrame:
        """A copy of the result's table (one row per term, comparison, level, ...)."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Everything in the result as plain JSON types (NaN and infinities as ``None``)."""
        ...

    def summary(self) -> str:
        """A plain-text summary for the console."""
        ...


@runtime_checkable
class EffectLike(Result, Protocol):
    """A result with a headline effect estimate.

    ``tidy()`` has the columns ``term, estimate, std_error, conf_low, conf_high, p_value`` first;
    the attributes are read-only (results never change after they are made).
    """

    @property
    def estimate(self) -> float: ...

    @property
    def std_error(self) -> float: ...

    @property
    def conf_low(self) -> float: ...

    @property
    def conf_high(self) -> float: ...

    @property
    def p_value(self) -> float: ...

    @property
    def n_treated(self) -> int: ...

    @property
    def n_control(self) -> int: ...

    @property
    def method(self) -> str: ...

    @property
    def estimand(self) -> str: ...

    @property
    def alpha(self) -> float: ...
