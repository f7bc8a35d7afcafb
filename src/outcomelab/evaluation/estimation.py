"""The estimates behind a standard evaluation: covariates, DiD at the follow-up, matching sample.

Kept apart from the notebook so that a test (or an evaluator by hand) gets the very same numbers
from the Python API: :func:`baseline_covariates` adds numeric baseline columns to the panel,
:func:`did_effect` runs :func:`outcomelab.did.att_gt` and reads ATT(e) at the follow-up event time,
:func:`matching_sample` builds the one-row-per-person (per start cohort) table matching needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab.errors import EmptyGroupError, EstimationError, OutcomelabError

if TYPE_CHECKING:
    from outcomelab.did import GroupTimeResult
    from outcomelab.matching import MatchResult
    from outcomelab.results import EffectResult

__all__ = [
    "DidEstimate",
    "MatchingEstimate",
    "baseline_covariates",
    "did_effect",
    "did_effects",
    "event_time",
    "matching_effect",
    "matching_sample",
]


def event_time(follow_up_months: int, panel: pd.DataFrame | None = None) -> int:
    """Event time at which ``follow_up_months`` is read (``rel_time = period - cohort``).

    The rule is :func:`outcomelab.design.followup_event_time`'s, for the panel's periodicity
    (``panel.attrs["panel_info"]["period_type"]``, which :func:`~outcomelab.design.build_panel`
    records; yearly when the panel does not say): yearly data read 24 months at event time 2,
    monthly data at event time 24.
    """
    from outcomelab.design import followup_event_time

    info = (panel.attrs.get("panel_info") or {}) if panel is not None else {}
    return followup_event_time(follow_up_months, str(info.get("period_type") or "year"))


def baseline_covariates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Add numeric baseline covariates to ``frame`` (panel or one row per person).

    The covariates are the panel's: the recommended person columns present and the submission's
    declared ones (see :func:`outcomelab.design.analysis_covariates`).

    Returns
    -------
    frame, names
        A copy with ``cov_*`` columns (numbers, 0/1 dummies for categories, reference level left
        out) and the list of their names. Constant columns are left out.
    """
    from outcomelab.design import analysis_covariates

    out, covariates = analysis_covariates(frame)
    out.attrs["covariate_set"] = covariates.to_dict()
    return out, list(covariates.columns)


@dataclass(frozen=True)
class DidEstimate:
    """Group-time DiD for one outcome and the effect at the follow-up."""

    outcome: str
    group_time: GroupTimeResult
    dynamic: EffectResult
    effect: EffectResult
    n_treated: int
    n_control: int
    #: participants who reached the follow-up but were dropped by ``att_gt`` because their
    #: outcome (or a covariate) is missing in some year: the balanced panel R did uses
    n_incomplete: int = 0


def did_effect(
    panel: pd.DataFrame,
    *,
    outcome: str,
    follow_up_months: int,
    covariates: Sequence[str] | None,
    control_group: str = "never_treated",
    alpha: float = 0.05,
    seed: int | None = None,
    method: str = "dr",
    weights: str | None = None,
) -> DidEstimate:
    """ATT at the follow-up event time from :func:`outcomelab.did.att_gt`.

    Parameters
    ----------
    panel
        The analysis panel (``unit, period, cohort`` and the outcome).
    outcome
        Outcome column.
    follow_up_months
        Follow-up; the effect is ATT(e) with ``e = follow_up_months // 12`` (``aggregate("dynamic",
        min_e=e, max_e=e)``).
    covariates
        Baseline covariates for conditional parallel trends (``None``: unconditional).
    control_group, alpha, seed, method
        Passed to ``att_gt``.
    weights
        Column of one weight per unit (aggregate units: the persons behind each unit), passed
        to ``att_gt(weights=)``; ``None`` weighs every unit equally.

    Returns
    -------
    DidEstimate
        ``effect`` is the ATT(e) result; ``n_treated`` counts the participants of the cohorts
        observed at event time e that ``att_gt`` kept, ``n_control`` the never-treated units it
        kept and ``n_incomplete`` the participants it dropped for a year without an outcome.

    Raises
    ------
    EmptyGroupError
        If no cohort is observed at the follow-up event time.
    """
    from outcomelab.did import att_gt

    reach = _FollowUp.of(panel, follow_up_months)
    gt = att_gt(
        panel,
        outcome=outcome,
        unit="unit",
        time="period",
        cohort="cohort",
        control_group=control_group,  # type: ignore[arg-type]
        covariates=list(covariates) if covariates else None,
        method=method,  # type: ignore[arg-type]
        alpha=alpha,
        seed=seed,
        weights=weights,
    )
    return reach.estimate(outcome, gt)


