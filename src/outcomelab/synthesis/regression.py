"""Meta-regression: how study effects vary with a study-level moderator (mixed-effects model).

The model is ``y_i = x_i'b + u_i + e_i`` with residual heterogeneity ``u_i ~ N(0, tau²)`` and known
sampling variances ``v_i``. tau² is estimated by REML (Fisher scoring) or DerSimonian-Laird; the
coefficients by weighted least squares with ``w = 1 / (v + tau²)``:

* ``b = (X'WX)^{-1} X'Wy``; Wald covariance ``(X'WX)^{-1}``, or with ``ci="hksj"`` (Knapp & Hartung
  2003) ``s² (X'WX)^{-1}`` with ``s² = Σ w (y - Xb)² / (k - p)`` and t / F tests on ``k - p`` df;
* omnibus test of the moderators ``QM = b₂'V₂₂^{-1}b₂`` (chi-square with ``p - 1`` df, or
  ``QM / (p - 1)`` against F(p - 1, k - p) with HKSJ);
* residual heterogeneity ``QE = Σ (y - Xb₀)² / v`` around the equal-effects fit, ``k - p`` df;
* ``R² = max(0, (tau²₀ - tau²) / tau²₀)`` in percent, the share of heterogeneity the moderators
  account for (tau²₀ from the model without moderators, same estimator).

Traces are computed without forming the k x k matrix ``P = W - WX(X'WX)^{-1}X'W``:
``tr P = Σw - tr(A⁻¹X'W²X)`` and ``tr(PP) = Σw² - 2 tr(A⁻¹X'W³X) + tr((A⁻¹X'W²X)²)``.

References
----------
Knapp, G. and Hartung, J. (2003). Improved tests for a random effects meta-regression with a
single covariate. Statistics in Medicine 22(17), 2693-2710.

Thompson, S. G. and Higgins, J. P. T. (2002). How should meta-regression analyses be undertaken
and interpreted? Statistics in Medicine 21(11), 1559-1573.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from outcomelab._checks import check_alpha, check_choice, rows_preview
from outcomelab.errors import EstimationError, InputError, SingularDesignError
from outcomelab.numerics import expand_categorical, json_safe
from outcomelab.synthesis.inputs import require_studies, study_arrays
from outcomelab.synthesis.pooling import pool_arrays
from outcomelab.synthesis.segments import Segments
from outcomelab.synthesis.tau2 import REML_MAX_ITER, REML_TOLERANCE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MetaRegressionResult", "RegressionFit", "fit_regression", "meta_regression"]


@dataclass(frozen=True)
class RegressionFit:
    """Numbers of one weighted mixed-effects fit (internal to the synthesis package)."""

    coef: np.ndarray
    vcov: np.ndarray
    tau2: float
    tau2_se: float
    qe: float
    i2: float
    h2: float
    df_resid: int
    converged: bool
    iterations: int


def _weighted_pieces(
    X: np.ndarray, w: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X'WX)^{-1}``, ``b`` and residuals for weights ``w``."""
    Xw = X * w[:, None]
    A = X.T @ Xw
    try:
        Ainv = np.linalg.inv(A)
    except np.linalg.LinAlgError as err:
        raise SingularDesignError(
            "The moderators are collinear (or one is constant), so their effects cannot be "
            "separated; drop a moderator or a level."
        ) from err
    b = Ainv @ (Xw.T @ y)
    return Ainv, b, y - X @ b


def _traces(X: np.ndarray, w: np.ndarray, Ainv: np.ndarray) -> tuple[float, float]:
    """``tr P`` and ``tr(PP)`` for weights ``w``."""
    B2 = Ainv @ (X.T @ (X * (w * w)[:, None]))
    B3 = Ainv @ (X.T @ (X * (w**3)[:, None]))
    trp = float(w.sum() - np.trace(B2))
    trpp = float((w * w).sum() - 2.0 * np.trace(B3) + np.trace(B2 @ B2))
    return trp, trpp


