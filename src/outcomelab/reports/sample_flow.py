"""The sample flow: from participants submitted to participants analysed, with reasons for dropping.

Counts are exact here; disclosure control (rounding, suppression) happens when publishing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pandas as pd

from outcomelab.errors import ReportError
from outcomelab.reports.i18n import t
from outcomelab.vocabulary.numbers import fmt_int

__all__ = ["Drop", "SampleFlow"]

_STAGES = ("valid", "eligible", "analysed")


@dataclass(frozen=True)
class Drop:
    """``count`` people did not reach ``stage`` because of ``reason`` (report language)."""

    stage: str
    reason: str
    count: int


@dataclass(frozen=True)
class SampleFlow:
    """Counts of participants at each stage and of the comparison group.

    Raises
    ------
    ReportError
        If the counts are not non-increasing from ``submitted`` to ``analysed``.
    """

    submitted: int
    valid: int
    eligible: int
    analysed: int
    comparison_pool: int
    comparison_analysed: int
    dropped: tuple[Drop, ...] = field(default=())

    def __post_init__(self) -> None:
        chain = [self.submitted, self.valid, self.eligible, self.analysed]
        if any(b > a for a, b in pairwise(chain)) or min(chain) < 0:
            raise ReportError(
                "The sample flow must not grow from stage to stage; got submitted "
                f"{self.submitted}, valid {self.valid}, eligible {self.eligible}, analysed "
                f"{self.analysed}. This is a bug in the report's bookkeeping."
            )
        for drop in self.dropped:
            if drop.stage not in _STAGES:
                raise ReportError(f"Unknown sample-flow stage {drop.stage!r}; use {_STAGES}.")

    @classmethod
    def build(
        cls,
        *,
        submitted: int,
        valid: int,
        eligible: int,
        analysed: int,
        comparison_pool: int,
        comparison_analysed: int,
        reasons: Sequence[tuple[str, str, int]] = (),
    ) -> SampleFlow:
        """Make a flow; ``reasons`` are ``(stage, reason, count)`` with zero counts left out."""
        drops = tuple(Drop(s, r, int(c)) for s, r, c in reasons if int(c) > 0)
        return cls(
            int(submitted),
            int(valid),
            int(eligible),
            int(analysed),
            int(comparison_pool),
            int(comparison_analysed),
            drops,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``sample_flow`` object of results.json."""
        return {
            "submitted": self.submitted,
            "valid": self.valid,
            "eligible": self.eligible,
            "analysed": self.analysed,
            "comparison_pool": self.comparison_pool,
            "comparison_analysed": self.comparison_analysed,
            "dropped": [
                {"stage": d.stage, "reason": d.reason, "count": d.count} for d in self.dropped
            ],
        }

    def table(self, lang: str) -> pd.DataFrame:
        """Stage, number and the reasons people dropped out before it, in ``lang``."""
        rows = [(t("f_submitted", lang), fmt_int(self.submitted, lang), "")]
        for stage, key in zip(_STAGES, ("f_valid", "f_eligible", "f_analysed"), strict=True):
            count = getattr(self, stage)
            why = "; ".join(
                f"{fmt_int(d.count, lang)} {d.reason}" for d in self.dropped if d.stage == stage
            )
            rows.append((t(key, lang), fmt_int(count, lang), why))
        rows.append((t("f_pool", lang), fmt_int(self.comparison_pool, lang), ""))
        rows.append((t("f_comparison", lang), fmt_int(self.comparison_analysed, lang), ""))
        return pd.DataFrame(
            rows, columns=[t("c_stage", lang), t("c_count", lang), t("c_reason", lang)]
        )