def did_effects(
    panel: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    follow_up_months: int,
    covariates: Sequence[str] | None,
    control_group: str = "never_treated",
    alpha: float = 0.05,
    seed: int | None = None,
    method: str = "dr",
    weights: str | None = None,
) -> dict[str, DidEstimate | OutcomelabError]:
    """:func:`did_effect` of several outcomes of the panel in one
    :func:`outcomelab.did.att_gt_many` call (the panel is reshaped once and each cell sample's
    propensity score and comparison regression are fitted once for every outcome).

    Returns
    -------
    dict
        Outcome -> :class:`DidEstimate`, or the error that says why that outcome could not be
        estimated (the others are estimated as usual).

    Raises
    ------
    EmptyGroupError
        If no cohort is observed at the follow-up event time.
    OutcomelabError
        Errors of the call itself (columns, cohorts, options), as :func:`did_effect`.
    """
    from outcomelab.did import att_gt_many

    reach = _FollowUp.of(panel, follow_up_months)
    results = att_gt_many(
        panel,
        outcomes=list(outcomes),
        errors="return",
        unit="unit",
        time="period",
        cohort="cohort",
        control_group=control_group,
        covariates=list(covariates) if covariates else None,
        method=method,
        alpha=alpha,
        seed=seed,
        weights=weights,
    )
    found: dict[str, DidEstimate | OutcomelabError] = {}
    for outcome, gt in results.items():
        try:
            found[outcome] = gt if isinstance(gt, OutcomelabError) else reach.estimate(outcome, gt)
        except OutcomelabError as err:
            found[outcome] = err
    return found


@dataclass(frozen=True)
class _FollowUp:
    """The follow-up event time and the start cohorts that reached it."""

    panel: pd.DataFrame
    e: int
    last: int
    persons: pd.DataFrame
    reached: pd.DataFrame
    months: int

    @classmethod
    def of(cls, panel: pd.DataFrame, follow_up_months: int) -> _FollowUp:
        e = event_time(follow_up_months, panel)
        last = int(panel["period"].max())
        persons = panel.loc[~panel["unit"].duplicated(), ["unit", "cohort"]]
        reached = persons[(persons["cohort"] > 0) & (persons["cohort"] + e <= last)]
        if reached.empty:
            raise EmptyGroupError(
                f"No start cohort is observed {follow_up_months} months after its start (the "
                f"data end in {last}); shorten `follow_up_months` or submit later outcome years.",
                key="ne_no_cohort_at_follow_up",
                values={"months": follow_up_months, "last": last},
            )
        return cls(panel, e, last, persons, reached, follow_up_months)

    def estimate(self, outcome: str, gt: GroupTimeResult) -> DidEstimate:
        """ATT(e) of ``gt`` and the participants it kept and dropped."""
        e, last, persons = self.e, self.last, self.persons
        dynamic = gt.aggregate("dynamic")
        at_e = gt.aggregate("dynamic", min_e=e, max_e=e)
        # counted among the units att_gt kept (it balances the panel, as R did does)
        kept = persons["cohort"].to_numpy() if gt.state is None else gt.state.unit_cohort
        n_treated = int(((kept > 0) & (kept + e <= last)).sum())
        started_in_panel = int((self.reached["cohort"] > int(self.panel["period"].min())).sum())
        return DidEstimate(
            outcome,
            gt,
            dynamic,
            at_e,
            n_treated,
            int((kept == 0).sum()),
            n_incomplete=max(started_in_panel - n_treated, 0),
        )


