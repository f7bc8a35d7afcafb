"""Aggregation of group-time effects ATT(g,t) into summary parameters (Callaway & Sant'Anna, §3).

``simple`` (weighted average of all post-treatment cells), ``dynamic`` (event study by time since
treatment), ``group`` (by cohort) and ``calendar`` (by period). Standard errors come from the
influence function of the aggregated parameter, including the contribution of the estimated cohort
shares used as weights, exactly as R ``did::aggte`` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from outcomelab.did.bootstrap import gaussian_uniform_critical_value, multiplier_bootstrap
from outcomelab.did.event_study_plot import event_study_plot
from outcomelab.did.influence import GroupTimeState, LinearInfluence
from outcomelab.errors import EmptyGroupError, EstimationError, ParameterError
from outcomelab.numerics.normal import ndtr, ndtri
from outcomelab.results import EffectResult
from outcomelab.results.effect import normal_inference

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "AggregatedEffectResult",
    "AggregationType",
    "aggregate_group_time",
    "group_time_table",
]

AggregationType = Literal["simple", "dynamic", "group", "calendar"]
_TINY = np.sqrt(np.finfo(float).eps) * 10

_ESTIMANDS = {
    "simple": "ATT, average of post-treatment ATT(g,t) weighted by cohort size",
    "dynamic": "ATT, average over event times e >= 0 of the event-study effects ATT(e)",
    "group": "ATT, average over cohorts of the cohort effects ATT(g), weighted by cohort size",
    "calendar": "ATT, average over periods of the calendar-time effects ATT(t)",
}


@dataclass(frozen=True)
class AggregatedEffectResult(EffectResult):
    """An aggregated group-time effect: the headline plus per-event-time/cohort/period terms.

    Attributes
    ----------
    aggregation
        ``"simple"``, ``"dynamic"``, ``"group"`` or ``"calendar"``.
    critical_value
        Critical value of the uniform band in ``cband_low``/``cband_high`` (NaN if not computed).
    vcov
        Covariance matrix of the terms' estimates, rows and columns in ``tidy()`` order (the
        event times of ``dynamic``), from their influence functions (analytic, also when the
        standard errors are bootstrapped); what HonestDiD needs as ``sigma``. ``None`` for
        ``simple``, which has no terms. Read-only by use.
    """

    aggregation: str = "simple"
    critical_value: float = float("nan")
    vcov: np.ndarray | None = field(default=None, repr=False, compare=False)

    def plot(self, ax: Any = None) -> Figure:
        """Event-study plot for ``dynamic``; a coefficient plot otherwise."""
        if self.aggregation == "dynamic":
            return event_study_plot(self, ax=ax)
        return super().plot(ax=ax)


def _make_result(
    estimate: float, std_error: float, *, alpha: float, **kwargs: Any
) -> AggregatedEffectResult:
    """An AggregatedEffectResult with normal inference for the headline."""
    low, high, p = normal_inference(estimate, std_error, alpha)
    return AggregatedEffectResult(
        estimate=float(estimate),
        std_error=float(std_error),
        conf_low=float(low),
        conf_high=float(high),
        p_value=float(p),
        alpha=alpha,
        **kwargs,
    )


def _share_weight_h(
    items_cohort: np.ndarray, p: np.ndarray, att: np.ndarray, cohort_values: np.ndarray
) -> np.ndarray:
    """Cohort function of the influence of estimated share weights, times ``att`` (R ``wif``).

    For weights ``p_k / S`` (``p_k = P(G = g_k)``, ``S = sum_k p_k``) over items ``k`` with cohorts
    ``g_k``, the influence of the weights on ``sum_k (p_k / S) att_k`` for a unit of cohort ``c`` is
    ``(sum_{k: g_k = c} att_k - p'att) / S - (#{k: g_k = c} - S) p'att / S**2``.
    """
    s = p.sum()
    pa = float(p @ att)
    pos = np.searchsorted(cohort_values, items_cohort)
    a_c = np.bincount(pos, weights=att, minlength=len(cohort_values))
    n_c = np.bincount(pos, minlength=len(cohort_values)).astype(float)
    return np.asarray((a_c - pa) / s - (n_c - s) * pa / s**2)


def _combine(
    state: GroupTimeState, keep: np.ndarray, pg: np.ndarray, with_weights: bool = True
) -> tuple[float, LinearInfluence]:
    """Share-weighted average of the cells ``keep`` and its influence function."""
    w_keep = pg[keep] / pg[keep].sum()
    est = float(w_keep @ state.att[keep])
    w = np.zeros(len(state.att))
    w[keep] = w_keep
    if with_weights:
        h = _share_weight_h(state.group[keep], pg[keep], state.att[keep], state.cohort_values)
    else:
        h = np.zeros(len(state.cohort_values))
    return est, LinearInfluence(w[:, None], h[:, None])


def _inference(
    state: GroupTimeState, lin: LinearInfluence, stream: int, alpha: float
) -> tuple[np.ndarray, float, np.ndarray]:
    """Standard errors, uniform critical value and analytic covariance of the terms ``lin``."""
    cov = lin.covariance(state)
    if state.bootstrap is not None:
        se, crit = multiplier_bootstrap(
            state.bootstrap_input(lin.materialise(state)),
            iterations=state.bootstrap,
            alpha=alpha,
            rng=state.rng(stream),
            weights=state.bootstrap_weights,
        )
        return se, crit, cov
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    se[se <= _TINY] = np.nan
    if cov.shape[0] == 1:
        return se, float(ndtri(1 - alpha / 2)), cov
    crit = gaussian_uniform_critical_value(cov, alpha=alpha, rng=state.rng(stream))
    return se, crit, cov


def _table(
    labels: list[str],
    est: np.ndarray,
    se: np.ndarray,
    crit: float,
    alpha: float,
    extra: dict[str, Any],
) -> pd.DataFrame:
    z = ndtri(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * ndtr(-np.abs(est / se))
    table = pd.DataFrame(
        {
            "term": labels,
            "estimate": est,
            "std_error": se,
            "conf_low": est - z * se,
            "conf_high": est + z * se,
            "p_value": p,
            **extra,
            "cband_low": est - crit * se,
            "cband_high": est + crit * se,
        }
    )
    return table


def _require_standard_error(std_error: float, kind: str) -> None:
    """An aggregate with no variance behind it is not estimable (never a p-value of 0 or NaN)."""
    if not np.isfinite(std_error):
        raise EstimationError(
            f"The {kind} aggregate has no standard error: the group-time effects it averages have "
            "no variation behind them (a degenerate outcome), so no test is defined and the "
            "effect is not estimable."
        )


@dataclass(frozen=True)
class _Terms:
    """The per-term estimates of one aggregation, its overall average and their influence."""

    estimates: np.ndarray
    influence: LinearInfluence
    overall: float
    overall_influence: LinearInfluence
    labels: list[str]
    extra: dict[str, Any]
    treated_cohorts: np.ndarray


def _cohort_weights(state: GroupTimeState) -> tuple[np.ndarray, dict[float, float]]:
    """Each cell's cohort share and the share of every cohort."""
    share = {float(c): state.cohort_share(float(c)) for c in np.unique(state.group)}
    return np.array([share[float(c)] for c in state.group]), share


def _simple(
    state: GroupTimeState, post: np.ndarray, pg: np.ndarray, alpha: float
) -> tuple[float, float, int]:
    """Estimate, standard error and treated units of the ``simple`` aggregate."""
    if not post.any():
        raise EmptyGroupError("There are no post-treatment cells ATT(g,t) to aggregate.")
    est, lin = _combine(state, post, pg)
    se, _, _ = _inference(state, lin, 0, alpha)
    _require_standard_error(float(se[0]), "simple")
    treated = np.isin(state.unit_cohort, np.unique(state.group[post]))
    return est, float(se[0]), int(treated.sum())


def _group_terms(
    state: GroupTimeState, post: np.ndarray, pg: np.ndarray, share: dict[float, float]
) -> _Terms:
    """Cohort effects ATT(g) and their average weighted by estimated cohort shares."""
    g = state.group
    terms_est, terms_inf, used = [], [], []
    for c in np.unique(g):
        keep = (g == c) & post
        if not keep.any():
            continue
        e_c, i_c = _combine(state, keep, pg, with_weights=False)
        terms_est.append(e_c)
        terms_inf.append(i_c)
        used.append(c)
    if not used:
        raise EmptyGroupError("There are no post-treatment cells ATT(g,t) to aggregate.")
    te = np.array(terms_est)
    ti = LinearInfluence.stack(terms_inf)
    pgg = np.array([share[float(c)] for c in used])
    w = pgg / pgg.sum()
    # cohort effects weighted by estimated cohort shares (R aggte: wif over cohorts)
    h = _share_weight_h(np.asarray(used, dtype=float), pgg, te, state.cohort_values)
    return _Terms(
        estimates=te,
        influence=ti,
        overall=float(w @ te),
        overall_influence=LinearInfluence(ti.w @ w[:, None], ti.h @ w[:, None] + h[:, None]),
        labels=[f"g={c:g}" for c in used],
        extra={"group": np.asarray(used)},
        treated_cohorts=np.asarray(used),
    )


def _event_times(
    state: GroupTimeState, min_e: float, max_e: float, balance_e: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Cells included (``balance_e``) and the event times in the window."""
    g, e_all = state.group, state.time - state.group
    include = np.ones(len(g), dtype=bool)
    if balance_e is not None:
        include = (state.periods[-1] - g) >= balance_e
    eseq = np.unique(e_all[include])
    if balance_e is not None:
        span = state.periods[-1] - state.periods[0]
        eseq = eseq[(eseq <= balance_e) & (eseq >= balance_e - span)]
    eseq = eseq[(eseq >= min_e) & (eseq <= max_e)]
    if eseq.size == 0:
        raise EmptyGroupError(
            f"No event times are left between min_e={min_e} and max_e={max_e}"
            + (f" with balance_e={balance_e}" if balance_e is not None else "")
            + "; widen the window."
        )
    return include, eseq


def _average_terms(
    te: np.ndarray, ti: LinearInfluence, use: np.ndarray
) -> tuple[float, LinearInfluence]:
    """Equal-weight average of the terms ``use`` and its influence."""
    avg = use / use.sum()
    return float(te[use].mean()), LinearInfluence(ti.w @ avg[:, None], ti.h @ avg[:, None])


def _dynamic_terms(
    state: GroupTimeState,
    pg: np.ndarray,
    min_e: float,
    max_e: float,
    balance_e: int | None,
) -> _Terms:
    """Event-study effects ATT(e) and their average over e >= 0."""
    g, e_all = state.group, state.time - state.group
    include, eseq = _event_times(state, min_e, max_e, balance_e)
    terms_est, terms_inf = [], []
    for e in eseq:
        e_v, i_v = _combine(state, (e_all == e) & include, pg)
        terms_est.append(e_v)
        terms_inf.append(i_v)
    te = np.array(terms_est)
    ti = LinearInfluence.stack(terms_inf)
    epos = eseq >= 0
    if not epos.any():
        raise EmptyGroupError(
            "No event time e >= 0 is in the window, so there is no overall post-treatment "
            "effect; raise max_e."
        )
    overall, overall_inf = _average_terms(te, ti, epos)
    return _Terms(
        estimates=te,
        influence=ti,
        overall=overall,
        overall_influence=overall_inf,
        labels=[f"e={e:g}" for e in eseq],
        extra={"event_time": eseq},
        treated_cohorts=np.unique(g[include & (e_all >= 0) & np.isin(e_all, eseq)]),
    )


def _calendar_terms(state: GroupTimeState, pg: np.ndarray) -> _Terms:
    """Calendar-time effects ATT(t) and their equal-weight average."""
    g, t = state.group, state.time
    terms_est, terms_inf, used = [], [], []
    for p in state.periods[state.periods >= g.min()]:
        keep = (t == p) & (g <= t)
        if not keep.any():
            continue
        e_v, i_v = _combine(state, keep, pg)
        terms_est.append(e_v)
        terms_inf.append(i_v)
        used.append(p)
    te = np.array(terms_est)
    ti = LinearInfluence.stack(terms_inf)
    overall, overall_inf = _average_terms(te, ti, np.ones(len(te), dtype=bool))
    return _Terms(
        estimates=te,
        influence=ti,
        overall=overall,
        overall_influence=overall_inf,
        labels=[f"t={p:g}" for p in used],
        extra={"time": np.asarray(used)},
        treated_cohorts=np.unique(g[(g <= t)]),
    )


def aggregate_group_time(
    state: GroupTimeState,
    kind: AggregationType,
    *,
    min_e: float = -np.inf,
    max_e: float = np.inf,
    balance_e: int | None = None,
    alpha: float = 0.05,
    outcome: str | None = None,
    method: str = "att_gt",
    notes: tuple[str, ...] = (),
) -> AggregatedEffectResult:
    """Aggregate ATT(g,t) (see :meth:`GroupTimeResult.aggregate` for the full description)."""
    pg, share = _cohort_weights(state)
    post = (state.group <= state.time) & (state.time <= state.group + max_e)
    diagnostics: dict[str, Any] = {"aggregation": kind, "min_e": min_e, "max_e": max_e}
    common: dict[str, Any] = {
        "n_control": state.n_control,
        "method": method,
        "estimand": _ESTIMANDS.get(kind, kind),
        "alpha": alpha,
        "outcome": outcome,
        "notes": notes,
        "aggregation": kind,
    }
    if kind == "simple":
        est, se, n_treated = _simple(state, post, pg, alpha)
        return _make_result(est, se, n_treated=n_treated, diagnostics=diagnostics, **common)
    if kind == "group":
        terms = _group_terms(state, post, pg, share)
    elif kind == "dynamic":
        terms = _dynamic_terms(state, pg, min_e, max_e, balance_e)
        diagnostics["balance_e"] = balance_e
    elif kind == "calendar":
        terms = _calendar_terms(state, pg)
    else:  # pragma: no cover - validated by the caller
        raise ParameterError(f"Unknown aggregation {kind!r}.")

    se_terms, crit, cov_terms = _inference(state, terms.influence, 1, alpha)
    se_overall, _, _ = _inference(state, terms.overall_influence, 2, alpha)
    _require_standard_error(float(se_overall[0]), kind)
    table = _table(terms.labels, terms.estimates, se_terms, crit, alpha, terms.extra)
    diagnostics["uniform_critical_value"] = crit
    diagnostics["n_units"] = state.n_units
    return _make_result(
        terms.overall,
        float(se_overall[0]),
        n_treated=int(np.isin(state.unit_cohort, terms.treated_cohorts).sum()),
        terms=table,
        diagnostics=diagnostics,
        critical_value=crit,
        vcov=cov_terms,
        **common,
    )


def group_time_table(state: GroupTimeState, alpha: float) -> tuple[pd.DataFrame, float]:
    """The ATT(g,t) table with pointwise and uniform bands, and the uniform critical value."""
    k = len(state.att)
    cells = LinearInfluence(np.eye(k), np.zeros((len(state.cohort_values), k)))
    se, crit, _ = _inference(state, cells, 3, alpha)
    ref = state.time == state.base
    se[ref] = np.nan
    labels = [f"ATT({gg:g},{tt:g})" for gg, tt in zip(state.group, state.time, strict=True)]
    extra = {
        "group": state.group,
        "time": state.time,
        "base_period": state.base,
        "event_time": state.time - state.group,
        "post": state.group <= state.time,
    }
    table = _table(labels, state.att.copy(), se, crit, alpha, extra)
    return table, crit
