"""The plain-language notes the group-time estimators share (``att_gt``, ``att_gt_moments``).

Each function returns one sentence, or ``None`` when there is nothing to say; the caller adds it
to the result's ``notes`` and decides whether to warn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "dropped_cells_note",
    "dropped_units_note",
    "late_cohorts_note",
    "skipped_cells_note",
    "small_groups_note",
]

#: cells named in a note before the rest are elided
SHOWN = 8


def _listed(labels: Sequence[str]) -> str:
    return ", ".join(labels[:SHOWN]) + (" ..." if len(labels) > SHOWN else "")


def late_cohorts_note(n_late: int, last_period: float, what: str = "units") -> str | None:
    """Units whose cohort starts after the last period count as never treated (R did)."""
    if not n_late:
        return None
    return (
        f"{n_late} {what} start treatment after the last period ({last_period:g}, plus "
        "anticipation); as R did does, they count as never treated."
    )


def dropped_units_note(dropped: Mapping[str, int], n_input: int) -> str | None:
    """Units dropped (reason -> count) before estimation, out of ``n_input``."""
    if not dropped:
        return None
    reasons = "; ".join(f"{v} {k}" for k, v in dropped.items())
    return (
        f"Dropped {sum(dropped.values())} of {n_input} units ({reasons}), as R did does; "
        "estimates use the remaining units."
    )


def skipped_cells_note(skipped: Sequence[str]) -> str | None:
    """Cells without comparison units."""
    if not skipped:
        return None
    return (
        f"{len(skipped)} group-time cells have no comparison units and are not estimated: "
        f"{_listed(skipped)}."
    )


def dropped_cells_note(dropped: Sequence[Mapping[str, Any]]) -> str | None:
    """Cells that could not be estimated (``diagnostics["dropped_cells"]`` entries)."""
    if not dropped:
        return None
    return (
        f"{len(dropped)} group-time cells could not be estimated and are left out of the table "
        f"and every aggregate: {_listed([str(c['cell']) for c in dropped])}. Reason (first "
        f"cell): {dropped[0]['reason']} diagnostics['dropped_cells'] lists each cell with its "
        "reason."
    )


def small_groups_note(sizes: Iterable[tuple[float, int]], minimum: int) -> str | None:
    """Cohorts (0 = never treated) with fewer than ``minimum`` units, as R did warns."""
    small = [f"{c:g} ({n})" for c, n in sizes if 0 < n < minimum]
    if not small:
        return None
    return (
        f"Some groups are small (first treated period and units: {', '.join(small)}; 0 = never "
        f"treated): fewer than {minimum} units, as R did also warns. Their effects and standard "
        "errors are imprecise; consider merging adjacent cohorts."
    )