def matching_sample(
    panel: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    follow_up_months: int,
    covariates: Sequence[str],
    weights: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per participant and, per start cohort, one row per comparison candidate.

    For each cohort ``g`` observed at the follow-up, the cohort's participants and every comparison
    candidate get the outcomes of year ``g + e`` (the follow-up) and, as baseline history, the
    outcomes of year ``g - 1`` when observed. ``stratum`` is the cohort: match exactly on it.

    ``weights`` names a column of one weight per unit (aggregate units), kept in the sample
    under the same name.

    Returns
    -------
    sample, covariates
        The table (columns ``unit, stratum, treated``, the outcomes, ``<outcome>_before``, the
        covariates and the weight column) and the covariates to match on (baseline plus outcome
        history), in their own units (the propensity fit and the outcome regression in
        :mod:`outcomelab.matching` do not depend on them).
    """
    e = event_time(follow_up_months, panel)
    first, last = int(panel["period"].min()), int(panel["period"].max())
    # only the columns read (the panel also holds pseudonyms and text columns)
    wanted = ["unit", "cohort", *covariates, *([weights] if weights is not None else [])]
    persons = panel.loc[~panel["unit"].duplicated(), list(dict.fromkeys(wanted))]
    persons = persons.set_index("unit")
    cohorts = sorted(int(g) for g in persons["cohort"].unique() if g > 0 and g + e <= last)
    if not cohorts:
        raise EmptyGroupError(
            f"No start cohort is observed {follow_up_months} months after its start (the data end "
            f"in {last}); shorten `follow_up_months` or submit later outcome years.",
            key="ne_no_cohort_at_follow_up",
            values={"months": follow_up_months, "last": last},
        )
    history = all(g - 1 >= first for g in cohorts)
    rows = _RowLookup(panel, persons.index)
    cohort = persons["cohort"].to_numpy()
    comparison = np.flatnonzero(cohort == 0)
    parts = []
    for g in cohorts:
        at = np.concatenate([np.flatnonzero(cohort == g), comparison])
        part = pd.DataFrame({"unit": persons.index.to_numpy()[at], "stratum": g})
        part["treated"] = (cohort[at] == g).astype(int)
        for o in outcomes:
            part[o] = rows.values(o, at, g + e)
        if history:
            for o in outcomes:
                part[f"{o}_before"] = rows.values(o, at, g - 1)
        part[list(covariates)] = persons[list(covariates)].to_numpy()[at]
        if weights is not None:
            part[weights] = persons[weights].to_numpy()[at]
        parts.append(part)
    sample = pd.concat(parts, ignore_index=True)
    match_on = list(covariates) + ([f"{o}_before" for o in outcomes] if history else [])
    match_on = [c for c in match_on if sample[c].nunique(dropna=True) > 1]
    return sample, match_on


class _RowLookup:
    """The panel row of each (unit, period): one integer array, no index of the panel."""

    def __init__(self, panel: pd.DataFrame, units: pd.Index) -> None:
        self.panel = panel
        period = panel["period"].to_numpy()
        self.periods = np.unique(period)
        self.row = np.full((len(units), self.periods.size), -1, dtype=np.intp)
        unit_at = units.get_indexer(panel["unit"].to_numpy())
        self.row[unit_at, np.searchsorted(self.periods, period)] = np.arange(len(panel))

    def values(self, outcome: str, at: np.ndarray, period: int) -> np.ndarray:
        """``outcome`` of the units at positions ``at`` in ``period`` (missing without a row)."""
        k = int(np.searchsorted(self.periods, period))
        if k == self.periods.size or self.periods[k] != period:
            return np.full(at.size, np.nan)
        row = self.row[at, k]
        values = self.panel[outcome].to_numpy(dtype=np.float64)
        return np.where(row >= 0, values[np.maximum(row, 0)], np.nan)


@dataclass(frozen=True)
class MatchingEstimate:
    """The matched sample and the effect per outcome at the follow-up (or why there is none)."""

    matched: MatchResult
    effects: dict[str, EffectResult]
    #: the estimator's error per outcome (the report says it with its text key or kind)
    errors: dict[str, EstimationError] = field(default_factory=dict)


def matching_effect(
    sample: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    covariates: Sequence[str],
    alpha: float = 0.05,
    seed: int | None = None,
    adjust: bool = True,
    caliper: float | None = 0.2,
    weights: str | None = None,
) -> MatchingEstimate:
    """Nearest-neighbour matching on the propensity score within start cohorts, then the ATT.

    Parameters
    ----------
    sample
        From :func:`matching_sample`, rows with missing covariates removed.
    outcomes, covariates
        Outcome columns and the columns to match on.
    alpha, seed
        Interval level and random seed.
    adjust
        Regression adjustment for the covariates in the matched sample (recommended when the
        baseline differences are between 0.05 and 0.25 SD).
    caliper
        In standard deviations of the logit of the propensity score (Austin 2011: 0.2).
    weights
        Column of sampling weights (aggregate units: the persons behind each unit), passed to
        ``match(weights=)``: the propensity fit, balance and effect are weighted by it, combined
        with the matching weights.

    Returns
    -------
    MatchingEstimate
        ``errors`` holds the reason for every outcome whose effect could not be estimated (a
        constant outcome raises EstimationError); the caller decides whether that is fatal.
    """
    from outcomelab.matching import match

    matched = match(
        sample,
        treatment="treated",
        covariates=list(covariates),
        method="nearest",
        distance="logit",
        ratio=1,
        caliper=caliper,
        exact="stratum",
        seed=seed,
        weights=weights,
    )
    effects: dict[str, Any] = {}
    errors: dict[str, EstimationError] = {}
    for o in outcomes:
        try:
            effects[o] = _matched_effect(matched, o, list(covariates), alpha=alpha, adjust=adjust)
        except EstimationError as err:  # e.g. an outcome that is constant among the matched
            errors[o] = err
    return MatchingEstimate(matched, effects, errors)


def _matched_effect(
    matched: MatchResult, outcome: str, covariates: list[str], *, alpha: float, adjust: bool
) -> EffectResult:
    if not adjust:
        return matched.effect(outcome, None, alpha=alpha)
    try:
        return matched.effect(outcome, covariates, alpha=alpha)
    except EstimationError:
        # a covariate is constant or collinear among the matched units: adjust for the
        # baseline covariates without the outcome history
        baseline = [c for c in covariates if c.startswith("cov_")]
        return matched.effect(outcome, baseline or None, alpha=alpha)
