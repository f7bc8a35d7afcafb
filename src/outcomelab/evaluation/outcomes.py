"""Holm p-values and verdicts of the outcomes of one evaluation.

What each outcome code means (name, kind, direction) is the outcome catalogue's:
:func:`outcomelab.vocabulary.lab_catalogue`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from outcomelab.vocabulary import Direction, direction_sign

__all__ = ["Verdict", "holm", "verdict"]

Verdict = Literal["positive", "negative", "inconclusive"]


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (missing values stay missing and are not counted).

    Parameters
    ----------
    p_values
        Unadjusted p-values of one family of tests.

    Returns
    -------
    list
        Adjusted p-values in the input order, capped at 1.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics* 6(2), 65-70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    """
    present = [
        (i, float(p)) for i, p in enumerate(p_values) if p is not None and not math.isnan(float(p))
    ]
    m = len(present)
    ordered = sorted(present, key=lambda ip: ip[1])
    out: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (i, p) in enumerate(ordered):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = round(running, 15)
    return out


def verdict(
    estimate: float | None, p_value: float | None, alpha: float, direction: Direction
) -> Verdict:
    """``positive``/``negative`` for a significant effect in the good/bad direction, else
    ``inconclusive``."""
    sign = direction_sign(direction)  # an unknown direction is an error, never a default
    if estimate is None or p_value is None or math.isnan(estimate) or math.isnan(p_value):
        return "inconclusive"
    if p_value >= alpha or estimate == 0:
        return "inconclusive"
    return "positive" if sign * estimate > 0 else "negative"
