"""The result of the regression-based event-study estimators (Sun-Abraham, imputation).

An :class:`EventStudyResult` is an :class:`~outcomelab.did.AggregatedEffectResult` of kind
``dynamic``: the headline is the average effect after treatment start, the terms are the
event-time effects (``event_time`` column, ``tidy()`` order = ``vcov`` order), so the event-study
plot, HonestDiD and the report read it as they read ``att_gt(...).aggregate("dynamic")``;
every term has ``n_units``, the treated units behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab.did.aggregation import AggregatedEffectResult
from outcomelab.did.event_study_plot import event_study_plot
from outcomelab.errors import EmptyGroupError
from outcomelab.results import EffectResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["EventStudyResult", "event_study_result"]

_TITLES = {
    "sun_abraham": "Event study (Sun & Abraham)",
    "imputation": "Event study (imputation, Borusyak, Jaravel & Spiess)",
}


@dataclass(frozen=True)
class EventStudyResult(AggregatedEffectResult):
    """Event-time effects and their post-treatment average (see the module docstring)."""

    def plot(self, ax: Any = None) -> Figure:
        """Event-study plot of the event-time effects with pointwise intervals (and, for the
        imputation estimator, the pre-trend test's lead coefficients before the start)."""
        pretrend = self.diagnostics.get("pretrend")
        shown: EffectResult = self
        if pretrend and pretrend["terms"]:
            leads = pd.DataFrame(pretrend["terms"])
            leads.insert(0, "term", [f"e={e:g}" for e in leads["event_time"]])
            shown = replace(self, terms=pd.concat([leads, self.terms], ignore_index=True))
        return event_study_plot(shown, ax=ax, title=_TITLES.get(self.method))

    def at_event_time(self, event_time: float) -> EffectResult:
        """The effect at one event time as a result of its own (e.g. the follow-up's).

        Raises
        ------
        EmptyGroupError
            No effect is estimated at ``event_time``; the message lists the ones there are.
        """
        table = self.terms
        row = table[table["event_time"] == event_time]
        if row.empty:
            shown = ", ".join(f"{e:g}" for e in table["event_time"])
            raise EmptyGroupError(
                f"The {self.method} event study has no effect at event time {event_time:g} "
                f"(it has {shown}): no cohort is observed then."
            )
        r = row.iloc[0]
        return EffectResult(
            estimate=float(r["estimate"]),
            std_error=float(r["std_error"]),
            conf_low=float(r["conf_low"]),
            conf_high=float(r["conf_high"]),
            p_value=float(r["p_value"]),
            n_treated=int(r["n_units"]),
            n_control=self.n_control,
            method=self.method,
            estimand=f"ATT at event time {event_time:g}",
            outcome=self.outcome,
            alpha=self.alpha,
            diagnostics={"event_time": event_time, "headline": self.estimate},
            notes=self.notes,
        )


def _inference(
    est: np.ndarray, se: np.ndarray, alpha: float, df: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval and two-sided p-value: Student t with ``df`` degrees of freedom, normal if None."""
    from scipy.special import ndtr, ndtri, stdtr, stdtrit

    with np.errstate(divide="ignore", invalid="ignore"):
        if df is None:
            q, p = ndtri(1 - alpha / 2), 2 * ndtr(-np.abs(est / se))
        else:
            q, p = stdtrit(df, 1 - alpha / 2), 2 * stdtr(df, -np.abs(est / se))
    return est - q * se, est + q * se, p


def event_study_result(
    *,
    event_times: np.ndarray,
    estimates: np.ndarray,
    vcov: np.ndarray,
    overall: float,
    overall_se: float,
    df: float | None,
    alpha: float,
    method: str,
    estimand: str,
    outcome: str,
    n_treated: int,
    n_control: int,
    extra: Mapping[str, np.ndarray],
    diagnostics: Mapping[str, Any],
    notes: list[str],
) -> EventStudyResult:
    """Assemble the result: terms with intervals (t with ``df`` or normal) and the headline."""
    se = np.sqrt(np.clip(np.diag(vcov), 0, None))
    low, high, p = _inference(estimates, se, alpha, df)
    terms = pd.DataFrame(
        {
            "term": [f"e={e:g}" for e in event_times],
            "estimate": estimates,
            "std_error": se,
            "conf_low": low,
            "conf_high": high,
            "p_value": p,
            "event_time": event_times,
            **extra,
        }
    )
    o_low, o_high, o_p = _inference(np.array([overall]), np.array([overall_se]), alpha, df)
    return EventStudyResult(
        estimate=float(overall),
        std_error=float(overall_se),
        conf_low=float(o_low[0]),
        conf_high=float(o_high[0]),
        p_value=float(o_p[0]),
        n_treated=int(n_treated),
        n_control=int(n_control),
        method=method,
        estimand=estimand,
        outcome=outcome,
        alpha=alpha,
        terms=terms,
        diagnostics={**diagnostics, "aggregation": "dynamic", "df": df},
        notes=tuple(notes),
        aggregation="dynamic",
        vcov=vcov,
    )
