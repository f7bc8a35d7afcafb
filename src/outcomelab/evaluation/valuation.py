"""Step 6 of a standard evaluation: the socio-economic value of the effects, when it can be had."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outcomelab.errors import OutcomelabError
from outcomelab.evaluation.estimates import Estimates
from outcomelab.evaluation.setup import Setup

if TYPE_CHECKING:
    from outcomelab.economics import ValueResult

__all__ = ["Valuation", "value_effects"]

#: outcomes that value the same money as another one: the second is left out when both are there
_SAME_MONEY = {"social_assistance_amount": "social_assistance_receipt"}


@dataclass(frozen=True)
class Valuation:
    """The socio-economic value (or why it could not be computed) and its settings."""

    result: ValueResult | None
    error: str | None
    discount_rate: float
    horizon_years: int

    def to_dict(self) -> dict[str, Any] | None:
        """The ``economics`` object of results.json (``None`` without a value)."""
        if self.result is None:
            return None
        out = dict(self.result.to_dict())
        out["discount_rate"] = self.discount_rate
        out["horizon_years"] = self.horizon_years
        return out


def value_effects(setup: Setup, estimates: Estimates) -> Valuation:
    """Socio-economic value of the estimated effects with :func:`outcomelab.economics.value`.

    Effects that could not be estimated are left out; when both the amount and the receipt of
    social assistance are estimated, only the amount is valued (they value the same money). An
    error of the valuation is kept as the reason, not raised.
    """
    from outcomelab.economics import value

    s = setup.settings
    effects = {e.code: e.effect for e in estimates.outcomes if e.effect is not None}
    for kept, dropped in _SAME_MONEY.items():
        if kept in effects:
            effects.pop(dropped, None)
    try:
        result = value(
            effects,
            None,
            setup.inputs.costs,
            horizon_years=s.horizon_years,
            participants=int(estimates.primary.n_treated or 0),
            start_year=int(min(setup.design.cohorts)),
            discount_rate=s.discount_rate,
            draws=2000,
            seed=s.seed,
        )
    except (OutcomelabError, ValueError, KeyError) as err:
        return Valuation(None, str(err), s.discount_rate, s.horizon_years)
    return Valuation(result, None, s.discount_rate, s.horizon_years)
