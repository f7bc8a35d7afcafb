"""In-time placebo of synthetic control: a made-up start date before the real one.

Abadie, Diamond and Hainmueller (2015) move the start back in time and refit with the periods
before the real start only: a synthetic control that "finds" an effect where there was none says
its fit before the start does not carry over. Public entry point :func:`in_time_placebo`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.errors import EstimationError, ParameterError
from outcomelab.synth.control import SyntheticControlResult, VChoice, synthetic_control
from outcomelab.synth.panel import wide_panel

__all__ = ["in_time_placebo"]

_PLACEBO = "_outcomelab_placebo_cohort"


def in_time_placebo(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    placebo_start: Any,
    treatment: str | None = None,
    cohort: str | None = None,
    predictors: Sequence[str] | None = None,
    v: VChoice = "equal",
    alpha: float = 0.05,
) -> SyntheticControlResult:
    """Synthetic control with the start moved back to ``placebo_start`` (no real treatment yet).

    Parameters
    ----------
    data, outcome, unit, time, treatment, cohort
        As for :func:`outcomelab.synth.synthetic_control` (exactly one treated unit).
    placebo_start
        A period after the first and before the real start: the made-up start.
    predictors, v, alpha
        As for :func:`outcomelab.synth.synthetic_control` (predictors averaged over the periods
        before ``placebo_start``; without predictors every such outcome is matched).

    Returns
    -------
    SyntheticControlResult
        Fitted on the periods before the real start only; ``estimate`` is the mean gap between
        ``placebo_start`` and the real start, which should be near zero (compare it with the real
        estimate and with the gaps before ``placebo_start``). No in-space placebos.

    Raises
    ------
    ParameterError
        ``placebo_start`` is not an observed period strictly between the first period and the
        real start.
    EstimationError
        Not exactly one treated unit.

    References
    ----------
    Abadie, A., Diamond, A. and Hainmueller, J. (2015). Comparative politics and the synthetic
    control method. American Journal of Political Science 59(2), 495-510.
    """
    panel = wide_panel(
        data, outcome=outcome, unit=unit, time=time, treatment=treatment, cohort=cohort
    )
    if panel.n_treated != 1:
        raise EstimationError(
            f"in_time_placebo fits one treated unit; this panel has {panel.n_treated}."
        )
    periods = panel.periods
    start = int(panel.cohort_start[0])
    at = np.flatnonzero(periods == placebo_start)
    if at.size == 0 or not 1 <= int(at[0]) < start:
        raise ParameterError(
            f"`placebo_start` must be an observed period after {periods[0]!r} and before the "
            f"real start {periods[start]!r}; got {placebo_start!r}."
        )
    before = data[data[time].isin(periods[:start])].copy()
    treated_unit = panel.units[panel.n0]
    before[_PLACEBO] = np.where(before[unit] == treated_unit, placebo_start, 0)
    return synthetic_control(
        before.drop(columns=[c for c in (treatment, cohort) if c is not None]),
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=_PLACEBO,
        predictors=predictors,
        v=v,
        placebos=False,
        alpha=alpha,
    )
