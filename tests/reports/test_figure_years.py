"""Years on a figure axis stay years in Swedish ("2019", not "2 019"); amounts get the space."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from outcomelab.reports.figure_numbers import YEAR_AXIS, localise_ticks


def _labels(mark_years: bool) -> tuple[list[str], list[str]]:
    fig, ax = plt.subplots()
    ax.plot([2004, 2025], [0, 12000])
    if mark_years:
        ax.xaxis.set_gid(YEAR_AXIS)
    localise_ticks(fig, "sv")
    out = [t.get_text() for t in ax.get_xticklabels()], [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    return out


def test_year_axis_keeps_plain_years() -> None:
    years, amounts = _labels(mark_years=True)
    assert "2010" in years and not any("\xa0" in y for y in years)
    assert "12\xa0000" in amounts
    unmarked, _ = _labels(mark_years=False)
    assert "2\xa0010" in unmarked  # what a year axis looked like before it was marked
