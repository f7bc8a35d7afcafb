"""Guards against degenerate outcomes: an effect with no variation behind it is not estimable.

Shared by every estimator (matching, weighting, the DiD estimators): "degenerate is not
significant".

A constant outcome (or one that is constant within each group) gives a difference with a standard
error of zero or of rounding size, which a normal test turns into a p-value of 0. That is not a
significant effect, it is an undefined test; these checks raise :class:`EstimationError` with the
reason instead, so a report can mark the outcome "not estimable" and go on.
"""

from __future__ import annotations

import numpy as np

from outcomelab.errors import EstimationError

__all__ = ["check_outcome_varies", "check_spread", "check_standard_error"]

#: a standard error below this share of the outcome's spread is rounding, not uncertainty
RELATIVE_SE_FLOOR = 1e-8


def check_outcome_varies(y: np.ndarray, outcome: str, where: str) -> float:
    """Raise EstimationError if ``y`` (the outcome of the units an estimate uses) is constant.

    Parameters
    ----------
    y
        Outcome values of the units with positive weight.
    outcome
        Name of the outcome column (for the message).
    where
        Which units, in words (``"matched units"``, ``"units kept after trimming"``).

    Returns
    -------
    float
        The standard deviation of ``y`` (positive), the scale the standard error is judged on.
    """
    spread = float(np.std(y)) if len(y) else 0.0
    scale = float(np.max(np.abs(y))) if len(y) else 0.0
    return check_spread(spread, scale, len(y), float(y[0]) if len(y) else None, outcome, where)


def check_spread(
    spread: float, scale: float, count: int, example: float | None, outcome: str, where: str
) -> float:
    """:func:`check_outcome_varies` from summaries of the values (when they are not at hand).

    Parameters
    ----------
    spread, scale
        Standard deviation and largest absolute value of the outcome values.
    count
        Number of values.
    example
        One of the values (named in the message), or ``None`` when there is none.
    outcome, where
        As in :func:`check_outcome_varies`.

    Returns
    -------
    float
        ``spread`` when it is positive on the scale of the values.
    """
    if not np.isfinite(spread) or spread <= 1e-12 * max(scale, 1e-300):
        value = f" ({example:.6g})" if example is not None else ""
        raise EstimationError(
            f"The outcome {outcome!r} takes the same value{value} for every one of the {count} "
            f"{where}: its effect is not estimable (a difference of zero with no variation "
            "behind it, so no test is defined). Leave this outcome out or check how it was coded."
        )
    return spread


def check_standard_error(std_error: float, spread: float, outcome: str) -> None:
    """Raise EstimationError if a standard error is not a positive finite number on the scale of
    the outcome (``spread``, its standard deviation among the units used)."""
    if not (np.isfinite(std_error) and std_error > RELATIVE_SE_FLOOR * spread):
        raise EstimationError(
            f"The standard error of the effect on {outcome!r} is {std_error:.3g}, which is zero "
            "up to rounding: the outcome does not vary within the groups that are compared "
            "(each group has a single value), so no test is defined and the effect is not "
            "estimable. Leave this outcome out or check how it was coded."
        )
