"""The sample flow: from participants submitted to participants analysed, with reasons for dropping.

Counts are exact here; disclosure control (rounding, suppression) happens when publishing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import pandas as pd

from outcomelab.errors import ReportError
from outcomelab.evaluation.aggregate import units_word
from outcomelab.vocabulary.numbers import fmt_int
from outcomelab.vocabulary.phrases import Text, in_language, phrase
from outcomelab.vocabulary.texts import t

if TYPE_CHECKING:
    from outcomelab.evaluation.estimates import Estimates
    from outcomelab.evaluation.setup import Setup

__all__ = ["Drop", "SampleFlow", "count_sample_flow"]

_STAGES = ("valid", "eligible", "analysed")


@dataclass(frozen=True)
class Drop:
    """``count`` people did not reach ``stage`` because of ``reason`` (language-neutral)."""

    stage: str
    reason: Text
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
    #: the unit of analysis ("person", or an aggregate such as "municipality"): what is counted
    unit: str = "person"

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
        reasons: Sequence[tuple[str, Text, int]] = (),
        unit: str = "person",
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
            unit,
        )

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The ``sample_flow`` object of results.json (the reasons in ``lang``)."""
        return {
            "submitted": self.submitted,
            "valid": self.valid,
            "eligible": self.eligible,
            "analysed": self.analysed,
            "comparison_pool": self.comparison_pool,
            "comparison_analysed": self.comparison_analysed,
            "dropped": [
                {"stage": d.stage, "reason": in_language(d.reason, lang), "count": d.count}
                for d in self.dropped
            ],
        }

    def table(self, lang: str) -> pd.DataFrame:
        """Stage, number and the reasons people (or units) dropped out before it, in ``lang``."""
        # aggregate units are counted as units ("Inskickade kommuner med insatsen"), not persons
        suffix = "" if self.unit == "person" else "_units"
        words = {"units": units_word(self.unit, lang)} if suffix else {}

        def label(key: str) -> str:
            return t(key + suffix, lang, **words)

        rows = [(label("f_submitted"), fmt_int(self.submitted, lang), "")]
        for stage, key in zip(_STAGES, ("f_valid", "f_eligible", "f_analysed"), strict=True):
            count = getattr(self, stage)
            why = "; ".join(
                f"{fmt_int(d.count, lang)} {in_language(d.reason, lang)}"
                for d in self.dropped
                if d.stage == stage
            )
            rows.append((label(key), fmt_int(count, lang), why))
        rows.append((label("f_pool"), fmt_int(self.comparison_pool, lang), ""))
        rows.append((label("f_comparison"), fmt_int(self.comparison_analysed, lang), ""))
        return pd.DataFrame(
            rows, columns=[t("c_stage", lang), t("c_count", lang), t("c_reason", lang)]
        )


def count_sample_flow(setup: Setup, estimates: Estimates) -> SampleFlow:
    """Counts from submitted to analysed with the reasons people dropped out (step 5).

    Parameters
    ----------
    setup, estimates
        The evaluation's first two steps.

    Returns
    -------
    SampleFlow
    """
    inputs = setup.inputs
    part = inputs.participants
    if "group" in part.columns:
        part = part[part["group"] == "participant"]
    submitted = len(part)
    no_start = (
        int(part["start_date"].isna().sum() + (part["start_date"] == "None").sum())
        if "start_date" in part.columns
        else 0
    )
    persons = setup.units
    valid = min(int((persons["treated"] == 1).sum()), submitted)
    first, last = int(setup.panel["period"].min()), int(setup.panel["period"].max())
    cohorts = persons.loc[persons["treated"] == 1, "cohort"]
    too_late = int((cohorts + setup.event_time > last).sum())
    over_time = setup.design.uses_did or setup.design.uses_synthetic
    too_early = int((cohorts <= first).sum()) if over_time else 0
    missing = setup.missing_covariates
    eligible = max(valid - too_late - too_early - missing, 0)
    primary = estimates.primary
    analysed = min(int(primary.n_treated or 0), eligible)
    did = estimates.did.get(setup.primary)
    incomplete = min(did.n_incomplete, eligible - analysed) if did is not None else 0
    months = setup.settings.follow_up_months
    unused = "r_not_in_estimate" if over_time else "r_unmatched"
    reasons = [
        ("valid", phrase("r_no_start"), no_start),
        ("valid", phrase("r_no_outcomes"), submitted - valid - no_start),
        ("eligible", phrase("r_too_late", months=months), too_late),
        ("eligible", phrase("r_too_early"), too_early),
        ("eligible", phrase("r_missing_covariates"), missing),
        ("analysed", phrase("r_incomplete_years"), incomplete),
        ("analysed", phrase(unused), eligible - analysed - incomplete),
    ]
    return SampleFlow.build(
        submitted=submitted,
        valid=valid,
        eligible=eligible,
        analysed=analysed,
        comparison_pool=int((persons["cohort"] == 0).sum()),
        comparison_analysed=int(primary.n_control or 0),
        reasons=[(s, r, max(int(c), 0)) for s, r, c in reasons],
        unit=str(setup.unit_of_analysis()["unit"]),
    )
