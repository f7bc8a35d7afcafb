"""Forest plot of a meta-analysis: each study, the pooled diamond and the prediction interval."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from outcomelab.synthesis.result import MetaResult

__all__ = ["forest_plot"]


def forest_plot(
    result: MetaResult,
    *,
    ax: Axes | None = None,
    xlabel: str = "Effect (95% confidence interval)",
    pooled_label: str = "Pooled effect",
    prediction_label: str = "Prediction interval",
    labels: list[str] | None = None,
    scale: float = 1.0,
    decimals: int = 2,
    number: Callable[[float], str] | None = None,
) -> Figure:
    """Draw the studies of ``result`` with their intervals, the pooled diamond and the prediction
    interval (a bar under the diamond), with the numbers printed on the right.

    Parameters
    ----------
    result
        A :class:`~outcomelab.synthesis.MetaResult`.
    ax
        Axes to draw on; a new figure when ``None``.
    xlabel, pooled_label, prediction_label
        Texts in the reader's language.
    labels
        Study labels in the order of ``result.studies`` (default: the ``study`` column).
    scale
        Factor applied to every number shown (e.g. 100 to show shares per 100 persons).
    decimals
        Decimals of the numbers printed beside the rows.
    number
        Formatter for those numbers (e.g. a Swedish decimal comma); ``decimals`` when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure as _Figure
    from matplotlib.patches import Polygon

    s = result.studies
    k = len(s)
    names = labels if labels is not None else [str(x) for x in s["study"]]
    if ax is None:
        fig = _Figure(figsize=(9.5, 0.42 * k + 2.0))
        ax = fig.subplots()
    else:
        fig = ax.figure  # type: ignore[assignment]
    est = s["estimate"].to_numpy() * scale
    low = s["conf_low"].to_numpy() * scale
    high = s["conf_high"].to_numpy() * scale
    weight = s["weight"].to_numpy()
    y = np.arange(k)[::-1] + 2.0
    size = 4.0 + 10.0 * np.sqrt(weight / weight.max())
    for yi, lo, hi, e, ms in zip(y, low, high, est, size, strict=True):
        ax.plot([lo, hi], [yi, yi], color="#333333", lw=1.2)
        ax.plot(e, yi, "s", color="#1f4e79", ms=ms)
    mu = result.estimate * scale
    ci_lo, ci_hi = result.conf_low * scale, result.conf_high * scale
    ax.add_patch(
        Polygon(
            [[ci_lo, 1.0], [mu, 1.3], [ci_hi, 1.0], [mu, 0.7]],
            closed=True,
            color="#b35806",
            zorder=3,
        )
    )
    has_pi = bool(np.isfinite(result.pi_low))
    if has_pi:
        pi_lo, pi_hi = result.pi_low * scale, result.pi_high * scale
        ax.plot([pi_lo, pi_hi], [0.0, 0.0], color="#b35806", lw=3, solid_capstyle="butt")
        ax.plot([pi_lo, pi_lo], [-0.2, 0.2], color="#b35806", lw=1.5)
        ax.plot([pi_hi, pi_hi], [-0.2, 0.2], color="#b35806", lw=1.5)
    ax.axvline(0.0, color="grey", lw=0.8, ls="--")
    ax.axvline(mu, color="#b35806", lw=0.6, ls=":")
    ticks = [*list(y), 1.0] + ([0.0] if has_pi else [])
    ax.set_yticks(ticks, [*names, pooled_label] + ([prediction_label] if has_pi else []))
    ax.set_ylim(-0.8 if has_pi else 0.3, k + 2.0)
    fmt = number or (lambda x: f"{x:.{decimals}f}")
    text_rows = [
        (yi, f"{fmt(e)} [{fmt(lo)}; {fmt(hi)}]")
        for yi, e, lo, hi in zip(y, est, low, high, strict=True)
    ]
    text_rows.append((1.0, f"{fmt(mu)} [{fmt(ci_lo)}; {fmt(ci_hi)}]"))
    if has_pi:
        text_rows.append((0.0, f"[{fmt(pi_lo)}; {fmt(pi_hi)}]"))
    for yi, text in text_rows:
        ax.annotate(
            text,
            xy=(1.02, yi),
            xycoords=("axes fraction", "data"),
            va="center",
            fontsize=9,
            family="monospace",
        )
    ax.set_xlabel(xlabel)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # labels on the left, the numbers in the right fifth of the figure
    height = 0.42 * k + 2.0
    fig.subplots_adjust(left=0.36, right=0.78, bottom=0.7 / height, top=1.0 - 0.1 / height)
    return fig
