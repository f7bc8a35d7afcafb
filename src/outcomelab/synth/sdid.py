"""Synthetic difference-in-differences (and its synthetic control and DiD special cases).

Public entry point :func:`synthdid`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import check_choice, check_probability
from outcomelab.errors import EstimationError, ParameterError
from outcomelab.results.effect import normal_inference
from outcomelab.synth.cohorts import CohortFit, Design
from outcomelab.synth.panel import WidePanel, wide_panel
from outcomelab.synth.result import SynthResult
from outcomelab.synth.sdid_core import standard_error

__all__ = ["synthdid"]

_ESTIMANDS = {
    "sdid": "ATT over the post-treatment periods, synthetic difference-in-differences",
    "sc": "ATT over the post-treatment periods, synthetic control (synthdid form)",
    "did": "ATT over the post-treatment periods, difference-in-differences",
}


def synthdid(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str | None = None,
    cohort: str | None = None,
    method: Literal["sdid", "sc", "did"] = "sdid",
    se: Literal["placebo", "bootstrap", "jackknife", "none"] = "placebo",
    replications: int = 200,
    seed: int | None = None,
    alpha: float = 0.05,
) -> SynthResult:
    """Synthetic difference-in-differences for a few treated aggregate units.

    Parameters
    ----------
    data
        Long balanced panel, one row per unit and period.
    outcome, unit, time
        Column names.
    treatment
        0/1 column, 1 from the unit's first treated period on. Give this or ``cohort``.
    cohort
        First treated period of each unit (0 or missing: never treated).
    method
        ``"sdid"`` (default), ``"sc"`` (synthetic control weights, no time weights) or
        ``"did"`` (uniform weights), as in the R package ``synthdid``.
    se
        ``"placebo"`` (default; Algorithm 4, works with one treated unit), ``"bootstrap"``
        (Algorithm 2) or ``"jackknife"`` (Algorithm 3, fixed weights; needs two or more treated
        units in every cohort), or ``"none"``.
    replications
        Placebo or bootstrap replications.
    seed
        Seed of the random draws (placebo, bootstrap).
    alpha
        1 - confidence level of the normal interval ``estimate +- z * se``.

    Returns
    -------
    SynthResult
        Headline ATT with the unit (donor) and time weights, the treated-versus-synthetic
        trajectory, the replicate estimates and an event study with its covariance.

    Raises
    ------
    InputError
        Bad columns or panel (see :func:`outcomelab.synth.panel.wide_panel`).
    ParameterError
        Unknown ``method``/``se``, or fewer than 2 ``replications``.
    EstimationError
        The chosen standard error is not defined for this design (too few comparison units for
        the placebo, one treated unit for bootstrap or jackknife).

    Notes
    -----
    With ``N0`` comparison units, ``N1`` treated units, ``T0`` pre- and ``T1`` post-treatment
    periods, unit weights ``omega`` solve
    ``min ||omega_0 + omega' Y_co,pre - ybar_tr,pre||^2 / T0 + zeta^2 ||omega||^2`` over the
    simplex with ``zeta = (N1 T1)^(1/4) sigma`` and ``sigma`` the standard deviation of first
    differences of the comparison units' pre-period outcomes; time weights ``lambda`` solve the
    analogous problem across periods with ``zeta = 1e-6 sigma``. The estimate is
    ``tau = (ybar_tr,post - omega' Y_co,post) - (ybar_tr,pre - omega' Y_co,pre) lambda``.
    Weights are found by Frank-Wolfe with a sparsifying restart, as in the R package.

    With several adoption cohorts each is estimated against the never treated units and the
    cohort effects are averaged with weights ``N_a T_post,a`` (treated unit-periods).

    The event study reports, for each period, the gap between treated units and the
    SDID-weighted comparison relative to the last pre-treatment period; its covariance comes
    from the same replicates as the standard error.

    References
    ----------
    Arkhangelsky, D., Athey, S., Hirshberg, D. A., Imbens, G. W. and Wager, S. (2021).
    Synthetic difference-in-differences. American Economic Review 111(12), 4088-4118.

    Clarke, D., Pailanir, D., Athey, S. and Imbens, G. (2023). Synthetic difference-in-differences
    estimation. IZA Discussion Paper 15907.

    Examples
    --------
    >>> from outcomelab.example.municipal import municipal_panel
    >>> panel, truth = municipal_panel(seed=1, n_treated=1)
    >>> res = synthdid(panel, outcome="employment", unit="municipality", time="year",
    ...                treatment="treated", se="none")
    >>> round(res.estimate, 3), round(truth["att"], 3)
    (0.027, 0.033)
    """
    check_choice("method", method, ("sdid", "sc", "did"))
    check_choice("se", se, ("placebo", "bootstrap", "jackknife", "none"))
    check_probability("alpha", alpha)
    if not isinstance(replications, int | np.integer) or replications < 2:
        raise ParameterError(
            f"`replications` must be an integer of at least 2; got {replications!r}."
        )
    panel = wide_panel(
        data, outcome=outcome, unit=unit, time=time, treatment=treatment, cohort=cohort
    )
    _check_se(panel, se)
    design = Design(panel, method)
    full = design.fit(panel.y, design.controls, design.rows)
    estimate = design.aggregate(full)
    n_t = panel.y.shape[1]
    first = min(design.starts)
    event_times = np.array([e for e in range(-max(design.starts), n_t - first) if e != -1])
    rng = np.random.default_rng(seed)
    notes: list[str] = []
    if se == "none":
        std_error = float("nan")
        reps = None
        notes.append("No standard error was asked for (se='none').")
    else:
        reps = design.replicates(full, se, replications, rng, event_times)
        std_error = standard_error(reps.estimates, se)
    low, high, p = normal_inference(estimate, std_error, alpha)
    terms = _terms(panel, design, full, estimate, std_error, reps, se, alpha)
    event, vcov = _event_study(design, full, reps, se, event_times)
    return SynthResult(
        estimate=estimate,
        std_error=std_error,
        conf_low=float(low),
        conf_high=float(high),
        p_value=float(p),
        n_treated=panel.n_treated,
        n_control=panel.n0,
        method=f"synthdid/{method}" + ("" if se == "none" else f"/{se}"),
        estimand=_ESTIMANDS[method],
        outcome=outcome,
        alpha=alpha,
        terms=terms,
        diagnostics={
            "cohorts": [_label(panel.periods[s]) for s in design.starts],
            "pre_periods": int(first),
            "post_periods": int(n_t - first),
            "replications": 0 if reps is None else len(reps.estimates),
            "se_method": se,
            "zeta_omega": {
                _label(panel.periods[s]): design.opts[s].zeta_omega for s in design.starts
            },
            "pre_fit_rmse": _pre_rmse(full),
        },
        notes=tuple(notes),
        unit_weights=_unit_weights(panel, full),
        time_weights=_time_weights(panel, full),
        trajectory=_trajectory(panel, full),
        replicates=np.empty(0) if reps is None else reps.estimates,
        event_study=event,
        event_vcov=vcov,
    )


def _label(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _check_se(panel: WidePanel, se: str) -> None:
    n1 = panel.n_treated
    if se == "placebo" and panel.n0 <= n1:
        raise EstimationError(
            f"The placebo standard error needs more comparison units ({panel.n0}) than treated "
            f"units ({n1}); use se='bootstrap' or 'jackknife'."
        )
    if se == "bootstrap" and n1 < 2:
        raise EstimationError(
            "The bootstrap standard error is not defined with one treated unit; use se='placebo'."
        )
    if se == "jackknife":
        small = [s for s in panel.starts if len(panel.cohort_rows(s)) < 2]
        if small:
            raise EstimationError(
                "The jackknife standard error needs at least two treated units in every cohort; "
                f"cohorts starting in {', '.join(str(panel.periods[s]) for s in small)} have one. "
                "Use se='placebo'."
            )


def _pre_rmse(fits: list[CohortFit]) -> float:
    sq = [float(np.mean(f.gap[: f.start] ** 2)) * f.share for f in fits]
    return float(np.sqrt(sum(sq)))


def _terms(
    panel: WidePanel,
    design: Design,
    full: list[CohortFit],
    estimate: float,
    std_error: float,
    reps: object,
    se: str,
    alpha: float,
) -> pd.DataFrame:
    rows: list[tuple[str, float, float, float | None, int]] = [
        ("ATT", estimate, std_error, None, sum(len(f.rows) for f in full))
    ]
    if len(full) > 1:
        by = getattr(reps, "by_cohort", None)
        for k, f in enumerate(full):
            if by is None:
                s_k = float("nan")
            else:
                col = by[:, k]
                col = col[np.isfinite(col)]
                s_k = standard_error(col, se) if len(col) > 1 else float("nan")  # type: ignore[arg-type]
            rows.append(
                (f"cohort {panel.periods[f.start]}", f.fit.estimate, s_k, f.share, len(f.rows))
            )
    est = np.array([r[1] for r in rows], dtype=float)
    ses = np.array([r[2] for r in rows], dtype=float)
    low, high, p = normal_inference(est, ses, alpha)
    return pd.DataFrame(
        {
            "term": [r[0] for r in rows],
            "estimate": est,
            "std_error": ses,
            "conf_low": low,
            "conf_high": high,
            "p_value": p,
            "cohort_share": [1.0 if r[3] is None else r[3] for r in rows],
            "n_treated": [r[4] for r in rows],
        }
    )


def _unit_weights(panel: WidePanel, full: list[CohortFit]) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {
                "cohort": _label(panel.periods[f.start]),
                "unit": panel.units[: panel.n0],
                "weight": f.fit.omega,
            }
        )
        for f in full
    ]
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["cohort", "weight"], ascending=[True, False], ignore_index=True)


def _time_weights(panel: WidePanel, full: list[CohortFit]) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {
                "cohort": _label(panel.periods[f.start]),
                "period": panel.periods[: f.start],
                "weight": f.fit.lambda_,
            }
        )
        for f in full
    ]
    return pd.concat(parts, ignore_index=True)


def _trajectory(panel: WidePanel, full: list[CohortFit]) -> pd.DataFrame:
    parts = []
    for f in full:
        treated = panel.y[f.rows].mean(axis=0)
        parts.append(
            pd.DataFrame(
                {
                    "cohort": _label(panel.periods[f.start]),
                    "period": panel.periods,
                    "treated": treated,
                    "synthetic": treated - f.gap,
                    "gap": f.gap,
                    "post": np.arange(len(panel.periods)) >= f.start,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _event_study(
    design: Design,
    full: list[CohortFit],
    reps: object,
    se: str,
    event_times: np.ndarray,
) -> tuple[pd.DataFrame | None, np.ndarray | None]:
    curves = getattr(reps, "curves", None)
    if curves is None:
        return None, None
    point = design.event_curve(full, event_times)
    ok = np.isfinite(point) & np.isfinite(curves).all(axis=0)
    point, curves, times = point[ok], curves[:, ok], event_times[ok]
    b = curves.shape[0]
    centred = curves - curves.mean(axis=0)
    if se == "jackknife":
        vcov = (b - 1) / b * centred.T @ centred
    else:
        vcov = centred.T @ centred / b
    table = pd.DataFrame(
        {"event_time": times, "estimate": point, "std_error": np.sqrt(np.diag(vcov))}
    )
    return table, vcov
