"""What a planned design can show: minimum detectable effect, participants needed, publication.

:func:`assess` turns a :class:`~outcomelab.planning.design.PlannedDesign` into a
:class:`PlanAssessment`: the closed-form power of the lab's difference-in-differences (one period
before the start against the follow-up period, as the group-time estimator reads it), the
participants needed for the hoped-for effect with the stated comparison pool, whether the lab's
publication minimum will be met, and the evaluability checklist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from outcomelab.disclosure import DisclosurePolicy
from outcomelab.numerics import json_safe
from outcomelab.planning.design import PlannedDesign
from outcomelab.planning.power import (
    did_variance_factor,
    power_two_group,
    solve_effect_size,
    solve_treated,
)
from outcomelab.vocabulary import lab_catalogue

__all__ = ["CheckItem", "PlanAssessment", "assess"]

Status = Literal["yes", "no", "unknown"]

#: fewest treated municipalities for which a t-based closed form is a fair guide (below: simulate)
MIN_TREATED_UNITS_CLOSED_FORM = 5


@dataclass(frozen=True)
class CheckItem:
    """One line of the evaluability checklist: ``key`` names the question, ``status`` the answer."""

    key: str
    status: Status
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanAssessment:
    """The planned design's power, sample size and evaluability (read-only).

    Attributes
    ----------
    design
        The design assessed.
    sigma, variance_factor, sigma_effective
        Outcome SD per unit and period, the DiD variance factor ``f`` and ``sigma sqrt(f)``.
    n_treated, n_control
        Treated and comparison units used in the power calculation.
    mde, mde_standardised
        Minimum detectable effect at the wanted power (outcome units; over ``sigma_effective``).
    power_at_hoped
        Power to detect the hoped-for effect.
    treated_needed
        Treated units (participants analysed, or municipalities) needed for the hoped effect
        with the stated comparison pool; ``None`` if unattainable.
    participants_per_cohort_needed
        Participants to recruit per cohort, before attrition (person designs).
    publishable
        Whether the expected participants reach the lab's publication minimum.
    expected_events
        Binary outcomes: expected participants with the outcome at the base rate.
    checklist
        The evaluability checklist.
    notes
        Keys of remarks for the reader (rendered by :mod:`outcomelab.planning.words`).
    """

    design: PlannedDesign
    sigma: float
    variance_factor: float
    sigma_effective: float
    n_treated: int
    n_control: int
    mde: float
    mde_standardised: float
    power_at_hoped: float
    treated_needed: float | None
    participants_per_cohort_needed: int | None
    publishable: bool
    min_cohort: int
    min_cell: int
    expected_events: float | None
    checklist: tuple[CheckItem, ...]
    notes: tuple[str, ...] = ()

    @property
    def detectable(self) -> bool:
        """Whether the hoped-for effect reaches the wanted power (to the half percentage point
        the plan shows, so the words never say "only 80 %" of an 80 % target)."""
        return self.power_at_hoped >= self.design.power - 0.005

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the assessment."""
        return json_safe(
            {
                "design": self.design.to_dict(),
                "sigma": self.sigma,
                "variance_factor": self.variance_factor,
                "sigma_effective": self.sigma_effective,
                "n_treated": self.n_treated,
                "n_control": self.n_control,
                "mde": self.mde,
                "mde_standardised": self.mde_standardised,
                "power_at_hoped": self.power_at_hoped,
                "detectable": self.detectable,
                "treated_needed": self.treated_needed,
                "participants_per_cohort_needed": self.participants_per_cohort_needed,
                "publishable": self.publishable,
                "min_cohort": self.min_cohort,
                "min_cell": self.min_cell,
                "expected_events": self.expected_events,
                "checklist": [
                    {"key": c.key, "status": c.status, **c.values} for c in self.checklist
                ],
                "notes": list(self.notes),
            }
        )


def _checklist(d: PlannedDesign, publishable: bool, detectable: bool) -> tuple[CheckItem, ...]:
    # the lab's standard outcomes are all defined on national registers
    standard = d.outcome in lab_catalogue()
    if d.outcome_source == "unknown":
        in_registers: Status = "yes" if standard else "unknown"
    else:
        in_registers = "no" if d.outcome_source == "own_records" else "yes"
    source = d.outcome_source
    if source == "unknown" and standard:
        source = "register"
    items = [
        CheckItem("comparison_group", "yes" if d.comparison_group and d.comparison_pool else "no"),
        CheckItem("outcome_in_registers", in_registers, {"source": source}),
        CheckItem(
            "start_dates",
            "yes" if d.start_dates_recorded else ("unknown" if d.unit == "aggregate" else "no"),
        ),
        CheckItem("primary_outcome_fixed", "yes" if d.primary_outcome_fixed else "no"),
        CheckItem(
            "pre_periods", "yes" if d.periods_before >= 2 else "no", {"periods": d.periods_before}
        ),
        CheckItem("publication_minimum", "yes" if publishable else "no"),
        CheckItem("power", "yes" if detectable else "no"),
    ]
    return tuple(items)


