"""Pictures of the synthetic designs: treated against synthetic, donor weights, placebos.

Colours follow the event-study plots: treated/post in blue, comparison/pre in grey.
Axis labels are in English; the report passes translated labels where it draws them itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from outcomelab.did.event_study_plot import POST_COLOUR, PRE_COLOUR

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from outcomelab.synth.control import SyntheticControlResult
    from outcomelab.synth.result import SynthResult

__all__ = ["placebo_gaps_plot", "replicates_plot", "trajectory_plot", "weights_plot"]


def _axes(ax: Any, size: tuple[float, float]) -> tuple[Figure, Any]:
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=size)
        return fig, ax
    return ax.figure, ax


def trajectory_plot(
    result: SynthResult,
    *,
    ax: Any = None,
    labels: dict[str, str] | None = None,
) -> Figure:
    """Mean outcome of the treated units and of their synthetic comparison, by period.

    Parameters
    ----------
    result
        A :class:`~outcomelab.synth.SynthResult`.
    ax
        Axes to draw on (new figure when ``None``).
    labels
        Texts for ``treated``, ``synthetic``, ``start``, ``xlabel`` and ``ylabel``.
    """
    words = {
        "treated": "Treated",
        "synthetic": "Synthetic comparison",
        "start": "Treatment starts",
        "xlabel": "Period",
        "ylabel": result.outcome or "Outcome",
    }
    words.update(labels or {})
    fig, ax = _axes(ax, (7, 4))
    traj = result.trajectory
    for k, (cohort, part) in enumerate(traj.groupby("cohort", sort=True)):
        x = part["period"].to_numpy()
        suffix = f" ({cohort})" if traj["cohort"].nunique() > 1 else ""
        ax.plot(x, part["treated"], color=POST_COLOUR, lw=2, label=words["treated"] + suffix)
        ax.plot(
            x,
            part["synthetic"],
            color=PRE_COLOUR,
            lw=2,
            ls="--",
            label=words["synthetic"] + suffix,
        )
        start = part.loc[part["post"], "period"].iloc[0]
        prev = part.loc[~part["post"], "period"].iloc[-1]
        ax.axvline(
            (float(start) + float(prev)) / 2,
            color="black",
            lw=0.8,
            ls=":",
            label=words["start"] if k == 0 else None,
        )
    ax.set_xlabel(words["xlabel"])
    ax.set_ylabel(words["ylabel"])
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def weights_plot(
    result: SynthResult,
    *,
    ax: Any = None,
    top: int = 15,
    xlabel: str = "Weight in the synthetic comparison",
) -> Figure:
    """Horizontal bars of the ``top`` largest donor weights."""
    w = result.unit_weights.groupby("unit", sort=False)["weight"].mean()
    w = w[w > 0].sort_values(ascending=False).head(top)[::-1]
    fig, ax = _axes(ax, (6, 0.3 * len(w) + 1.2))
    ax.barh([str(u) for u in w.index], w.to_numpy(), color=POST_COLOUR)
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    return fig


def replicates_plot(
    result: SynthResult,
    *,
    ax: Any = None,
    xlabel: str = "Placebo estimates (no true effect)",
    estimate_label: str = "Estimate",
) -> Figure:
    """Histogram of the replicate estimates with the actual estimate marked."""
    fig, ax = _axes(ax, (6, 3.5))
    reps = np.asarray(result.replicates)
    if reps.size:
        ax.hist(reps, bins=min(30, max(10, reps.size // 10)), color=PRE_COLOUR, alpha=0.7)
    ax.axvline(result.estimate, color=POST_COLOUR, lw=2, label=estimate_label)
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def placebo_gaps_plot(
    result: SyntheticControlResult,
    *,
    ax: Any = None,
    labels: dict[str, str] | None = None,
) -> Figure:
    """The treated unit's gap (blue) over the in-space placebo gaps (grey)."""
    words = {"treated": "Treated", "placebo": "Placebo units", "xlabel": "Period", "ylabel": "Gap"}
    words.update(labels or {})
    fig, ax = _axes(ax, (7, 4))
    gaps = result.placebo_gaps
    kept = result.placebos.set_index(result.placebos["unit"].astype(str))["kept"]
    x = gaps.index.to_numpy()
    first = True
    for col in gaps.columns[1:]:
        if not bool(kept.get(col, True)):
            continue
        ax.plot(
            x,
            gaps[col],
            color=PRE_COLOUR,
            lw=0.7,
            alpha=0.5,
            label=words["placebo"] if first else None,
        )
        first = False
    ax.plot(x, gaps.iloc[:, 0], color=POST_COLOUR, lw=2.2, label=words["treated"])
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(words["xlabel"])
    ax.set_ylabel(words["ylabel"])
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
