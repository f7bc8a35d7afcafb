"""Two-way fixed effects (TWFE) regression of an outcome on a treatment indicator.

``y_it = alpha_i + lambda_t + beta * D_it + X_it' gamma + e_it``, estimated by least squares after
the exact within transformation (:mod:`outcomelab.did.within`), with cluster-robust CR1 standard
errors (:mod:`outcomelab.numerics.cluster_vcov`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import (
    as_float_array,
    check_alpha,
    check_choice,
    cluster_columns,
    covariate_columns,
    require_dataframe,
    weight_values,
)
from outcomelab.did.least_squares import within_least_squares
from outcomelab.did.panel_checks import check_panel_frame, check_unique_unit_time
from outcomelab.did.wild_bootstrap import wild_cluster_bootstrap
from outcomelab.did.within import (
    TwoWayIndex,
    demean_two_way,
    factorize,
    factorize_sorted,
    singleton_mask,
)
from outcomelab.errors import InputError, ParameterError
from outcomelab.numerics import cr1_vcov, fixef_dof
from outcomelab.results import EffectResult
from outcomelab.results.estimability import check_outcome_varies, check_standard_error

__all__ = ["staggered_timing", "twfe"]

_STAGGER_NOTE = (
    "Treatment starts at different times for different units (a staggered design). The TWFE "
    "coefficient is then a weighted average of all 2x2 comparisons, including ones that use "
    "already-treated units as controls, and can be biased, even of the wrong sign, when effects "
    "differ between cohorts or grow over time. Run outcomelab.did.bacon_decomposition to see the "
    "comparisons and their weights, and prefer outcomelab.did.att_gt for the headline estimate."
)


def staggered_timing(
    treated: np.ndarray, unit: np.ndarray, time: np.ndarray, n_units: int
) -> tuple[np.ndarray, int]:
    """First treated period (code) per unit (-1 if never treated) and rows that switch back off.

    Parameters
    ----------
    treated
        0/1 per row.
    unit, time
        Integer codes per row; ``time`` codes must be in chronological order.
    n_units
        Number of units.

    Returns
    -------
    first, n_reversals
        ``first[u]`` is the first period code with treatment for unit ``u`` (``-1`` if never);
        ``n_reversals`` counts untreated rows observed after a unit's first treated period.
    """
    big = np.iinfo(np.int64).max
    first = np.full(n_units, big, dtype=np.int64)
    on = treated > 0
    np.minimum.at(first, unit[on], time[on])
    never = first == big
    first[never] = -1
    after = (~on) & (~never[unit]) & (time >= first[unit])
    return first, int(after.sum())


def _cluster_codes(
    frame: pd.DataFrame, cluster: Sequence[str], unit: str, unit_codes: np.ndarray
) -> list[np.ndarray]:
    return [
        unit_codes if name == unit else factorize(frame[name].to_numpy())[0] for name in cluster
    ]


@dataclass(frozen=True)
class _Panel:
    """The rows TWFE uses, as arrays (after dropping zero-weight rows and singletons)."""

    y: np.ndarray
    d: np.ndarray
    xs: list[np.ndarray]
    w: np.ndarray | None
    clusters: list[np.ndarray]
    index: TwoWayIndex
    time_labels: np.ndarray
    n_singletons: int
    n_zero_weight: int


def _panel(
    frame: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str,
    covs: list[str],
    cl_names: list[str],
    w: np.ndarray | None,
) -> _Panel:
    unit_codes, _ = factorize(frame[unit].to_numpy())
    time_codes, time_labels = factorize_sorted(frame[time].to_numpy())
    n_times = len(time_labels)
    check_unique_unit_time(frame, unit_codes, time_codes, n_times, unit=unit, time=time)
    y = as_float_array(frame[outcome])
    d = as_float_array(frame[treatment])
    xs = [as_float_array(frame[c]) for c in covs]
    cl_codes = _cluster_codes(frame, cl_names, unit, unit_codes)
    keep = np.ones(y.size, dtype=bool) if w is None else w > 0
    n_zero = int((~keep).sum())
    sub = singleton_mask(unit_codes[keep], time_codes[keep])
    keep[np.flatnonzero(keep)[~sub]] = False
    n_singletons = int((~sub).sum())
    if not keep.all():
        unit_codes = factorize(unit_codes[keep])[0]
        kept_times = np.unique(time_codes[keep])
        time_codes = np.searchsorted(kept_times, time_codes[keep])
        time_labels = np.asarray(time_labels)[kept_times]
        y, d = y[keep], d[keep]
        xs = [x[keep] for x in xs]
        cl_codes = [factorize(c[keep])[0] for c in cl_codes]
        w = None if w is None else w[keep]
    if y.size == 0:
        raise InputError(
            "Every row is a singleton (its unit or period has a single row) or has weight 0; "
            "TWFE needs units observed in at least two periods."
        )
    return _Panel(
        y=y,
        d=d,
        xs=xs,
        w=w,
        clusters=cl_codes,
        index=TwoWayIndex.from_codes(unit_codes, time_codes),
        time_labels=np.asarray(time_labels),
        n_singletons=n_singletons,
        n_zero_weight=n_zero,
    )


@dataclass(frozen=True)
class _Timing:
    n_treated: int
    n_control: int
    cohorts: list[object]
    staggered: bool
    notes: list[str]


def _timing(panel: _Panel) -> _Timing:
    """Treated and comparison units, cohorts, and the staggering and reversal notes."""
    index, d = panel.index, panel.d
    if not bool(np.isin(d, (0.0, 1.0)).all()):
        n_treated = int(np.unique(index.unit[d != 0]).size)
        return _Timing(n_treated, index.n_units - n_treated, [], False, [])
    first, reversals = staggered_timing(d, index.unit, index.time, index.n_units)
    n_treated = int((first >= 0).sum())
    starts = np.unique(first[first >= 0])
    notes: list[str] = []
    staggered = starts.size > 1
    if staggered:
        notes.append(_STAGGER_NOTE)
        warnings.warn(_STAGGER_NOTE, UserWarning, stacklevel=3)
    if reversals:
        notes.append(
            f"The treatment switches off again in {reversals} unit-period rows after a unit's "
            "first treated period; TWFE then mixes effects of starting and stopping."
        )
    cohorts = panel.time_labels[starts].tolist()
    return _Timing(n_treated, index.n_units - n_treated, cohorts, staggered, notes)


def _fit(
    panel: _Panel, names: list[str], treatment: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Within-transform, check the design and solve: coefficients, bread, regressors, residuals."""
    fit = within_least_squares(
        panel.y,
        [panel.d, *panel.xs],
        panel.index,
        panel.w,
        names,
        describe=lambda absorbed: "the treatment" if treatment in absorbed else "covariates",
    )
    return fit.beta, fit.bread, fit.x, fit.resid


