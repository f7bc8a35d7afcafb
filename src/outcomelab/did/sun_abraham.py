"""Sun and Abraham (2021) interaction-weighted (IW) event-study estimator.

A two-way fixed effects regression saturated in cohort x event-time indicators gives each
cohort's effect ``CATT(g, e)`` at every event time relative to a reference period; the event-time
effect is their average weighted by the cohorts' shares at that event time, so no cohort's effect
contaminates another's (the problem of the ordinary event-study regression under heterogeneous
effects).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import check_choice
from outcomelab.did.event_study_result import EventStudyResult, event_study_result
from outcomelab.did.least_squares import within_least_squares
from outcomelab.did.staggered_panel import StaggeredPanel, check_anticipation, staggered_panel
from outcomelab.did.sun_abraham_grid import grid_fit
from outcomelab.errors import EmptyGroupError
from outcomelab.numerics import cr1_vcov, fixef_dof
from outcomelab.results.estimability import check_outcome_varies, check_standard_error

__all__ = ["sun_abraham"]

SunAbrahamControl = Literal["never_treated", "last_treated"]


@dataclass(frozen=True)
class _Design:
    """The saturated regression's cohort x event-time columns and who compares with whom."""

    panel: StaggeredPanel
    cells: list[tuple[float, float]]  # (cohort, event time) of each interaction column
    control_cohort: float  # 0 = never treated
    reference: dict[float, float]  # event time left out per cohort
    notes: list[str]


def _last_treated(
    panel: StaggeredPanel, anticipation: int, fallback: bool
) -> tuple[StaggeredPanel, float, list[str]]:
    """The last-treated cohort as the comparison group; its periods from its start dropped."""
    last = float(panel.cohort.max())
    keep_t = panel.periods < last - anticipation
    keep_u = panel.cohort > 0
    if int(keep_t.sum()) < 2 or np.unique(panel.cohort[keep_u]).size < 2:
        raise EmptyGroupError(
            "Sun-Abraham needs a comparison group: never-treated units, or a cohort that starts "
            f"later than the others (the last cohort, {last:g}) with at least two periods before "
            "it starts. Add never-treated units or periods before the last cohort starts."
        )
    rows = (keep_u[:, None] & keep_t[None, :]).reshape(-1)
    n_t = int(keep_t.sum())
    x = None if panel.x is None else panel.x[rows]
    trimmed = replace(
        panel,
        periods=panel.periods[keep_t],
        cohort=panel.cohort[keep_u],
        y=panel.y[rows],
        x=x,
        unit_weight=None if panel.unit_weight is None else panel.unit_weight[keep_u],
        unit_cluster=pd.factorize(panel.unit_cluster[keep_u])[0].astype(np.intp),
    )
    why = "No unit is never treated, so" if fallback else "As asked (control_group='last_treated'),"
    msg = (
        f"{why} the last cohort to start ({last:g}) is the comparison group, as Sun and Abraham "
        f"propose; the periods from {last - anticipation:g} on are dropped (estimates use the "
        f"periods up to {float(trimmed.periods[-1]):g})"
        + (f" and {int((~keep_u).sum())} never-treated units are left out" if not fallback else "")
        + f"; {n_t} periods remain."
    )
    if fallback:
        warnings.warn(msg, UserWarning, stacklevel=4)
    return trimmed, last, [msg]


def _design(panel: StaggeredPanel, control_group: SunAbrahamControl, anticipation: int) -> _Design:
    notes: list[str] = []
    control = 0.0
    if control_group == "last_treated" or not (panel.cohort == 0).any():
        panel, control, notes = _last_treated(
            panel, anticipation, fallback=control_group == "never_treated"
        )
    periods = panel.periods
    cells: list[tuple[float, float]] = []
    reference: dict[float, float] = {}
    for g in np.unique(panel.cohort[panel.cohort != control]):
        pre = periods[periods < g - anticipation]
        reference[float(g)] = float(pre[-1] - g)
        cells.extend((float(g), float(p - g)) for p in periods if p != pre[-1])
    return _Design(panel, cells, control, reference, notes)


def _columns(design: _Design) -> list[np.ndarray]:
    """One 0/1 indicator per (cohort, event time) cell, one value per row."""
    panel = design.panel
    row_cohort = panel.cohort[panel.row_unit()]
    row_period = panel.periods[panel.row_time()]
    return [((row_cohort == g) & (row_period == g + e)).astype(np.float64) for g, e in design.cells]


def _shares(design: _Design) -> np.ndarray:
    """Mass (units, or summed weights) of each cell's cohort, observed at the cell's event time.

    The panel is balanced, so every unit of a cohort is observed at each of its event times.
    """
    panel = design.panel
    mass = np.ones(panel.n_units) if panel.unit_weight is None else panel.unit_weight
    cohort_mass = {float(g): float(mass[panel.cohort == g].sum()) for g, _ in design.cells}
    return np.array([cohort_mass[g] for g, _ in design.cells])


