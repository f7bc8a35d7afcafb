"""Pictures of balance: the Love plot and the propensity-score overlap plot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab._checks import as_float_array
from outcomelab.errors import InputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["love_plot", "overlap_plot"]


def love_plot(
    table: pd.DataFrame,
    *,
    threshold: float = 0.1,
    absolute: bool = True,
    ax: Any = None,
) -> Figure:
    """Standardised mean differences before and after adjustment, one row per covariate term.

    Parameters
    ----------
    table
        A balance table (``BalanceTable.table``) with ``smd_before`` and, optionally,
        ``smd_after``; indexed by term.
    threshold
        Where to draw the balance threshold (0.1 by default; Austin 2009).
    absolute
        Plot ``|SMD|`` (default) or signed SMDs (then lines at ``±threshold``).
    ax
        Matplotlib axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 0.32 * len(table) + 1.6))
    else:
        fig = ax.figure
    y = np.arange(len(table))[::-1]
    transform = np.abs if absolute else (lambda v: v)
    ax.scatter(
        transform(table["smd_before"]), y, marker="o", facecolors="none", edgecolors="C3",
        label="before",
    )  # fmt: skip
    if "smd_after" in table.columns:
        ax.scatter(transform(table["smd_after"]), y, marker="o", color="C0", label="after")
    ax.axvline(threshold, color="grey", ls="--", lw=0.8)
    if absolute:
        ax.axvline(0, color="black", lw=0.6)
    else:
        ax.axvline(-threshold, color="grey", ls="--", lw=0.8)
        ax.axvline(0, color="black", lw=0.6)
    ax.set_yticks(y, [str(t) for t in table.index])
    ax.set_xlabel("|standardised mean difference|" if absolute else "standardised mean difference")
    ax.legend(loc="lower right", frameon=False)
    ax.set_title("Covariate balance")
    fig.tight_layout()
    return fig


def overlap_plot(
    propensity: pd.Series | np.ndarray,
    treatment: pd.Series | np.ndarray,
    weights: pd.Series | np.ndarray | None = None,
    *,
    bins: int = 30,
    ax: Any = None,
) -> Figure:
    """Overlaid histograms of the propensity score in the treated and comparison groups.

    Parameters
    ----------
    propensity
        Estimated propensity scores, one per unit, in [0, 1].
    treatment
        0/1 treatment indicator for the same units.
    weights
        Optional non-negative weights (matching or inverse-probability weights) to show the
        adjusted distributions.
    bins
        Number of equal-width bins on [0, 1].
    ax
        Matplotlib axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        Densities of each group (each integrates to one), so groups of different sizes compare.

    Raises
    ------
    InputError
        Lengths differ, scores outside [0, 1], or the treatment is not 0/1.
    """
    import matplotlib.pyplot as plt

    p = as_float_array(propensity)
    t = as_float_array(treatment)
    w = np.ones_like(p) if weights is None else as_float_array(weights)
    if not (len(p) == len(t) == len(w)):
        raise InputError(
            f"`propensity` ({len(p)}), `treatment` ({len(t)}) and `weights` ({len(w)}) must have "
            "one value per unit; pass arrays of equal length."
        )
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise InputError("`propensity` must hold probabilities in [0, 1] without missing values.")
    if not np.isin(t, (0.0, 1.0)).all():
        raise InputError("`treatment` must be coded 0 (comparison) and 1 (treated).")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 3.5))
    else:
        fig = ax.figure
    edges = np.linspace(0.0, 1.0, bins + 1)
    for value, label, colour in ((1.0, "treated", "C3"), (0.0, "comparison", "C0")):
        group = t == value
        if group.any() and w[group].sum() > 0:
            ax.hist(
                p[group], bins=edges, weights=w[group], density=True, alpha=0.45,
                color=colour, label=label,
            )  # fmt: skip
    ax.set_xlabel("propensity score")
    ax.set_ylabel("density")
    ax.set_title("Overlap of propensity scores" + (" (weighted)" if weights is not None else ""))
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig
