"""Read verified outcome counts (for rate-card metrics) from a CSV file: ``metric_id,count``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from outcomelab.errors import InputError, ReadError

__all__ = ["load_verified"]


def load_verified(path: str | Path) -> dict[str, float]:
    """Read ``metric_id,count`` rows into ``{metric_id: count}``.

    Parameters
    ----------
    path
        CSV file with the columns ``metric_id`` and ``count`` (one row per rate-card metric).

    Returns
    -------
    dict
        Verified count per metric id.

    Raises
    ------
    ReadError
        If the file cannot be read.
    InputError
        If a column is missing, a count is not a number >= 0 or a metric id repeats; the message
        gives the row as numbered in a spreadsheet (header = row 1).
    """
    p = Path(path)
    try:
        table = pd.read_csv(p, dtype={"metric_id": str})
    except FileNotFoundError:
        raise ReadError(f"The verified-outcomes file {p} does not exist; check the path.") from None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ReadError(
            f"The verified-outcomes file {p} could not be read as CSV: {err}."
        ) from None
    missing = [c for c in ("metric_id", "count") if c not in table.columns]
    if missing:
        raise InputError(
            f"{p} lacks the columns {missing}; it needs metric_id and count (one row per "
            "rate-card metric)."
        )
    counts = pd.to_numeric(table["count"], errors="coerce")
    bad = table.index[counts.isna() | (counts < 0)]
    if len(bad):
        rows = ", ".join(str(i + 2) for i in bad[:5])
        raise InputError(f"{p}: count must be a number >= 0; rows {rows} are not.")
    dups = table["metric_id"][table["metric_id"].duplicated()].tolist()
    if dups:
        raise InputError(f"{p}: the metric ids {dups} appear more than once; keep one row each.")
    return dict(zip(table["metric_id"], counts.astype(float), strict=True))