def _aggregate(
    design: _Design, beta: np.ndarray, cov: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Event-time IW effects and the weights of the post-treatment average."""
    cell_e = np.array([e for _, e in design.cells])
    mass = _shares(design)
    events = np.unique(cell_e)
    w = np.zeros((events.size, cell_e.size))
    for i, e in enumerate(events):
        at = cell_e == e
        w[i, at] = mass[at] / mass[at].sum()
    post = cell_e >= 0
    c = np.where(post, mass, 0.0) / mass[post].sum()
    n_cohorts = (w > 0).sum(axis=1)
    sizes = {float(g): int((design.panel.cohort == g).sum()) for g, _ in design.cells}
    n_units = np.array([sum(sizes[g] for g, e in set(design.cells) if e == ev) for ev in events])
    return events, w @ beta, w @ cov @ w.T, c, np.column_stack([n_cohorts, n_units])


def _describe(panel: StaggeredPanel) -> Callable[[list[str]], str]:
    def describe(absorbed: list[str]) -> str:
        return (
            "covariates" if set(absorbed) <= set(panel.covariates) else "cohort x event-time cells"
        )

    return describe


def _fit(design: _Design, names: list[str]) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The cells' coefficients, their CR1 covariance, the clusters and CR1's ``k``.

    Without covariates and weights from cohort x period means
    (:func:`~outcomelab.did.sun_abraham_grid.grid_fit`, no indicator columns); otherwise the
    within-transformed regression with one column per cell.
    """
    panel = design.panel
    index = panel.index()
    clusters = [panel.unit_cluster[index.unit]]
    df_k = len(names) + fixef_dof(
        [(index.unit, index.n_units), (index.time, index.n_times)], clusters
    )
    k = len(design.cells)
    if panel.x is None and panel.unit_weight is None:
        beta, cov, n_clusters = grid_fit(
            panel.y.reshape(panel.n_units, panel.n_periods),
            panel.cohort,
            panel.periods,
            design.cells,
            panel.unit_cluster,
            df_k=df_k,
            names=names,
            describe=_describe(panel),
        )
        return beta, cov, n_clusters, df_k
    regressors = _columns(design)
    if panel.x is not None:
        regressors += list(panel.x.T)
    row_w = None if panel.unit_weight is None else panel.unit_weight[index.unit]
    fit = within_least_squares(panel.y, regressors, index, row_w, names, describe=_describe(panel))
    scores = fit.x * (fit.resid if row_w is None else row_w * fit.resid)[:, None]
    cov_all, n_clusters = cr1_vcov(scores, fit.bread, clusters, df_k=df_k)
    return fit.beta[:k], cov_all[:k, :k], n_clusters, df_k


def sun_abraham(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    control_group: SunAbrahamControl = "never_treated",
    covariates: Sequence[str] | str | None = None,
    anticipation: int = 0,
    cluster: str | None = None,
    weights: str | None = None,
    alpha: float = 0.05,
) -> EventStudyResult:
    """Sun and Abraham's interaction-weighted event study and its post-treatment average.

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
    control_group
        ``"never_treated"`` (default): units never treated in the panel; without any, the
        last-treated cohort (with a warning and a note). ``"last_treated"``: the cohort that
        starts last, as Sun and Abraham propose when there are no never-treated units; the
        periods from its start on and the never-treated units are left out.
    covariates
        Time-varying numeric controls entered linearly (time-invariant ones are absorbed by the
        unit effects and refused); a list of columns or a plain sum ``"x1 + x2"``.
    anticipation
        Periods before the start in which units may already react: the reference period of
        each cohort is ``g - 1 - anticipation``.
    cluster
        ``None`` (default): cluster by unit. A column of clusters that contain whole units.
    weights
        ``None`` or a column of non-negative sampling or population weights, constant within a
        unit: weighted least squares and weighted cohort shares. Units with weight 0 are left
        out.
    alpha
        1 - confidence level.

    Returns
    -------
    EventStudyResult
        Headline: the average effect over the treated unit-periods at and after the start
        (``e >= 0``); ``tidy()`` the event-time effects ``e`` (leads and lags, the reference
        period left out); ``vcov`` their covariance; ``diagnostics["cohort_effects"]`` the
        regression's ``CATT(g, e)`` with standard errors and IW weights, ``n_clusters``,
        ``df_k``, ``control_cohort``, ``reference_event_time``. ``plot()`` draws the event study.

    Raises
    ------
    InputError
        Missing or non-numeric columns, duplicate unit-period rows, a cohort, weight or cluster
        that changes within a unit.
    ParameterError
        An option outside its allowed values (named).
    EmptyGroupError
        No treated units, or no comparison group (neither never-treated units nor a later
        cohort with two periods before its start).
    SingularDesignError
        Covariates that do not vary within units and periods, or that are collinear.
    EstimationError
        A degenerate outcome (constant, or a standard error of zero).

    Notes
    -----
    The regression is ``y_it = a_i + l_t + sum_{g, e != r_g} d_ge 1{G_i = g, t - g = e} +
    X_it'b + u_it`` on the treated cohorts and the comparison group, with ``r_g = -1 -
    anticipation`` the reference event time (the last period before the start when that period
    is not observed). ``d_ge`` is ``CATT(g, e)`` under parallel trends and no anticipation. The
    IW estimate at event time ``e`` is ``sum_g Pr(G = g | e) d_ge`` with the cohorts' sample
    shares (units, or summed weights, observed at ``e``); the headline averages every ``d_ge``
    with ``e >= 0`` weighted by the number of treated unit-periods, the estimand of ``att_gt``'s
    ``simple`` aggregate.

    Standard errors: CR1 of the regression (pyfixest's and fixest's defaults, as
    :func:`~outcomelab.did.twfe`), propagated by the delta method with the shares treated as
    fixed, as fixest's ``sunab`` aggregation, pyfixest's saturated event study and diff-diff's
    ``SunAbraham`` do (Sun and Abraham's own variance also counts the shares' sampling error,
    which is small in samples of persons). Intervals and p-values use the t distribution with
    ``G - 1`` degrees of freedom (``G`` clusters). The panel is balanced and units are dropped
    by the rules of :func:`~outcomelab.did.att_gt`, so both use the same units.

    References
    ----------
    Sun, L. and Abraham, S. (2021). Estimating dynamic treatment effects in event studies with
    heterogeneous treatment effects. Journal of Econometrics 225(2), 175-199.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from outcomelab.did import sun_abraham
    >>> rng = np.random.default_rng(1)
    >>> units, years = np.arange(300), np.arange(2010, 2016)
    >>> panel = pd.DataFrame(
    ...     {"id": np.repeat(units, 6), "year": np.tile(years, 300)}
    ... ).assign(start=lambda d: np.select([d.id < 100, d.id < 200], [2012, 2014], 0))
    >>> panel["y"] = 1.5 * ((panel.start > 0) & (panel.year >= panel.start)) + rng.normal(
    ...     size=len(panel)
    ... )
    >>> res = sun_abraham(panel, outcome="y", unit="id", time="year", cohort="start")
    >>> bool(abs(res.estimate - 1.5) < 0.3)
    True
    """
    check_choice("control_group", control_group, ("never_treated", "last_treated"))
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
    design = _design(panel, control_group, anticipation)
    panel = design.panel
    spread = check_outcome_varies(panel.y, outcome, "unit-period rows")
    names = [f"cohort {g:g}, e={e:g}" for g, e in design.cells] + panel.covariates
    beta, cov, n_clusters, df_k = _fit(design, names)
    events, est, vcov, c, counts = _aggregate(design, beta, cov)
    overall, overall_se = float(c @ beta), float(np.sqrt(max(c @ cov @ c, 0.0)))
    check_standard_error(overall_se, spread, outcome)
    cell_se = np.sqrt(np.clip(np.diag(cov), 0, None))
    treated = (panel.cohort != design.control_cohort) & (panel.cohort > 0)
    notes = [*panel.notes, *design.notes]
    if cluster is not None:
        notes.append(f"Standard errors are clustered by {cluster!r} ({n_clusters} clusters).")
    return event_study_result(
        event_times=events,
        estimates=est,
        vcov=vcov,
        overall=overall,
        overall_se=overall_se,
        df=float(n_clusters - 1),
        alpha=alpha,
        method="sun_abraham",
        estimand=(
            "ATT, average of the cohort x event-time effects at and after the start, weighted by "
            "treated unit-periods (Sun-Abraham interaction-weighted)"
        ),
        outcome=outcome,
        n_treated=int(treated.sum()),
        n_control=int((panel.cohort == design.control_cohort).sum()),
        extra={"n_cohorts": counts[:, 0], "n_units": counts[:, 1]},
        diagnostics={
            "cohort_effects": [
                {"cohort": g, "event_time": e, "estimate": b, "std_error": s, "overall_weight": w}
                for (g, e), b, s, w in zip(design.cells, beta, cell_se, c, strict=True)
            ],
            "control_group": control_group,
            "control_cohort": design.control_cohort,
            "reference_event_time": design.reference,
            "anticipation": anticipation,
            "covariates": panel.covariates,
            "n_obs": int(panel.y.size),
            "n_units": panel.n_units,
            "n_periods": panel.n_periods,
            "cluster": cluster if cluster is not None else unit,
            "n_clusters": int(n_clusters),
            "df_k": int(df_k),
            "weights": weights,
        },
        notes=notes,
    )
