"""Aggregation of group-time effects ATT(g,t) into summary parameters (Callaway & Sant'Anna, §3).

``simple`` (weighted average of all post-treatment cells), ``dynamic`` (event study by time since
treatment), ``group`` (by cohort) and ``calendar`` (by period). Standard errors come from the
influence function of the aggregated parameter, including the contribution of the estimated cohort
shares used as weights, exactly as R ``did::aggte`` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from outcomelab.did.bootstrap import gaussian_uniform_critical_value, multiplier_bootstrap
from outcomelab.errors import EmptyGroupError, ParameterError
from outcomelab.results import EffectResult
from outcomelab.results.effect import normal_inference

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "AggregatedEffectResult",
    "GroupTimeState",
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
class GroupTimeState:
    """Arrays behind a group-time result, kept for aggregation and tests (read-only by use).

    Attributes
    ----------
    group, time, base
        Cohort, period and base period of each of the ``K`` cells.
    att
        ATT(g,t), shape ``(K,)``.
    influence
        Influence functions on the full balanced panel, shape ``(n, K)``, scaled so that the
        covariance of the estimates is ``influence.T @ influence / n**2``.
    unit_cohort
        Cohort of each unit (0 = never treated), shape ``(n,)``.
    periods
        Observed periods.
    anticipation
        Periods of anticipation.
    bootstrap, bootstrap_weights, seed
        Multiplier bootstrap settings (``bootstrap=None``: analytic standard errors).
    n_control
        Units used as comparison in at least one cell.
    """

    group: np.ndarray
    time: np.ndarray
    base: np.ndarray
    att: np.ndarray
    influence: np.ndarray
    unit_cohort: np.ndarray
    periods: np.ndarray
    anticipation: int
    bootstrap: int | None
    bootstrap_weights: Literal["mammen", "rademacher"]
    seed: int | None
    n_control: int

    @property
    def n_units(self) -> int:
        """Units in the balanced panel."""
        return int(self.influence.shape[0])

    def rng(self, stream: int) -> np.random.Generator:
        """Random generator for one use (``stream`` keeps uses independent and reproducible).

        With ``seed=None`` the bootstrap is random but the Gaussian uniform critical value uses a
        fixed seed so that analytic results are reproducible.
        """
        if self.seed is None:
            if self.bootstrap is not None:
                return np.random.default_rng()
            return np.random.default_rng([20210601, stream])
        return np.random.default_rng([self.seed, stream])


@dataclass(frozen=True)
class AggregatedEffectResult(EffectResult):
    """An aggregated group-time effect: the headline plus per-event-time/cohort/period terms.

    Attributes
    ----------
    aggregation
        ``"simple"``, ``"dynamic"``, ``"group"`` or ``"calendar"``.
    critical_value
        Critical value of the uniform band in ``cband_low``/``cband_high`` (NaN if not computed).
    """

    aggregation: str = "simple"
    critical_value: float = float("nan")

    def plot(self, ax: Any = None) -> Figure:
        """Event-study plot for ``dynamic``; a coefficient plot otherwise."""
        if self.aggregation == "dynamic":
            from outcomelab.did.event_study_plot import event_study_plot

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


def _se(inf: np.ndarray, n: int) -> np.ndarray:
    """Analytic standard errors ``sqrt(sum(psi**2)) / n`` per column, NaN if degenerate."""
    se = np.sqrt(np.einsum("ij,ij->j", inf, inf)) / n
    se[se <= _TINY] = np.nan
    return se


def _weight_influence(
    keep: np.ndarray, state: GroupTimeState, pg: np.ndarray, att: np.ndarray
) -> np.ndarray:
    """Influence of estimating the cohort-share weights, times ``att[keep]`` (R ``wif %*% att``).

    For weights ``pg_k / sum_j pg_j`` over cells ``keep`` with ``pg_k = P(G = g_k)``, the weight
    influence function for unit ``i`` is ``(1{G_i = g_k} - pg_k) / S - sum_j (1{G_i = g_j} - pg_j)
    pg_k / S**2`` with ``S = sum_j pg_j``; this returns its inner product with ``att``.
    """
    groups = state.group[keep]
    p = pg[keep]
    a = att[keep]
    s = p.sum()
    codes, inv = np.unique(groups, return_inverse=True)
    sum_att = np.bincount(inv, weights=a, minlength=len(codes))
    count = np.bincount(inv, minlength=len(codes)).astype(float)
    pos = np.searchsorted(codes, state.unit_cohort)
    pos = np.clip(pos, 0, len(codes) - 1)
    member = codes[pos] == state.unit_cohort
    a_i = np.where(member, sum_att[pos], 0.0)
    c_i = np.where(member, count[pos], 0.0)
    pa = float(p @ a)
    return (a_i - pa) / s - (c_i - p.sum()) * pa / s**2


def _combine(
    state: GroupTimeState, keep: np.ndarray, pg: np.ndarray, with_weights: bool = True
) -> tuple[float, np.ndarray]:
    """Share-weighted average of the cells ``keep`` and its influence function."""
    w = pg[keep] / pg[keep].sum()
    est = float(w @ state.att[keep])
    inf = state.influence[:, keep] @ w
    if with_weights:
        inf = inf + _weight_influence(keep, state, pg, state.att)
    return est, inf


def _inference(
    state: GroupTimeState, inf: np.ndarray, stream: int, alpha: float
) -> tuple[np.ndarray, float]:
    """Standard errors and uniform critical value of the terms with influence ``inf`` (n x K)."""
    n = state.n_units
    if state.bootstrap is not None:
        se, crit = multiplier_bootstrap(
            inf,
            iterations=state.bootstrap,
            alpha=alpha,
            rng=state.rng(stream),
            weights=state.bootstrap_weights,
        )
        return se, crit
    se = _se(inf, n)
    if inf.shape[1] == 1:
        return se, float(stats.norm.ppf(1 - alpha / 2))
    cov = inf.T @ inf / n**2
    crit = gaussian_uniform_critical_value(cov, alpha=alpha, rng=state.rng(stream))
    return se, crit


def _table(
    labels: list[str],
    est: np.ndarray,
    se: np.ndarray,
    crit: float,
    alpha: float,
    extra: dict[str, Any],
) -> pd.DataFrame:
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * stats.norm.sf(np.abs(est / se))
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
    g, t = state.group, state.time
    n = state.n_units
    glist = np.unique(g)
    share = {float(c): float(np.mean(state.unit_cohort == c)) for c in glist}
    pg = np.array([share[float(c)] for c in g])
    post = (g <= t) & (t <= g + max_e)
    extra: dict[str, Any] = {}
    diagnostics: dict[str, Any] = {"aggregation": kind, "min_e": min_e, "max_e": max_e}
    if kind == "simple":
        if not post.any():
            raise EmptyGroupError("There are no post-treatment cells ATT(g,t) to aggregate.")
        est, inf = _combine(state, post, pg)
        se, _ = _inference(state, inf[:, None], 0, alpha)
        treated = np.isin(state.unit_cohort, np.unique(g[post]))
        return _make_result(
            est,
            float(se[0]),
            n_treated=int(treated.sum()),
            n_control=state.n_control,
            method=method,
            estimand=_ESTIMANDS["simple"],
            alpha=alpha,
            outcome=outcome,
            diagnostics=diagnostics,
            notes=notes,
            aggregation="simple",
        )
    if kind == "group":
        terms_est, terms_inf, used = [], [], []
        for c in glist:
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
        ti = np.column_stack(terms_inf)
        pgg = np.array([share[float(c)] for c in used])
        w = pgg / pgg.sum()
        overall = float(w @ te)
        # weight influence over cohorts: one "cell" per cohort
        sub = GroupTimeState(
            group=np.asarray(used, dtype=float),
            time=np.asarray(used, dtype=float),
            base=np.asarray(used, dtype=float),
            att=te,
            influence=ti,
            unit_cohort=state.unit_cohort,
            periods=state.periods,
            anticipation=state.anticipation,
            bootstrap=state.bootstrap,
            bootstrap_weights=state.bootstrap_weights,
            seed=state.seed,
            n_control=state.n_control,
        )
        all_cells = np.ones(len(used), dtype=bool)
        overall_inf = ti @ w + _weight_influence(all_cells, sub, pgg, te)
        labels = [f"g={c:g}" for c in used]
        extra = {"group": np.asarray(used)}
        treated_cohorts = np.asarray(used)
    elif kind == "dynamic":
        include = np.ones(len(g), dtype=bool)
        e_all = t - g
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
        terms_est, terms_inf = [], []
        for e in eseq:
            keep = (e_all == e) & include
            e_v, i_v = _combine(state, keep, pg)
            terms_est.append(e_v)
            terms_inf.append(i_v)
        te = np.array(terms_est)
        ti = np.column_stack(terms_inf)
        epos = eseq >= 0
        if not epos.any():
            raise EmptyGroupError(
                "No event time e >= 0 is in the window, so there is no overall post-treatment "
                "effect; raise max_e."
            )
        overall = float(te[epos].mean())
        overall_inf = ti[:, epos].mean(axis=1)
        labels = [f"e={e:g}" for e in eseq]
        extra = {"event_time": eseq}
        treated_cohorts = np.unique(g[include & (e_all >= 0) & np.isin(e_all, eseq)])
        diagnostics["balance_e"] = balance_e
    elif kind == "calendar":
        tlist = state.periods[state.periods >= g.min()]
        terms_est, terms_inf, used = [], [], []
        for p in tlist:
            keep = (t == p) & (g <= t)
            if not keep.any():
                continue
            e_v, i_v = _combine(state, keep, pg)
            terms_est.append(e_v)
            terms_inf.append(i_v)
            used.append(p)
        te = np.array(terms_est)
        ti = np.column_stack(terms_inf)
        overall = float(te.mean())
        overall_inf = ti.mean(axis=1)
        labels = [f"t={p:g}" for p in used]
        extra = {"time": np.asarray(used)}
        treated_cohorts = np.unique(g[(g <= t)])
    else:  # pragma: no cover - validated by the caller
        raise ParameterError(f"Unknown aggregation {kind!r}.")

    se_terms, crit = _inference(state, ti, 1, alpha)
    se_overall, _ = _inference(state, overall_inf[:, None], 2, alpha)
    table = _table(labels, te, se_terms, crit, alpha, extra)
    diagnostics["uniform_critical_value"] = crit
    diagnostics["n_units"] = n
    return _make_result(
        overall,
        float(se_overall[0]),
        n_treated=int(np.isin(state.unit_cohort, treated_cohorts).sum()),
        n_control=state.n_control,
        method=method,
        estimand=_ESTIMANDS[kind],
        alpha=alpha,
        outcome=outcome,
        terms=table,
        diagnostics=diagnostics,
        notes=notes,
        aggregation=kind,
        critical_value=crit,
    )


def group_time_table(state: GroupTimeState, alpha: float) -> tuple[pd.DataFrame, float]:
    """The ATT(g,t) table with pointwise and uniform bands, and the uniform critical value."""
    se, crit = _inference(state, state.influence, 3, alpha)
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
