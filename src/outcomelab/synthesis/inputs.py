"""Check a table of study effects and turn it into arrays (the one place inputs are validated)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from outcomelab._checks import (
    as_float_array,
    check_alpha,
    check_choice,
    check_no_missing,
    check_numeric,
    require_columns,
    require_dataframe,
    rows_preview,
)
from outcomelab.errors import InputError, ParameterError

__all__ = [
    "CI_METHODS",
    "PREDICTION_METHODS",
    "TAU2_METHODS",
    "StudyArrays",
    "check_options",
    "require_studies",
    "study_arrays",
]

#: between-study variance estimators
TAU2_METHODS = ("reml", "dl")
#: confidence-interval methods for the pooled effect
CI_METHODS = ("hksj", "hksj_adhoc", "wald")
#: prediction-interval methods
PREDICTION_METHODS = ("riley", "ci")


@dataclass(frozen=True)
class StudyArrays:
    """Effects and sampling variances of the studies, in the order of the input rows."""

    effect: np.ndarray
    variance: np.ndarray
    index: pd.Index
    study: str | None
    frame: pd.DataFrame

    @property
    def labels(self) -> np.ndarray:
        """Study labels: the ``study`` column as text, or the row labels."""
        if self.study is not None:
            return self.frame[self.study].astype(str).to_numpy()
        return np.array([str(i) for i in self.index], dtype=object)


def check_options(method: str, ci: str, prediction: str, alpha: float) -> None:
    """Validate the option arguments shared by every pooling function."""
    check_choice("method", method, TAU2_METHODS)
    check_choice("ci", ci, CI_METHODS)
    check_choice("prediction", prediction, PREDICTION_METHODS)
    check_alpha(alpha)


def study_arrays(
    data: pd.DataFrame,
    *,
    effect: str,
    std_error: str | None,
    variance: str | None,
    study: str | None,
    extra: Sequence[str] = (),
) -> StudyArrays:
    """Validate the study table and return effects, variances and labels.

    Raises
    ------
    InputError
        A column is missing or not numeric, a value is missing or not finite, or a standard error
        is zero or negative (the message names the rows and says what to do).
    ParameterError
        Neither or both of ``std_error`` and ``variance`` are given.
    """
    frame = require_dataframe(data)
    if (std_error is None) == (variance is None):
        raise ParameterError(
            "Give exactly one of `std_error` and `variance` (the column with each study's "
            f"sampling uncertainty); got std_error={std_error!r}, variance={variance!r}."
        )
    spread = std_error if std_error is not None else str(variance)
    require_columns(frame, effect=effect, spread=spread, study=study, extra=list(extra) or None)
    check_numeric(frame, "effect", effect)
    check_numeric(frame, "std_error" if std_error else "variance", spread)
    check_no_missing(frame, "effect", effect)
    check_no_missing(frame, "std_error" if std_error else "variance", spread)
    y = as_float_array(frame[effect])
    s = as_float_array(frame[spread])
    bad = ~np.isfinite(y)
    if bad.any():
        raise InputError(
            f"`effect` column {effect!r} is not finite in rows {rows_preview(frame.index[bad])}; "
            "remove those studies or correct their effects."
        )
    bad = ~np.isfinite(s) | (s <= 0)
    if bad.any():
        what = "standard error" if std_error else "sampling variance"
        raise InputError(
            f"The {what} in column {spread!r} is zero, negative or not finite in rows "
            f"{rows_preview(frame.index[bad])} (values {rows_preview(s[bad])}). A study without "
            "sampling error cannot be weighted; check that the published standard error was "
            "read, or leave those studies out."
        )
    v = s * s if std_error else s
    return StudyArrays(effect=y, variance=v, index=frame.index, study=study, frame=frame)


def require_studies(k: int, minimum: int, what: str) -> None:
    """Raise InputError when fewer than ``minimum`` studies are given to ``what``."""
    if k < minimum:
        raise InputError(
            f"{what} needs at least {minimum} studies; got {k}. A single evaluation is its own "
            "best estimate: report it as it is, without pooling."
            if k == 1
            else f"{what} needs at least {minimum} studies; got {k}."
        )