def fit_regression(
    y: np.ndarray,
    v: np.ndarray,
    X: np.ndarray,
    *,
    method: str = "reml",
    hksj: bool = False,
    tau2_fixed: float | None = None,
) -> RegressionFit:
    """Fit the mixed-effects meta-regression (REML, DL, or tau² fixed) on arrays.

    Raises
    ------
    SingularDesignError
        ``X`` is not of full column rank.
    """
    k, p = X.shape
    if np.linalg.matrix_rank(X) < p:
        raise SingularDesignError(
            "The moderators are collinear (or one is constant), so their effects cannot be "
            "separated; drop a moderator or a level with no studies of its own."
        )
    w0 = 1.0 / v
    Ainv0, _, r0 = _weighted_pieces(X, w0, y)
    qe = float((w0 * r0 * r0).sum())
    trp0, trpp0 = _traces(X, w0, Ainv0)
    iterations, converged = 0, True
    if tau2_fixed is not None:
        tau2, tau2_se = float(tau2_fixed), float("nan")
    else:
        tau2 = max(0.0, (qe - (k - p)) / trp0)
        if method == "dl":
            tau2_se = float(
                np.sqrt(2.0 * (k - p) + 4.0 * tau2 * trp0 + 2.0 * tau2**2 * trpp0) / trp0
            )
        else:
            converged = False
            for iterations in range(1, REML_MAX_ITER + 1):  # noqa: B007 - read after the loop
                w = 1.0 / (v + tau2)
                Ainv, _, r = _weighted_pieces(X, w, y)
                trp, trpp = _traces(X, w, Ainv)
                score = float(((w * r) ** 2).sum()) - trp
                new = max(0.0, tau2 + score / trpp)
                change = abs(new - tau2)
                tau2 = new
                if change <= REML_TOLERANCE * (1.0 + tau2):
                    converged = True
                    break
            w = 1.0 / (v + tau2)
            Ainv, _, _ = _weighted_pieces(X, w, y)
            tau2_se = float(np.sqrt(2.0 / _traces(X, w, Ainv)[1]))
    w = 1.0 / (v + tau2)
    Ainv, b, r = _weighted_pieces(X, w, y)
    vcov = Ainv
    if hksj:
        vcov = Ainv * float((w * r * r).sum()) / (k - p)
    s2 = (k - p) / trp0
    return RegressionFit(
        coef=b,
        vcov=vcov,
        tau2=tau2,
        tau2_se=tau2_se,
        qe=qe,
        i2=100.0 * tau2 / (tau2 + s2),
        h2=(tau2 + s2) / s2,
        df_resid=k - p,
        converged=converged,
        iterations=iterations,
    )


def _design(frame: pd.DataFrame, moderators: list[str]) -> tuple[np.ndarray, list[str]]:
    """Intercept plus moderators; a text or categorical moderator becomes 0/1 columns per level,
    the first level (sorted) being the reference, as R's treatment contrasts."""
    columns: list[np.ndarray] = [np.ones(len(frame))]
    names = ["intercept"]
    for name in moderators:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            columns.append(column.to_numpy(dtype=np.float64))
            names.append(name)
        else:
            expansion = expand_categorical(column, drop_first=True)
            columns.extend(expansion.matrix.T)
            names.extend(f"{name}[{level}]" for level in expansion.levels)
    return np.column_stack(columns), names


