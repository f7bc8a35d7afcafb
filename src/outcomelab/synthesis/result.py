"""``MetaResult``: the immutable result of a random-effects meta-analysis."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab.numerics import json_safe
from outcomelab.results.effect import TIDY_COLUMNS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["MetaResult"]

_METHOD_WORDS = {"reml": "REML", "dl": "DerSimonian-Laird"}
_CI_WORDS = {"hksj": "Hartung-Knapp-Sidik-Jonkman", "hksj_adhoc": "HKSJ (ad hoc)", "wald": "Wald"}


@dataclass(frozen=True)
class MetaResult:
    """Pooled effect of a random-effects meta-analysis (read-only).

    Attributes
    ----------
    estimate, std_error, conf_low, conf_high, p_value
        Pooled mean effect, its standard error, confidence interval and two-sided p-value.
    tau2, tau2_se
        Between-study variance and its standard error.
    i2, h2
        I² (percent of the total variability due to heterogeneity) and H².
    q, q_p_value
        Cochran's Q (around the equal-effects mean) and its chi-square p-value (k - 1 df).
    pi_low, pi_high
        Prediction interval for the true effect in a new setting (NaN with two studies under
        ``prediction="riley"``).
    k
        Number of studies.
    n_participants
        Participants behind the studies (when a ``participants`` column was given).
    method, ci, prediction, alpha
        The options used.
    studies
        One row per study: ``study, estimate, std_error, conf_low, conf_high, weight`` (weight in
        percent of the random-effects weights); read it through :meth:`tidy`.
    diagnostics
        Read-only mapping (Fisher-scoring iterations, ...).
    notes
        Plain-language remarks.
    """

    estimate: float
    std_error: float
    conf_low: float
    conf_high: float
    p_value: float
    tau2: float
    tau2_se: float
    i2: float
    h2: float
    q: float
    q_p_value: float
    pi_low: float
    pi_high: float
    k: int
    n_participants: int | None
    method: str
    ci: str
    prediction: str
    alpha: float = 0.05
    studies: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    diagnostics: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "studies", self.studies.reset_index(drop=True).copy())
        object.__setattr__(self, "diagnostics", MappingProxyType(dict(self.diagnostics)))
        object.__setattr__(self, "notes", tuple(self.notes))

    @property
    def tau(self) -> float:
        """Between-study standard deviation."""
        return float(np.sqrt(self.tau2))

    @property
    def significant(self) -> bool:
        """Whether the pooled effect differs from zero at level ``alpha``."""
        return bool(self.p_value < self.alpha)

    def headline(self) -> dict[str, Any]:
        """The pooled numbers as a plain dict."""
        return {
            "estimate": self.estimate,
            "std_error": self.std_error,
            "conf_low": self.conf_low,
            "conf_high": self.conf_high,
            "p_value": self.p_value,
            "pi_low": self.pi_low,
            "pi_high": self.pi_high,
            "tau2": self.tau2,
            "tau2_se": self.tau2_se,
            "i2": self.i2,
            "h2": self.h2,
            "q": self.q,
            "q_p_value": self.q_p_value,
            "k": self.k,
            "n_participants": self.n_participants,
        }

    def tidy(self) -> pd.DataFrame:
        """Study rows and a last ``pooled`` row (``term, estimate, std_error, conf_low, conf_high,
        p_value, weight``); a copy."""
        rows = self.studies.rename(columns={"study": "term"}).copy()
        rows["p_value"] = np.nan
        pooled = pd.DataFrame(
            {
                "term": ["pooled"],
                "estimate": [self.estimate],
                "std_error": [self.std_error],
                "conf_low": [self.conf_low],
                "conf_high": [self.conf_high],
                "p_value": [self.p_value],
                "weight": [100.0],
            }
        )
        table = pd.concat([rows, pooled], ignore_index=True)
        return table[list(TIDY_COLUMNS) + [c for c in table.columns if c not in TIDY_COLUMNS]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the result (NaN becomes ``None``)."""
        return json_safe(
            {
                **self.headline(),
                "method": self.method,
                "ci": self.ci,
                "prediction": self.prediction,
                "alpha": self.alpha,
                "studies": self.studies,
                "diagnostics": dict(self.diagnostics),
                "notes": list(self.notes),
            }
        )

    def summary(self) -> str:
        """Plain-text summary in the layout of a meta-analysis table."""
        level = round(100 * (1 - self.alpha))
        pi = (
            f"{self.pi_low:.4g} to {self.pi_high:.4g}"
            if np.isfinite(self.pi_low)
            else "not available (needs 3 studies)"
        )
        lines = [
            f"Random-effects meta-analysis (k = {self.k}; tau² by "
            f"{_METHOD_WORDS[self.method]}; CI by {_CI_WORDS[self.ci]})",
            f"  pooled effect {self.estimate:.6g} (SE {self.std_error:.4g}, {level}% CI "
            f"{self.conf_low:.4g} to {self.conf_high:.4g}, p = {self.p_value:.4g})",
            f"  {level}% prediction interval {pi}",
            f"  tau² = {self.tau2:.4g} (SE {self.tau2_se:.4g}), I² = {self.i2:.1f}%, "
            f"H² = {self.h2:.3g}, Q = {self.q:.4g} (df {self.k - 1}, p = {self.q_p_value:.4g})",
        ]
        if self.n_participants is not None:
            lines.append(f"  participants: {self.n_participants}")
        lines.append(self.studies.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = "<pre>" + html.escape(self.summary().split("\n  participants")[0]) + "</pre>"
        return head + self.studies.to_html(index=False, float_format=lambda x: f"{x:.4g}")

    def plot(self, ax: Axes | None = None, **options: Any) -> Figure:
        """Forest plot: every study, the pooled diamond and the prediction interval.

        ``options`` (texts, ``scale``, ``decimals``) go to
        :func:`outcomelab.synthesis.forest.forest_plot`.
        """
        from outcomelab.synthesis.forest import forest_plot

        return forest_plot(self, ax=ax, **options)
