"""``match()``: nearest-neighbour, optimal, Mahalanobis, exact, coarsened exact and propensity
subclass matching for the ATT, the ATC and (by subclasses) the ATE.

(The module is not named ``match`` so that ``outcomelab.matching.match`` is the function.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import require_dataframe, rows_preview, weight_values
from outcomelab.balance.compute import unit_weights
from outcomelab.errors import EmptyGroupError, ParameterError
from outcomelab.matching.design import CovariateDesign, build_design, check_binary_treatment
from outcomelab.matching.options import MatchOptions, check_match_options, check_option_columns
from outcomelab.matching.pairing import Draft, Score, discard_units, match_pairs
from outcomelab.matching.propensity import fit_propensity
from outcomelab.matching.result import MatchResult
from outcomelab.matching.subclass import (
    cem_bins,
    score_subclasses,
    strata_with_both_groups,
    weights_from_subclass,
)
from outcomelab.matching.units import UnitOrder, unit_order

__all__ = ["match"]

Method = Literal["nearest", "optimal", "mahalanobis", "exact", "cem", "subclass"]
CaliperScale = Literal["logit_sd", "ps_sd", "raw"]
Order = Literal["largest", "smallest", "random", "data"]
Discard = Literal["none", "treated", "control", "both"]
Estimand = Literal["ATT", "ATC", "ATE"]


def match(
    data: pd.DataFrame,
    *,
    treatment: str,
    covariates: str | Sequence[str],
    method: Method = "nearest",
    distance: str = "logit",
    ratio: int = 1,
    replace: bool = False,
    caliper: float | Mapping[str, float] | None = None,
    caliper_scale: CaliperScale = "logit_sd",
    exact: str | Sequence[str] | None = None,
    mahvars: str | Sequence[str] | None = None,
    order: Order | None = None,
    discard: Discard = "none",
    estimand: Estimand = "ATT",
    subclass: int = 6,
    unit: str | None = None,
    weights: str | None = None,
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
        ``"nearest"`` (greedy nearest neighbour on ``distance``), ``"optimal"`` (pairs with the
        smallest total distance, :func:`scipy.optimize.linear_sum_assignment`), ``"mahalanobis"``
        (nearest neighbour on the Mahalanobis distance of the covariates), ``"exact"``
        (subclasses of identical covariate values), ``"cem"`` (coarsened exact matching, Sturges
        bins) or ``"subclass"`` (``subclass`` propensity-score subclasses at quantiles).
    distance
        ``"logit"`` or ``"probit"`` (propensity score from a binomial GLM of treatment on the
        covariates), ``"mahalanobis"``, or the name of a column holding a score estimated
        elsewhere.
    ratio
        Comparison units per treated unit (nearest neighbour).
    replace
        Allow a comparison unit to be matched to several treated units.
    caliper
        Largest allowed distance between matched units: a number (on the score, in the units
        given by ``caliper_scale``), or a mapping ``{"age": 5, "distance": 0.2}`` with calipers
        on covariates (in the covariate's own units, MatchIt's ``std.caliper = FALSE`` for that
        entry) and, under the key ``"distance"``, on the score. Units with no partner inside every
        caliper stay unmatched.
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
    mahvars
        Columns for Mahalanobis matching within a propensity-score caliper (MatchIt's
        ``mahvars``): units are ordered and calipered on the score and matched on the Mahalanobis
        distance of these columns.
    order
        Order in which focal units choose: ``"largest"`` score first (default for the ATT with a
        score), ``"smallest"`` (default for the ATC), ``"random"`` (reproducible with ``seed``)
        or ``"data"`` (unit-id order; default, and with ``"random"`` the only orders allowed,
        for Mahalanobis matching).
    discard
        Drop units outside the common support of the score before matching: ``"treated"``,
        ``"control"``, ``"both"`` or ``"none"`` (MatchIt's rule on the propensity score ranges).
    estimand
        ``"ATT"`` (comparison units are matched to the treated), ``"ATC"`` (treated units are
        matched to the comparison units) or ``"ATE"`` (subclass, exact and cem only, as in
        MatchIt).
    subclass
        Number of propensity-score subclasses for ``method="subclass"`` (MatchIt's default 6).
    unit
        Column with a unique id per row; default the data's index (which must then be unique).
        Ties are broken by this id, so the result does not depend on the order of the rows.
    weights
        Sampling or population weights: the name of a column of non-negative values (the one
        rule of :func:`outcomelab._checks.weight_values`; MatchIt's ``s.weights``). They weight
        the propensity model (``glm(weights=)``), the balance table (before and after) and the
        effect (the regression weights are matching weights times sampling weights, as
        MatchIt's ``match.data()`` gives them). Not used to choose matches.
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
    Estimand: the average treatment effect on the treated (ATT) or on the comparison units
    (ATC), among the focal units that are matched (a caliper or exact matching can leave some
    out; the result's notes say so); for subclasses also the ATE.

    Greedy nearest neighbour follows MatchIt 4.5 exactly: focal units are taken in order of the
    score (largest first by default) and each takes the closest still-available unit of the other
    group. On a scalar score it runs in ``O(n log n)`` with a sorted array and union-find "next
    available" links; Mahalanobis distance, ``mahvars`` and covariate calipers scan all pairs,
    ``O(n_focal x n_other)``.

    Ties and row order: the whole matching runs on the rows sorted by unit id (``unit`` or the
    index), and every result is mapped back to the caller's rows, so shuffling the rows gives the
    same matched set. Ties are therefore broken by id: focal units with the same score choose in
    id order, and among available units at the same distance (on a scalar score or a distance
    matrix) the smallest id wins. Scores equal to a relative 1e-10 count as equal
    (``outcomelab.matching.ties``), so rounding in the logit fit never decides. MatchIt's matrix
    path takes the first in data order, so the two agree when the ids are in data order (equal
    pair by pair on lalonde and on NSW + 15,992 CPS persons). ``MatchResult.n_tied`` counts the
    matches a tie decided.

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
    opts = check_match_options(
        method=method, distance=distance, ratio=ratio, replace=replace, caliper=caliper,
        caliper_scale=caliper_scale, exact=exact, mahvars=mahvars, order=order, discard=discard,
        estimand=estimand, subclass=subclass, seed=seed,
    )  # fmt: skip
    ids = unit_order(data, unit)
    work = ids.to_sorted(data)
    t = check_binary_treatment(work, treatment)
    design = build_design(work, covariates)
    check_option_columns(work, opts)
    given = weight_values(data, weights)
    sampling = None if given is None else unit_weights(data, "weights", given, ids.rows_back(t))
    sorted_sampling = sampling if sampling is None or ids.perm is None else sampling[ids.perm]
    score = _score(work, t, design, opts, sorted_sampling)
    if opts.method in ("exact", "cem", "subclass"):
        draft = _subclass_draft(work, t, design, score, opts)
    else:
        draft = match_pairs(work, t, design.matrix, score, opts)
    if not score.converged:
        draft.notes.append(
            f"The propensity model did not converge in {score.iterations} iterations."
        )
    if draft.n_tied:
        draft.notes.append(
            f"{draft.n_tied} matches were ties (another unit at the same distance); they were "
            f"broken by unit id ({ids.source}), so the matched set does not depend on row order."
        )
    spec = covariates if isinstance(covariates, str) else tuple(covariates)
    return _result(data, ids, draft, score, opts, spec, treatment, sampling)


def _score(
    data: pd.DataFrame,
    t: np.ndarray,
    design: CovariateDesign,
    opts: MatchOptions,
    sampling: np.ndarray | None,
) -> Score:
    """Fit the propensity model, or read the given score column (rows in id order). Exact and
    coarsened exact matching use no score (as in MatchIt) unless a score column is given."""
    if opts.method in ("exact", "cem") and opts.distance in ("logit", "probit", "mahalanobis"):
        return Score(None, None)
    if opts.distance in ("logit", "probit"):
        link: Literal["logit", "probit"] = "logit" if opts.distance == "logit" else "probit"
        fit = fit_propensity(design.matrix, t, link=link, names=design.names, weights=sampling)
        return Score(fit.score, fit.linear, fit.converged, fit.iterations)
    if opts.distance == "mahalanobis":
        return Score(None, None)
    score = data[opts.distance].to_numpy(dtype=np.float64)
    linear = None
    if opts.caliper_scale == "logit_sd" and opts.score_caliper is not None:
        if np.any((score <= 0) | (score >= 1)):
            raise ParameterError(
                f"caliper_scale='logit_sd' takes the logit of the score column {opts.distance!r}, "
                "which must lie strictly between 0 and 1; use caliper_scale='ps_sd' or 'raw'."
            )
        linear = np.log(score / (1 - score))
    return Score(score, linear)


def _subclass_draft(
    data: pd.DataFrame, t: np.ndarray, design: CovariateDesign, score: Score, opts: MatchOptions
) -> Draft:
    """Exact, coarsened exact or propensity-score subclasses and their weights."""
    variables = list(design.variables)
    discarded = discard_units(t, score.score, opts.discard)
    if opts.method == "subclass":
        if score.score is None:  # pragma: no cover - excluded by the option checks
            raise ParameterError("method='subclass' needs a propensity score.")
        subclass = score_subclasses(score.score, t, discarded, opts.subclass, opts.estimand)
        _check_subclasses(subclass, t, opts.subclass)
    else:
        if opts.method == "cem":
            keys = pd.DataFrame({v: cem_bins(data[v]) for v in variables})
        else:
            keys = pd.DataFrame({v: data[v].astype(str).to_numpy() for v in variables})
        for c in opts.exact:
            keys[f"exact:{c}"] = data[c].astype(str).to_numpy()
        subclass = strata_with_both_groups(keys, t) * ~discarded
        if not (subclass > 0).any():
            raise EmptyGroupError(
                f"No {'coarsened ' if opts.method == 'cem' else ''}exact matches: no stratum of "
                f"{', '.join(variables)} holds both treated and comparison units. Use fewer or "
                "coarser covariates, or nearest-neighbour matching."
            )
    weights = weights_from_subclass(subclass, t, opts.estimand)
    notes = []
    for group, name in ((1, "treated"), (0, "comparison")):
        focal = {"ATT": 1, "ATC": 0}.get(opts.estimand, group)
        lost = (t == group) & (subclass == 0) & ~discarded
        if group == focal and lost.any():
            notes.append(
                f"{int(lost.sum())} of {int((t == group).sum())} {name} units have no unit of the "
                f"other group in their stratum and are left out (rows "
                f"{rows_preview(data.index[lost])}): the estimate is the {opts.estimand} among "
                f"matched units."
            )
    return Draft(
        weights=weights,
        subclass=subclass,
        discarded=discarded,
        n_treated=int(np.sum((t == 1) & (subclass > 0))),
        n_control=int(np.sum((t == 0) & (subclass > 0))),
        pool_rows=np.flatnonzero(t == 0),
        notes=notes,
    )


def _check_subclasses(subclass: np.ndarray, t: np.ndarray, requested: int) -> None:
    k = int(subclass.max())
    n1 = np.bincount(subclass[t == 1], minlength=k + 1)[1:]
    n0 = np.bincount(subclass[t == 0], minlength=k + 1)[1:]
    empty = np.flatnonzero((n1 == 0) | (n0 == 0)) + 1
    if len(empty):
        raise EmptyGroupError(
            f"Propensity subclass{'es' if len(empty) > 1 else ''} "
            f"{', '.join(str(e) for e in empty)} of {k} hold only one group, so their units "
            f"cannot be compared; use fewer subclasses (subclass={max(2, k - len(empty))}) or "
            "discard='both'."
        )
    if k < requested:
        # MatchIt warns the same: tied scores collapse quantile bins
        import warnings

        warnings.warn(
            f"Tied propensity scores gave {k} subclasses instead of the {requested} requested.",
            UserWarning,
            stacklevel=4,
        )


def _result(
    data: pd.DataFrame,
    ids: UnitOrder,
    draft: Draft,
    score: Score,
    opts: MatchOptions,
    spec: str | tuple[str, ...],
    treatment: str,
    sampling: np.ndarray | None,
) -> MatchResult:
    """The MatchResult with every per-row array mapped back to the caller's row order."""
    nearest_like = draft.match_rows is not None
    method = opts.method
    if method == "nearest" and opts.distance == "mahalanobis":
        method = "mahalanobis"
    return MatchResult(
        method=method,
        distance=opts.distance if (score.score is not None or opts.distance == "mahalanobis")
        else "none",
        treatment=treatment,
        covariates=spec,
        estimand=opts.estimand,
        replace=opts.replace,
        ratio=opts.ratio if nearest_like else 1,
        caliper=draft.caliper,
        n_treated=draft.n_treated,
        n_control=draft.n_control,
        n_tied=draft.n_tied,
        notes=tuple(draft.notes),
        _data=data,
        _weights=ids.rows_back(draft.weights),
        _subclass=ids.rows_back(draft.subclass),
        _propensity=None if score.score is None else ids.rows_back(score.score),
        _match_rows=None if draft.match_rows is None else ids.positions_back(draft.match_rows),
        _treated_rows=None if draft.focal_rows is None else ids.positions_back(draft.focal_rows),
        _control_rows=ids.positions_back(draft.pool_rows)
        if draft.pool_rows is not None else np.zeros(0, dtype=np.int64),
        _metric=None if draft.metric is None else ids.rows_back(draft.metric),
        _discarded=ids.rows_back(draft.discarded),
        _sampling=sampling,
    )  # fmt: skip
