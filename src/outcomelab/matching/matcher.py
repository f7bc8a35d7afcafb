"""``match()``: nearest-neighbour, Mahalanobis, exact and coarsened exact matching for the ATT.

(The module is not named ``match`` so that ``outcomelab.matching.match`` is the function.)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_choice,
    check_no_missing,
    check_numeric,
    require_columns,
    require_dataframe,
    rows_preview,
)
from outcomelab.errors import EmptyGroupError, NoOverlapError, ParameterError
from outcomelab.matching.design import CovariateDesign, build_design, check_binary_treatment
from outcomelab.matching.nearest import greedy_mahalanobis, greedy_scalar
from outcomelab.matching.propensity import fit_propensity
from outcomelab.matching.result import MatchResult
from outcomelab.matching.subclass import (
    cem_bins,
    strata_with_both_groups,
    weights_from_match_matrix,
    weights_from_subclass,
)

__all__ = ["match"]

Method = Literal["nearest", "exact", "cem", "mahalanobis"]
CaliperScale = Literal["logit_sd", "ps_sd", "raw"]
Order = Literal["largest", "smallest", "random", "data"]
Discard = Literal["none", "treated", "control", "both"]


def match(
    data: pd.DataFrame,
    *,
    treatment: str,
    covariates: str | Sequence[str],
    method: Method = "nearest",
    distance: str = "logit",
    ratio: int = 1,
    replace: bool = False,
    caliper: float | None = None,
    caliper_scale: CaliperScale = "logit_sd",
    exact: str | Sequence[str] | None = None,
    order: Order | None = None,
    discard: Discard = "none",
    estimand: Literal["ATT"] = "ATT",
    seed: int | None = None,
) -> MatchResult:
    """Match comparison units to treated units and return the matched sample with its weights.

    Parameters
    ----------
    data
        One row per person: treatment indicator, baseline covariates (and outcomes, for later).
    treatment
        0/1 (or boolean) column; 1 = took part in the social investment.
    covariates
        Baseline covariate columns, or a right-hand-side formula (``"age + educ + race"``; patsy
        syntax). Categorical columns are expanded into dummies as R's ``model.matrix`` does.
    method
        ``"nearest"`` (greedy nearest neighbour on ``distance``), ``"mahalanobis"`` (nearest
        neighbour on the Mahalanobis distance of the covariates), ``"exact"`` (subclasses of
        identical covariate values) or ``"cem"`` (coarsened exact matching, Sturges bins).
    distance
        ``"logit"`` or ``"probit"`` (propensity score from a binomial GLM of treatment on the
        covariates), ``"mahalanobis"``, or the name of a column holding a score estimated
        elsewhere.
    ratio
        Comparison units per treated unit (nearest neighbour).
    replace
        Allow a comparison unit to be matched to several treated units.
    caliper
        Largest allowed distance between matched units, in the units given by ``caliper_scale``;
        treated units with no comparison unit inside it stay unmatched.
    caliper_scale
        ``"logit_sd"`` (default; Austin 2011): units are matched on the linear predictor of the
        score model (the logit of the propensity score) and the caliper is ``caliper`` standard
        deviations of it -- MatchIt's ``distance = "glm", link = "linear.logit", caliper = c``.
        ``"ps_sd"``: matched on the propensity score, caliper in its standard deviations --
        MatchIt's default ``distance = "glm", caliper = c``. ``"raw"``: matched on the propensity
        score, caliper in probability units -- MatchIt's ``std.caliper = FALSE``. Standard
        deviations are taken over all units not discarded. Without a caliper units are matched on
        the propensity score (MatchIt's default). For a score column, ``"logit_sd"`` matches on
        its logit (the column must lie strictly between 0 and 1), the others on the column.
    exact
        Columns on which matched units must agree exactly (nearest neighbour: matching within
        their strata; exact/cem: added to the subclass definition without coarsening).
    order
        Order in which treated units choose: ``"largest"`` score first (default with a score),
        ``"smallest"``, ``"random"`` (reproducible with ``seed``) or ``"data"`` (default, and the
        only orders allowed, for Mahalanobis matching).
    discard
        Drop units outside the common support of the score before matching: ``"treated"``,
        ``"control"``, ``"both"`` or ``"none"`` (MatchIt's rule on the propensity score ranges).
    estimand
        Only ``"ATT"``.
    seed
        Seed for ``order="random"``.

    Returns
    -------
    MatchResult
        ``.matched_data`` (input rows kept, with ``weights`` and ``subclass``), ``.propensity``,
        ``.balance()`` and ``.effect(outcome, covariates=None)``.

    Raises
    ------
    InputError
        Unknown columns, non-binary treatment, missing covariate values (named, with row counts).
    ParameterError
        An option outside its allowed values or an impossible combination.
    NoOverlapError
        Complete separation in the propensity model, or every treated unit lies outside the
        comparison units' score range.
    EmptyGroupError
        No comparison units are left to match, or nothing could be matched.

    Warns
    -----
    UserWarning
        Fewer comparison units than ``ratio`` x treated units without replacement (MatchIt's
        "Not all treated units will get a match"), and treated units left unmatched.

    Notes
    -----
    Estimand: the average treatment effect on the treated (ATT), among the treated units that
    are matched (a caliper or exact matching can leave some out; the result's notes say so).

    Greedy nearest neighbour follows MatchIt 4.5 exactly: treated units are taken in order of the
    score (largest first by default) and each takes the closest still-available comparison unit
    (the lower-scored one on a tie, equal scores ordered by data row). It runs in ``O(n log n)``
    with a sorted array and union-find "next available" links instead of a distance matrix.

    Weights (MatchIt's): a matched treated unit has weight 1; a comparison unit gets the sum of
    ``1 / k_i`` over the treated units ``i`` it is matched to (``k_i`` their number of matches),
    or ``n1_s / n0_s`` in subclass ``s`` for exact/cem; comparison weights are then rescaled to
    sum to the number of distinct matched comparison units.

    References
    ----------
    Ho, D. E., Imai, K., King, G. and Stuart, E. A. (2007). Matching as nonparametric
    preprocessing for reducing model dependence in parametric causal inference. Political
    Analysis 15(3), 199-236.
    Ho, D. E., Imai, K., King, G. and Stuart, E. A. (2011). MatchIt: nonparametric preprocessing
    for parametric causal inference. Journal of Statistical Software 42(8).
    Austin, P. C. (2011). Optimal caliper widths for propensity-score matching when estimating
    differences in means and differences in proportions in observational studies.
    Pharmaceutical Statistics 10(2), 150-161.
    Abadie, A. and Imbens, G. W. (2006). Large sample properties of matching estimators for
    average treatment effects. Econometrica 74(1), 235-267.
    Iacus, S. M., King, G. and Porro, G. (2012). Causal inference without balance checking:
    coarsened exact matching. Political Analysis 20(1), 1-24.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from outcomelab.matching import match
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"age": rng.normal(40, 10, 300)})
    >>> df["treat"] = (rng.random(300) < 1 / (1 + np.exp(-(df.age - 45) / 10))).astype(int)
    >>> df["y"] = df.age * 0.1 + 2 * df.treat + rng.normal(size=300)
    >>> m = match(df, treatment="treat", covariates=["age"], caliper=0.2)
    >>> round(m.effect("y").estimate)
    2
    """
    data = require_dataframe(data)
    check_choice("method", method, ["nearest", "exact", "cem", "mahalanobis"])
    check_choice("caliper_scale", caliper_scale, ["logit_sd", "ps_sd", "raw"])
    check_choice("discard", discard, ["none", "treated", "control", "both"])
    check_choice("estimand", estimand, ["ATT"])
    if order is not None:
        check_choice("order", order, ["largest", "smallest", "random", "data"])
    if not isinstance(ratio, int | np.integer) or isinstance(ratio, bool) or ratio < 1:
        raise ParameterError(f"`ratio` must be a whole number of at least 1; got {ratio!r}.")
    if caliper is not None and not (np.isfinite(caliper) and caliper > 0):
        raise ParameterError(f"`caliper` must be a positive number; got {caliper!r}.")
    t = check_binary_treatment(data, treatment)
    design = build_design(data, covariates)
    exact_cols = [exact] if isinstance(exact, str) else list(exact or [])
    if exact_cols:
        require_columns(data, exact=exact_cols)
        check_no_missing(data, "exact", exact_cols)
    if method == "mahalanobis":
        distance = "mahalanobis"
    spec = covariates if isinstance(covariates, str) else tuple(covariates)

    if method in ("exact", "cem"):
        return _match_subclass(data, t, design, method, distance, spec, treatment, exact_cols)

    notes: list[str] = []
    score = linear = None
    if distance in ("logit", "probit"):
        fit = fit_propensity(design.matrix, t, link=distance, names=design.names)  # type: ignore[arg-type]
        if not fit.converged:
            notes.append(f"The propensity model did not converge in {fit.iterations} iterations.")
        score, linear = fit.score, fit.linear
    elif distance != "mahalanobis":
        require_columns(data, distance=distance)
        check_numeric(data, "distance", distance)
        check_no_missing(data, "distance", distance)
        score = data[distance].to_numpy(dtype=np.float64)
        if caliper is not None and caliper_scale == "logit_sd":
            if np.any((score <= 0) | (score >= 1)):
                raise ParameterError(
                    f"caliper_scale='logit_sd' takes the logit of the score column {distance!r}, "
                    "which must lie strictly between 0 and 1; use caliper_scale='ps_sd' or 'raw'."
                )
            linear = np.log(score / (1 - score))
    if distance == "mahalanobis" and caliper is not None:
        raise ParameterError(
            "A caliper needs a score; Mahalanobis matching here has none. Use distance='logit' "
            "with a caliper, or method='mahalanobis' without one."
        )
    if order is None:
        order = "data" if score is None else "largest"
    if score is None and order in ("largest", "smallest"):
        raise ParameterError(
            f"order={order!r} sorts treated units by their score, and Mahalanobis matching has "
            "none; use order='data' or 'random'."
        )

    discarded = _discard(t, score, discard)
    use_linear = caliper is not None and caliper_scale == "logit_sd" and linear is not None
    metric = linear if use_linear else score
    cal_value = None
    if caliper is not None and metric is not None:
        sd = float(np.std(metric[~discarded], ddof=1))
        cal_value = caliper if caliper_scale == "raw" else caliper * sd

    t_rows = np.flatnonzero(t == 1)
    c_rows = np.flatnonzero((t == 0) & ~discarded)
    n1_ok = int(np.sum(~discarded[t_rows]))
    if len(c_rows) == 0:
        raise EmptyGroupError(
            "No comparison units are left to match"
            + (" after discard=" + repr(discard) if discard != "none" else "")
            + "; widen the comparison pool or use discard='none'."
        )
    if metric is not None:
        _check_overlap(metric[t_rows[~discarded[t_rows]]], metric[c_rows])
    if not replace and len(c_rows) < ratio * n1_ok:
        msg = (
            f"There are fewer comparison units ({len(c_rows)}) than treated units ({n1_ok}); not "
            "all treated units will get a match."
            if len(c_rows) < n1_ok
            else f"There are {len(c_rows)} comparison units for {n1_ok} treated units; not all "
            f"treated units will get {ratio} matches."
        )
        warnings.warn(msg + " Use replace=True or a lower ratio.", UserWarning, stacklevel=2)
        notes.append(msg)

    tr_order = _treated_order(t_rows, discarded, score, order, seed)
    strata = _strata(data, exact_cols)
    if metric is not None:
        Z = metric[:, None]
        mm = _run_scalar(metric, t_rows, c_rows, tr_order, strata, ratio, cal_value, replace)
    else:
        Z = _mahalanobis_transform(design.matrix, t, discarded)
        mm = _run_mahalanobis(Z, t_rows, c_rows, tr_order, strata, ratio, replace)

    weights = weights_from_match_matrix(mm, t_rows, len(t))
    n_matched_t = int(np.sum((mm >= 0).any(axis=1)))
    if n_matched_t == 0:
        raise EmptyGroupError(
            "No treated unit found a comparison unit"
            + (f" within the caliper ({caliper} on the {caliper_scale} scale)" if caliper else "")
            + "; widen the caliper or check overlap with the propensity score plot."
        )
    unmatched = n1_ok - n_matched_t
    if unmatched:
        notes.append(
            f"{unmatched} of {n1_ok} treated units found no comparison unit (caliper or exact "
            "restrictions) and are left out: the estimate is the ATT among matched treated units."
        )
    if discarded.any():
        notes.append(
            f"discard={discard!r} set aside {int(discarded[t == 1].sum())} treated and "
            f"{int(discarded[t == 0].sum())} comparison units outside common support."
        )
    subclass = np.zeros(len(t), dtype=np.int64)
    if not replace:
        has = (mm >= 0).any(axis=1)
        numbers = np.cumsum(has) * has
        subclass[t_rows[has]] = numbers[has]
        for j in range(mm.shape[1]):
            ok = mm[:, j] >= 0
            subclass[mm[ok, j]] = numbers[ok]
    return MatchResult(
        method="mahalanobis" if distance == "mahalanobis" else "nearest",
        distance=distance,
        treatment=treatment,
        covariates=spec,
        estimand="ATT",
        replace=replace,
        ratio=int(ratio),
        caliper=cal_value,
        n_treated=n_matched_t,
        n_control=int(np.sum((t == 0) & (weights > 0))),
        notes=tuple(notes),
        _data=data,
        _weights=weights,
        _subclass=subclass,
        _propensity=score,
        _match_rows=mm,
        _treated_rows=t_rows,
        _control_rows=c_rows,
        _metric=Z,
        _discarded=discarded,
    )


def _discard(t: np.ndarray, score: np.ndarray | None, discard: str) -> np.ndarray:
    if discard == "none":
        return np.zeros(len(t), dtype=bool)
    if score is None:
        raise ParameterError(
            f"discard={discard!r} trims on the propensity score, and Mahalanobis matching has "
            "none; use discard='none' or distance='logit'."
        )
    s0, s1 = score[t == 0], score[t == 1]
    if discard == "both":
        return (score < max(s0.min(), s1.min())) | (score > min(s0.max(), s1.max()))
    if discard == "control":
        return (t == 0) & ((score < s1.min()) | (score > s1.max()))
    return (t == 1) & ((score < s0.min()) | (score > s0.max()))


def _check_overlap(st: np.ndarray, sc: np.ndarray) -> None:
    if len(st) == 0:
        raise EmptyGroupError("Every treated unit was discarded; use discard='none' or 'control'.")
    if st.min() > sc.max() or st.max() < sc.min():
        side = "above" if st.min() > sc.max() else "below"
        raise NoOverlapError(
            f"Every treated unit has a score {side} the range of the comparison units "
            f"(treated {st.min():.4g} to {st.max():.4g}; comparison {sc.min():.4g} to "
            f"{sc.max():.4g}): there is no common support to match on. Find comparison units "
            "more like the participants, or drop the covariates that separate the groups."
        )


def _treated_order(
    t_rows: np.ndarray,
    discarded: np.ndarray,
    score: np.ndarray | None,
    order: str,
    seed: int | None,
) -> np.ndarray:
    """Positions into ``t_rows`` of the treated units to match, in the order they choose."""
    n1 = len(t_rows)
    if order == "largest" and score is not None:
        ordr = np.argsort(-score[t_rows], kind="stable")
    elif order == "smallest" and score is not None:
        ordr = np.argsort(score[t_rows], kind="stable")
    elif order == "random":
        ordr = np.random.default_rng(seed).permutation(n1)
    else:
        ordr = np.arange(n1)
    return ordr[~discarded[t_rows][ordr]]


def _strata(data: pd.DataFrame, exact_cols: list[str]) -> np.ndarray | None:
    if not exact_cols:
        return None
    return data[exact_cols].astype(str).groupby(exact_cols, sort=False).ngroup().to_numpy()


#: a greedy matcher on given treated/control rows: ``(t_idx, c_idx, order) -> match matrix``
Kernel = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _match_within_strata(
    kernel: Kernel,
    t_rows: np.ndarray,
    c_rows: np.ndarray,
    tr_order: np.ndarray,
    strata: np.ndarray | None,
    ratio: int,
) -> np.ndarray:
    """Run ``kernel`` on all rows, or separately within each exact-matching stratum.

    Returns the matched control row (or -1) for each treated row and match slot.
    """
    if strata is None:
        mm = kernel(t_rows, c_rows, tr_order)
        return np.where(mm >= 0, c_rows[np.maximum(mm, 0)], -1)
    out = np.full((len(t_rows), ratio), -1, dtype=np.int64)
    st, sc = strata[t_rows], strata[c_rows]
    for s in np.unique(st):
        ti = np.flatnonzero(st == s)
        ci = c_rows[sc == s]
        if len(ci) == 0:
            continue
        local = np.full(len(t_rows), -1, dtype=np.int64)
        local[ti] = np.arange(len(ti))
        sub_order = local[tr_order][np.isin(tr_order, ti)]
        mm = kernel(t_rows[ti], ci, sub_order)
        out[ti] = np.where(mm >= 0, ci[np.maximum(mm, 0)], -1)
    return out


def _run_scalar(
    metric: np.ndarray,
    t_rows: np.ndarray,
    c_rows: np.ndarray,
    tr_order: np.ndarray,
    strata: np.ndarray | None,
    ratio: int,
    caliper: float | None,
    replace: bool,
) -> np.ndarray:
    def kernel(ti: np.ndarray, ci: np.ndarray, order: np.ndarray) -> np.ndarray:
        return greedy_scalar(
            metric[ti], metric[ci], order=order, ratio=ratio, caliper=caliper,
            replace=replace, t_index=ti, c_index=ci,
        )  # fmt: skip

    return _match_within_strata(kernel, t_rows, c_rows, tr_order, strata, ratio)


def _run_mahalanobis(
    Z: np.ndarray,
    t_rows: np.ndarray,
    c_rows: np.ndarray,
    tr_order: np.ndarray,
    strata: np.ndarray | None,
    ratio: int,
    replace: bool,
) -> np.ndarray:
    def kernel(ti: np.ndarray, ci: np.ndarray, order: np.ndarray) -> np.ndarray:
        return greedy_mahalanobis(Z[ti], Z[ci], order=order, ratio=ratio, replace=replace)

    return _match_within_strata(kernel, t_rows, c_rows, tr_order, strata, ratio)


def _mahalanobis_transform(X: np.ndarray, t: np.ndarray, discarded: np.ndarray) -> np.ndarray:
    """Rows of ``X`` mapped so that Euclidean distance is Mahalanobis distance with the pooled
    within-group covariance (MatchIt's ``transform_covariates(method = "mahalanobis")``)."""
    keep = np.ptp(X, axis=0) >= np.sqrt(np.finfo(float).eps)
    X = X[:, keep] if keep.any() else X[:, :1]
    Xs = (X - X.mean(axis=0)) / np.where(X.std(axis=0, ddof=1) > 0, X.std(axis=0, ddof=1), 1.0)
    ok = ~discarded
    centred = Xs[ok].copy()
    for g in (0, 1):
        in_g = t[ok] == g
        centred[in_g] -= centred[in_g].mean(axis=0)
    cov = centred.T @ centred / (ok.sum() - 2)
    vals, vecs = np.linalg.eigh(cov)
    pos = vals > vals.max() * 1e-10
    root = vecs[:, pos] / np.sqrt(vals[pos])
    return np.ascontiguousarray(Xs @ root)


def _match_subclass(
    data: pd.DataFrame,
    t: np.ndarray,
    design: CovariateDesign,
    method: str,
    distance: str,
    spec: str | tuple[str, ...],
    treatment: str,
    exact_cols: list[str],
) -> MatchResult:
    variables = list(design.variables)
    if method == "cem":
        keys = pd.DataFrame({v: cem_bins(data[v]) for v in variables})
    else:
        keys = pd.DataFrame({v: data[v].astype(str).to_numpy() for v in variables})
    for c in exact_cols:
        keys[f"exact:{c}"] = data[c].astype(str).to_numpy()
    subclass = strata_with_both_groups(keys, t)
    if not (subclass > 0).any():
        raise EmptyGroupError(
            f"No {'coarsened ' if method == 'cem' else ''}exact matches: no stratum of "
            f"{', '.join(variables)} holds both treated and comparison units. Use fewer or "
            "coarser covariates, or nearest-neighbour matching."
        )
    weights = weights_from_subclass(subclass, t)
    score = None
    if distance not in ("logit", "probit", "mahalanobis"):
        require_columns(data, distance=distance)
        check_numeric(data, "distance", distance)
        score = data[distance].to_numpy(dtype=np.float64)
    n1 = int(t.sum())
    n_t = int(np.sum((t == 1) & (subclass > 0)))
    notes = []
    if n_t < n1:
        lost = data.index[(t == 1) & (subclass == 0)]
        notes.append(
            f"{n1 - n_t} of {n1} treated units have no comparison unit in their stratum and are "
            f"left out (rows {rows_preview(lost)}): the estimate is the ATT among matched "
            "treated units."
        )
    return MatchResult(
        method=method,
        distance=distance if score is not None else "none",
        treatment=treatment,
        covariates=spec,
        estimand="ATT",
        replace=False,
        ratio=1,
        caliper=None,
        n_treated=n_t,
        n_control=int(np.sum((t == 0) & (subclass > 0))),
        notes=tuple(notes),
        _data=data,
        _weights=weights,
        _subclass=subclass,
        _propensity=score,
        _match_rows=None,
        _treated_rows=None,
        _control_rows=np.flatnonzero(t == 0),
        _metric=None,
        _discarded=np.zeros(len(t), dtype=bool),
    )
