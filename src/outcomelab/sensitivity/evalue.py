"""E-values: how strong unmeasured confounding must be to explain an observed effect away."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from outcomelab._checks import check_choice
from outcomelab.errors import ParameterError

if TYPE_CHECKING:
    from outcomelab.results.effect import EffectResult

__all__ = ["EValue", "e_value", "e_value_for_effect", "e_value_rr"]

Measure = Literal["RR", "OR", "HR", "MD", "RD"]


def e_value_rr(rr: float) -> float:
    """E-value of a risk ratio: ``RR + sqrt(RR (RR - 1))`` after taking ``1/RR`` below 1.

    Parameters
    ----------
    rr
        Risk ratio (> 0).

    Returns
    -------
    float
        The E-value (1 for ``RR = 1``).
    """
    if not rr > 0 or not math.isfinite(rr):
        raise ParameterError(f"A risk ratio must be a positive finite number; got {rr!r}.")
    r = rr if rr >= 1 else 1.0 / rr
    return r + math.sqrt(r * (r - 1.0))


@dataclass(frozen=True)
class EValue:
    """E-value of an effect estimate and of its confidence limit closest to the null.

    Attributes
    ----------
    point
        E-value of the point estimate: the minimum strength of association, on the risk-ratio
        scale, that an unmeasured confounder would need with both treatment and outcome
        (conditional on the measured covariates) to explain the estimate away.
    ci
        E-value of the confidence limit closest to the null (1 if the interval includes the
        null), or ``None`` when no interval was given.
    rr, rr_low, rr_high
        The estimate and interval on the (approximate) risk-ratio scale used.
    measure
        The input scale: ``RR``, ``OR``, ``HR``, ``MD`` (difference in a continuous outcome) or
        ``RD`` (risk difference).
    note
        How the estimate was converted to a risk ratio.
    """

    point: float
    ci: float | None
    rr: float
    rr_low: float | None
    rr_high: float | None
    measure: str
    note: str = ""

    def interpretation(self) -> str:
        """One plain-language sentence for a report."""
        text = (
            f"An unmeasured factor would need to be associated with both the intervention and "
            f"the outcome by a risk ratio of at least {self.point:.2f} each, over and above the "
            "measured characteristics, to explain the estimated effect away"
        )
        if self.ci is not None:
            text += (
                "; the confidence interval already includes no effect"
                if self.ci <= 1.0
                else f"; to move the confidence interval to include no effect, {self.ci:.2f}"
            )
        return text + "."

    def tidy(self) -> pd.DataFrame:
        """One row per quantity: ``quantity`` (``"point"``, and ``"ci"`` when an interval was
        given), ``rr`` (the risk ratio it is computed from: the estimate, or the confidence limit
        closest to the null) and ``e_value``."""
        rows: list[dict[str, Any]] = [{"quantity": "point", "rr": self.rr, "e_value": self.point}]
        if self.ci is not None:
            limit = self.rr_low if self.rr >= 1 else self.rr_high
            rows.append({"quantity": "ci", "rr": limit, "e_value": self.ci})
        return pd.DataFrame(rows, columns=["quantity", "rr", "e_value"])

    def summary(self) -> str:
        """Plain-text E-values with the interpretation."""
        head = f"E-value ({self.measure}): point {self.point:.3g}"
        if self.ci is not None:
            head += f", confidence limit {self.ci:.3g}"
        lines = [head, f"  {self.interpretation()}"]
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict."""
        return {
            "point": self.point,
            "ci": self.ci,
            "rr": self.rr,
            "rr_low": self.rr_low,
            "rr_high": self.rr_high,
            "measure": self.measure,
            "note": self.note,
            "interpretation": self.interpretation(),
        }


def _to_rr(
    value: float, measure: str, rare: bool, outcome_sd: float | None, control_risk: float | None
) -> float:
    if measure == "RR":
        return value
    if measure in ("OR", "HR"):
        if not value > 0:
            raise ParameterError(f"An {measure} must be positive; got {value!r}.")
        if rare:
            return value
        if measure == "OR":
            return math.sqrt(value)
        return (1.0 - 0.5 ** math.sqrt(value)) / (1.0 - 0.5 ** math.sqrt(1.0 / value))
    if measure == "MD":
        if outcome_sd is None or not outcome_sd > 0:
            raise ParameterError(
                "measure='MD' needs `outcome_sd`, the outcome's standard deviation (> 0), to "
                "standardise the difference."
            )
        return math.exp(0.91 * value / outcome_sd)
    # RD
    if control_risk is None or not 0 < control_risk < 1:
        raise ParameterError(
            "measure='RD' needs `control_risk`, the outcome rate in the comparison group, "
            "strictly between 0 and 1."
        )
    treated_risk = control_risk + value
    if not 0 < treated_risk < 1:
        raise ParameterError(
            f"control_risk {control_risk:g} plus the risk difference {value:g} gives a treated "
            f"risk of {treated_risk:g}, outside (0, 1); check the inputs."
        )
    return treated_risk / control_risk


