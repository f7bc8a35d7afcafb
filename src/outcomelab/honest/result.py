"""``HonestResult``: robust confidence sets by ``M``, the original interval, the breakdown value."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab.numerics import json_safe

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["HonestResult"]

_M_NAME = {"relative_magnitudes": "Mbar", "smoothness": "M"}


@dataclass(frozen=True)
class HonestResult:
    """Sensitivity of one event-study effect to violations of parallel trends.

    Attributes
    ----------
    method
        ``"relative_magnitudes"`` or ``"smoothness"``.
    table
        ``m, lb, ub, ci_method``: the robust confidence set for each ``M`` (read with
        :meth:`tidy`).
    estimate, std_error, original_low, original_high
        The effect ``theta = l' tau_post``, its standard error and the usual interval.
    alpha, l_vec, num_pre, num_post, event_times, outcome
        The inputs.
    max_pre_change
        Largest change between consecutive pre-treatment coefficients (the yardstick of
        relative magnitudes).
    """

    method: str
    table: pd.DataFrame = field(repr=False, compare=False)
    estimate: float
    std_error: float
    original_low: float
    original_high: float
    alpha: float
    l_vec: tuple[float, ...]
    num_pre: int
    num_post: int
    event_times: tuple[Any, ...] | None = None
    outcome: str | None = None
    max_pre_change: float = float("nan")

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", self.table.reset_index(drop=True).copy())

    @property
    def m_name(self) -> str:
        """``"Mbar"`` for relative magnitudes, ``"M"`` for smoothness."""
        return _M_NAME[self.method]

    @property
    def original_significant(self) -> bool:
        """Whether the usual interval excludes zero."""
        return bool(self.original_low > 0 or self.original_high < 0)

    @property
    def breakdown(self) -> float | None:
        """Largest ``M`` on the grid whose robust set still excludes zero (the breakdown value).

        ``None`` when the usual interval already includes zero (there is no conclusion to
        break) or when the set includes zero already at the smallest ``M``. The value is only as
        fine as the ``M`` grid; use more ``m_values`` for a finer answer.
        """
        if not self.original_significant:
            return None
        t = self.table.sort_values("m")
        sign = np.sign(self.estimate)
        holds = ((t["lb"] > 0) if sign > 0 else (t["ub"] < 0)).to_numpy() & t[
            "lb"
        ].notna().to_numpy()
        if not holds[0]:
            return None
        broken = np.flatnonzero(~holds)
        last = broken[0] - 1 if broken.size else len(t) - 1
        return float(t["m"].iloc[last])

    @property
    def holds_on_whole_grid(self) -> bool:
        """Whether the conclusion survives every ``M`` tried (the breakdown lies beyond)."""
        b = self.breakdown
        return b is not None and b == float(self.table["m"].max())

    def tidy(self) -> pd.DataFrame:
        """The robust sets by ``M`` with the original interval first (``m`` NaN)."""
        first = pd.DataFrame(
            {
                "m": [np.nan],
                "lb": [self.original_low],
                "ub": [self.original_high],
                "ci_method": ["original"],
            }
        )
        return pd.concat([first, self.table], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the result."""
        return json_safe(
            {
                "method": self.method,
                "estimate": self.estimate,
                "std_error": self.std_error,
                "original": [self.original_low, self.original_high],
                "alpha": self.alpha,
                "l_vec": list(self.l_vec),
                "num_pre": self.num_pre,
                "num_post": self.num_post,
                "breakdown": self.breakdown,
                "holds_on_whole_grid": self.holds_on_whole_grid,
                "max_pre_change": self.max_pre_change,
                "table": self.table,
            }
        )

    def summary(self) -> str:
        """Plain-text summary with the breakdown value in words."""
        level = round(100 * (1 - self.alpha))
        lines = [
            f"HonestDiD ({self.method}): effect {self.estimate:.4g}, original {level}% CI "
            f"{self.original_low:.4g} to {self.original_high:.4g}",
            self.table.to_string(index=False, float_format=lambda x: f"{x:.4g}"),
        ]
        b = self.breakdown
        if b is None:
            lines.append(
                "No breakdown value: the effect is not distinguishable from zero at M = 0."
            )
        elif self.method == "relative_magnitudes":
            more = " (or more: it holds on the whole grid)" if self.holds_on_whole_grid else ""
            lines.append(
                f"The conclusion holds unless post-period trend violations exceed {b:.3g}{more} "
                "times the largest pre-period one."
            )
        else:
            lines.append(
                "The conclusion holds unless the slope of the trend violation changes by more "
                f"than {b:.3g} per period."
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"

    def plot(self, ax: Any = None, *, labels: dict[str, str] | None = None) -> Figure:
        """Sensitivity plot: the original interval and the robust set for each ``M``."""
        import matplotlib.pyplot as plt

        from outcomelab.did.event_study_plot import POST_COLOUR, PRE_COLOUR

        words = {
            "xlabel": "Mbar (post violations relative to the largest pre-period one)"
            if self.method == "relative_magnitudes"
            else "M (change in the slope of the violation per period)",
            "ylabel": f"Effect ({round(100 * (1 - self.alpha))}% confidence set)",
            "original": "Original",
            "robust": "Robust",
        }
        words.update(labels or {})
        if ax is None:
            fig, ax = plt.subplots(figsize=(6.5, 3.8))
        else:
            fig = ax.figure
        t = self.table
        ms = t["m"].to_numpy(dtype=float)
        gap = float(np.min(np.diff(np.sort(ms)))) if len(ms) > 1 else 1.0
        x0 = ms.min() - gap
        ax.vlines(
            x0,
            self.original_low,
            self.original_high,
            color=PRE_COLOUR,
            lw=3,
            label=words["original"],
        )
        ax.vlines(ms, t["lb"], t["ub"], color=POST_COLOUR, lw=3, label=words["robust"])
        ax.axhline(0, color="black", lw=0.8)
        b = self.breakdown
        if b is not None:
            ax.axvline(b, color=POST_COLOUR, ls=":", lw=1)
        ax.set_xlabel(words["xlabel"])
        ax.set_ylabel(words["ylabel"])
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        return fig
