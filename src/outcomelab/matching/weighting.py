"""Inverse-probability weighting (IPW) and augmented IPW (doubly robust) effect estimators.

Both estimate the propensity score by a logit model and obtain standard errors from the sandwich
covariance of the stacked estimating equations (M-estimation): the logit score equations, the
outcome-regression normal equations (AIPW) and the equations of the potential-outcome means are
solved jointly, so the uncertainty of the estimated propensity score (and outcome models) is
accounted for. This is the same stacking statsmodels' ``TreatmentEffect`` uses (HC0 sandwich).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_choice,
    check_no_missing,
    check_numeric,
    require_columns,
    require_dataframe,
)
from outcomelab.balance.compute import balance as balance_table
from outcomelab.balance.compute import treatment_indicator
from outcomelab.balance.plots import overlap_plot
from outcomelab.balance.statistics import effective_sample_size
from outcomelab.balance.table import BalanceTable
from outcomelab.errors import EmptyGroupError, NoOverlapError, ParameterError, SingularDesignError
from outcomelab.matching.design import build_design
from outcomelab.matching.estimability import check_outcome_varies, check_standard_error
from outcomelab.matching.propensity import fit_propensity
from outcomelab.results.effect import EffectResult, normal_inference

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["WeightingResult", "weighting"]

Estimand = Literal["ATT", "ATE"]
Method = Literal["ipw", "aipw"]

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
        ``1/(1-e)`` for the ATE, ``1`` and ``e/(1-e)`` for the ATT (stabilised if asked).
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


def _ols(Z: np.ndarray, y: np.ndarray, what: str) -> np.ndarray:
    if np.linalg.matrix_rank(Z) < Z.shape[1]:
        raise SingularDesignError(
            f"The outcome regression in the {what} group is rank deficient ({Z.shape[0]} units, "
            f"{Z.shape[1]} terms): a covariate is constant or collinear in that group. Drop it "
            "or use method='ipw'."
        )
    coef, *_ = np.linalg.lstsq(Z, y, rcond=None)
    return np.asarray(coef)


def _stacked(
    method: str, estimand: str, X: np.ndarray, t: np.ndarray, y: np.ndarray, e: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Estimates, per-unit moments ``G`` (n x k), mean Jacobian ``A`` (k x k) and the contrast
    vectors giving the effect and the two potential-outcome means as ``c @ theta``.

    ``X`` includes the intercept and serves both the logit and the outcome regressions.
    """
    n, p = X.shape
    c = 1.0 - t
    ps_score = X * (t - e)[:, None]
    ps_jac = -(X * (e * (1 - e))[:, None]).T @ X / n
    odds = e / (1 - e)

    if method == "ipw" and estimand == "ATE":
        w1, w0 = t / e, c / (1 - e)
        mu1, mu0 = np.sum(w1 * y) / np.sum(w1), np.sum(w0 * y) / np.sum(w0)
        G = np.column_stack([ps_score, w1 * (y - mu1), w0 * (y - mu0)])
        A = np.zeros((p + 2, p + 2))
        A[:p, :p] = ps_jac
        A[p, :p] = np.mean((-t * (1 - e) / e * (y - mu1))[:, None] * X, axis=0)
        A[p, p] = -np.mean(w1)
        A[p + 1, :p] = np.mean((c * odds * (y - mu0))[:, None] * X, axis=0)
        A[p + 1, p + 1] = -np.mean(w0)
        k = p + 2
        effect, pom1, pom0 = np.zeros(k), np.zeros(k), np.zeros(k)
        effect[p], effect[p + 1] = 1.0, -1.0
        pom1[p], pom0[p + 1] = 1.0, 1.0
        return np.r_[mu1, mu0], G, A, np.vstack([effect, pom1, pom0]), np.r_[mu1 - mu0, mu1, mu0]

    if method == "ipw":  # ATT
        w0 = c * odds
        mu1, mu0 = np.sum(t * y) / np.sum(t), np.sum(w0 * y) / np.sum(w0)
        G = np.column_stack([ps_score, t * (y - mu1), w0 * (y - mu0)])
        A = np.zeros((p + 2, p + 2))
        A[:p, :p] = ps_jac
        A[p, p] = -np.mean(t)
        A[p + 1, :p] = np.mean((w0 * (y - mu0))[:, None] * X, axis=0)
        A[p + 1, p + 1] = -np.mean(w0)
        k = p + 2
        effect, pom1, pom0 = np.zeros(k), np.zeros(k), np.zeros(k)
        effect[p], effect[p + 1] = 1.0, -1.0
        pom1[p], pom0[p + 1] = 1.0, 1.0
        return np.r_[mu1, mu0], G, A, np.vstack([effect, pom1, pom0]), np.r_[mu1 - mu0, mu1, mu0]

    treated = t == 1
    g0 = _ols(X[~treated], y[~treated], "comparison")
    m0 = X @ g0
    if estimand == "ATE":
        g1 = _ols(X[treated], y[treated], "treated")
        m1 = X @ g1
        mu1 = np.mean(m1 + t * (y - m1) / e)
        mu0 = np.mean(m0 + c * (y - m0) / (1 - e))
        G = np.column_stack(
            [
                ps_score,
                X * (t * (y - m1))[:, None],
                X * (c * (y - m0))[:, None],
                m1 + t * (y - m1) / e - mu1,
                m0 + c * (y - m0) / (1 - e) - mu0,
            ]
        )
        k = 3 * p + 2
        A = np.zeros((k, k))
        b1, b0, i1, i0 = slice(p, 2 * p), slice(2 * p, 3 * p), 3 * p, 3 * p + 1
        A[:p, :p] = ps_jac
        A[b1, b1] = -(X * t[:, None]).T @ X / n
        A[b0, b0] = -(X * c[:, None]).T @ X / n
        A[i1, :p] = np.mean((-t * (y - m1) * (1 - e) / e)[:, None] * X, axis=0)
        A[i1, b1] = np.mean((1 - t / e)[:, None] * X, axis=0)
        A[i1, i1] = -1.0
        A[i0, :p] = np.mean((c * (y - m0) * odds)[:, None] * X, axis=0)
        A[i0, b0] = np.mean((1 - c / (1 - e))[:, None] * X, axis=0)
        A[i0, i0] = -1.0
        effect, pom1, pom0 = np.zeros(k), np.zeros(k), np.zeros(k)
        effect[i1], effect[i0] = 1.0, -1.0
        pom1[i1], pom0[i0] = 1.0, 1.0
        return np.r_[mu1, mu0], G, A, np.vstack([effect, pom1, pom0]), np.r_[mu1 - mu0, mu1, mu0]

    # AIPW for the ATT: treated mean minus [mean of m0 over the treated + odds-weighted
    # (normalised) mean of the comparison residuals]
    w0 = c * odds
    mu1 = np.sum(t * y) / np.sum(t)
    a = np.sum(w0 * (y - m0)) / np.sum(w0)
    b = np.sum(t * m0) / np.sum(t)
    G = np.column_stack(
        [ps_score, X * (c * (y - m0))[:, None], t * (y - mu1), w0 * (y - m0 - a), t * (m0 - b)]
    )
    k = 2 * p + 3
    A = np.zeros((k, k))
    b0, i1, ia, ib = slice(p, 2 * p), 2 * p, 2 * p + 1, 2 * p + 2
    A[:p, :p] = ps_jac
    A[b0, b0] = -(X * c[:, None]).T @ X / n
    A[i1, i1] = -np.mean(t)
    A[ia, :p] = np.mean((w0 * (y - m0 - a))[:, None] * X, axis=0)
    A[ia, b0] = -np.mean(w0[:, None] * X, axis=0)
    A[ia, ia] = -np.mean(w0)
    A[ib, b0] = np.mean(t[:, None] * X, axis=0)
    A[ib, ib] = -np.mean(t)
    effect, pom1, pom0 = np.zeros(k), np.zeros(k), np.zeros(k)
    effect[i1], effect[ia], effect[ib] = 1.0, -1.0, -1.0
    pom1[i1] = 1.0
    pom0[ia], pom0[ib] = 1.0, 1.0
    return np.r_[mu1, a + b], G, A, np.vstack([effect, pom1, pom0]), np.r_[mu1 - a - b, mu1, a + b]


