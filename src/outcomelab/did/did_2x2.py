"""The canonical two-group, two-period difference-in-differences estimator (2x2 DiD).

Without covariates every method gives the difference in mean changes,
``(Ybar_{1,post} - Ybar_{1,pre}) - (Ybar_{0,post} - Ybar_{0,pre})``. With covariates, the
outcome-regression, normalised-IPW and doubly robust estimators of Sant'Anna and Zhao (2020)
(:mod:`outcomelab.did.drdid`) for panels and for repeated cross-sections.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Literal

import numpy as np
import pandas as pd

import outcomelab.did.drdid as drdid
import outcomelab.did.drdid_rc as drdid_rc
from outcomelab._checks import (
    as_float_array,
    check_alpha,
    check_choice,
    cluster_columns,
    covariate_columns,
    require_dataframe,
    rows_preview,
    weight_values,
)
from outcomelab.did.drdid_core import panel_2x2
from outcomelab.did.panel_checks import check_binary, check_panel_frame, check_unique_unit_time
from outcomelab.did.within import factorize
from outcomelab.errors import InputError
from outcomelab.results import EffectResult
from outcomelab.results.estimability import check_outcome_varies, check_standard_error

__all__ = ["did_2x2"]

Method = Literal["reg", "ipw", "dr"]

_PANEL: dict[str, tuple[str, Callable[..., drdid.DiDEstimate]]] = {
    "dr": ("drdid_imp_panel", drdid.drdid_imp_panel),
    "reg": ("reg_did_panel", partial(panel_2x2, "reg")),
    "ipw": ("std_ipw_did_panel", partial(panel_2x2, "ipw")),
}
_RC: dict[str, tuple[str, Callable[..., drdid.DiDEstimate]]] = {
    "dr": ("drdid_imp_rc", drdid_rc.drdid_imp_rc),
    "reg": ("reg_did_rc", drdid_rc.reg_did_rc),
    "ipw": ("std_ipw_did_rc", drdid_rc.std_ipw_did_rc),
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


def _constant_weights(
    frame: pd.DataFrame, w: np.ndarray, unit_codes: np.ndarray, weights: str, unit: str
) -> None:
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


def _panel_estimate(
    frame: pd.DataFrame,
    method: str,
    unit_codes: np.ndarray,
    time_codes: np.ndarray,
    y_all: np.ndarray,
    d_all: np.ndarray,
    x_cov: np.ndarray,
    w_all: np.ndarray | None,
    cl_all: np.ndarray | None,
    unit: str,
) -> tuple[drdid.DiDEstimate, np.ndarray, np.ndarray | None]:
    """The panel estimate on one row per unit; also the group and cluster of every unit."""
    n_units = int(unit_codes.max()) + 1
    seen = np.bincount(unit_codes, minlength=n_units)
    once = seen[unit_codes] < 2
    if once.any():
        raise InputError(
            f"{int((seen < 2).sum())} units appear in one period only (rows "
            f"{rows_preview(frame.index[once])}); a panel 2x2 needs every unit in both "
            "periods. Drop them, or pass panel=False to treat the data as repeated "
            "cross-sections."
        )
    pre, post = time_codes == 0, time_codes == 1
    y0 = np.empty(n_units)
    y1 = np.empty(n_units)
    y0[unit_codes[pre]] = y_all[pre]
    y1[unit_codes[post]] = y_all[post]
    d = np.empty(n_units)
    d[unit_codes] = d_all
    x = np.ones((n_units, 1 + x_cov.shape[1]))
    x[unit_codes[pre], 1:] = x_cov[pre]
    w_unit = None
    if w_all is not None:
        w_unit = np.empty(n_units)
        w_unit[unit_codes] = w_all
    clusters = None
    if cl_all is not None:
        clusters = np.empty(n_units, dtype=np.intp)
        clusters[unit_codes] = cl_all
        if not np.array_equal(clusters[unit_codes], cl_all):
            raise InputError(
                f"`cluster` changes within units of {unit!r}; clusters must contain whole units "
                "(e.g. the municipality at the start of the intervention)."
            )
    return _PANEL[method][1](y1, y0, d, x, w_unit), d, clusters


def did_2x2(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str,
    covariates: Sequence[str] | str | None = None,
    method: Method = "dr",
    panel: bool = True,
    weights: str | None = None,
    cluster: str | None = None,
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
        Numeric pre-treatment covariates: a list of column names or a plain sum ``"age + educ"``
        (a bare string is a formula; ``"age"`` is the column ``age``). For panels their
        first-period values are used.
    method
        ``"dr"`` (default) improved doubly robust, ``"reg"`` outcome regression, ``"ipw"``
        normalised inverse probability weighting.
    panel
        ``True``: the same units in both periods (balanced panel). ``False``: repeated
        cross-sections.
    weights
        Optional column of non-negative sampling weights (DRDID's ``i.weights``; normalised to
        mean one). For panels they must be constant within a unit.
    cluster
        ``None`` (default): each unit (panel) or row (cross-sections) is its own cluster, as in
        DRDID. A column that is constant within units (e.g. municipality): the influence
        functions are summed within its clusters (CR0).
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
    EstimationError
        A degenerate outcome: constant in every row, or with changes that give a standard error
        of zero (no test is defined, so no p-value is given).

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
    check_choice("panel", panel, (True, False))
    alpha = check_alpha(alpha)
    frame = require_dataframe(data)
    covs = covariate_columns(frame, covariates)
    cl_names = cluster_columns(frame, cluster, unit=unit)
    frame = check_panel_frame(
        frame,
        outcome=outcome,
        unit=unit,
        time=time,
        treatment=treatment,
        covariates=covs,
        extra=cl_names,
    )
    time_codes, periods = _two_periods(frame, time)
    d_all = check_binary(frame, treatment)
    unit_codes, _ = factorize(frame[unit].to_numpy())
    _constant_within_unit(frame, unit_codes, d_all, treatment, unit)
    y_all = as_float_array(frame[outcome])
    spread = check_outcome_varies(y_all, outcome, "rows")
    x_cov = frame[covs].to_numpy(dtype=np.float64) if covs else np.empty((len(frame), 0))
    w_all = weight_values(frame, weights)
    if w_all is not None and panel:
        _constant_weights(frame, w_all, unit_codes, str(weights), unit)

    notes: list[str] = []
    kind = frame[time].dtype
    if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind)):
        notes.append(
            f"`time` is text; sorted, {periods[0]!r} was taken as the first (pre) period and "
            f"{periods[1]!r} as the second (post). Use years or dates if that order is wrong."
        )
    cl_all = factorize(frame[cl_names[0]].to_numpy())[0] if cl_names else None
    if panel:
        check_unique_unit_time(frame, unit_codes, time_codes, 2, unit=unit, time=time)
        est, d, clusters = _panel_estimate(
            frame, method, unit_codes, time_codes, y_all, d_all, x_cov, w_all, cl_all, unit
        )
        n_treated, n_control = int(d.sum()), int(d.size - d.sum())
    else:
        x = np.column_stack([np.ones(len(frame)), x_cov])
        est = _RC[method][1](y_all, time_codes.astype(np.float64), d_all, x, w_all)
        clusters = cl_all
        n_treated, n_control = int(d_all.sum()), int(len(frame) - d_all.sum())
    name = (_PANEL if panel else _RC)[method][0]
    std_error = est.std_error
    n_clusters = None
    if clusters is not None:
        sums = np.bincount(clusters, weights=est.influence)
        n_clusters = int(sums.size)
        std_error = float(np.sqrt(sums @ sums)) / est.influence.size
        notes.append(f"Standard errors are clustered by {cl_names[0]!r} ({n_clusters} clusters).")
    check_standard_error(std_error, spread, outcome)
    if est.n_trimmed:
        notes.append(
            f"{est.n_trimmed} comparison observations with a propensity score of at least "
            f"{drdid.TRIM_LEVEL} got weight zero (as in DRDID); check overlap."
        )
    return EffectResult.from_estimate(
        est.att,
        std_error,
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
            "cluster": cl_names[0] if cl_names else None,
            "n_clusters": n_clusters,
        },
        notes=tuple(notes),
    )
