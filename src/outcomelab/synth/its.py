"""Interrupted time series: segmented regression for a unit with no usable comparison units.

Public entry point :func:`interrupted_time_series`. The model for the (mean) outcome ``y_t`` is

    y_t = b0 + b1 (t - t0) + b2 D_t + b3 (t - t0) D_t + season(t) + e_t

with ``D_t = 1`` from the first treated period ``t0`` on: ``b2`` is the change in level at the
start, ``b3`` the change in slope, and the effect ``h`` periods after the start is
``b2 + b3 h``. Standard errors are Newey-West (Bartlett kernel, no prewhitening, no small-sample
adjustment -- R ``sandwich::NeweyWest(prewhite = FALSE, adjust = FALSE)``), so autocorrelated
errors do not overstate precision. Monthly or quarterly data get period-of-year dummies.

The design compares a unit only with its own earlier trend: any other change at the same time
is taken for the effect. The report rates it level 2 on the Maryland Scientific Methods Scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_choice,
    check_no_missing,
    check_numeric,
    check_probability,
    require_columns,
    require_dataframe,
)
from outcomelab.errors import EmptyGroupError, InputError, SingularDesignError
from outcomelab.results import EffectResult
from outcomelab.results.effect import normal_inference

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MARYLAND_LEVEL_ITS", "ITSResult", "interrupted_time_series"]

#: Maryland Scientific Methods Scale level of an interrupted time series (no comparison group)
MARYLAND_LEVEL_ITS = 2


@dataclass(frozen=True)
class ITSResult(EffectResult):
    """Result of :func:`interrupted_time_series`.

    Headline: the average effect over the observed post-treatment periods,
    ``b2 + b3 * mean(h)``. ``tidy()`` rows: ``average effect``, ``level change``, ``slope change``,
    ``pre-period slope``, ``effect at end``.

    Attributes
    ----------
    trajectory
        ``period, observed, fitted, counterfactual, post``: the counterfactual continues the
        pre-period level and trend (with the seasonal pattern).
    maryland_level
        Evidence rating on the Maryland Scientific Methods Scale (2).
    lags
        Newey-West lag length used.
    """

    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    maryland_level: int = MARYLAND_LEVEL_ITS
    lags: int = 0

    def plot(self, ax: Any = None) -> Figure:
        """Observed series, fitted segments and the counterfactual trend."""
        import matplotlib.pyplot as plt

        from outcomelab.did.event_study_plot import POST_COLOUR, PRE_COLOUR

        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        tr = self.trajectory
        x = np.arange(len(tr))
        ax.plot(x, tr["observed"], "o", ms=3, color=PRE_COLOUR, label="Observed")
        ax.plot(x, tr["fitted"], color=POST_COLOUR, lw=2, label="Fitted")
        post = tr["post"].to_numpy()
        ax.plot(
            x[post],
            tr["counterfactual"][post],
            color=POST_COLOUR,
            ls="--",
            lw=1.5,
            label="Earlier trend continued",
        )
        start = int(np.argmax(post))
        ax.axvline(start - 0.5, color="black", lw=0.8, ls=":")
        step = max(1, len(tr) // 10)
        ax.set_xticks(x[::step], [str(p) for p in tr["period"].iloc[::step]], rotation=45)
        ax.set_ylabel(self.outcome or "Outcome")
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        return fig


def default_lags(n: int) -> int:
    """Newey-West (1994) rule of thumb ``floor(4 (n / 100)^(2/9))``."""
    return int(np.floor(4 * (n / 100) ** (2 / 9)))


def _season_codes(period: pd.Series, seasonality: str) -> np.ndarray:
    p = pd.PeriodIndex(pd.to_datetime(period.astype(str)), freq="M")
    if seasonality == "month":
        return np.asarray(p.month)
    return np.asarray((p.month - 1) // 3 + 1)


def newey_west(x: np.ndarray, resid: np.ndarray, lags: int) -> np.ndarray:
    """Newey-West covariance ``(X'X)^-1 S (X'X)^-1`` with Bartlett weights ``1 - j/(L+1)``."""
    xu = x * resid[:, None]
    s = xu.T @ xu
    for j in range(1, lags + 1):
        g = xu[j:].T @ xu[:-j]
        s += (1 - j / (lags + 1)) * (g + g.T)
    bread = np.linalg.inv(x.T @ x)
    return np.asarray(bread @ s @ bread)


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    outcome: str,
    time: str,
    start: Any,
    unit: str | None = None,
    units: Any = None,
    seasonality: Literal["none", "month", "quarter"] = "none",
    lags: int | None = None,
    alpha: float = 0.05,
) -> ITSResult:
    """Segmented regression with level and slope change and Newey-West standard errors.

    Parameters
    ----------
    data
        One row per period (or per unit and period: give ``unit`` and ``units``).
    outcome, time
        Column names. ``time`` is ordered; with ``seasonality`` it must parse as a date or a
        ``YYYY-MM`` month.
    start
        First treated period (a value of ``time``).
    unit, units
        With a panel: the unit column and the treated unit(s), whose outcomes are averaged per
        period.
    seasonality
        ``"month"`` or ``"quarter"`` adds period-of-year dummies; ``"none"`` (yearly data).
    lags
        Newey-West lags (default ``floor(4 (n/100)^(2/9))``).
    alpha
        1 - confidence level.

    Returns
    -------
    ITSResult

    Raises
    ------
    InputError
        Missing columns or values, repeated periods, ``start`` not observed.
    EmptyGroupError
        Fewer than 3 pre-treatment or 2 post-treatment periods (or, with seasonality, fewer
        than two years before the start).
    SingularDesignError
        The regressors are collinear (e.g. a constant time column).

    References
    ----------
    Bernal, J. L., Cummins, S. and Gasparrini, A. (2017). Interrupted time series regression for
    the evaluation of public health interventions: a tutorial. International Journal of
    Epidemiology 46(1), 348-355.

    Newey, W. K. and West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity and
    autocorrelation consistent covariance matrix. Econometrica 55(3), 703-708.
    """
    data = require_dataframe(data)
    check_choice("seasonality", seasonality, ("none", "month", "quarter"))
    check_probability("alpha", alpha)
    require_columns(data, outcome=outcome, time=time, unit=unit)
    check_numeric(data, "outcome", outcome)
    check_no_missing(data, "outcome", outcome)
    if unit is not None:
        chosen = (
            [units] if isinstance(units, str) or not hasattr(units, "__iter__") else list(units)
        )
        sub = data[data[unit].isin(chosen)]
        if sub.empty:
            raise InputError(f"None of the units {chosen} is in column {unit!r}.")
        series = sub.groupby(time, sort=True)[outcome].mean()
        n_units = sub[unit].nunique()
    else:
        if data[time].duplicated().any():
            raise InputError(
                f"`{time}` repeats periods; give one row per period, or name `unit` and `units` "
                "to average a panel."
            )
        series = data.set_index(time)[outcome].sort_index()
        n_units = 1
    periods = series.index
    if start not in set(periods):
        raise InputError(
            f"`start` {start!r} is not an observed value of `{time}` ({periods[0]!r} to "
            f"{periods[-1]!r}); give the first treated period."
        )
    n = len(series)
    k0 = int(np.flatnonzero(periods == start)[0])
    season_n = {"none": 1, "month": 12, "quarter": 4}[seasonality]
    if k0 < max(3, 2 * season_n if season_n > 1 else 3) or n - k0 < 2:
        raise EmptyGroupError(
            f"An interrupted time series needs at least {max(3, 2 * season_n)} periods before "
            f"the start and 2 after; there are {k0} before and {n - k0} after."
        )
    y = series.to_numpy(dtype=float)
    h = np.arange(n) - k0
    d = (h >= 0).astype(float)
    cols = [np.ones(n), h.astype(float), d, h * d]
    names = ["intercept", "pre-period slope", "level change", "slope change"]
    if seasonality != "none":
        codes = _season_codes(pd.Series(periods), seasonality)
        for c in range(2, season_n + 1):
            cols.append((codes == c).astype(float))
            names.append(f"season {c}")
    x = np.column_stack(cols)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise SingularDesignError(
            "The segmented regression is singular (too few distinct periods for the trend and "
            "seasonal terms); use fewer seasonal terms or a longer series."
        )
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    lag = default_lags(n) if lags is None else int(lags)
    if lag < 0 or lag >= n:
        raise InputError(f"`lags` must be between 0 and {n - 1}; got {lags!r}.")
    vcov = newey_west(x, resid, lag)
    post_h = h[h >= 0].astype(float)
    contrasts = {
        "average effect": np.r_[0, 0, 1, post_h.mean(), np.zeros(x.shape[1] - 4)],
        "level change": np.r_[0, 0, 1, 0, np.zeros(x.shape[1] - 4)],
        "slope change": np.r_[0, 0, 0, 1, np.zeros(x.shape[1] - 4)],
        "pre-period slope": np.r_[0, 1, 0, 0, np.zeros(x.shape[1] - 4)],
        "effect at end": np.r_[0, 0, 1, post_h.max(), np.zeros(x.shape[1] - 4)],
    }
    est = np.array([c @ beta for c in contrasts.values()])
    se = np.sqrt(np.array([c @ vcov @ c for c in contrasts.values()]))
    low, high, p = normal_inference(est, se, alpha)
    terms = pd.DataFrame(
        {
            "term": list(contrasts),
            "estimate": est,
            "std_error": se,
            "conf_low": low,
            "conf_high": high,
            "p_value": p,
        }
    )
    fitted = x @ beta
    cf_x = x.copy()
    cf_x[:, 2:4] = 0.0
    trajectory = pd.DataFrame(
        {
            "period": periods,
            "observed": y,
            "fitted": fitted,
            "counterfactual": cf_x @ beta,
            "post": h >= 0,
        }
    )
    coefficients = pd.DataFrame(
        {"term": names, "estimate": beta, "std_error": np.sqrt(np.diag(vcov))}
    )
    return ITSResult(
        estimate=float(est[0]),
        std_error=float(se[0]),
        conf_low=float(low[0]),
        conf_high=float(high[0]),
        p_value=float(p[0]),
        n_treated=int(n_units),
        n_control=0,
        method="interrupted_time_series/newey_west",
        estimand="Average effect over the post-treatment periods against the continued "
        "pre-treatment trend (segmented regression)",
        outcome=outcome,
        alpha=alpha,
        terms=terms,
        diagnostics={
            "coefficients": coefficients.to_dict(orient="list"),
            "pre_periods": k0,
            "post_periods": n - k0,
            "seasonality": seasonality,
            "lags": lag,
            "maryland_level": MARYLAND_LEVEL_ITS,
        },
        notes=(
            "An interrupted time series compares the unit only with its own earlier trend; "
            "anything else that changed at the same time is counted as the effect. Evidence "
            f"rating: Maryland Scientific Methods Scale level {MARYLAND_LEVEL_ITS}.",
        ),
        trajectory=trajectory,
        maryland_level=MARYLAND_LEVEL_ITS,
        lags=lag,
    )
