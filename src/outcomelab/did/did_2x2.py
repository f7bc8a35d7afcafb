"""The canonical two-group, two-period difference-in-differences estimator (2x2 DiD).

Without covariates every method gives the difference in mean changes,
``(Ybar_{1,post} - Ybar_{1,pre}) - (Ybar_{0,post} - Ybar_{0,pre})``. With covariates, the
outcome-regression, normalised-IPW and doubly robust estimators of Sant'Anna and Zhao (2020)
(:mod:`outcomelab.did.drdid`) for panels and for repeated cross-sections.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

import outcomelab.did.drdid as drdid
from outcomelab._checks import as_float_array, check_choice, rows_preview
from outcomelab.did.panel_checks import check_binary, check_panel_frame, check_unique_unit_time
from outcomelab.did.within import factorize
from outcomelab.errors import InputError
from outcomelab.results import EffectResult

__all__ = ["did_2x2"]

Method = Literal["reg", "ipw", "dr"]

_PANEL: dict[str, tuple[str, Callable[..., drdid.DiDEstimate]]] = {
    "dr": ("drdid_imp_panel", drdid.drdid_imp_panel),
    "reg": ("reg_did_panel", drdid.reg_did_panel),
    "ipw": ("std_ipw_did_panel", drdid.std_ipw_did_panel),
}
_RC: dict[str, tuple[str, Callable[..., drdid.DiDEstimate]]] = {
    "dr": ("drdid_imp_rc", drdid.drdid_imp_rc),
    "reg": ("reg_did_rc", drdid.reg_did_rc),
    "ipw": ("std_ipw_did_rc", drdid.std_ipw_did_rc),
}


def _two_periods(frame: pd.DataFrame, time: str) -> tuple[np.ndarray, list[object]]:
    codes, labels = pd.factorize(frame[time].to_numpy(), sort=True)
    if len(labels) != 2:
        shown = ", ".join(repr(v) for v in list(labels)[:8])
        raise InputError(
            f"`time` column {time!r} must have exactly two distinct values for a 2x2 DiD; it has "
            f"{len(labels)} ({shown}{' ...' if len(labels) > 8 else ''}). Keep one pre-treatment "
            "and one post-treatment period, or use outcomelab.did.att_gt or twfe for more periods."
        )
    return np.asarray(codes, dtype=np.intp), list(labels)


def _constant_within_unit(
    frame: pd.DataFrame, unit_codes: np.ndarray, d: np.ndarray, treatment: str, unit: str
) -> None:
    n = int(unit_codes.max()) + 1
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    np.minimum.at(lo, unit_codes, d)
    np.maximum.at(hi, unit_codes, d)
    varying = lo != hi
    if varying.any():
        rows = varying[unit_codes]
        units = pd.unique(frame[unit].to_numpy()[rows])
        raise InputError(
            f"`treatment` column {treatment!r} must be the group indicator, constant within a "
            f"unit (1 for units treated in the second period, also in the first); it changes "
            f"within {int(varying.sum())} units ({rows_preview(units)}; rows "
            f"{rows_preview(frame.index[rows])}). Set it to 1 in both periods for treated units."
        )


def _check_weights(
    frame: pd.DataFrame, weights: str, unit_codes: np.ndarray, unit: str, panel: bool
) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(frame[weights]):
        raise InputError(
            f"`weights` column {weights!r} must be numeric; it is {frame[weights].dtype}."
        )
    w = as_float_array(frame[weights])
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any() or w.sum() <= 0:
        raise InputError(
            f"`weights` column {weights!r} must hold finite, non-negative values with a positive "
            f"sum; {int(bad.sum())} rows do not (rows {rows_preview(frame.index[bad])})."
        )
    if panel:
        n = int(unit_codes.max()) + 1
        lo, hi = np.full(n, np.inf), np.full(n, -np.inf)
        np.minimum.at(lo, unit_codes, w)
        np.maximum.at(hi, unit_codes, w)
        varying = (lo != hi)[unit_codes]
        if varying.any():
            raise InputError(
                f"`weights` column {weights!r} must be constant within a unit for panel data; "
                f"it changes within {int((lo != hi).sum())} units (rows "
                f"{rows_preview(frame.index[varying])}). Use the first-period weight for both "
                f"rows of each {unit!r}."
            )
    return w


def did_2x2(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str,
    covariates: Sequence[str] | None = None,
    method: Method = "dr",
    panel: bool = True,
    weights: str | None = None,
    alpha: float = 0.05,
) -> EffectResult:
    """Two-group, two-period DiD estimate of the ATT, with or without covariates.

    Parameters
    ----------
    data
        Long table, one row per unit and period (panel) or per observation (cross-sections).
    outcome
        Numeric outcome column.
    unit
        Unit identifier (for cross-sections a row id is enough).
    time
        Period column with exactly two distinct values; the later one is the post period.
    treatment
        Group indicator: 1 for units treated in the second period, constant within a unit (so 1
        in the first period too), 0 for the comparison group.
    covariates
        Numeric pre-treatment covariates. For panels their first-period values are used.
    method
        ``"dr"`` (default) improved doubly robust, ``"reg"`` outcome regression, ``"ipw"``
        normalised inverse probability weighting.
    panel
        ``True``: the same units in both periods (balanced panel). ``False``: repeated
        cross-sections.
    weights
        Optional column of non-negative sampling weights (DRDID's ``i.weights``; normalised to
        mean one). For panels they must be constant within a unit.
    alpha
        1 - confidence level.

    Returns
    -------
    EffectResult
        ``method`` is ``"did_2x2/<method>"``; ``diagnostics`` holds ``estimator`` (the DRDID
        function reproduced), ``n_obs``, ``periods``, ``n_trimmed``, ``panel``.

    Raises
    ------
    InputError
        Missing columns or values, non-numeric outcome, treatment not 0/1 or not constant within
        a unit, not exactly two periods, duplicate unit-period rows, units seen in one period only
        (panel).
    ParameterError
        Unknown ``method``.
    SingularDesignError
        Collinear covariates.
    NoOverlapError
        Propensity scores at 0 or 1: covariates separate the groups.
    EmptyGroupError
        A group (or group-period cell for cross-sections) without observations.

    Notes
    -----
    Estimand: ``ATT = E[Y_post(1) - Y_post(0) | D = 1]`` under conditional parallel trends and
    overlap. Estimators (Sant'Anna and Zhao 2020), reproducing R ``DRDID``:

    * panel ``dr``: ``drdid_imp_panel``: ``mean(w (D - (1-D) p/(1-p)) (dY - m(X))) / mean(w D)``
      with ``p`` by inverse probability tilting and ``m`` by WLS on comparison units with weights
      ``p/(1-p)``;
    * panel ``reg``: ``reg_did_panel``; panel ``ipw``: ``std_ipw_did_panel`` (Hajek weights);
    * cross-sections ``dr``: ``drdid_imp_rc`` (improved and locally efficient), ``reg``:
      ``reg_did_rc``, ``ipw``: ``std_ipw_did_rc``.

    Standard errors from the influence function, ``sd(psi)/sqrt(n)``, normal intervals. As in
    DRDID, comparison units with a propensity score >= 0.995 get weight zero (counted in
    ``n_trimmed`` and in a note).

    References
    ----------
    Sant'Anna, P. H. C. and Zhao, J. (2020). Doubly robust difference-in-differences estimators.
    Journal of Econometrics 219(1), 101-122.

    Graham, B. S., Pinto, C. C. and Egel, D. (2012). Inverse probability tilting for moment
    condition models with missing data. Review of Economic Studies 79(3), 1053-1079.

    Abadie, A. (2005). Semiparametric difference-in-differences estimators. Review of Economic
    Studies 72(1), 1-19.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from outcomelab.did import did_2x2
    >>> rng = np.random.default_rng(1)
    >>> n = 500
    >>> g = (rng.random(n) < 0.4).astype(int)
    >>> pre = pd.DataFrame({"id": range(n), "t": 0, "g": g, "y": rng.normal(size=n)})
    >>> post = pre.assign(t=1, y=pre["y"] + 1 + 2 * g + rng.normal(size=n))
    >>> res = did_2x2(pd.concat([pre, post]), outcome="y", unit="id", time="t", treatment="g")
    >>> bool(abs(res.estimate - 2) < 0.5)
    True
    """
    check_choice("method", method, ("reg", "ipw", "dr"))
    covs = list(covariates or [])
    frame = check_panel_frame(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        treatment=treatment,
        covariates=covs,
        extra=[weights] if weights else (),
    )
    time_codes, periods = _two_periods(frame, time)
    d_all = check_binary(frame, treatment)
    unit_codes, n_units = factorize(frame[unit].to_numpy())
    _constant_within_unit(frame, unit_codes, d_all, treatment, unit)
    y_all = as_float_array(frame[outcome])
    x_cov = frame[covs].to_numpy(dtype=np.float64) if covs else np.empty((len(frame), 0))
    w_all = None
    if weights:
        w_all = _check_weights(frame, weights, unit_codes, unit, panel)

    notes: list[str] = []
    kind = frame[time].dtype
    if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind)):
        notes.append(
            f"`time` is text; sorted, {periods[0]!r} was taken as the first (pre) period and "
            f"{periods[1]!r} as the second (post). Use years or dates if that order is wrong."
        )
    if panel:
        check_unique_unit_time(frame, unit_codes, time_codes, 2, unit=unit, time=time)
        seen = np.bincount(unit_codes, minlength=n_units)
        once = seen[unit_codes] < 2
        if once.any():
            raise InputError(
                f"{int((seen < 2).sum())} units appear in one period only (rows "
                f"{rows_preview(frame.index[once])}); a panel 2x2 needs every unit in both "
                "periods. Drop them, or pass panel=False to treat the data as repeated "
                "cross-sections."
            )
        y0 = np.empty(n_units)
        y1 = np.empty(n_units)
        pre, post = time_codes == 0, time_codes == 1
        y0[unit_codes[pre]] = y_all[pre]
        y1[unit_codes[post]] = y_all[post]
        d = np.empty(n_units)
        d[unit_codes] = d_all
        x = np.ones((n_units, 1 + len(covs)))
        x[unit_codes[pre], 1:] = x_cov[pre]
        name, fn = _PANEL[method]
        w_unit = None
        if w_all is not None:
            w_unit = np.empty(n_units)
            w_unit[unit_codes] = w_all
        est = fn(y1, y0, d, x, w_unit)
        n_treated, n_control = int(d.sum()), int(n_units - d.sum())
    else:
        x = np.column_stack([np.ones(len(frame)), x_cov])
        name, fn = _RC[method]
        est = fn(y_all, time_codes.astype(np.float64), d_all, x, w_all)
        n_treated, n_control = int(d_all.sum()), int(len(frame) - d_all.sum())
    if est.n_trimmed:
        notes.append(
            f"{est.n_trimmed} comparison observations with a propensity score of at least "
            f"{drdid.TRIM_LEVEL} got weight zero (as in DRDID); check overlap."
        )
    return EffectResult.from_estimate(
        est.att,
        est.std_error,
        n_treated=n_treated,
        n_control=n_control,
        method=f"did_2x2/{method}",
        estimand=(
            "ATT in the second period for the treated group, 2x2 difference-in-differences"
            + (" conditional on covariates" if covs else "")
        ),
        alpha=alpha,
        outcome=outcome,
        diagnostics={
            "estimator": name,
            "panel": panel,
            "n_obs": int(est.influence.size),
            "periods": periods,
            "n_trimmed": est.n_trimmed,
            "covariates": covs,
            "weights": weights,
        },
        notes=tuple(notes),
    )
