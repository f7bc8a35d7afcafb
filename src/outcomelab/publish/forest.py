"""Forest plots: one outcome's effect in every published evaluation, side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from outcomelab.publish.i18n import label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["forest_plot", "forest_rows"]


def forest_rows(entries: Sequence[Any], outcome: str) -> list[dict[str, Any]]:
    """Rows (label, estimate, conf_low, conf_high, verdict) for ``outcome`` across entries.

    Entries whose estimate for the outcome is withheld or missing are left out.
    """
    rows = []
    for entry in entries:
        intervention = entry.results["intervention"]
        organisation = (intervention.get("organisation") or {}).get("name") or ""
        for item in entry.results["outcomes"]:
            if item.get("code") != outcome or item.get("estimate") is None:
                continue
            if item.get("conf_low") is None or item.get("conf_high") is None:
                continue
            rows.append(
                {
                    "evaluation_id": entry.id,
                    "label": f"{intervention.get('name') or intervention['id']} ({organisation})",
                    "estimate": float(item["estimate"]),
                    "conf_low": float(item["conf_low"]),
                    "conf_high": float(item["conf_high"]),
                    "verdict": item.get("verdict", "inconclusive"),
                    "kind": item.get("kind"),
                }
            )
    return rows


def forest_plot(rows: Sequence[dict[str, Any]], outcome: str, language: str) -> Figure:
    """Draw a forest plot of the rows from :func:`forest_rows`.

    Parameters
    ----------
    rows
        One row per evaluation.
    outcome
        Outcome code (used for the axis label).
    language
        ``"sv"`` or ``"en"``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    colours = {"positive": "#1b7837", "negative": "#b2182b", "inconclusive": "#4d4d4d"}
    fig = Figure(figsize=(7.5, 0.45 * len(rows) + 1.6))
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows, strict=True):
        colour = colours.get(row["verdict"], "#4d4d4d")
        ax.plot([row["conf_low"], row["conf_high"]], [yi, yi], color=colour, lw=2)
        ax.plot(row["estimate"], yi, "s", color=colour, ms=7)
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    ax.set_yticks(y, [r["label"] for r in rows])
    ax.set_xlabel(
        f"{label(outcome, language)}: {label('estimate', language)} ({label('interval', language)})"
    )
    fig.tight_layout()
    return fig
