"""The event-study legend sits outside the plotting area: it never covers a point or a band."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from outcomelab.did import att_gt, event_study_plot

matplotlib.use("Agg")


def legend_outside_axes(fig: Figure) -> bool:
    """Whether every legend of ``fig`` lies wholly outside its axes and inside the figure."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    whole = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
    found = False
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        found = True
        box, area = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
        if box.overlaps(area) or not whole.contains(box.x0, box.y0):
            return False
    return found


def _castle() -> pd.DataFrame:
    castle = pytest.importorskip("causaldata.castle", reason="castle data ship in causaldata")
    data = castle.load_pandas().data
    first = data.loc[data["post"] > 0].groupby("sid")["year"].min()
    return data.assign(cohort=data["sid"].map(first).fillna(0).astype(int))


@pytest.mark.parametrize("case", ["mpdta", "castle"])
def test_the_event_study_legend_never_covers_data(
    case: str, reference_table: Callable[[str], pd.DataFrame]
) -> None:
    import matplotlib.pyplot as plt

    if case == "mpdta":
        data = reference_table("mpdta/mpdta.csv")
        args = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}
    else:
        data = _castle()
        args = {"outcome": "l_homicide", "unit": "sid", "time": "year", "cohort": "cohort"}
    # castle: R did's small-group warning (one state in some start years)
    with pytest.warns(UserWarning) if case == "castle" else nullcontext():
        result = att_gt(data, **args)
    fig = event_study_plot(result.aggregate("dynamic"))
    assert legend_outside_axes(fig)
    fig.axes[0].legend(fontsize=7)  # matplotlib's "best" place inside the axes
    assert not legend_outside_axes(fig)
    plt.close(fig)
