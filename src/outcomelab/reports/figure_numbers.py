"""Numbers on figure axes as the report's language writes them (a decimal comma in Swedish).

Matplotlib writes ``0.5`` and ``−10000`` whatever the language. :func:`localise_ticks` rewrites
the numeric tick labels of every axis of a finished figure with
:func:`outcomelab.vocabulary.numbers.fmt_num` ("0,5", "−10 000"), keeping the number of decimals
matplotlib chose; category labels (outcome names, years written as text) and axes marked as years
(``axis.set_gid(YEAR_AXIS)``) are left as they are.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from outcomelab.vocabulary.numbers import fmt_num

if TYPE_CHECKING:
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

__all__ = ["YEAR_AXIS", "localise_ticks"]

#: gid of an axis whose numbers are years (left as they are: "2019", not "2 019")
YEAR_AXIS = "outcomelab-years"

_NUMBER = re.compile(r"^[−-]?\d+(\.(\d+))?$")


def _localise_axis(axis: Axis, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter

    if axis.get_gid() == YEAR_AXIS:
        return
    labels = [label.get_text() for label in axis.get_ticklabels()]
    found = [_NUMBER.match(text.replace("\u2212", "-").replace(",", "")) for text in labels]
    if not labels or not all(found):
        return
    decimals = max(len(match.group(2) or "") for match in found if match)
    # a formatter, not fixed ticks: the ticks and the axis' limits stay where matplotlib put them
    axis.set_major_formatter(FuncFormatter(lambda x, _: fmt_num(float(x), lang, decimals)))


def localise_ticks(fig: Figure, lang: str) -> Figure:
    """Rewrite the numeric tick labels of ``fig`` in ``lang``; returns ``fig``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 0.5], [0, 12000])
    >>> _ = localise_ticks(fig, "sv")
    >>> [t.get_text() for t in ax.get_xticklabels()][1:4]
    ['0,0', '0,1', '0,2']
    >>> [t.get_text() for t in ax.get_yticklabels()][-2:]
    ['12\xa0000', '14\xa0000']
    >>> plt.close(fig)
    """
    if lang == "en":
        return fig
    fig.draw_without_rendering()  # the tick labels exist once the figure is laid out
    for ax in fig.axes:
        _localise_axis(ax.xaxis, lang)
        _localise_axis(ax.yaxis, lang)
    return fig
