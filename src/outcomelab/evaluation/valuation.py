"""Step 6 of a standard evaluation: the socio-economic value of the effects, when it can be had."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from outcomelab.errors import OutcomelabError
from outcomelab.evaluation.estimates import Estimates
from outcomelab.evaluation.setup import Setup

if TYPE_CHECKING:
    from outcomelab.economics import ValueResult

__all__ = ["REASONS", "Valuation", "value_effects"]

#: outcomes that value the same money as another one: the second is left out when both are there
_SAME_MONEY = {"social_assistance_amount": "social_assistance_receipt"}


#: what a report says when there is no value: one reason in the reader's words (the estimator's
#: own message, in English, stays in results.json's ``economics_error``)
REASONS = ("other_country", "no_unit_values", "no_effects", "failed")

#: the columns of a payer row that need costs (left out when no costs were submitted)
_NET_COLUMNS = (
    "pv_costs_sek",
    "npv_sek",
    "bcr",
    "roi",
    "payback_year",
    "break_even_scale",
    "npv_sd",
    "npv_low",
    "npv_high",
    "npv_low_analytic",
    "npv_high_analytic",
    "prob_ahead",
    "prob_ahead_analytic",
)


@dataclass(frozen=True)
class Valuation:
    """The socio-economic value (or why it could not be computed) and its settings.

    Attributes
    ----------
    result
        The value per payer, or ``None``.
    error
        The valuation's own message when it failed (English, for the record).
    discount_rate, horizon_years
        The appraisal's settings.
    costs_submitted
        Whether the submission has costs. Without them the returns are shown, never a net value
        (costs of 0 would make every effect look profitable).
    reason
        One of :data:`REASONS` when there is no value (the report words it), else ``None``.
    """

    result: ValueResult | None
    error: str | None
    discount_rate: float
    horizon_years: int
    costs_submitted: bool = True
    reason: str | None = None

    def to_dict(self) -> dict[str, Any] | None:
        """The ``economics`` object of results.json (``None`` without a value).

        Without costs the net figures (net present value, ratios, payback, break-even) are
        ``None`` and ``costs_submitted`` is false: only the returns are kept.
        """
        if self.result is None:
            return None
        out = dict(self.result.to_dict())
        out["discount_rate"] = self.discount_rate
        out["horizon_years"] = self.horizon_years
        out["costs_submitted"] = self.costs_submitted
        if not self.costs_submitted:
            for key in ("npv_sek", "bcr", "roi", "payback_year"):
                out[key] = None
            out["payers"] = [
                {k: v for k, v in row.items() if k not in _NET_COLUMNS}
                for row in out.get("payers") or []
            ]
            out["break_even"] = []
        return out


def _has_costs(costs: pd.DataFrame | None) -> bool:
    """Whether a costs table holds any cost (a missing table or only zeros is no costs)."""
    if costs is None or costs.empty or "cost_sek" not in costs.columns:
        return False
    amounts = pd.to_numeric(costs["cost_sek"], errors="coerce").fillna(0)
    return bool((amounts != 0).any())


def _participants(setup: Setup, estimates: Estimates) -> int:
    """Persons the effects apply to: the participants, or for an aggregate-unit design the
    persons the treated units' figures stand for (a share's effect times those persons)."""
    if setup.design.uses_synthetic:
        persons = setup.unit_of_analysis().get("persons_analysed")
        if persons is not None:
            return int(persons)
    return int(estimates.primary.n_treated or 0)


def value_effects(setup: Setup, estimates: Estimates) -> Valuation:
    """Socio-economic value of the estimated effects with :func:`outcomelab.economics.value`.

    Effects that could not be estimated are left out; when both the amount and the receipt of
    social assistance are estimated, only the amount is valued (they value the same money).
    Data from another country than Sweden are not valued (the lab's unit values are Swedish
    kronor for Swedish payers). An error of the valuation is kept as the reason, not raised.
    """
    from outcomelab.economics import value

    s = setup.settings
    costs_submitted = _has_costs(setup.inputs.costs)

    def without(reason: str, error: str | None = None) -> Valuation:
        return Valuation(
            None, error, s.discount_rate, s.horizon_years, costs_submitted, reason=reason
        )

    if str(setup.inputs.intervention.get("country") or "SE") != "SE":
        return without("other_country")
    effects = {e.code: e.effect for e in estimates.outcomes if e.effect is not None}
    for kept, dropped in _SAME_MONEY.items():
        if kept in effects:
            effects.pop(dropped, None)
    if not effects:
        return without("no_effects")
    try:
        result = value(
            effects,
            None,
            setup.inputs.costs if costs_submitted else None,
            horizon_years=s.horizon_years,
            participants=_participants(setup, estimates),
            start_year=int(min(setup.design.cohorts)),
            discount_rate=s.discount_rate,
            draws=2000,
            seed=s.seed,
        )
    except (OutcomelabError, ValueError, KeyError) as err:
        reason = "no_unit_values" if "unit-value table" in str(err) else "failed"
        return without(reason, str(err))
    return Valuation(result, None, s.discount_rate, s.horizon_years, costs_submitted)
