"""Small-study asymmetry: Egger's regression test and the funnel plot.

Egger's test regresses the effects on their standard errors, ``y_i = b0 + b1 SE_i``, by weighted
least squares with weights ``1 / SE_i²`` and a multiplicative dispersion parameter (the classic
test, ``model="lm"``), or as a mixed-effects meta-regression with ``SE_i`` as the moderator
(``model="rma"``). A slope ``b1`` different from zero means small studies report systematically
different effects; the intercept ``b0`` is the effect a study of infinite size would show (the
"limit estimate").

The test is only run with at least ``min_studies`` studies (10 by default): with fewer, it has too
little power to tell chance from asymmetry (Sterne et al. 2011; Cochrane Handbook section
13.3.5.4).

References
----------
Egger, M., Davey Smith, G., Schneider, M. and Minder, C. (1997). Bias in meta-analysis detected by
a simple, graphical test. BMJ 315(7109), 629-634.

Sterne, J. A. C. et al. (2011). Recommendations for examining and interpreting funnel plot
asymmetry in meta-analyses of randomised controlled trials. BMJ 343, d4002.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from outcomelab._checks import check_alpha, check_choice
from outcomelab.errors import ParameterError
from outcomelab.numerics import json_safe
from outcomelab.synthesis.inputs import require_studies, study_arrays
from outcomelab.synthesis.regression import fit_regression

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from outcomelab.synthesis.result import MetaResult

__all__ = ["EGGER_MIN_STUDIES", "AsymmetryResult", "egger_test", "funnel_plot"]

#: fewest studies for which the lab runs Egger's test (Sterne et al. 2011)
EGGER_MIN_STUDIES = 10


@dataclass(frozen=True)
class AsymmetryResult:
    """Egger's regression test (read-only).

    ``tested`` is False when there were fewer than ``min_studies`` studies; the numbers are then
    NaN and ``reason`` says why (an untested funnel is not a symmetric one).
    """

    tested: bool
    k: int
    statistic: float
    df: int | None
    p_value: float
    slope: float
    limit_estimate: float
    limit_conf_low: float
    limit_conf_high: float
    model: str
    min_studies: int
    alpha: float = 0.05
    reason: str = ""

    @property
    def asymmetric(self) -> bool:
        """Whether the test found asymmetry at level ``alpha`` (False when not tested)."""
        return bool(self.tested and self.p_value < self.alpha)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the result."""
        return json_safe({**self.__dict__, "asymmetric": self.asymmetric})

    def summary(self) -> str:
        """One-paragraph summary."""
        if not self.tested:
            return f"Egger's test not run: {self.reason}"
        kind = f"t(df = {self.df})" if self.df is not None else "z"
        return (
            f"Egger's regression test (k = {self.k}, {self.model}): {kind} = "
            f"{self.statistic:.4g}, p = {self.p_value:.4g}; limit estimate "
            f"{self.limit_estimate:.4g} ({self.limit_conf_low:.4g} to {self.limit_conf_high:.4g})"
        )

    def __str__(self) -> str:
        return self.summary()


