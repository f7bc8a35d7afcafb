"""Choose the evaluation design from the data, and say why in plain words.

``auto``: staggered starts with enough pre-periods -> group-time difference-in-differences
(Callaway & Sant'Anna); a single start year with enough pre-periods -> 2x2 difference-in-differences
with an event study; too few pre-periods to check parallel trends -> propensity-score matching on
baseline history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from outcomelab.errors import EstimationError, ParameterError
from outcomelab.vocabulary.phrases import Joined, Text, phrase

__all__ = ["MIN_PRE_PERIODS", "DesignChoice", "choose_design"]

#: years before the first start needed to test parallel trends (one placebo period plus the base)
MIN_PRE_PERIODS = 2


@dataclass(frozen=True)
class DesignChoice:
    """The design behind the headline numbers and the reason (language-neutral: shown in the
    reader's language with :func:`outcomelab.vocabulary.phrases.in_language`)."""

    requested: str
    chosen: Literal["did", "matching", "both", "synthetic"]
    estimator: Literal["att_gt", "did_2x2", "matching", "sdid", "its"]
    reason: Text
    cohorts: tuple[int, ...]
    pre_periods: int

    @property
    def uses_did(self) -> bool:
        """Whether the headline comes from difference-in-differences."""
        return self.chosen in ("did", "both")

    @property
    def uses_synthetic(self) -> bool:
        """Whether the headline comes from an aggregate-unit design (synthetic DiD or
        interrupted time series)."""
        return self.chosen == "synthetic"


def choose_design(
    cohorts: Sequence[int],
    periods: Sequence[int],
    *,
    requested: str = "auto",
    control_group: str = "never_treated",
) -> DesignChoice:
    """Choose between group-time DiD, 2x2 DiD and matching.

    Parameters
    ----------
    cohorts
        Start years of the treated persons (0 and duplicates are ignored).
    periods
        Observed years.
    requested
        ``auto``, ``did``, ``matching`` or ``both``.
    control_group
        DiD comparison group (for the wording).

    Returns
    -------
    DesignChoice

    Raises
    ------
    ParameterError
        For an unknown ``requested`` design.
    EstimationError
        If DiD is requested but there is no observed year before the first start, or if there are
        no treated cohorts.

    Examples
    --------
    >>> choose_design([2019, 2020], range(2015, 2025)).estimator
    'att_gt'
    >>> choose_design([2016], range(2015, 2025)).estimator
    'matching'
    """
    if requested not in ("auto", "did", "matching", "both"):
        raise ParameterError(
            f"`design` must be one of 'auto', 'did', 'matching', 'both'; got {requested!r}."
        )
    groups = tuple(sorted({int(c) for c in cohorts if int(c) != 0}))
    if not groups:
        raise EstimationError(
            "No participant has a start year inside the data, so there is nothing to evaluate; "
            "check the start dates in the participants table."
        )
    years = sorted({int(p) for p in periods})
    pre = sum(1 for y in years if y < groups[0])
    listed = ", ".join(str(g) for g in groups)
    staggered = len(groups) > 1
    did_estimator: Literal["att_gt", "did_2x2"] = "att_gt" if staggered else "did_2x2"
    did_reason = phrase(
        "d_staggered" if staggered else "d_single",
        k=len(groups),
        cohorts=listed,
        pre=pre,
        control=phrase(f"cg_{control_group}"),
    )
    if requested == "auto":
        if pre < MIN_PRE_PERIODS:
            return DesignChoice(
                requested, "matching", "matching", phrase("d_matching", pre=pre), groups, pre
            )
        return DesignChoice(requested, "did", did_estimator, did_reason, groups, pre)
    if requested in ("did", "both") and pre < 1:
        raise EstimationError(
            f"Difference-in-differences needs at least one observed year before the first start "
            f"({groups[0]}); the data start in {years[0]}. Use design='matching' or submit "
            "earlier outcome years."
        )
    fixed = phrase("d_requested", design=requested)
    if requested == "matching":
        return DesignChoice(
            requested,
            "matching",
            "matching",
            Joined((fixed, phrase("d_matching", pre=pre))),
            groups,
            pre,
        )
    reason = Joined((fixed, did_reason, *([phrase("d_both")] if requested == "both" else [])))
    chosen: Literal["did", "both"] = "both" if requested == "both" else "did"
    return DesignChoice(requested, chosen, did_estimator, reason, groups, pre)