def _check_bootstrap(bootstrap: int | None, vcov: str, cl_names: list[str]) -> None:
    if bootstrap is None:
        return
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 99:
        raise ParameterError(
            "`bootstrap` must be None (CR1 t-test) or a number of wild bootstrap draws of at "
            f"least 99, e.g. 9999; got {bootstrap!r}."
        )
    if vcov != "cluster" or len(cl_names) != 1:
        raise ParameterError(
            "`bootstrap` (the wild cluster bootstrap) needs vcov='cluster' and one cluster "
            f"variable; got vcov={vcov!r}, cluster={cl_names!r}."
        )


def twfe(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str,
    covariates: Sequence[str] | str | None = None,
    cluster: str | Sequence[str] | None = None,
    weights: str | None = None,
    alpha: float = 0.05,
    vcov: Literal["cluster", "hetero"] = "cluster",
    bootstrap: int | None = None,
    seed: int | None = None,
) -> EffectResult:
    """Two-way fixed effects estimate of a treatment effect with cluster-robust standard errors.

    Parameters
    ----------
    data
        Long panel: one row per unit and period.
    outcome
        Numeric outcome column.
    unit, time
        Unit identifier and period columns (``time`` must sort chronologically).
    treatment
        Treatment indicator per row, ``D_it`` (1 in the periods a unit is treated). A numeric
        non-binary dose is accepted too; the staggering check then is skipped.
    covariates
        Time-varying numeric controls (time-invariant ones are absorbed by the unit effects): a
        list of column names or a plain sum ``"x1 + x2"`` (a bare string is a formula; ``"x1"``
        is the column ``x1``).
    cluster
        ``None`` (default): cluster on ``unit``. A column name, or a list of two column names
        for two-way clustering (Cameron, Gelbach and Miller 2011).
    weights
        ``None`` or a column of non-negative analytic (sampling or population) weights: weighted
        least squares as pyfixest's ``feols(weights=)`` and fixest's ``weights``; they may change
        within units. Rows with weight 0 are left out.
    alpha
        1 - confidence level.
    vcov
        ``"cluster"`` (default): CR1 by ``cluster``. ``"hetero"``: heteroskedasticity-robust
        HC1 (``cluster`` is then ignored), pyfixest's ``vcov="hetero"``.
    bootstrap
        ``None`` (default): t-test with the CR1 standard error. A number of draws (e.g. 9999):
        the wild cluster restricted bootstrap (WCR11, Rademacher weights; pyfixest's
        ``wildboottest()`` and Stata's ``boottest``) gives the p-value and the interval of the
        treatment coefficient, recommended with fewer than about 30 clusters. With
        ``2**G <= bootstrap`` all sign vectors are enumerated (exact). Needs one cluster
        variable.
    seed
        Seed of the bootstrap draws.

    Returns
    -------
    EffectResult
        ``estimate`` is the coefficient on ``treatment``; ``tidy()`` lists every slope;
        ``diagnostics`` holds ``n_obs, n_units, n_periods, balanced, singletons_dropped,
        n_clusters, df_k, ssc, vcov, vcov_type, staggered, cohorts, weights,
        zero_weight_rows`` and, with ``bootstrap``, ``wild_bootstrap`` (p-value, t-statistic,
        interval, draws, whether enumerated).

    Raises
    ------
    InputError
        Missing columns or values, non-numeric outcome/treatment/covariates, duplicate unit-period
        rows, more than two cluster columns.
    SingularDesignError
        No variation in the treatment after removing unit and period effects, or covariates that
        are collinear with each other, the treatment or the fixed effects.
    EstimationError
        A degenerate outcome: constant in every row, or explained exactly by the fixed effects
        (a standard error of zero: no test is defined, so no p-value is given).

    Warns
    -----
    UserWarning
        When a binary treatment switches on at different times for different units (staggered
        adoption): see Goodman-Bacon (2021). The same text is in ``result.notes``.

    Notes
    -----
    Model ``y_it = alpha_i + lambda_t + beta D_it + X_it' gamma + e_it``. Under parallel trends
    and a *common, constant* effect, ``beta`` is the ATT; with staggered timing and heterogeneous
    effects it is a variance-weighted average of 2x2 DiDs (:func:`bacon_decomposition`).

    The fixed effects are removed exactly (balanced: one-pass demeaning; unbalanced or weighted:
    the Frisch-Waugh-Lovell solution, :mod:`outcomelab.did.within`). Singleton units or periods
    are dropped repeatedly first, as pyfixest does by default (``fixef_rm="singleton"``). With
    weights ``w`` the coefficients are ``(X'WX)^{-1} X'Wy`` on the weighted within-transformed
    data and the CR1 scores are ``x_i w_i e_i``.

    Standard errors follow **pyfixest's defaults** for ``vcov={"CRV1": cluster}``: CR1 with the
    factor ``G/(G-1) * (n-1)/(n-k)``, ``k`` = slopes + fixed-effect parameters not nested in a
    cluster variable (``k_fixef="nonnested"``), and for two-way clustering ``G = min(G_1, G_2)``
    in every summand (``G_df="min"``). Intervals and p-values use the t distribution with
    ``G - 1`` degrees of freedom, as pyfixest and fixest do. ``vcov="hetero"`` is HC1 with
    ``n / (n - k)``, ``k`` counting every fixed-effect parameter, and the t distribution with
    ``n - k`` degrees of freedom (pyfixest's ``vcov="hetero"``).

    With few clusters the CR1 t-test over-rejects; ``bootstrap=`` replaces the headline's
    p-value and interval by the wild cluster restricted bootstrap's (the standard error stays
    CR1), :mod:`outcomelab.did.wild_bootstrap`. In a simulation with 12 clusters of unequal
    size (tests/did/test_twfe_wild_simulation.py) the t-test rejects a true null about 10 % of
    the time at the 5 % level and the bootstrap about 5 %; with 8 clusters the bootstrap's
    Rademacher draws are too coarse (measured 9.8 % against the t-test's 15 %): read such
    results as weak evidence either way.

    References
    ----------
    Cameron, A. C., Gelbach, J. B. and Miller, D. L. (2008). Bootstrap-based improvements for
    inference with clustered errors. Review of Economics and Statistics 90(3), 414-427.

    Cameron, A. C., Gelbach, J. B. and Miller, D. L. (2011). Robust inference with multiway
    clustering. Journal of Business & Economic Statistics 29(2), 238-249.

    Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing.
    Journal of Econometrics 225(2), 254-277.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from outcomelab.did import twfe
    >>> rng = np.random.default_rng(0)
    >>> panel = pd.DataFrame({"id": np.repeat(np.arange(200), 4), "t": np.tile(np.arange(4), 200)})
    >>> panel["d"] = ((panel["id"] < 100) & (panel["t"] >= 2)).astype(int)
    >>> panel["y"] = 2.0 * panel["d"] + rng.normal(size=len(panel))
    >>> res = twfe(panel, outcome="y", unit="id", time="t", treatment="d")
    >>> bool(abs(res.estimate - 2.0) < 0.5)
    True
    """
    alpha = check_alpha(alpha)
    frame = require_dataframe(data)
    check_choice("vcov", vcov, ("cluster", "hetero"))
    covs = covariate_columns(frame, covariates)
    cl_names = cluster_columns(frame, cluster, unit=unit, max_columns=2) or [unit]
    _check_bootstrap(bootstrap, vcov, cl_names)
    frame = check_panel_frame(
        frame,
        outcome=outcome,
        unit=unit,
        time=time,
        treatment=treatment,
        covariates=covs,
        extra=[c for c in cl_names if c != unit],
    )
    if treatment in covs or outcome in covs:
        raise InputError(
            f"`covariates` must not include the outcome or the treatment ({outcome!r}, "
            f"{treatment!r}); remove them from the list."
        )
    panel = _panel(
        frame,
        outcome=outcome,
        unit=unit,
        time=time,
        treatment=treatment,
        covs=covs,
        cl_names=cl_names,
        w=weight_values(frame, weights),
    )
    spread = check_outcome_varies(panel.y, outcome, "rows")
    timing = _timing(panel)
    names = [treatment, *covs]
    beta, bread, x, resid = _fit(panel, names, treatment)
    index = panel.index
    fe = [(index.unit, index.n_units), (index.time, index.n_times)]
    df_k = len(names) + fixef_dof(fe, panel.clusters)
    scores = x * (resid if panel.w is None else panel.w * resid)[:, None]
    n_obs = resid.size
    if vcov == "hetero":
        df_k = len(names) + fixef_dof(fe, [])
        cov, n_clusters = cr1_vcov(scores, bread, [np.arange(n_obs)], df_k=df_k)
        df_t = n_obs - df_k
    else:
        cov, n_clusters = cr1_vcov(scores, bread, panel.clusters, df_k=df_k)
        df_t = n_clusters - 1
    se = np.sqrt(np.diag(cov))
    check_standard_error(float(se[0]), spread, outcome)
    ssc = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - df_k)
    # Student t quantile and tail (what scipy.stats.t calls, without importing scipy.stats)
    from scipy.special import stdtr, stdtrit

    tq = stdtrit(df_t, 1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        pvals = 2 * stdtr(df_t, -np.abs(beta / se))
    terms = pd.DataFrame(
        {
            "term": names,
            "estimate": beta,
            "std_error": se,
            "conf_low": beta - tq * se,
            "conf_high": beta + tq * se,
            "p_value": pvals,
        }
    )
    notes = list(timing.notes)
    wild = None
    if bootstrap is not None:
        wild = wild_cluster_bootstrap(
            x,
            resid + x @ beta,
            panel.clusters[0],
            column=0,
            draws=bootstrap,
            alpha=alpha,
            seed=seed,
            std_error=float(se[0]),
            annihilate=lambda block: np.column_stack(
                demean_two_way(list(block.T), panel.index, panel.w)
            ),
            scale=ssc,
            weights=panel.w,
        )
        terms.loc[0, ["conf_low", "conf_high", "p_value"]] = [
            wild.conf_low,
            wild.conf_high,
            wild.p_value,
        ]
        notes.append(
            f"The p-value and interval of {treatment!r} are from the wild cluster bootstrap "
            f"({wild.draws} draws{', all sign vectors' if wild.enumerated else ''}, "
            f"{wild.n_clusters} clusters); the standard error is CR1."
        )
    if panel.n_singletons:
        notes.append(
            f"{panel.n_singletons} singleton rows (a unit or period with one row) were dropped."
        )
    if panel.n_zero_weight:
        notes.append(f"{panel.n_zero_weight} rows with weight 0 were left out.")
    return EffectResult(
        estimate=float(beta[0]),
        std_error=float(se[0]),
        conf_low=float(terms["conf_low"].iloc[0]),
        conf_high=float(terms["conf_high"].iloc[0]),
        p_value=float(terms["p_value"].iloc[0]),
        n_treated=timing.n_treated,
        n_control=timing.n_control,
        method="twfe",
        estimand=(
            "ATT if the effect is common and constant: coefficient on the treatment in a "
            "regression with unit and period fixed effects"
            + (" (weighted least squares)" if weights else "")
        ),
        outcome=outcome,
        alpha=alpha,
        terms=terms,
        diagnostics={
            "n_obs": int(n_obs),
            "n_units": index.n_units,
            "n_periods": index.n_times,
            "balanced": index.balanced,
            "singletons_dropped": panel.n_singletons,
            "cluster": None if vcov == "hetero" else " and ".join(cl_names),
            "n_clusters": int(n_clusters),
            "df_k": int(df_k),
            "ssc": float(ssc),
            "vcov": cov.tolist(),
            "vcov_type": "HC1" if vcov == "hetero" else "CR1",
            "wild_bootstrap": None if wild is None else wild.to_dict(),
            "staggered": timing.staggered,
            "cohorts": timing.cohorts,
            "weights": weights,
            "zero_weight_rows": panel.n_zero_weight,
        },
        notes=tuple(notes),
    )