def e_value(
    estimate: float,
    *,
    conf_low: float | None = None,
    conf_high: float | None = None,
    measure: Measure = "RR",
    rare: bool = True,
    outcome_sd: float | None = None,
    control_risk: float | None = None,
) -> EValue:
    """E-value for an effect estimate and its confidence interval.

    Parameters
    ----------
    estimate
        The effect on the scale of ``measure``.
    conf_low, conf_high
        Confidence limits on the same scale (optional).
    measure
        ``"RR"`` risk ratio; ``"OR"``/``"HR"`` odds or hazard ratio (``rare=False`` for a common
        outcome, >15 %); ``"MD"`` difference in means of a continuous outcome (needs
        ``outcome_sd``); ``"RD"`` risk difference of a binary outcome (needs ``control_risk``).
    rare
        Whether the outcome is rare (< 15 %), for ``OR`` and ``HR``.
    outcome_sd
        Standard deviation of the outcome (``MD``), e.g. the pooled or comparison-group SD.
    control_risk
        Outcome rate in the comparison group (``RD``).

    Returns
    -------
    EValue

    Raises
    ------
    ParameterError
        Non-positive ratios, a missing ``outcome_sd``/``control_risk``, limits in the wrong order.

    Notes
    -----
    For a risk ratio ``RR >= 1``: ``E = RR + sqrt(RR (RR - 1))``; for ``RR < 1`` use ``1/RR``.
    The E-value of the interval uses the limit closest to 1, and is 1 if the interval contains 1.
    Conversions to the risk-ratio scale (VanderWeele & Ding 2017): a rare-outcome OR or HR is
    used as it is; a common-outcome OR as ``sqrt(OR)``, a common-outcome HR as
    ``(1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))``; a difference in means ``MD`` via
    the standardised difference ``d = MD / SD`` and ``RR ~ exp(0.91 d)`` (limits likewise, i.e.
    ``exp(0.91 d +- 1.78 SE_d)`` for a symmetric 95 % interval); a risk difference via
    ``RR = (p0 + RD) / p0`` with the comparison risk ``p0`` treated as known.

    References
    ----------
    VanderWeele, T. J. and Ding, P. (2017). Sensitivity analysis in observational research:
    introducing the E-value. Annals of Internal Medicine, 167(4), 268-274.

    Examples
    --------
    >>> ev = e_value(3.9, conf_low=1.8, conf_high=8.7)
    >>> round(ev.point, 2), round(ev.ci, 2)
    (7.26, 3.0)
    """
    check_choice("measure", measure, ["RR", "OR", "HR", "MD", "RD"])
    rr = _to_rr(estimate, measure, rare, outcome_sd, control_risk)
    lo = None if conf_low is None else _to_rr(conf_low, measure, rare, outcome_sd, control_risk)
    hi = None if conf_high is None else _to_rr(conf_high, measure, rare, outcome_sd, control_risk)
    if lo is not None and hi is not None and lo > hi:
        raise ParameterError(f"`conf_low` ({conf_low!r}) is above `conf_high` ({conf_high!r}).")
    point = e_value_rr(rr)
    ci: float | None = None
    if lo is not None or hi is not None:
        if rr >= 1:
            limit = lo
        else:
            limit = hi
        if limit is None:
            ci = None
        elif (rr >= 1 and limit <= 1) or (rr < 1 and limit >= 1):
            ci = 1.0
        else:
            ci = e_value_rr(limit)
    notes = {
        "RR": "",
        "OR": "odds ratio used as a risk ratio (rare outcome)"
        if rare
        else "risk ratio approximated by sqrt(OR) (common outcome)",
        "HR": "hazard ratio used as a risk ratio (rare outcome)"
        if rare
        else "risk ratio approximated by (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))",
        "MD": "risk ratio approximated by exp(0.91 d), d = difference / outcome SD",
        "RD": "risk ratio (p0 + RD) / p0 with the comparison risk p0 taken as known",
    }
    return EValue(
        point=point, ci=ci, rr=rr, rr_low=lo, rr_high=hi, measure=measure, note=notes[measure]
    )


def e_value_for_effect(
    result: EffectResult,
    *,
    outcome_sd: float | None = None,
    control_risk: float | None = None,
) -> EValue:
    """E-value of an :class:`~outcomelab.results.EffectResult` on a difference scale.

    Parameters
    ----------
    result
        An effect estimated as a difference in means (e.g. from ``weighting`` or ``match``).
    outcome_sd
        Outcome standard deviation: the effect is a difference in a continuous outcome.
    control_risk
        Comparison-group outcome rate: the effect is a risk difference of a binary outcome.
        Give exactly one of the two.

    Returns
    -------
    EValue
        For the headline estimate and its confidence interval.

    Raises
    ------
    ParameterError
        Neither or both of ``outcome_sd`` and ``control_risk`` given.
    """
    if (outcome_sd is None) == (control_risk is None):
        raise ParameterError(
            "Give exactly one of `outcome_sd` (continuous outcome) or `control_risk` (binary "
            "outcome, the comparison group's rate)."
        )
    measure: Measure = "MD" if outcome_sd is not None else "RD"
    return e_value(
        result.estimate,
        conf_low=result.conf_low,
        conf_high=result.conf_high,
        measure=measure,
        outcome_sd=outcome_sd,
        control_risk=control_risk,
    )
