"""Input checks for the panel estimators (TWFE, 2x2 DiD, Goodman-Bacon decomposition).

Each check raises :class:`~outcomelab.errors.InputError` with what is wrong, where (column, rows,
values) and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_column_names,
    check_no_missing,
    check_numeric,
    require_columns,
    require_dataframe,
    rows_preview,
)
from outcomelab.errors import InputError

__all__ = ["check_binary", "check_panel_frame", "check_unique_unit_time"]


def check_panel_frame(
    data: object,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str,
    covariates: Sequence[str] = (),
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """Check columns exist, are numeric where they must be and have no missing values."""
    frame = require_dataframe(data)
    check_column_names(outcome=outcome, unit=unit, time=time, treatment=treatment)
    require_columns(
        frame,
        outcome=outcome,
        unit=unit,
        time=time,
        treatment=treatment,
        covariates=list(covariates) or None,
        cluster=list(extra) or None,
    )
    check_numeric(frame, "outcome", outcome)
    check_numeric(frame, "treatment", treatment)
    if covariates:
        check_numeric(frame, "covariates", list(covariates))
    used = list(dict.fromkeys([outcome, unit, time, treatment, *covariates, *extra]))
    check_no_missing(frame, "data", used)
    return frame


def check_binary(frame: pd.DataFrame, column: str, argument: str = "treatment") -> np.ndarray:
    """Return ``frame[column]`` as float 0/1, or raise naming the rows with other values."""
    values = frame[column].to_numpy(dtype=np.float64)
    bad = (values != 0) & (values != 1)
    if bad.any():
        shown = ", ".join(repr(v) for v in pd.unique(values[bad])[:5])
        raise InputError(
            f"`{argument}` column {column!r} must be 0/1; {int(bad.sum())} rows have other values "
            f"({shown}; rows {rows_preview(frame.index[bad])}). Recode it as 1 = treated, "
            "0 = not treated."
        )
    return values


def check_unique_unit_time(
    frame: pd.DataFrame,
    unit_codes: np.ndarray,
    time_codes: np.ndarray,
    n_times: int,
    *,
    unit: str,
    time: str,
) -> None:
    """Raise if any unit-period pair occurs in more than one row.

    Rows sorted by unit and period (the usual layout of a register panel) are checked in one
    pass; otherwise a count per unit-period cell, or above 50 million cells a sorted copy of
    the pair codes, decides (a hash of 100 million pairs would take gigabytes)."""
    n_units = int(unit_codes.max()) + 1
    pair = unit_codes.astype(np.int64, copy=False) * n_times + time_codes
    if bool(np.all(pair[1:] > pair[:-1])):
        return
    if n_units * n_times <= 50_000_000:
        counts = np.bincount(pair, minlength=n_units * n_times)
        if counts.max() <= 1:
            return
        dup = counts[pair] > 1
    else:
        ordered = np.sort(pair)
        if bool(np.all(ordered[1:] != ordered[:-1])):
            return
        del ordered
        dup = pd.Series(pair).duplicated(keep=False).to_numpy()
    if dup.any():
        raise InputError(
            f"{int(dup.sum())} rows share a ({unit!r}, {time!r}) pair with another row "
            f"(rows {rows_preview(frame.index[dup])}); a panel needs one row per unit and period. "
            "Aggregate or drop the duplicates first."
        )