def sandwich_covariance(G: np.ndarray, A: np.ndarray) -> np.ndarray:
    """HC0 sandwich ``A^-1 B A^-T / n`` with ``B = G'G / n`` (``A`` the mean Jacobian).

    Parameters
    ----------
    G
        ``n x k`` estimating-function values at the estimate.
    A
        ``k x k`` mean derivative of the estimating functions.

    Returns
    -------
    numpy.ndarray
        Covariance matrix of the stacked parameters.
    """
    n = G.shape[0]
    B = G.T @ G / n
    A_inv = np.linalg.inv(A)
    return np.asarray(A_inv @ B @ A_inv.T / n)


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
        ``"ATT"`` (effect on the treated; default) or ``"ATE"`` (average effect).
    method
        ``"ipw"``: normalised (Hajek) inverse-probability weighting; ``"aipw"``: augmented IPW,
        doubly robust (consistent if either the propensity or the outcome model is right).
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
    check_choice("estimand", estimand, ["ATT", "ATE"])
    check_choice("method", method, ["ipw", "aipw"])
    require_columns(data, outcome=outcome, treatment=treatment)
    check_no_missing(data, "outcome", outcome)
    check_numeric(data, "outcome", outcome)
    t_all = treatment_indicator(data, treatment)
    design = build_design(data, covariates)
    names = design.names
    fit = fit_propensity(design.matrix, t_all, names=names)
    e_all = fit.score
    notes: list[str] = []
    keep = np.ones(len(data), dtype=bool)
    bounds: tuple[float, float] | None = None

    def check_overlap(e: np.ndarray, advice: str) -> None:
        at_one = e > 1 - OVERLAP_EPS
        at_zero = (e < OVERLAP_EPS) if estimand == "ATE" else np.zeros_like(at_one)
        if at_one.any() or at_zero.any():
            raise NoOverlapError(
                f"{int(at_one.sum())} units have a propensity score of (nearly) 1 and "
                f"{int(at_zero.sum())} of (nearly) 0, so their inverse-probability weights are "
                f"unbounded and the groups do not overlap there. {advice}"
            )

    if trim is None:
        check_overlap(
            e_all,
            "Pass trim=(0.01, 0.99) (bounds) or trim=0.01 (quantiles) to drop them, or narrow "
            "the comparison pool.",
        )
    else:
        bounds = _trim_bounds(trim, e_all)
        keep = (e_all >= bounds[0]) & (e_all <= bounds[1])
        dropped = int((~keep).sum())
        for value, name in ((1.0, "treated"), (0.0, "comparison")):
            if not (keep & (t_all == value)).any():
                raise EmptyGroupError(
                    f"Trimming at propensity bounds {bounds[0]:.4g}-{bounds[1]:.4g} leaves no "
                    f"{name} units; widen `trim`."
                )
        if dropped:
            note = (
                f"{dropped} units with propensity scores outside {bounds[0]:.4g}-"
                f"{bounds[1]:.4g} were dropped (trimmed) and the propensity model was refitted; "
                "the estimate refers to the population with overlapping scores."
            )
            warnings.warn(note, UserWarning, stacklevel=2)
            notes.append(note)
            fit = fit_propensity(design.matrix[keep], t_all[keep], names=names)
            check_overlap(
                fit.score,
                "This happens after trimming and refitting the propensity model; trim more "
                "narrowly or drop the covariates that separate the groups.",
            )

    t = t_all[keep]
    y = data[outcome].to_numpy(dtype=np.float64)[keep]
    e = fit.score
    spread = check_outcome_varies(y, outcome, "units kept")
    X = np.column_stack([np.ones(int(keep.sum())), design.matrix[keep]])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise SingularDesignError(
            f"The covariate design ({', '.join(names)}) is rank deficient after expansion: a "
            "covariate is constant or a linear combination of others. Drop the redundant ones."
        )
    if trim is None and not fit.converged:
        notes.append("The propensity model did not converge; check for separation.")

    _, G, A, contrasts, estimates = _stacked(method, estimand, X, t, y, e)
    cov = sandwich_covariance(G, A)
    ses = np.sqrt(np.einsum("ij,jk,ik->i", contrasts, cov, contrasts))
    check_standard_error(float(ses[0]), spread, outcome)

    treated = t == 1
    w = np.where(treated, 1.0 / e, 1.0 / (1.0 - e)) if estimand == "ATE" else np.where(
        treated, 1.0, e / (1.0 - e)
    )  # fmt: skip
    if stabilize:
        share = float(np.mean(treated))
        if estimand == "ATE":
            w = w * np.where(treated, share, 1.0 - share)
        else:
            w = w * np.where(treated, 1.0, share / (1.0 - share))
    index = data.index[keep]
    weights = pd.Series(w, index=index, name="weights")
    propensity = pd.Series(e, index=index, name="propensity")
    kept = data.loc[keep]
    table = balance_table(
        kept,
        treatment=treatment,
        covariates=list(design.variables),
        weights=weights.to_numpy(),
        estimand=estimand,
    )

    low, high, pval = normal_inference(estimates, ses, alpha)
    label = "ATT" if estimand == "ATT" else "ATE"
    suffix = " | T=1" if estimand == "ATT" else ""
    terms = pd.DataFrame(
        {
            "term": [label, f"E[Y(1){suffix}]", f"E[Y(0){suffix}]"],
            "estimate": estimates,
            "std_error": ses,
            "conf_low": low,
            "conf_high": high,
            "p_value": pval,
        }
    )
    shares = {
        name: float(w[mask].max() / w[mask].sum())
        for name, mask in (("treated", treated), ("control", ~treated))
    }
    for name, share in shares.items():
        if share > MAX_WEIGHT_SHARE:
            notes.append(
                f"One {'comparison' if name == 'control' else 'treated'} unit carries "
                f"{100 * share:.0f}% of its group's total weight; the estimate leans heavily on "
                "a few units with extreme propensity scores (consider trimming)."
            )
    diagnostics = {
        "propensity_model": "logit",
        "propensity_coef": dict(zip(("(Intercept)", *names), fit.coef.tolist(), strict=True)),
        "propensity_min": float(e.min()),
        "propensity_max": float(e.max()),
        "ess_treated": effective_sample_size(w[treated]),
        "ess_control": effective_sample_size(w[~treated]),
        "max_weight_treated": float(w[treated].max()),
        "max_weight_control": float(w[~treated].max()),
        "max_weight_share_treated": shares["treated"],
        "max_weight_share_control": shares["control"],
        "trim_bounds": list(bounds) if bounds is not None else None,
        "n_trimmed": int((~keep).sum()),
        "std_error_method": "M-estimation sandwich (HC0) stacking the logit score"
        + (" and the outcome regressions" if method == "aipw" else ""),
        "max_abs_smd_after": table.max_abs_smd("after"),
    }
    estimand_text = (
        "ATT, average effect on the treated"
        if estimand == "ATT"
        else "ATE, average effect in the whole population"
    )
    if bounds is not None and int((~keep).sum()):
        estimand_text += " with overlapping propensity scores (trimmed)"
    result = WeightingResult.from_estimate(
        float(estimates[0]),
        float(ses[0]),
        n_treated=int(treated.sum()),
        n_control=int((~treated).sum()),
        method=f"{method}/logit",
        estimand=estimand_text,
        alpha=alpha,
        outcome=outcome,
        terms=terms,
        diagnostics=diagnostics,
        notes=tuple(notes),
        weights=weights,
        propensity=propensity,
        treated=pd.Series(t, index=index, name=treatment),
        balance_table=table,
    )
    return cast(WeightingResult, result)
