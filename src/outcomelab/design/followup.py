"""Follow-up windows: which periods after the start count towards an outcome's window.

The lab's outcome catalogue (``data_schemas/outcome_catalogue.csv``) fixes, for every outcome, the
follow-up windows in months (e.g. 12, 24 and 36 months after the start) at which it is reported.
"""

from __future__ import annotations

import pandas as pd

from outcomelab._checks import check_choice, require_columns
from outcomelab.errors import ParameterError
from outcomelab.vocabulary import lab_catalogue

__all__ = ["followup_event_time", "followup_windows", "in_followup", "restrict_to_followup"]


def followup_windows(outcome_code: str) -> tuple[int, ...]:
    """Return the follow-up windows (months) the outcome catalogue sets for ``outcome_code``.

    Parameters
    ----------
    outcome_code
        A code of the lab's outcome catalogue, e.g. ``"employment"``.

    Returns
    -------
    tuple of int
        Windows in months, ascending, e.g. ``(12, 24, 36)``.

    Raises
    ------
    InputError
        If the code is not in the catalogue.
    """
    return lab_catalogue().require(outcome_code).followup_windows_months


def followup_event_time(months: int, period_type: str = "year") -> int:
    """The event time (periods since the start period) at which a follow-up of ``months`` is read.

    Yearly data: ``months // 12`` (event time 0 is the start year, 2 the second full year after
    it, so 24 months); monthly data: ``months``.

    Examples
    --------
    >>> followup_event_time(24), followup_event_time(24, "month")
    (2, 24)
    """
    check_choice("period_type", period_type, ["year", "month"])
    return int(months) // 12 if period_type == "year" else int(months)


def in_followup(
    panel: pd.DataFrame, months: int, *, period_type: str = "year", rel_time: str = "rel_time"
) -> pd.Series:
    """Mark the participants' rows that fall inside a follow-up window of ``months``.

    Parameters
    ----------
    panel
        A panel from :func:`~outcomelab.design.build_panel`.
    months
        Length of the window in months (12, 24, 36, ...).
    period_type
        ``"year"`` or ``"month"``: the panel's periodicity.
    rel_time
        Name of the event-time column.

    Returns
    -------
    pandas.Series of bool
        True where ``0 <= rel_time <= months / 12`` (yearly data: event time 0 is the start year,
        event time k the k-th calendar year after it) or ``0 <= rel_time <= months`` (monthly
        data). False for comparison rows (missing ``rel_time``) and pre-start rows.

    Raises
    ------
    ParameterError
        If ``months`` is not positive or, for yearly data, not a multiple of 12.
    """
    check_choice("period_type", period_type, ["year", "month"])
    require_columns(panel, rel_time=rel_time)
    if months <= 0:
        raise ParameterError(f"`months` must be positive; got {months}.")
    if period_type == "year" and months % 12:
        raise ParameterError(
            f"`months` must be a multiple of 12 for yearly data; got {months}. "
            "Use monthly data for shorter windows."
        )
    last = followup_event_time(months, period_type)
    e = panel[rel_time]
    return (e >= 0) & (e <= last)


def restrict_to_followup(
    panel: pd.DataFrame,
    months: int,
    *,
    period_type: str = "year",
    keep_pre: bool = True,
    rel_time: str = "rel_time",
) -> pd.DataFrame:
    """Keep the rows a follow-up window of ``months`` needs.

    Parameters
    ----------
    panel
        A panel from :func:`~outcomelab.design.build_panel`.
    months
        Window length in months.
    period_type
        ``"year"`` or ``"month"``.
    keep_pre
        Keep the participants' rows before the start (needed by difference-in-differences).
    rel_time
        Name of the event-time column.

    Returns
    -------
    pandas.DataFrame
        Comparison rows (all periods), participants' rows in the window and, with
        ``keep_pre``, their rows before the start.

    Notes
    -----
    See :func:`in_followup` for the definition of the window.
    """
    inside = in_followup(panel, months, period_type=period_type, rel_time=rel_time)
    e = panel[rel_time]
    keep = inside | e.isna()
    if keep_pre:
        keep |= e < 0
    out = panel.loc[keep].reset_index(drop=True)
    out.attrs = dict(panel.attrs)
    return out
