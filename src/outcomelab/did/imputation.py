"""Borusyak, Jaravel and Spiess (2024) imputation estimator of staggered treatment effects.

Unit and period effects (and time-varying covariates) are fitted on the untreated unit-periods
only; each treated unit-period's untreated outcome is imputed from them, its effect is the
observed minus the imputed outcome, and the event-time and overall effects are averages of these.
Standard errors are the paper's conservative clustered variance (Theorem 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.did.event_study_result import EventStudyResult, event_study_result
from outcomelab.did.fixed_effects import TwoWaySystem
from outcomelab.did.least_squares import WithinFit, within_least_squares
from outcomelab.did.staggered_panel import StaggeredPanel, check_anticipation, staggered_panel
from outcomelab.did.within import TwoWayIndex
from outcomelab.errors import EmptyGroupError, SingularDesignError
from outcomelab.numerics import cr1_vcov, fixef_dof
from outcomelab.results.estimability import check_outcome_varies, check_standard_error

__all__ = ["imputation"]


@dataclass(frozen=True)
class _Rows:
    """Untreated (``0``) and imputable treated (``1``) rows of the panel, with their codes."""

    treated: np.ndarray  # mask over all rows: treated (from g - anticipation on) and imputable
    untreated: np.ndarray  # mask over all rows
    n_not_imputable: int
    index0: TwoWayIndex  # of the untreated rows
    unit1: np.ndarray  # unit code (index0's numbering) of each treated row
    time1: np.ndarray  # period code (index0's numbering) of each treated row
    event1: np.ndarray  # event time of each treated row
    cohort1: np.ndarray  # cohort of each treated row
    w0: np.ndarray | None  # row weights, untreated rows
    w1: np.ndarray  # row weights (ones when unweighted), treated rows


def _rows(panel: StaggeredPanel, anticipation: int) -> _Rows:
    ru, rt = panel.row_unit(), panel.row_time()
    g = panel.cohort[ru]
    period = panel.periods[rt]
    on = (g > 0) & (period >= g - anticipation)
    untreated = ~on
    if not untreated.any():
        raise EmptyGroupError("No unit-period is untreated, so no counterfactual can be imputed.")
    # a treated row is imputable if its unit and its period have untreated rows
    t_code = np.full(panel.n_periods, -1)
    t_seen = np.unique(rt[untreated])
    t_code[t_seen] = np.arange(t_seen.size)
    u_code = np.full(panel.n_units, -1)
    u_seen = np.unique(ru[untreated])
    u_code[u_seen] = np.arange(u_seen.size)
    treated = on & (t_code[rt] >= 0) & (u_code[ru] >= 0)
    if not treated.any():
        raise EmptyGroupError(
            "No treated unit-period can be imputed: in every treated period all units are "
            "treated. Add never-treated units or periods before the last cohort starts."
        )
    unit_w = np.ones(panel.n_units) if panel.unit_weight is None else panel.unit_weight
    index0 = TwoWayIndex.from_codes(u_code[ru[untreated]], t_code[rt[untreated]])
    return _Rows(
        treated=treated,
        untreated=untreated,
        n_not_imputable=int((on & ~treated).sum()),
        index0=index0,
        unit1=u_code[ru[treated]],
        time1=t_code[rt[treated]],
        event1=(period - g)[treated],
        cohort1=g[treated],
        w0=None if panel.unit_weight is None else unit_w[ru[untreated]],
        w1=unit_w[ru[treated]],
    )


@dataclass(frozen=True)
class _Imputed:
    """Step one (untreated fit) and step two (imputed effects)."""

    tau: np.ndarray  # effect of each treated row
    resid0: np.ndarray  # untreated rows' residuals
    system: TwoWaySystem
    cov_fit: WithinFit | None  # the covariates' within fit on the untreated rows


def _impute(panel: StaggeredPanel, rows: _Rows) -> _Imputed:
    y0, y1 = panel.y[rows.untreated], panel.y[rows.treated]
    system = TwoWaySystem.build(rows.index0, rows.w0)
    cov_fit = None
    x_effect0 = np.zeros(y0.size)
    x_effect1 = np.zeros(y1.size)
    if panel.x is not None:
        x0, x1 = panel.x[rows.untreated], panel.x[rows.treated]
        cov_fit = within_least_squares(
            y0, list(x0.T), rows.index0, rows.w0, panel.covariates, describe=lambda _: "covariates"
        )
        x_effect0, x_effect1 = x0 @ cov_fit.beta, x1 @ cov_fit.beta
    a, b = system.fitted(y0 - x_effect0)
    resid0 = y0 - x_effect0 - a[rows.index0.unit] - b[rows.index0.time]
    tau = y1 - x_effect1 - a[rows.unit1] - b[rows.time1]
    return _Imputed(tau, resid0, system, cov_fit)


def _targets(rows: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """Weights of the treated rows in the overall effect (column 0) and each event time."""
    events = np.unique(rows.event1)
    masks = np.column_stack(
        [np.ones(rows.event1.size, dtype=bool)] + [rows.event1 == e for e in events]
    )
    w = np.where(masks, rows.w1[:, None], 0.0)
    return w / w.sum(axis=0), events


def _untreated_weights(
    panel: StaggeredPanel, rows: _Rows, imp: _Imputed, target: np.ndarray
) -> np.ndarray:
    """``v_it`` of the untreated rows: minus the weight of each in every target's imputation.

    ``v_0 = -W_0 A_0 (A_0' W_0 A_0)^{-1} A_1' w`` with ``A = [unit and period dummies, X]``,
    computed by Frisch-Waugh-Lovell: the dummy part through the two-way system, the covariate
    part through the covariates' within fit.
    """
    idx = rows.index0
    k = target.shape[1]
    r_unit = np.column_stack(
        [np.bincount(rows.unit1, weights=target[:, j], minlength=idx.n_units) for j in range(k)]
    )
    r_time = np.column_stack(
        [np.bincount(rows.time1, weights=target[:, j], minlength=idx.n_times) for j in range(k)]
    )
    a, b = imp.system.solve(r_unit, r_time)
    w0 = np.ones(idx.unit.size) if rows.w0 is None else rows.w0
    g = w0[:, None] * (a[idx.unit] + b[idx.time])
    if imp.cov_fit is not None and panel.x is not None:
        x0, x1 = panel.x[rows.untreated], panel.x[rows.treated]
        adjust = x1.T @ target - x0.T @ g
        g = g + (w0[:, None] * imp.cov_fit.x) @ (imp.cov_fit.bread @ adjust)
    return -g


def _conservative_vcov(
    panel: StaggeredPanel, rows: _Rows, imp: _Imputed, target: np.ndarray
) -> tuple[np.ndarray, int]:
    """BJS Theorem 3: ``sum_c (sum_{it in c} v_it e_it)(...)'`` with the auxiliary residuals.

    Treated rows' residuals are ``tau_it - tilde tau_g`` with ``tilde tau_g = sum v^2 tau /
    sum v^2`` over the cohort x event-time group ``g`` (the unit-clustered form of the paper's
    equation 8 when each unit has one row per group); untreated rows' are the step-one residuals.
    """
    v0 = _untreated_weights(panel, rows, imp, target)
    group = pd.factorize(pd.MultiIndex.from_arrays([rows.cohort1, rows.event1]))[0]
    n_groups = int(group.max()) + 1
    eps1 = np.empty_like(target)
    for j in range(target.shape[1]):
        v2 = target[:, j] ** 2
        num = np.bincount(group, weights=v2 * imp.tau, minlength=n_groups)
        den = np.bincount(group, weights=v2, minlength=n_groups)
        tilde = np.divide(num, den, out=np.zeros(n_groups), where=den > 0)
        eps1[:, j] = imp.tau - tilde[group]
    ru = panel.row_unit()
    c0 = panel.unit_cluster[ru[rows.untreated]]
    c1 = panel.unit_cluster[ru[rows.treated]]
    n_cl = int(panel.unit_cluster.max()) + 1
    psi = np.column_stack(
        [
            np.bincount(c0, weights=v0[:, j] * imp.resid0, minlength=n_cl)
            + np.bincount(c1, weights=target[:, j] * eps1[:, j], minlength=n_cl)
            for j in range(target.shape[1])
        ]
    )
    return psi.T @ psi, n_cl


def _lead_fit(
    panel: StaggeredPanel, rows: _Rows, g: np.ndarray, rel: np.ndarray, leads: np.ndarray
) -> tuple[WithinFit, list[str], list[float]] | None:
    """The untreated model with lead indicators; leads that are collinear with the fixed effects
    (without never-treated units the most distant one is) are left out, most distant first.
    Returns the fit, its regressor names and the leads left out, or None if none is identified.
    """
    y0 = panel.y[rows.untreated]
    x0 = [] if panel.x is None else list(panel.x[rows.untreated].T)
    for start in range(leads.size):
        kept = leads[start:]
        regressors = [((g > 0) & (rel == h)).astype(np.float64) for h in kept] + x0
        names = [f"e={h:g}" for h in kept] + panel.covariates
        try:
            fit = within_least_squares(
                y0, regressors, rows.index0, rows.w0, names, describe=lambda _: "lead indicators"
            )
        except SingularDesignError:
            continue
        return fit, names, [float(h) for h in leads[:start]]
    return None


def _pretrend(
    panel: StaggeredPanel, rows: _Rows, anticipation: int, alpha: float
) -> dict[str, Any] | None:
    """Borusyak et al.'s Test 1: lead indicators added to the untreated model (CR1, t(G-1)).

    Leads are the event times of the treated cohorts' untreated rows except the reference
    ``-1 - anticipation``; their joint Wald test (chi-squared) is the pre-trend test.
    """
    from scipy.special import chdtrc, stdtr, stdtrit

    ru = panel.row_unit()[rows.untreated]
    g = panel.cohort[ru]
    rel = panel.periods[panel.row_time()[rows.untreated]] - g
    leads = np.unique(rel[(g > 0) & (rel != -1 - anticipation)])
    if leads.size == 0:
        return None
    fitted = _lead_fit(panel, rows, g, rel, leads)
    if fitted is None:
        return {
            "terms": [],
            "dropped": leads.tolist(),
            "reason": "No pre-trend lead is identified (all collinear with the fixed effects).",
        }
    fit, names, dropped = fitted
    leads = leads[len(dropped) :]
    idx = rows.index0
    clusters = [panel.unit_cluster[ru]]
    df_k = len(names) + fixef_dof([(idx.unit, idx.n_units), (idx.time, idx.n_times)], clusters)
    scores = fit.x * (fit.resid if rows.w0 is None else rows.w0 * fit.resid)[:, None]
    cov, n_clusters = cr1_vcov(scores, fit.bread, clusters, df_k=df_k)
    k = leads.size
    gamma, v = fit.beta[:k], cov[:k, :k]
    se = np.sqrt(np.clip(np.diag(v), 0, None))
    q, dof = stdtrit(n_clusters - 1, 1 - alpha / 2), n_clusters - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stdtr(dof, -np.abs(gamma / se))
    wald = float(gamma @ np.linalg.solve(v, gamma))
    return {
        "terms": [
            {
                "event_time": float(h),
                "estimate": float(b),
                "std_error": float(s),
                "conf_low": float(b - q * s),
                "conf_high": float(b + q * s),
                "p_value": float(pv),
            }
            for h, b, s, pv in zip(leads, gamma, se, p, strict=True)
        ],
        "statistic": wald,
        "df": int(k),
        "p_value": float(chdtrc(k, wald)),
        "test": "Wald chi-squared of the lead indicators in the untreated model (BJS Test 1)",
        "dropped": dropped,
    }


def imputation(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] | str | None = None,
    anticipation: int = 0,
    cluster: str | None = None,
    weights: str | None = None,
    alpha: float = 0.05,
) -> EventStudyResult:
    """Borusyak-Jaravel-Spiess imputation estimate: event-time effects and their overall average.

    Parameters
    ----------
    data
        Long panel, one row per unit and period.
    outcome
        Numeric outcome column.
    unit, time
        Unit identifier and (numeric) period columns.
    cohort
        First period of treatment of the unit; 0 or missing for never-treated units.
    covariates
        Time-varying numeric controls in the untreated model (time-invariant ones are absorbed
        by the unit effects and refused); a list of columns or a plain sum ``"x1 + x2"``.
    anticipation
        Periods before the start in which units may already react: rows from
        ``g - anticipation`` on count as treated (event times from ``-anticipation``).
    cluster
        ``None`` (default): cluster by unit. A column of clusters that contain whole units.
    weights
        ``None`` or a column of non-negative sampling or population weights, constant within a
        unit: weighted least squares in step one and weighted averages of the effects. Units
        with weight 0 are left out.
    alpha
        1 - confidence level.

    Returns
    -------
    EventStudyResult
        Headline: the average effect over all treated unit-periods (``tau_it`` weighted
        equally, or by ``weights``); ``tidy()`` the event-time effects from ``-anticipation`` on;
        ``vcov`` their covariance (same conservative estimator); ``diagnostics`` counts of
        untreated, treated and not imputable unit-periods, clusters, and ``pretrend``: the
        pre-period (lead) coefficients and their joint test (``None`` without leads), which
        ``plot()`` draws before the start.

    Raises
    ------
    InputError
        Missing or non-numeric columns, duplicate unit-period rows, a cohort, weight or cluster
        that changes within a unit.
    ParameterError
        An option outside its allowed values (named).
    EmptyGroupError
        No treated units, no untreated unit-period, or no treated unit-period that can be
        imputed (every unit treated in every treated period).
    SingularDesignError
        Covariates that do not vary within units and periods among the untreated rows, or that
        are collinear.
    EstimationError
        A degenerate outcome (constant, or a standard error of zero).

    Notes
    -----
    Step one fits ``y_it = a_i + b_t + X_it'd + e_it`` by (weighted) least squares on the
    untreated rows (never-treated units, and treated units before ``g - anticipation``); step
    two sets ``tau_it = y_it - a_i - b_t - X_it'd`` for every treated row whose unit and period
    have untreated rows. Rows that cannot be imputed (periods in which every unit is treated:
    the horizons Borusyak et al.'s Proposition 5 shows are not identified without never-treated
    units) are left out, with a note. The overall effect averages every imputed ``tau_it``; the
    event-time effect ``e`` those with ``t - g = e``; with equal weights the overall effect is
    the estimand of ``att_gt``'s ``simple`` aggregate.

    The variance is Theorem 3's conservative clustered estimator: an estimate is
    ``sum_it v_it y_it`` (``v_it`` the target weights on treated rows and minus the imputation
    weights on untreated rows), its variance ``sum_c (sum_{it in c} v_it e_it)^2`` with
    auxiliary residuals ``e_it`` (untreated: step-one residuals; treated: ``tau_it`` minus the
    ``v^2``-weighted mean of its cohort x event-time group), as diff-diff's ``ImputationDiD``
    and R ``didimputation`` compute it. It has no small-sample factor. Intervals and p-values
    are normal.

    The pre-trend check is Borusyak et al.'s Test 1, kept apart from the estimates (their
    advice): lead indicators for the treated cohorts' untreated event times (except the
    reference ``-1 - anticipation``) are added to the untreated model; their coefficients (CR1,
    t with ``G - 1`` degrees of freedom, as diff-diff's ``pretrends=True``) and a joint Wald
    test are in ``diagnostics["pretrend"]``.

    pyfixest's ``did2s`` gives the same estimates (Gardner's two-stage estimator is
    the imputation estimator) with Gardner's GMM standard errors instead. The panel is balanced
    and units are dropped by the rules of :func:`~outcomelab.did.att_gt`.

    References
    ----------
    Borusyak, K., Jaravel, X. and Spiess, J. (2024). Revisiting event-study designs: robust and
    efficient estimation. Review of Economic Studies 91(6), 3253-3285.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from outcomelab.did import imputation
    >>> rng = np.random.default_rng(1)
    >>> panel = pd.DataFrame(
    ...     {"id": np.repeat(np.arange(300), 6), "year": np.tile(np.arange(2010, 2016), 300)}
    ... ).assign(start=lambda d: np.select([d.id < 100, d.id < 200], [2012, 2014], 0))
    >>> panel["y"] = 1.5 * ((panel.start > 0) & (panel.year >= panel.start)) + rng.normal(
    ...     size=len(panel)
    ... )
    >>> res = imputation(panel, outcome="y", unit="id", time="year", cohort="start")
    >>> bool(abs(res.estimate - 1.5) < 0.3)
    True
    """
    anticipation = check_anticipation(anticipation)
    panel, alpha = staggered_panel(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        covariates=covariates,
        cluster=cluster,
        weights=weights,
        anticipation=anticipation,
        alpha=alpha,
    )
    spread = check_outcome_varies(panel.y, outcome, "unit-period rows")
    rows = _rows(panel, anticipation)
    imp = _impute(panel, rows)
    target, events = _targets(rows)
    est = target.T @ imp.tau
    vcov, n_clusters = _conservative_vcov(panel, rows, imp, target)
    overall_se = float(np.sqrt(max(vcov[0, 0], 0.0)))
    check_standard_error(overall_se, spread, outcome)
    pretrend = _pretrend(panel, rows, anticipation, alpha)
    notes = list(panel.notes)
    if rows.n_not_imputable:
        notes.append(
            f"{rows.n_not_imputable} treated unit-periods cannot be imputed (in their period "
            "every unit is treated, so there is no untreated outcome to compare with; Borusyak "
            "et al., Proposition 5) and are left out of every estimate."
        )
    if cluster is not None:
        notes.append(f"Standard errors are clustered by {cluster!r} ({n_clusters} clusters).")
    treated_units = np.unique(panel.row_unit()[rows.treated])
    return event_study_result(
        event_times=events,
        estimates=est[1:],
        vcov=vcov[1:, 1:],
        overall=float(est[0]),
        overall_se=overall_se,
        df=None,
        alpha=alpha,
        method="imputation",
        estimand=(
            "ATT, average of the imputed effects of all treated unit-periods (Borusyak, "
            "Jaravel and Spiess imputation)"
        ),
        outcome=outcome,
        n_treated=int(treated_units.size),
        n_control=int((panel.cohort == 0).sum()),
        extra={
            "n_units": np.array(
                [np.unique(rows.unit1[target[:, j] > 0]).size for j in range(1, target.shape[1])]
            )
        },
        diagnostics={
            "n_obs": int(panel.y.size),
            "n_untreated_obs": int(rows.untreated.sum()),
            "n_treated_obs": int(rows.treated.sum()),
            "n_not_imputable": rows.n_not_imputable,
            "n_units": panel.n_units,
            "n_periods": panel.n_periods,
            "anticipation": anticipation,
            "covariates": panel.covariates,
            "cluster": cluster if cluster is not None else unit,
            "n_clusters": n_clusters,
            "weights": weights,
            "variance": "conservative (Borusyak et al. Theorem 3), groups cohort x event time",
            "pretrend": pretrend,
        },
        notes=notes,
    )
