"""Synthetic control (Abadie, Diamond and Hainmueller 2010) with predictors and V-weights.

Public entry point :func:`synthetic_control`. The donor weights ``W`` minimise
``(X1 - X0 W)' V (X1 - X0 W)`` over the simplex, where ``X`` holds the predictors (normalised by
their standard deviation across units) and ``V`` is a diagonal matrix of predictor weights. ``V``
is chosen, as in the R package ``Synth``, to minimise the mean squared prediction error of the
outcome over the pre-treatment periods (nested optimisation, Nelder-Mead from the equal and a
regression-based start). Without predictors the pre-period outcomes themselves are matched with
equal weights. When several ``W`` fit the predictors equally well (the treated unit lies inside
the donors' convex hull, where ``V`` cannot matter), the one that best fits the pre-period
outcomes is taken, so the result does not depend on where a solver happens to stop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from outcomelab._checks import check_choice, check_no_missing, check_numeric, require_columns
from outcomelab.errors import EstimationError, InputError
from outcomelab.synth.panel import WidePanel, wide_panel
from outcomelab.synth.result import SynthResult
from outcomelab.synth.simplex_ls import simplex_least_squares

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["SyntheticControlResult", "synthetic_control"]

VChoice = Literal["optimize", "equal"]

#: a pre-treatment RMSPE at most this share of the treated unit's outcome level is an exact fit
EXACT_FIT = 1e-9


@dataclass(frozen=True)
class ScFit:
    """Donor weights, predictor weights and the treated-minus-synthetic gap of one fit."""

    w: np.ndarray
    v: np.ndarray
    gap: np.ndarray
    loss: float


class ScProblem:
    """Predictors and outcomes of all units for one treatment start, ready to fit any unit."""

    def __init__(self, y: np.ndarray, x: np.ndarray | None, t0: int, v_choice: VChoice) -> None:
        self.y = y
        self.t0 = t0
        self.v_choice = v_choice
        if x is None:
            self.x = y[:, :t0]
            self.has_predictors = False
        else:
            sd = x.std(axis=0, ddof=1)
            sd[sd == 0] = 1.0
            self.x = x / sd
            self.has_predictors = True

    def fit(self, treated: int, donors: np.ndarray) -> ScFit:
        """Fit unit ``treated`` from ``donors`` (row indices)."""
        x1, x0 = self.x[treated], self.x[donors].T
        z1, z0 = self.y[treated, : self.t0], self.y[donors, : self.t0].T
        k = x0.shape[0]

        def weights_for(v: np.ndarray) -> np.ndarray:
            sv = np.sqrt(v)
            if not self.has_predictors:
                return simplex_least_squares(sv[:, None] * x0, sv * x1)
            # When several W fit the predictors equally well (the treated unit lies inside the
            # donors' hull), take the one that also fits the pre-period outcomes best: the
            # predictor rows carry a weight 1e3 times that of the outcome rows.
            zs = float(np.sqrt(np.mean(z0**2))) or 1.0
            a = np.vstack([1e3 * sv[:, None] * x0, z0 / (zs * np.sqrt(len(z1)))])
            b = np.concatenate([1e3 * sv * x1, z1 / (zs * np.sqrt(len(z1)))])
            return simplex_least_squares(a, b)

        def loss(w: np.ndarray) -> float:
            return float(np.mean((z1 - z0 @ w) ** 2))

        equal = np.full(k, 1.0 / k)
        if not self.has_predictors or self.v_choice == "equal" or k == 1:
            v = equal
            w = weights_for(v)
        else:
            starts = [np.zeros(k), np.log(_regression_v(x0, z0) + 1e-8)]

            def objective(theta: np.ndarray) -> float:
                e = np.exp(theta - theta.max())
                return loss(weights_for(e / e.sum()))

            best_theta, best_val = starts[0], np.inf
            for start in starts:
                res = minimize(
                    objective,
                    start,
                    method="Nelder-Mead",
                    options={"maxiter": 200 * k, "xatol": 1e-6, "fatol": 1e-10},
                )
                if res.fun < best_val:
                    best_theta, best_val = res.x, float(res.fun)
            e = np.exp(best_theta - best_theta.max())
            v = e / e.sum()
            w = weights_for(v)
        gap = self.y[treated] - w @ self.y[donors]
        return ScFit(w, v, gap, loss(w))


def _regression_v(x0: np.ndarray, z0: np.ndarray) -> np.ndarray:
    """Start for V: squared coefficients of the pre-period outcomes regressed on the predictors.

    ``x0`` is ``(k, J)`` (predictors by donor) and ``z0`` ``(T0, J)``.
    """
    design = np.column_stack([np.ones(x0.shape[1]), x0.T])
    coef, *_ = np.linalg.lstsq(design, z0.T, rcond=None)
    v = np.sum(coef[1:] ** 2, axis=1)
    total = v.sum()
    return v / total if total > 0 else np.full(x0.shape[0], 1.0 / x0.shape[0])


@dataclass(frozen=True)
class SyntheticControlResult(SynthResult):
    """Result of :func:`synthetic_control`.

    Besides :class:`SynthResult`'s tables:

    Attributes
    ----------
    predictor_balance
        ``predictor, treated, synthetic, donor_mean, v_weight``.
    placebos
        In-space placebo table, one row per unit (the treated unit first): ``unit, treated,
        pre_rmspe, post_rmspe, ratio, rank, post_gap_mean, kept``.
    placebo_gaps
        Gap series of every unit fitted as if treated (columns: units, index: periods).
    """

    predictor_balance: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    placebos: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    placebo_gaps: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)

    def plot_placebos(self, ax: Any = None) -> Figure:
        """Gap of the treated unit against the gaps of all in-space placebos."""
        from outcomelab.synth.plots import placebo_gaps_plot

        return placebo_gaps_plot(self, ax=ax)


def _predictor_matrix(
    data: pd.DataFrame,
    panel: WidePanel,
    *,
    unit: str,
    time: str,
    outcome: str,
    predictors: Sequence[str],
    predictor_periods: Sequence[Any] | None,
    outcome_lags: Sequence[Any],
    t0: int,
) -> tuple[np.ndarray, list[str]]:
    periods = list(panel.periods)
    window = list(panel.periods[:t0]) if predictor_periods is None else list(predictor_periods)
    unknown = [p for p in window + list(outcome_lags) if p not in periods]
    if unknown:
        raise InputError(f"Periods {unknown} are not observed in `{time}`; pick observed periods.")
    late = [p for p in list(outcome_lags) if periods.index(p) >= t0]
    if late:
        raise InputError(
            f"`outcome_lags` must be pre-treatment periods; {late} are at or after the start."
        )
    cols: list[np.ndarray] = []
    names: list[str] = []
    sub = data[data[time].isin(window)]
    if predictors:
        means = sub.groupby(unit)[list(predictors)].mean().reindex(panel.units)
        if means.isna().any().any():
            bad = means.columns[means.isna().any()].tolist()
            raise InputError(
                f"Predictors {bad} have no values in the predictor periods for some units; "
                "fill them or choose other `predictor_periods`."
            )
        for p in predictors:
            cols.append(means[p].to_numpy(dtype=float))
            names.append(f"{p} (mean)")
    for lag in outcome_lags:
        cols.append(panel.y[:, periods.index(lag)])
        names.append(f"{outcome} ({lag})")
    return np.column_stack(cols), names


def synthetic_control(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str | None = None,
    cohort: str | None = None,
    predictors: Sequence[str] | None = None,
    predictor_periods: Sequence[Any] | None = None,
    outcome_lags: Sequence[Any] | None = None,
    v: VChoice = "optimize",
    placebos: bool = True,
    max_pre_rmspe_ratio: float | None = None,
    alpha: float = 0.05,
) -> SyntheticControlResult:
    """Synthetic control for one treated unit, with in-space placebo inference.

    Parameters
    ----------
    data
        Long balanced panel, one row per unit and period.
    outcome, unit, time
        Column names.
    treatment, cohort
        Treatment indicator (0/1, absorbing) or first treated period; exactly one treated unit.
    predictors
        Columns averaged over ``predictor_periods`` (default: all pre-treatment periods).
    predictor_periods
        Periods over which the predictors are averaged.
    outcome_lags
        Pre-treatment periods whose outcome values are used as extra predictors.
    v
        ``"optimize"`` (default; V minimises the pre-period outcome MSPE) or ``"equal"``.
        Without ``predictors`` and ``outcome_lags``, every pre-period outcome is a predictor with
        equal weight.
    placebos
        Fit every donor as if it were treated (in-space placebos) for the permutation p-value.
    max_pre_rmspe_ratio
        Drop placebos whose pre-period RMSPE exceeds this multiple of the treated unit's
        (Abadie et al. 2010 use 20, 5 and 2) before ranking; ``None`` keeps all.
    alpha
        Significance level reported with the permutation test.

    Returns
    -------
    SyntheticControlResult
        ``estimate`` is the mean gap over the post-treatment periods. Synthetic control has no
        standard error: ``std_error`` and the interval are NaN and ``p_value`` is the permutation
        p-value (share of units whose post/pre RMSPE ratio is at least the treated unit's). When
        the synthetic control reproduces the treated unit's pre-treatment outcomes exactly
        (``diagnostics["exact_pre_fit"]``: pre-period RMSPE at most 1e-9 of the outcome's level,
        the treated unit inside the donors' hull) the ratio divides by rounding error and its
        rank means nothing (it usually comes first); ``p_value`` is then NaN with a note.

    Raises
    ------
    InputError
        Bad columns, panel or periods.
    EstimationError
        Not exactly one treated unit, or fewer than two donors.

    References
    ----------
    Abadie, A., Diamond, A. and Hainmueller, J. (2010). Synthetic control methods for
    comparative case studies: estimating the effect of California's tobacco control program.
    Journal of the American Statistical Association 105(490), 493-505.

    Abadie, A. (2021). Using synthetic controls: feasibility, data requirements, and
    methodological aspects. Journal of Economic Literature 59(2), 391-425.
    """
    check_choice("v", v, ("optimize", "equal"))
    predictors = (
        []
        if predictors is None
        else ([predictors] if isinstance(predictors, str) else list(predictors))
    )
    outcome_lags = [] if outcome_lags is None else list(outcome_lags)
    panel = wide_panel(
        data, outcome=outcome, unit=unit, time=time, treatment=treatment, cohort=cohort
    )
    if panel.n_treated != 1:
        raise EstimationError(
            f"synthetic_control fits one treated unit; this panel has {panel.n_treated}. Use "
            "outcomelab.synth.synthdid(method='sc' or 'sdid') for several treated units."
        )
    if panel.n0 < 2:
        raise EstimationError("Synthetic control needs at least two donor units.")
    if predictors:
        require_columns(data, predictors=predictors)
        check_numeric(data, "predictors", predictors)
        check_no_missing(data, "predictors", predictors)
    t0 = int(panel.cohort_start[0])
    x = None
    names = [f"{outcome} ({p})" for p in panel.periods[:t0]]
    if predictors or outcome_lags:
        x, names = _predictor_matrix(
            data,
            panel,
            unit=unit,
            time=time,
            outcome=outcome,
            predictors=predictors,
            predictor_periods=predictor_periods,
            outcome_lags=outcome_lags,
            t0=t0,
        )
    problem = ScProblem(panel.y, x, t0, v)
    treated = panel.n0
    donors = np.arange(panel.n0)
    main = problem.fit(treated, donors)
    post = main.gap[t0:]
    estimate = float(post.mean())
    table, gaps = _placebo_table(problem, panel, main, t0, placebos, max_pre_rmspe_ratio)
    p_value = float("nan")
    notes = [
        "Synthetic control has no standard error; inference is the permutation p-value from "
        "in-space placebos (every donor fitted as if it were treated)."
    ]
    pre_rmspe = float(np.sqrt(np.mean(main.gap[:t0] ** 2)))
    scale = float(np.sqrt(np.mean(panel.y[treated, :t0] ** 2))) or 1.0
    exact_fit = pre_rmspe <= EXACT_FIT * scale
    if placebos and exact_fit:
        notes.append(
            "The synthetic control reproduces the treated unit's pre-treatment outcomes exactly "
            "(it lies inside the donors' convex hull), so its post/pre RMSPE ratio divides by "
            "rounding error and its rank among the placebos says nothing about the effect: the "
            "permutation test cannot tell here, and no p-value is given."
        )
    elif placebos:
        kept = table[table["kept"]]
        p_value = float((kept["ratio"] >= table["ratio"].iloc[0]).mean())
        notes.append(
            f"The treated unit ranks {int(table['rank'].iloc[0])} of {len(kept)} by post/pre "
            "RMSPE ratio."
        )
    xs = problem.x
    balance = pd.DataFrame(
        {
            "predictor": names,
            "treated": xs[treated] * _sd(x, xs),
            "synthetic": (main.w @ xs[donors]) * _sd(x, xs),
            "donor_mean": xs[donors].mean(axis=0) * _sd(x, xs),
            "v_weight": main.v,
        }
    )
    terms = pd.DataFrame(
        {
            "term": ["ATT"],
            "estimate": [estimate],
            "std_error": [np.nan],
            "conf_low": [np.nan],
            "conf_high": [np.nan],
            "p_value": [p_value],
        }
    )
    period_labels = panel.periods
    return SyntheticControlResult(
        estimate=estimate,
        std_error=float("nan"),
        conf_low=float("nan"),
        conf_high=float("nan"),
        p_value=p_value,
        n_treated=1,
        n_control=panel.n0,
        method="synthetic_control" + ("/v-optimised" if x is not None and v == "optimize" else ""),
        estimand="ATT over the post-treatment periods, synthetic control (Abadie et al. 2010)",
        outcome=outcome,
        alpha=alpha,
        terms=terms,
        diagnostics={
            "pre_rmspe": pre_rmspe,
            "exact_pre_fit": exact_fit,
            "post_rmspe": float(np.sqrt(np.mean(post**2))),
            "pre_mspe": main.loss,
            "treatment_start": period_labels[t0].item()
            if hasattr(period_labels[t0], "item")
            else period_labels[t0],
        },
        notes=tuple(notes),
        unit_weights=pd.DataFrame(
            {"cohort": period_labels[t0], "unit": panel.units[: panel.n0], "weight": main.w}
        ).sort_values("weight", ascending=False, ignore_index=True),
        time_weights=pd.DataFrame(
            {"cohort": period_labels[t0], "period": period_labels[:t0], "weight": 0.0}
        ),
        trajectory=pd.DataFrame(
            {
                "cohort": period_labels[t0],
                "period": period_labels,
                "treated": panel.y[treated],
                "synthetic": panel.y[treated] - main.gap,
                "gap": main.gap,
                "post": np.arange(len(period_labels)) >= t0,
            }
        ),
        predictor_balance=balance,
        placebos=table,
        placebo_gaps=gaps,
    )


def _sd(x: np.ndarray | None, xs: np.ndarray) -> np.ndarray:
    """Undo the predictor normalisation for display."""
    if x is None:
        return np.ones(xs.shape[1])
    sd = x.std(axis=0, ddof=1)
    sd[sd == 0] = 1.0
    return sd


def _placebo_table(
    problem: ScProblem,
    panel: WidePanel,
    main: ScFit,
    t0: int,
    placebos: bool,
    max_ratio: float | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    treated = panel.n0
    rows = [(panel.units[treated], True, main.gap)]
    if placebos:
        for j in range(panel.n0):
            donors = np.delete(np.arange(panel.n0), j)
            rows.append((panel.units[j], False, problem.fit(j, donors).gap))
    gaps = np.vstack([r[2] for r in rows])
    pre = np.sqrt(np.mean(gaps[:, :t0] ** 2, axis=1))
    post = np.sqrt(np.mean(gaps[:, t0:] ** 2, axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pre > 0, post / pre, np.inf)
    kept = np.ones(len(rows), dtype=bool)
    if max_ratio is not None:
        kept = pre <= max_ratio * pre[0]
    rank = np.full(len(rows), np.nan)
    order = np.argsort(-ratio[kept], kind="stable")
    rank_kept = np.empty(kept.sum())
    rank_kept[order] = np.arange(1, kept.sum() + 1)
    rank[kept] = rank_kept
    table = pd.DataFrame(
        {
            "unit": [r[0] for r in rows],
            "treated": [r[1] for r in rows],
            "pre_rmspe": pre,
            "post_rmspe": post,
            "ratio": ratio,
            "rank": rank,
            "post_gap_mean": gaps[:, t0:].mean(axis=1),
            "kept": kept,
        }
    )
    frame = pd.DataFrame(gaps.T, index=panel.periods, columns=[str(r[0]) for r in rows])
    return table, frame
