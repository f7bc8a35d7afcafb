"""Event-study and group-time plots with pointwise and uniform confidence bands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from outcomelab.errors import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from outcomelab.results import EffectLike

__all__ = ["event_study_plot", "group_time_plot", "legend_below"]

PRE_COLOUR = "#7f7f7f"
POST_COLOUR = "#1f4e9c"


def legend_below(
    ax: Axes, handles: list[Any] | None = None, labels: list[str] | None = None
) -> None:
    """The legend of ``ax`` below its x-axis label, in two columns: outside the plotting area,
    so that it never covers a point or a band whatever the data (``handles``/``labels`` default
    to the axes' own)."""
    from matplotlib.transforms import offset_copy

    if handles is None or labels is None:
        handles, labels = ax.get_legend_handles_labels()
    # anchored a fixed distance below the axes (room for the tick labels and the axis label)
    figure = cast("Figure", ax.figure)  # a SubFigure has the same dpi
    below = offset_copy(ax.transAxes, fig=figure, y=-36, units="points")
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below,
        ncol=2,
        fontsize=7,
        frameon=False,
    )


def _draw(ax: Axes, x: np.ndarray, table: pd.DataFrame, post: np.ndarray, level: int) -> None:
    """Points with pointwise bars and a wider, lighter uniform band, coloured by pre/post."""
    est = table["estimate"].to_numpy(dtype=float)
    for mask, colour, label in ((~post, PRE_COLOUR, "pre-treatment"), (post, POST_COLOUR, "post")):
        if not mask.any():
            continue
        xs = x[mask]
        if {"cband_low", "cband_high"} <= set(table.columns):
            lo = table["cband_low"].to_numpy(dtype=float)[mask]
            hi = table["cband_high"].to_numpy(dtype=float)[mask]
            ax.vlines(xs, lo, hi, colors=colour, alpha=0.35, lw=6, label=f"{label}: uniform band")
        lo = table["conf_low"].to_numpy(dtype=float)[mask]
        hi = table["conf_high"].to_numpy(dtype=float)[mask]
        ax.errorbar(
            xs,
            est[mask],
            yerr=[est[mask] - lo, hi - est[mask]],
            fmt="o",
            color=colour,
            capsize=3,
            lw=1.2,
            label=f"{label}: estimate, {level}% pointwise CI",
        )
    ax.axhline(0, color="black", lw=0.8)


def event_study_plot(
    result: EffectLike, *, ax: Any = None, title: str | None = None, scale: float = 1.0
) -> Figure:
    """Event-study plot: effect by time since treatment with pointwise and uniform bands.

    Parameters
    ----------
    result
        A ``dynamic`` aggregate (``GroupTimeResult.aggregate("dynamic")``) or a
        :class:`~outcomelab.did.GroupTimeResult` (aggregated with ``"dynamic"`` first).
    ax
        Matplotlib axes to draw on; a new figure when ``None``.
    title
        Plot title (default names the outcome).
    scale
        Multiplies the effects and their intervals on the axis, e.g. 100 to show a share's
        effect per 100 units (percentage points) as a report's text says it.

    Returns
    -------
    matplotlib.figure.Figure
        Pre-treatment event times in grey, post-treatment in blue; thin bars are pointwise
        intervals, wide light bars the uniform (simultaneous) band.

    Raises
    ------
    InputError
        ``result`` has no ``event_time`` column (not an event study).
    """
    import matplotlib.pyplot as plt

    aggregate = getattr(result, "aggregate", None)
    if callable(aggregate) and "group" in result.tidy().columns:
        result = aggregate("dynamic")  # a GroupTimeResult: plot its event study
    table = result.tidy()
    if "event_time" not in table.columns or "group" in table.columns:
        raise InputError(
            "event_study_plot needs an event study: pass result.aggregate('dynamic') (a table "
            "with an `event_time` column) or the GroupTimeResult itself."
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    if scale != 1.0:
        shown = ["estimate", "conf_low", "conf_high", "cband_low", "cband_high"]
        table = table.assign(**{c: table[c] * scale for c in shown if c in table.columns})
    e = table["event_time"].to_numpy(dtype=float)
    level = round(100 * (1 - result.alpha))
    _draw(ax, e, table, e >= 0, level)
    ax.axvline(-0.5, color="grey", ls="--", lw=0.8)
    ax.set_xticks(e, [f"{v:g}".replace("-", "\u2212") for v in e])  # a minus, as on the y axis
    ax.set_xlabel("Periods since treatment start (event time)")
    outcome = getattr(result, "outcome", None)
    ax.set_ylabel(f"Effect on {outcome}" if outcome else "Effect")
    ax.set_title(title or "Event study (Callaway & Sant'Anna)")
    legend_below(ax)
    fig.tight_layout()
    return fig


def group_time_plot(result: EffectLike) -> Figure:
    """ATT(g,t) by period, one panel per cohort, pre-treatment cells in grey.

    Parameters
    ----------
    result
        Output of :func:`outcomelab.did.att_gt`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    table = result.tidy()
    groups = np.unique(table["group"].to_numpy(dtype=float))
    fig, axes = plt.subplots(
        len(groups), 1, figsize=(7, 2.2 * len(groups) + 0.6), sharex=True, squeeze=False
    )
    level = round(100 * (1 - result.alpha))
    for ax, g in zip(axes[:, 0], groups, strict=True):
        sub = table[table["group"] == g].reset_index(drop=True)
        _draw(ax, sub["time"].to_numpy(dtype=float), sub, sub["post"].to_numpy(bool), level)
        ax.set_title(f"Cohort first treated in {g:g}", fontsize=9)
    handles: dict[str, Any] = {}
    for ax in axes[:, 0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    axes[0, 0].legend(list(handles.values()), list(handles), fontsize=7, frameon=False)
    times = np.unique(table["time"].to_numpy(dtype=float))
    axes[-1, 0].set_xticks(times, [f"{t:g}" for t in times])
    axes[-1, 0].set_xlabel("Period")
    fig.tight_layout()
    return fig