@dataclass(frozen=True)
class MetaRegressionResult:
    """Mixed-effects meta-regression (read-only).

    Attributes
    ----------
    coefficients
        ``term, estimate, std_error, conf_low, conf_high, p_value`` per coefficient (read through
        :meth:`tidy`).
    tau2, tau2_se, i2, h2
        Residual heterogeneity (after the moderators).
    qe, qe_df, qe_p_value
        Test of residual heterogeneity.
    qm, qm_df, qm_p_value
        Omnibus test of the moderators (chi-square, or F with HKSJ: ``qm`` is then the F value
        and ``qm_df`` its two degrees of freedom).
    r2
        Percent of the heterogeneity accounted for by the moderators (NaN if tau²₀ is 0).
    k, moderators, method, ci, alpha, notes
        Studies used, moderator columns, options and remarks.
    """

    coefficients: pd.DataFrame = field(repr=False, compare=False)
    tau2: float
    tau2_se: float
    i2: float
    h2: float
    qe: float
    qe_df: int
    qe_p_value: float
    qm: float
    qm_df: tuple[int, ...]
    qm_p_value: float
    r2: float
    k: int
    moderators: tuple[str, ...]
    method: str
    ci: str
    alpha: float = 0.05
    studies: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "coefficients", self.coefficients.reset_index(drop=True).copy())
        object.__setattr__(self, "studies", self.studies.reset_index(drop=True).copy())

    def tidy(self) -> pd.DataFrame:
        """A copy of the coefficient table."""
        return self.coefficients.copy()

    def coef(self) -> pd.Series:
        """Estimates indexed by term."""
        return self.coefficients.set_index("term")["estimate"].copy()

    def se(self) -> pd.Series:
        """Standard errors indexed by term."""
        return self.coefficients.set_index("term")["std_error"].copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the result."""
        return json_safe(
            {
                "coefficients": self.coefficients,
                "tau2": self.tau2,
                "tau2_se": self.tau2_se,
                "i2": self.i2,
                "h2": self.h2,
                "qe": self.qe,
                "qe_df": self.qe_df,
                "qe_p_value": self.qe_p_value,
                "qm": self.qm,
                "qm_df": list(self.qm_df),
                "qm_p_value": self.qm_p_value,
                "r2": self.r2,
                "k": self.k,
                "moderators": list(self.moderators),
                "method": self.method,
                "ci": self.ci,
                "alpha": self.alpha,
                "notes": list(self.notes),
            }
        )

    def summary(self) -> str:
        """Plain-text summary."""
        test = (
            f"F({self.qm_df[0]}, {self.qm_df[1]}) = {self.qm:.4g}"
            if self.ci == "hksj"
            else f"QM(df = {self.qm_df[0]}) = {self.qm:.4g}"
        )
        r2 = "n/a (no heterogeneity to explain)" if np.isnan(self.r2) else f"{self.r2:.1f}%"
        lines = [
            f"Mixed-effects meta-regression (k = {self.k}; moderators: "
            f"{', '.join(self.moderators)}; tau² by {self.method.upper()})",
            f"  residual tau² = {self.tau2:.4g}, I² = {self.i2:.1f}%, R² = {r2}",
            f"  residual heterogeneity QE(df = {self.qe_df}) = {self.qe:.4g}, "
            f"p = {self.qe_p_value:.4g}",
            f"  moderators {test}, p = {self.qm_p_value:.4g}",
            self.coefficients.to_string(index=False, float_format=lambda x: f"{x:.4g}"),
        ]
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = html.escape(self.summary().split("\n")[0])
        return f"<p>{head}</p>" + self.coefficients.to_html(
            index=False, float_format=lambda x: f"{x:.4g}"
        )

    def plot(self, moderator: str | None = None, ax: Any = None) -> Figure:
        """Bubble plot of effects against a numeric moderator with the fitted line."""
        import matplotlib.pyplot as plt

        name = moderator or self.moderators[0]
        if name not in self.studies.columns or not pd.api.types.is_numeric_dtype(
            self.studies[name]
        ):
            raise InputError(f"The bubble plot needs a numeric moderator; {name!r} is not one.")
        if ax is None:
            fig, ax = plt.subplots(figsize=(6, 4))
        else:
            fig = ax.figure
        s = self.studies
        w = 1.0 / (s["std_error"] ** 2 + self.tau2)
        ax.scatter(s[name], s["estimate"], s=400 * w / w.max(), alpha=0.5, edgecolor="k")
        grid = np.linspace(s[name].min(), s[name].max(), 50)
        coef = self.coef()
        if len(self.moderators) == 1 and name in coef.index:
            ax.plot(grid, coef["intercept"] + coef[name] * grid, color="k")
        ax.axhline(0, color="grey", lw=0.8, ls="--")
        ax.set_xlabel(name)
        ax.set_ylabel("effect")
        fig.tight_layout()
        return fig


def meta_regression(
    data: pd.DataFrame,
    *,
    moderators: str | Sequence[str],
    effect: str = "estimate",
    std_error: str | None = "std_error",
    variance: str | None = None,
    study: str | None = None,
    method: str = "reml",
    ci: str = "hksj",
    alpha: float = 0.05,
) -> MetaRegressionResult:
    """Random-effects meta-regression of study effects on study-level moderators.

    Parameters
    ----------
    data
        One row per study.
    moderators
        Moderator column(s): numeric (e.g. the year of the start, the share born abroad) or
        categorical (e.g. ``target_group``, ``design``; the first level sorted is the reference).
    effect, std_error, variance, study
        As in :func:`~outcomelab.synthesis.meta_analysis`.
    method
        ``"reml"`` or ``"dl"`` for the residual between-study variance.
    ci
        ``"hksj"`` (Knapp-Hartung t and F tests; the default) or ``"wald"`` (z and chi-square).
    alpha
        1 - confidence level.

    Returns
    -------
    MetaRegressionResult

    Raises
    ------
    InputError
        A moderator is missing for some studies (the rows are named), or there are not more
        studies than coefficients.
    SingularDesignError
        A moderator is constant or the moderators are collinear.
    EstimationError
        REML did not converge.

    Notes
    -----
    With few studies a meta-regression finds spurious moderators easily (Thompson & Higgins
    2002); the HKSJ default keeps the false-positive rate near nominal. Formulas in
    :mod:`outcomelab.synthesis.regression`.

    Examples
    --------
    >>> import pandas as pd
    >>> from outcomelab.synthesis import meta_regression
    >>> studies = pd.DataFrame({"estimate": [0.02, 0.05, 0.08, 0.11, 0.09],
    ...                         "std_error": [0.02, 0.03, 0.02, 0.04, 0.03],
    ...                         "year": [2018, 2019, 2020, 2021, 2022]})
    >>> res = meta_regression(studies, moderators="year")
    >>> res.coef().round(4).to_dict()["year"] > 0
    True
    """
    check_choice("method", method, ("reml", "dl"))
    check_choice("ci", ci, ("hksj", "wald"))
    check_alpha(alpha)
    names = [moderators] if isinstance(moderators, str) else list(moderators)
    if not names:
        raise InputError("`moderators` must name at least one column.")
    arrays = study_arrays(
        data, effect=effect, std_error=std_error, variance=variance, study=study, extra=names
    )
    missing = data[names].isna().any(axis=1).to_numpy()
    if missing.any():
        which = [n for n in names if data[n].isna().any()]
        raise InputError(
            f"The moderator(s) {', '.join(repr(n) for n in which)} are missing for "
            f"{int(missing.sum())} studies (rows {rows_preview(data.index[missing])}). Leave those "
            f"studies out (data.dropna(subset={which!r})) or record the moderator for them; "
            "the model cannot guess it."
        )
    constant = [n for n in names if data[n].nunique() < 2]
    if constant:
        raise SingularDesignError(
            f"The moderator(s) {', '.join(repr(n) for n in constant)} take a single value across "
            "all studies, so they cannot explain why effects differ; choose a moderator that "
            "varies between studies."
        )
    X, terms = _design(data, names)
    k, p = X.shape
    require_studies(k, p + 1, f"A meta-regression with {p} coefficients")
    hksj = ci == "hksj"
    fit = fit_regression(arrays.effect, arrays.variance, X, method=method, hksj=hksj)
    if not fit.converged:
        raise EstimationError(
            f"REML estimation of the residual heterogeneity did not converge after "
            f"{fit.iterations} steps; use method='dl'."
        )
    se = np.sqrt(np.diag(fit.vcov))
    zt = fit.coef / se
    if hksj:
        crit = stats.t.isf(alpha / 2, fit.df_resid)
        p_values = 2.0 * stats.t.sf(np.abs(zt), fit.df_resid)
    else:
        crit = stats.norm.isf(alpha / 2)
        p_values = 2.0 * stats.norm.sf(np.abs(zt))
    b2 = fit.coef[1:]
    qm = float(b2 @ np.linalg.solve(fit.vcov[1:, 1:], b2)) if p > 1 else 0.0
    if hksj:
        qm /= p - 1
        qm_df: tuple[int, ...] = (p - 1, fit.df_resid)
        qm_p = float(stats.f.sf(qm, p - 1, fit.df_resid))
    else:
        qm_df = (p - 1,)
        qm_p = float(stats.chi2.sf(qm, p - 1))
    base = pool_arrays(arrays.effect, arrays.variance, Segments.single(k), method=method)
    tau2_0 = float(base["tau2"][0])
    r2 = max(0.0, 100.0 * (tau2_0 - fit.tau2) / tau2_0) if tau2_0 > 0 else float("nan")
    coefficients = pd.DataFrame(
        {
            "term": terms,
            "estimate": fit.coef,
            "std_error": se,
            "conf_low": fit.coef - crit * se,
            "conf_high": fit.coef + crit * se,
            "p_value": p_values,
        }
    )
    studies = pd.DataFrame(
        {"study": arrays.labels, "estimate": arrays.effect, "std_error": np.sqrt(arrays.variance)}
    )
    for name in names:
        studies[name] = data[name].to_numpy()
    notes = []
    if k < 10 * (p - 1):
        notes.append(
            f"Only {k} studies for {p - 1} moderator term(s): fewer than the 10 per term often "
            "advised (Cochrane Handbook 10.11.5.1); read the moderator effect as exploratory."
        )
    return MetaRegressionResult(
        coefficients=coefficients,
        tau2=fit.tau2,
        tau2_se=fit.tau2_se,
        i2=fit.i2,
        h2=fit.h2,
        qe=fit.qe,
        qe_df=fit.df_resid,
        qe_p_value=float(stats.chi2.sf(fit.qe, fit.df_resid)),
        qm=qm,
        qm_df=qm_df,
        qm_p_value=qm_p,
        r2=r2,
        k=k,
        moderators=tuple(names),
        method=method,
        ci=ci,
        alpha=alpha,
        studies=studies,
        notes=tuple(notes),
    )