def assess(design: PlannedDesign, policy: DisclosurePolicy | None = None) -> PlanAssessment:
    """Closed-form power, sample size and evaluability of a planned design.

    Parameters
    ----------
    design
        The stated design.
    policy
        Disclosure policy (its ``min_cohort``, 60 by default, is the publication minimum).

    Returns
    -------
    PlanAssessment

    Notes
    -----
    The minimum detectable effect is ``MDE = d* sigma sqrt(f)`` where ``d*`` solves
    ``power_two_group(d*, n1, n0) = power`` (two-sided t test, ``n1 + n0 - 2`` df) and ``f`` is
    :func:`~outcomelab.planning.power.did_variance_factor` with one period before the start and
    one at the follow-up (``f = 2 (1 - icc)``); for ``design="matching"`` the comparison is of
    follow-up levels after matching on the history, with ``f = 1 - icc²`` (the residual variance
    after adjusting for the year before the start); for ``design="sdid"`` (municipalities) all
    ``periods_before`` against all ``periods_after`` (``f = (1 - icc)(1/m + 1/r)``), a safe
    guide: simulated with :func:`outcomelab.synth.synthdid` on municipal panels without factor
    structure, synthetic DiD also fits the treated units' pre-period noise and its true standard
    error is about 10 % smaller (``tests/planning/test_simulate.py``). For binary outcomes
    ``sigma = sqrt(p (1 - p))`` at the base rate. Staggered starts, matching on covariates and
    few treated municipalities are checked by simulation
    (:func:`outcomelab.planning.simulate_power`).

    Examples
    --------
    >>> from outcomelab.planning import design_from_dict, DESIGN_TEMPLATE
    >>> import yaml
    >>> result = assess(design_from_dict(yaml.safe_load(DESIGN_TEMPLATE)))
    >>> result.publishable, round(result.mde, 3)
    (True, 0.132)
    """
    policy = policy or DisclosurePolicy()
    d = design
    sigma = d.outcome_sd
    if d.design == "matching":
        factor = 1.0 - d.icc**2
    elif d.design == "sdid":
        # synthetic DiD compares the average of all periods after the start with a weighted
        # average of the periods before it
        factor = did_variance_factor(d.periods_before, d.periods_after, d.icc)
    else:
        factor = did_variance_factor(1, 1, d.icc)
    sigma_eff = sigma * math.sqrt(factor)
    n1 = d.treated
    # 1:1 nearest-neighbour matching keeps one comparison person per participant
    ratio = 1.0 if d.design == "matching" else None
    n0 = min(d.comparison_pool, n1) if ratio else d.comparison_pool
    notes: list[str] = []
    d_star = solve_effect_size(n1, n0, alpha=d.alpha, power=d.power)
    mde = d_star * sigma_eff
    power_hoped = power_two_group(d.hoped_effect / sigma_eff, n1, n0, alpha=d.alpha)
    needed = solve_treated(
        d.hoped_effect / sigma_eff, d.comparison_pool, alpha=d.alpha, power=d.power, ratio=ratio
    )
    per_cohort = None
    if needed is not None and d.unit == "person":
        per_cohort = math.ceil(math.ceil(needed) / d.cohorts / (1.0 - d.attrition))
    if needed is None:
        notes.append("pool_too_small")
    publishable = d.participants >= policy.min_cohort
    events = None
    if d.is_share and d.base_rate is not None:
        events = d.participants * d.base_rate
        if min(events, d.participants - events) < policy.min_cell:
            notes.append("small_cells")
    if d.unit == "aggregate" and d.treated_units < MIN_TREATED_UNITS_CLOSED_FORM:
        notes.append("few_treated_units")
    if d.cohorts > 1:
        notes.append("staggered")
    detectable = power_hoped >= d.power - 0.005
    return PlanAssessment(
        design=d,
        sigma=sigma,
        variance_factor=factor,
        sigma_effective=sigma_eff,
        n_treated=n1,
        n_control=n0,
        mde=mde,
        mde_standardised=d_star,
        power_at_hoped=power_hoped,
        treated_needed=needed,
        participants_per_cohort_needed=per_cohort,
        publishable=publishable,
        min_cohort=policy.min_cohort,
        min_cell=policy.min_cell,
        expected_events=events,
        checklist=_checklist(d, publishable, detectable),
        notes=tuple(notes),
    )