def egger_test(
    data: pd.DataFrame,
    *,
    effect: str = "estimate",
    std_error: str | None = "std_error",
    variance: str | None = None,
    model: str = "lm",
    method: str = "reml",
    min_studies: int = EGGER_MIN_STUDIES,
    alpha: float = 0.05,
) -> AsymmetryResult:
    """Egger's regression test for funnel-plot asymmetry.

    Parameters
    ----------
    data
        One row per study.
    effect, std_error, variance
        As in :func:`~outcomelab.synthesis.meta_analysis`.
    model
        ``"lm"`` (the classic weighted regression with multiplicative dispersion, t test on
        k - 2 df; the default) or ``"rma"`` (mixed-effects meta-regression on the standard error,
        z test; ``method`` sets its tau² estimator).
    min_studies
        Fewest studies for which the test is run (at least 3; default 10).
    alpha
        Level for the limit estimate's interval and for :attr:`AsymmetryResult.asymmetric`.

    Returns
    -------
    AsymmetryResult

    Raises
    ------
    InputError
        Fewer than two studies, or bad effects / standard errors.
    ParameterError
        ``min_studies`` below 3 or an unknown ``model``.
    SingularDesignError
        Every study has the same standard error (no spread to regress on).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from outcomelab.synthesis import egger_test
    >>> se = np.linspace(0.02, 0.2, 12)
    >>> studies = pd.DataFrame({"estimate": 0.05 + 0.8 * se, "std_error": se})
    >>> egger_test(studies).asymmetric
    True
    """
    check_choice("model", model, ("lm", "rma"))
    check_choice("method", method, ("reml", "dl"))
    check_alpha(alpha)
    if isinstance(min_studies, bool) or not isinstance(min_studies, int) or min_studies < 3:
        raise ParameterError(
            f"`min_studies` must be a whole number of at least 3 (the regression has two "
            f"coefficients and needs a residual degree of freedom); got {min_studies!r}."
        )
    arrays = study_arrays(data, effect=effect, std_error=std_error, variance=variance, study=None)
    k = len(arrays.effect)
    require_studies(k, 2, "Egger's test")
    nan = float("nan")
    if k < min_studies:
        return AsymmetryResult(
            tested=False,
            k=k,
            statistic=nan,
            df=None,
            p_value=nan,
            slope=nan,
            limit_estimate=nan,
            limit_conf_low=nan,
            limit_conf_high=nan,
            model=model,
            min_studies=min_studies,
            alpha=alpha,
            reason=(
                f"{k} studies; the test is run from {min_studies} on, since with fewer it cannot "
                "tell chance from small-study asymmetry (Sterne et al. 2011)."
            ),
        )
    sei = np.sqrt(arrays.variance)
    X = np.column_stack([np.ones(k), sei])
    if model == "lm":
        fit = fit_regression(arrays.effect, arrays.variance, X, hksj=True, tau2_fixed=0.0)
        df: int | None = k - 2
        crit = stats.t.isf(alpha / 2, k - 2)
    else:
        fit = fit_regression(arrays.effect, arrays.variance, X, method=method)
        df = None
        crit = stats.norm.isf(alpha / 2)
    se = np.sqrt(np.diag(fit.vcov))
    stat = float(fit.coef[1] / se[1])
    p = float(2 * (stats.t.sf(abs(stat), df) if df is not None else stats.norm.sf(abs(stat))))
    return AsymmetryResult(
        tested=True,
        k=k,
        statistic=stat,
        df=df,
        p_value=p,
        slope=float(fit.coef[1]),
        limit_estimate=float(fit.coef[0]),
        limit_conf_low=float(fit.coef[0] - crit * se[0]),
        limit_conf_high=float(fit.coef[0] + crit * se[0]),
        model=model,
        min_studies=min_studies,
        alpha=alpha,
    )


def funnel_plot(
    result: MetaResult,
    *,
    ax: Axes | None = None,
    xlabel: str = "Effect",
    ylabel: str = "Standard error",
) -> Figure:
    """Funnel plot of the studies behind ``result`` around the pooled effect.

    Each study is a point at (effect, standard error) with the standard error axis inverted; the
    funnel is the pooled effect ± 1.96 standard errors, inside which about 95 % of the studies
    would fall without heterogeneity or small-study effects.
    """
    from matplotlib.figure import Figure as _Figure

    if ax is None:
        fig = _Figure(figsize=(5.5, 4.5))
        ax = fig.subplots()
    else:
        fig = ax.figure  # type: ignore[assignment]
    s = result.studies
    top = float(s["std_error"].max()) * 1.05
    grid = np.array([0.0, top])
    z = stats.norm.isf(0.025)
    ax.fill_betweenx(
        grid, result.estimate - z * grid, result.estimate + z * grid, color="#eeeeee", zorder=0
    )
    ax.plot(result.estimate - z * grid, grid, color="grey", lw=0.8, ls="--")
    ax.plot(result.estimate + z * grid, grid, color="grey", lw=0.8, ls="--")
    ax.axvline(result.estimate, color="k", lw=1)
    ax.scatter(s["estimate"], s["std_error"], color="#1f4e79", zorder=3)
    ax.set_ylim(top, 0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.tight_layout()
    return fig
