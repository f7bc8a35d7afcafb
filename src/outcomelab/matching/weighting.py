"""Weighting estimators: inverse-probability weighting (IPW, with ATE, ATT or overlap weights),
augmented IPW (doubly robust) and entropy balancing.

Each obtains standard errors from the sandwich covariance of the stacked estimating equations
(M-estimation, :mod:`outcomelab.matching.weighting_moments`): the logit score equations (or the
balancing conditions), the outcome-regression normal equations (AIPW) and the equations of the
potential-outcome means are solved jointly, so the uncertainty of the estimated propensity score
(and outcome models, and balancing weights) is accounted for -- the stacking statsmodels'
``TreatmentEffect`` uses (HC0 sandwich).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_alpha,
    check_choice,
    check_no_missing,
    check_numeric,
    require_columns,
    require_dataframe,
    weight_values,
)
from outcomelab.balance.compute import balance as balance_table
from outcomelab.balance.compute import treatment_indicator, unit_weights
from outcomelab.balance.plots import overlap_plot
from outcomelab.balance.statistics import effective_sample_size
from outcomelab.balance.table import BalanceTable
from outcomelab.errors import EmptyGroupError, NoOverlapError, ParameterError, SingularDesignError
from outcomelab.matching.design import CovariateDesign, build_design
from outcomelab.matching.entropy import entropy_moments
from outcomelab.matching.propensity import fit_propensity
from outcomelab.matching.weighting_moments import (
    Stacked,
    aipw_moments,
    ipw_moments,
    sandwich_covariance,
    tilt_weights,
)
from outcomelab.numerics import BinomialFit
from outcomelab.results.effect import EffectResult, normal_inference
from outcomelab.results.estimability import check_outcome_varies, check_standard_error

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["WeightingResult", "sandwich_covariance", "weighting"]

Estimand = Literal["ATT", "ATE", "ATO"]
Method = Literal["ipw", "aipw", "entropy"]

#: propensity scores closer than this to 0 or 1 count as "at the boundary" (no overlap)
OVERLAP_EPS = 1e-6
#: a single unit holding more than this share of its group's weight earns a note
MAX_WEIGHT_SHARE = 0.10


@dataclass(frozen=True)
class WeightingResult(EffectResult):
    """:class:`~outcomelab.results.EffectResult` of :func:`weighting`, with its weights.

    Attributes
    ----------
    weights
        The unit weights (indexed like the input rows kept after trimming): ``1/e`` and
        ``1/(1-e)`` for the ATE, ``1`` and ``e/(1-e)`` for the ATT, ``1-e`` and ``e`` for the
        ATO (stabilised if asked); entropy balancing's weights. Sampling weights (``weights=``)
        multiply these in every estimate and in the balance table.
    propensity
        Estimated propensity scores for the rows kept.
    treated
        The 0/1 treatment indicator of the rows kept.
    balance_table
        Covariate balance before and after weighting (read with :meth:`balance`).
    """

    weights: pd.Series = field(
        default_factory=lambda: pd.Series(dtype=float), repr=False, compare=False
    )
    propensity: pd.Series = field(
        default_factory=lambda: pd.Series(dtype=float), repr=False, compare=False
    )
    treated: pd.Series = field(
        default_factory=lambda: pd.Series(dtype=float), repr=False, compare=False
    )
    balance_table: BalanceTable | None = field(default=None, repr=False, compare=False)

    def overlap_plot(self, *, weighted: bool = False, bins: int = 30) -> Figure:
        """Propensity-score distributions of the two groups (see
        :func:`outcomelab.balance.overlap_plot`), unweighted or weighted.

        Returns
        -------
        matplotlib.figure.Figure
        """
        return overlap_plot(
            self.propensity, self.treated, self.weights if weighted else None, bins=bins
        )

    def balance(self) -> BalanceTable:
        """Covariate balance before and after weighting (see :func:`outcomelab.balance.balance`).

        Returns
        -------
        BalanceTable
        """
        if self.balance_table is None:  # pragma: no cover - always set by weighting()
            raise EmptyGroupError("This result carries no balance table.")
        return self.balance_table


def _trim_bounds(trim: float | tuple[float, float], e: np.ndarray) -> tuple[float, float]:
    if isinstance(trim, tuple | list):
        if len(trim) != 2 or not (0 <= trim[0] < trim[1] <= 1):
            raise ParameterError(
                f"`trim` as bounds must be (low, high) with 0 <= low < high <= 1; got {trim!r}."
            )
        return float(trim[0]), float(trim[1])
    q = float(trim)
    if not 0 < q < 0.5:
        raise ParameterError(
            f"`trim` as a quantile must be strictly between 0 and 0.5 (e.g. 0.01 drops the 1% "
            f"lowest and highest propensity scores); got {trim!r}."
        )
    return float(np.quantile(e, q)), float(np.quantile(e, 1 - q))


def weighting(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    covariates: str | Sequence[str],
    estimand: Estimand = "ATT",
    method: Method = "ipw",
    trim: float | tuple[float, float] | None = None,
    stabilize: bool = False,
    weights: str | None = None,
    alpha: float = 0.05,
) -> WeightingResult:
    """Effect of a treatment by inverse-probability weighting or augmented IPW.

    Parameters
    ----------
    data
        One row per unit.
    outcome
        Numeric outcome column.
    treatment
        0/1 (or boolean) treatment column.
    covariates
        Baseline covariates of the propensity model (and of the outcome models for AIPW): column
        names (categoricals become dummies) or a right-hand-side formula such as
        ``"age + I(age**2) + educ + race"``.
    estimand
        ``"ATT"`` (effect on the treated; default), ``"ATE"`` (average effect) or ``"ATO"``
        (average effect in the overlap population, weights ``1 - e`` and ``e``: Li, Morgan &
        Zaslavsky 2018; ``method="ipw"`` only).
    method
        ``"ipw"``: normalised (Hajek) inverse-probability weighting; ``"aipw"``: augmented IPW,
        doubly robust (consistent if either the propensity or the outcome model is right);
        ``"entropy"``: entropy balancing (Hainmueller 2012): comparison units (ATT) or both
        groups (ATE) reweighted so that the means of the expanded covariates equal the target
        exactly, with weights closest to uniform in Kullback-Leibler divergence.
    trim
        ``None`` (default: propensity scores at 0 or 1 raise :class:`NoOverlapError`), a pair
        ``(low, high)`` of propensity bounds, or a quantile ``q`` (bounds at the ``q`` and
        ``1 - q`` quantiles of the estimated score). Units outside are dropped, the propensity
        model is refitted on the rest, and a note says the estimand now refers to the trimmed
        population.
    stabilize
        Multiply the reported weights by the marginal treatment shares (ATE: ``P(T=1)``,
        ``P(T=0)``; ATT: comparison weights by ``P(T=1) / P(T=0)``). The normalised estimates and
        standard errors do not change; the weights are easier to read.
    weights
        Sampling or population weights: the name of a column of non-negative values (the one
        rule of :func:`outcomelab._checks.weight_values`; MatchIt's and WeightIt's
        ``s.weights``): they weight the propensity model (as ``glm(weights=)``), the
        outcome regressions, the balancing conditions and every mean, and multiply the estimator
        weights in the balance table. The standard errors treat them as fixed probability
        weights (the meat of the sandwich has their squares).
    alpha
        1 - confidence level.

    Returns
    -------
    WeightingResult
        An :class:`~outcomelab.results.EffectResult` whose ``tidy()`` has the effect and the two
        potential-outcome means (``E[Y(1)]``, ``E[Y(0)]``, among the treated for the ATT), plus
        ``weights``, ``propensity`` and :meth:`~WeightingResult.balance`. ``diagnostics`` holds
        the effective sample sizes, largest weights, propensity range, trimming and the
        propensity-model coefficients.

    Raises
    ------
    InputError
        Unknown columns, missing values, non-numeric outcome, treatment not coded 0/1.
    NoOverlapError
        Propensity scores at 0 or 1 (within 1e-6) and ``trim`` not given, or complete separation.
    EmptyGroupError
        Trimming left no treated or no comparison units.
    SingularDesignError
        An AIPW outcome regression is rank deficient in one group.

    Notes
    -----
    Propensity ``e(x) = P(T = 1 | x)`` from a logit model with intercept. With ``w1 = T / e``,
    ``w0 = (1 - T) / (1 - e)`` the IPW estimate of the ATE is
    ``sum(w1 Y) / sum(w1) - sum(w0 Y) / sum(w0)`` (Hajek; Lunceford & Davidian 2004, eq. 3); for
    the ATT the treated mean minus ``sum(w0' Y) / sum(w0')`` with ``w0' = (1 - T) e / (1 - e)``.
    AIPW (Robins, Rotnitzky & Zhao 1994) for the ATE:
    ``mean(m1 - m0 + T (Y - m1) / e - (1 - T) (Y - m0) / (1 - e))`` with ``m_g`` the OLS fit of
    ``Y`` on the covariates in group ``g``; for the ATT: ``mean_T(Y - m0) - sum(w0' (Y - m0)) /
    sum(w0')``. Standard errors: the HC0 sandwich ``A^-1 B A^-T / n`` of the stacked estimating
    equations (logit scores, outcome-regression normal equations, potential-outcome means), so
    the estimation of ``e`` and ``m_g`` is accounted for (Lunceford & Davidian 2004, section 3.2;
    Stefanski & Boos 2002). Intervals and p-values are normal.

    References
    ----------
    Robins, J. M., Rotnitzky, A. and Zhao, L. P. (1994). Estimation of regression coefficients
    when some regressors are not always observed. JASA, 89(427), 846-866.

    Lunceford, J. K. and Davidian, M. (2004). Stratification and weighting via the propensity
    score in estimation of causal treatment effects: a comparative study. Statistics in Medicine,
    23(19), 2937-2960.

    Austin, P. C. (2011). An introduction to propensity score methods for reducing the effects of
    confounding in observational studies. Multivariate Behavioral Research, 46(3), 399-424.

    Stefanski, L. A. and Boos, D. D. (2002). The calculus of M-estimation. The American
    Statistician, 56(1), 29-38.

    Hainmueller, J. (2012). Entropy balancing for causal effects: a multivariate reweighting
    method to produce balanced samples in observational studies. Political Analysis, 20(1),
    25-46.

    Li, F., Morgan, K. L. and Zaslavsky, A. M. (2018). Balancing covariates via propensity score
    weighting. JASA, 113(521), 390-400.

    Zhao, Q. and Percival, D. (2017). Entropy balancing is doubly robust. Journal of Causal
    Inference, 5(1).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=2000)
    >>> t = (rng.uniform(size=2000) < 1 / (1 + np.exp(-x))).astype(int)
    >>> df = pd.DataFrame({"x": x, "t": t, "y": 2 * t + x + rng.normal(size=2000)})
    >>> res = weighting(df, outcome="y", treatment="t", covariates=["x"], estimand="ATE")
    >>> bool(abs(res.estimate - 2) < 3 * res.std_error)
    True
    """
    data = require_dataframe(data)
    check_choice("estimand", estimand, ["ATT", "ATE", "ATO"])
    check_choice("method", method, ["ipw", "aipw", "entropy"])
    alpha = check_alpha(alpha)
    if estimand == "ATO" and method != "ipw":
        raise ParameterError(
            "estimand='ATO' (overlap weights) is estimated with method='ipw'; its weights are "
            "already bounded, so neither augmentation nor entropy balancing is offered for it."
        )
    if method == "entropy" and trim is not None:
        raise ParameterError(
            "`trim` acts on propensity scores, which entropy balancing does not estimate; leave "
            "it out or use method='ipw'."
        )
    require_columns(data, outcome=outcome, treatment=treatment)
    check_no_missing(data, "outcome", outcome)
    check_numeric(data, "outcome", outcome)
    t_all = treatment_indicator(data, treatment)
    s_all = unit_weights(data, "weights", weight_values(data, weights), t_all)
    design = build_design(data, covariates)
    notes: list[str] = []
    if method == "entropy":
        keep = np.ones(len(data), dtype=bool)
        fit, bounds = None, None
    else:
        fit, keep, bounds = _propensity(design, t_all, s_all, estimand, trim, notes)
    t, s = t_all[keep], s_all[keep]
    y = data[outcome].to_numpy(dtype=np.float64)[keep]
    spread = check_outcome_varies(y[s > 0], outcome, "units kept")
    X = np.column_stack([np.ones(int(keep.sum())), design.matrix[keep]])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise SingularDesignError(
            f"The covariate design ({', '.join(design.names)}) is rank deficient after expansion: "
            "a covariate is constant or a linear combination of others. Drop the redundant ones."
        )
    if fit is not None and trim is None and not fit.converged:
        notes.append("The propensity model did not converge; check for separation.")
    if method == "entropy":
        stacked, w = entropy_moments(estimand, design.matrix[keep], t, y, s)
    else:
        if fit is None:  # pragma: no cover - fitted above for every method but entropy
            raise EmptyGroupError("No propensity model was fitted.")
        moments = ipw_moments if method == "ipw" else aipw_moments
        stacked = moments(estimand, X, t, y, fit.score, s)
        w = _reported_weights(estimand, t, fit.score, stabilize)
    cov = sandwich_covariance(stacked.G, stacked.A)
    ses = np.sqrt(np.einsum("ij,jk,ik->i", stacked.contrasts, cov, stacked.contrasts))
    check_standard_error(float(ses[0]), spread, outcome)
    return _result(data, keep, treatment, outcome, design, method, estimand, fit, bounds, t, s, w,
                   stacked, ses, alpha, notes)  # fmt: skip


def _propensity(
    design: CovariateDesign,
    t_all: np.ndarray,
    s_all: np.ndarray,
    estimand: str,
    trim: float | tuple[float, float] | None,
    notes: list[str],
) -> tuple[BinomialFit, np.ndarray, tuple[float, float] | None]:
    """Fit the (sampling-weighted) logit, check overlap, trim and refit if asked."""
    fit = fit_propensity(design.matrix, t_all, names=design.names, weights=s_all)
    keep = np.ones(len(t_all), dtype=bool)
    if trim is None:
        _check_overlap(
            fit.score,
            estimand,
            "Pass trim=(0.01, 0.99) (bounds) or trim=0.01 (quantiles) to drop them, use "
            "estimand='ATO' (overlap weights), or narrow the comparison pool.",
        )
        return fit, keep, None
    bounds = _trim_bounds(trim, fit.score)
    keep = (fit.score >= bounds[0]) & (fit.score <= bounds[1])
    for value, name in ((1.0, "treated"), (0.0, "comparison")):
        if not (keep & (t_all == value)).any():
            raise EmptyGroupError(
                f"Trimming at propensity bounds {bounds[0]:.4g}-{bounds[1]:.4g} leaves no "
                f"{name} units; widen `trim`."
            )
    dropped = int((~keep).sum())
    if dropped:
        note = (
            f"{dropped} units with propensity scores outside {bounds[0]:.4g}-{bounds[1]:.4g} were "
            "dropped (trimmed) and the propensity model was refitted; the estimate refers to the "
            "population with overlapping scores."
        )
        warnings.warn(note, UserWarning, stacklevel=3)
        notes.append(note)
        fit = fit_propensity(
            design.matrix[keep], t_all[keep], names=design.names, weights=s_all[keep]
        )
        _check_overlap(
            fit.score,
            estimand,
            "This happens after trimming and refitting the propensity model; trim more narrowly "
            "or drop the covariates that separate the groups.",
        )
    return fit, keep, bounds


def _check_overlap(e: np.ndarray, estimand: str, advice: str) -> None:
    """Scores at 1 make ATT and ATE weights unbounded, scores at 0 ATE weights; overlap weights
    stay bounded (ATO needs no check)."""
    if estimand == "ATO":
        return
    at_one = e > 1 - OVERLAP_EPS
    at_zero = (e < OVERLAP_EPS) if estimand == "ATE" else np.zeros_like(at_one)
    if at_one.any() or at_zero.any():
        raise NoOverlapError(
            f"{int(at_one.sum())} units have a propensity score of (nearly) 1 and "
            f"{int(at_zero.sum())} of (nearly) 0, so their inverse-probability weights are "
            f"unbounded and the groups do not overlap there. {advice}"
        )


def _reported_weights(estimand: str, t: np.ndarray, e: np.ndarray, stabilize: bool) -> np.ndarray:
    w = tilt_weights(estimand, t, e)
    if stabilize:
        treated = t == 1
        share = float(np.mean(treated))
        if estimand == "ATE":
            w = w * np.where(treated, share, 1.0 - share)
        elif estimand == "ATT":
            w = w * np.where(treated, 1.0, share / (1.0 - share))
    return w


_ESTIMAND_TEXT = {
    "ATT": "ATT, average effect on the treated",
    "ATE": "ATE, average effect in the whole population",
    "ATO": "ATO, average effect in the overlap population (weights 1 - e and e)",
}


def _result(
    data: pd.DataFrame,
    keep: np.ndarray,
    treatment: str,
    outcome: str,
    design: CovariateDesign,
    method: str,
    estimand: str,
    fit: BinomialFit | None,
    bounds: tuple[float, float] | None,
    t: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    stacked: Stacked,
    ses: np.ndarray,
    alpha: float,
    notes: list[str],
) -> WeightingResult:
    """Assemble the terms table, balance table, diagnostics and notes."""
    treated = t == 1
    index = data.index[keep]
    table = balance_table(
        data.loc[keep],
        treatment=treatment,
        covariates=list(design.variables),
        weights=w,
        estimand="ATE" if estimand == "ATO" else estimand,  # type: ignore[arg-type]
        weights_before=s,
    )
    estimates = stacked.estimates
    low, high, pval = normal_inference(estimates, ses, alpha)
    suffix = {"ATT": " | T=1", "ATE": "", "ATO": " | overlap"}[estimand]
    terms = pd.DataFrame(
        {
            "term": [estimand, f"E[Y(1){suffix}]", f"E[Y(0){suffix}]"],
            "estimate": estimates,
            "std_error": ses,
            "conf_low": low,
            "conf_high": high,
            "p_value": pval,
        }
    )
    ws = w * s
    shares = {
        name: float(ws[mask].max() / ws[mask].sum())
        for name, mask in (("treated", treated), ("control", ~treated))
    }
    for name, share in shares.items():
        if share > MAX_WEIGHT_SHARE:
            notes.append(
                f"One {'comparison' if name == 'control' else 'treated'} unit carries "
                f"{100 * share:.0f}% of its group's total weight; the estimate leans heavily on "
                "a few units with extreme weights (consider trimming or estimand='ATO')."
            )
    diagnostics: dict[str, Any] = {
        "ess_treated": effective_sample_size(ws[treated]),
        "ess_control": effective_sample_size(ws[~treated]),
        "max_weight_treated": float(w[treated].max()),
        "max_weight_control": float(w[~treated].max()),
        "max_weight_share_treated": shares["treated"],
        "max_weight_share_control": shares["control"],
        "trim_bounds": list(bounds) if bounds is not None else None,
        "n_trimmed": int((~keep).sum()),
        "sampling_weights": bool(np.any(s != 1.0)),
        "std_error_method": _SE_TEXT[method],
        "max_abs_smd_after": table.max_abs_smd("after"),
    }
    if fit is not None:
        diagnostics.update(
            propensity_model="logit",
            propensity_coef=dict(
                zip(("(Intercept)", *design.names), fit.coef.tolist(), strict=True)
            ),
            propensity_min=float(fit.score.min()),
            propensity_max=float(fit.score.max()),
        )
    estimand_text = _ESTIMAND_TEXT[estimand]
    if bounds is not None and int((~keep).sum()):
        estimand_text += " with overlapping propensity scores (trimmed)"
    result = WeightingResult.from_estimate(
        float(estimates[0]),
        float(ses[0]),
        n_treated=int(treated.sum()),
        n_control=int((~treated).sum()),
        method=f"{method}/logit" if method != "entropy" else "entropy",
        estimand=estimand_text,
        alpha=alpha,
        outcome=outcome,
        terms=terms,
        diagnostics=diagnostics,
        notes=tuple(notes),
        weights=pd.Series(w, index=index, name="weights"),
        propensity=pd.Series(
            fit.score if fit is not None else np.full(len(index), np.nan), index=index,
            name="propensity",
        ),
        treated=pd.Series(t, index=index, name=treatment),
        balance_table=table,
    )  # fmt: skip
    return cast(WeightingResult, result)


_SE_TEXT = {
    "ipw": "M-estimation sandwich (HC0) stacking the logit score",
    "aipw": "M-estimation sandwich (HC0) stacking the logit score and the outcome regressions",
    "entropy": "M-estimation sandwich (HC0) stacking the target means and balancing conditions",
}
