"""``EffectResult``: the immutable result every outcomelab estimator returns.

One headline number (``estimate`` with ``std_error``, interval and p-value) plus a table of terms
(group-time effects, event-time effects, per-outcome effects, ...). ``tidy()`` is the single
source of truth for the table; ``to_dict()`` is JSON-safe; results never change after they are made.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab.numerics import json_safe
from outcomelab.numerics.normal import ndtr, ndtri

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["TIDY_COLUMNS", "EffectResult", "normal_inference"]

#: the columns ``tidy()`` always has, in this order (extra columns may follow)
TIDY_COLUMNS = ("term", "estimate", "std_error", "conf_low", "conf_high", "p_value")


def normal_inference(
    estimate: np.ndarray | float, std_error: np.ndarray | float, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normal-approximation confidence interval and two-sided p-value.

    Parameters
    ----------
    estimate, std_error
        Point estimate(s) and standard error(s).
    alpha
        1 - confidence level.

    Returns
    -------
    conf_low, conf_high, p_value
        Arrays of the same shape as ``estimate``.
    """
    est = np.asarray(estimate, dtype=float)
    se = np.asarray(std_error, dtype=float)
    z = ndtri(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * ndtr(-np.abs(est / se))
    return est - z * se, est + z * se, p


@dataclass(frozen=True)
class EffectResult:
    """Immutable result of an effect estimator.

    Attributes
    ----------
    estimate, std_error, conf_low, conf_high, p_value
        The headline effect, its standard error, confidence interval at level ``1 - alpha`` and
        two-sided p-value.
    n_treated, n_control
        Units (persons) that contribute to the estimate in each group.
    method
        Estimator, e.g. ``"att_gt/dr"``, ``"twfe"``, ``"nearest/logit"``.
    estimand
        The target parameter in words, e.g. ``"ATT, simple average over group-time cells"``.
    outcome
        Name of the outcome column, when there is one.
    alpha
        Significance level used for intervals.
    terms
        The table behind the headline (read through :meth:`tidy`, which returns a copy).
    diagnostics
        Read-only mapping of estimator-specific diagnostics (pre-trend test, dropped units, ...).
    notes
        Plain-language warnings and remarks for the reader.
    """

    estimate: float
    std_error: float
    conf_low: float
    conf_high: float
    p_value: float
    n_treated: int
    n_control: int
    method: str
    estimand: str
    outcome: str | None = None
    alpha: float = 0.05
    terms: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    diagnostics: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        table = self.terms
        if table.empty:
            table = pd.DataFrame(
                {
                    "term": [self.estimand_label],
                    "estimate": [self.estimate],
                    "std_error": [self.std_error],
                    "conf_low": [self.conf_low],
                    "conf_high": [self.conf_high],
                    "p_value": [self.p_value],
                }
            )
        missing = [c for c in TIDY_COLUMNS if c not in table.columns]
        if missing:
            raise ValueError(f"EffectResult.terms lacks the columns {missing}.")
        ordered = list(TIDY_COLUMNS) + [c for c in table.columns if c not in TIDY_COLUMNS]
        frozen = table[ordered].reset_index(drop=True).copy()
        object.__setattr__(self, "terms", frozen)
        object.__setattr__(self, "diagnostics", MappingProxyType(dict(self.diagnostics)))
        object.__setattr__(self, "notes", tuple(self.notes))

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_estimate(
        cls,
        estimate: float,
        std_error: float,
        *,
        n_treated: int,
        n_control: int,
        method: str,
        estimand: str,
        alpha: float = 0.05,
        **kwargs: Any,
    ) -> EffectResult:
        """Build a result from a point estimate and standard error with normal inference."""
        low, high, p = normal_inference(estimate, std_error, alpha)
        return cls(
            estimate=float(estimate),
            std_error=float(std_error),
            conf_low=float(low),
            conf_high=float(high),
            p_value=float(p),
            n_treated=int(n_treated),
            n_control=int(n_control),
            method=method,
            estimand=estimand,
            alpha=alpha,
            **kwargs,
        )

    # -- reading ----------------------------------------------------------------------------------
    @property
    def estimand_label(self) -> str:
        """Short label for the headline term."""
        return "ATT" if self.estimand.upper().startswith("ATT") else self.estimand.split(",")[0]

    @property
    def significant(self) -> bool:
        """Whether the two-sided test rejects zero at level ``alpha``."""
        return bool(self.p_value < self.alpha)

    def tidy(self) -> pd.DataFrame:
        """Return a copy of the terms table (``term, estimate, std_error, conf_low, conf_high,
        p_value`` and estimator-specific columns)."""
        return self.terms.copy()

    def coef(self) -> pd.Series:
        """Estimates indexed by term."""
        return self.terms.set_index("term")["estimate"].copy()

    def se(self) -> pd.Series:
        """Standard errors indexed by term."""
        return self.terms.set_index("term")["std_error"].copy()

    def headline(self) -> dict[str, Any]:
        """The headline numbers as a plain dict."""
        return {
            "estimate": self.estimate,
            "std_error": self.std_error,
            "conf_low": self.conf_low,
            "conf_high": self.conf_high,
            "p_value": self.p_value,
            "n_treated": self.n_treated,
            "n_control": self.n_control,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of everything in the result (NaN becomes ``None``)."""
        return json_safe(
            {
                **self.headline(),
                "method": self.method,
                "estimand": self.estimand,
                "outcome": self.outcome,
                "alpha": self.alpha,
                "terms": self.terms,
                "diagnostics": dict(self.diagnostics),
                "notes": list(self.notes),
            }
        )

    def summary(self) -> str:
        """Plain-text summary: headline, sample sizes and the terms table."""
        level = round(100 * (1 - self.alpha))
        lines = [
            f"{self.method}: {self.estimand}" + (f" on {self.outcome}" if self.outcome else ""),
            f"  estimate {self.estimate:.6g}  (SE {self.std_error:.4g}, "
            f"{level}% CI {self.conf_low:.4g} to {self.conf_high:.4g}, p = {self.p_value:.4g})",
            f"  treated units: {self.n_treated}   comparison units: {self.n_control}",
        ]
        if len(self.terms) > 1:
            lines.append(self.terms.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        level = round(100 * (1 - self.alpha))
        head = (
            f"<p><strong>{html.escape(self.method)}</strong>: {html.escape(self.estimand)}<br>"
            f"estimate {self.estimate:.6g} (SE {self.std_error:.4g}; {level}% CI "
            f"{self.conf_low:.4g} to {self.conf_high:.4g}; p = {self.p_value:.4g}); "
            f"treated {self.n_treated}, comparison {self.n_control}</p>"
        )
        notes = "".join(f"<p><em>{html.escape(n)}</em></p>" for n in self.notes)
        return head + self.terms.to_html(index=False, float_format=lambda x: f"{x:.4g}") + notes

    def plot(self, ax: Any = None) -> Figure:
        """Point estimates with confidence intervals for every term (a coefficient plot).

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(6, 0.4 * len(self.terms) + 1.5))
        else:
            fig = ax.figure
        t = self.terms
        y = np.arange(len(t))[::-1]
        ax.errorbar(
            t["estimate"],
            y,
            xerr=[t["estimate"] - t["conf_low"], t["conf_high"] - t["estimate"]],
            fmt="o",
            capsize=3,
        )
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, [str(v) for v in t["term"]])
        ax.set_xlabel(f"{self.estimand_label} ({round(100 * (1 - self.alpha))}% CI)")
        fig.tight_layout()
        return fig
