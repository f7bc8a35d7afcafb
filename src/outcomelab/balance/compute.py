"""``balance()``: covariate balance statistics before and after matching or weighting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import (
    as_float_array,
    check_choice,
    check_no_missing,
    covariate_columns,
    require_columns,
    require_dataframe,
    rows_preview,
)
from outcomelab.balance.covariate_terms import expand_covariates
from outcomelab.balance.statistics import (
    effective_sample_size,
    is_binary,
    weighted_ecdf_distances,
    weighted_mean,
    weighted_variance,
)
from outcomelab.balance.table import STATISTICS, BalanceTable
from outcomelab.errors import EmptyGroupError, InputError

__all__ = ["balance", "treatment_indicator", "unit_weights"]

Estimand = Literal["ATT", "ATE", "ATC"]
SDDenominator = Literal["treated", "control", "pooled"]

_DEFAULT_DENOMINATOR = {"ATT": "treated", "ATC": "control", "ATE": "pooled"}


def treatment_indicator(data: pd.DataFrame, treatment: str) -> np.ndarray:
    """The 0/1 treatment column as floats; raise InputError unless it holds exactly 0 and 1.

    Booleans are accepted (True = treated).
    """
    check_no_missing(data, "treatment", treatment)
    column = data[treatment]
    values = column.to_numpy()
    if pd.api.types.is_bool_dtype(column):
        values = values.astype(np.float64)
    if not pd.api.types.is_numeric_dtype(column) or not np.isin(values, (0, 1)).all():
        seen = ", ".join(repr(v) for v in pd.unique(column)[:6])
        raise InputError(
            f"`treatment` column {treatment!r} must be coded 0 (comparison) and 1 (treated); "
            f"it holds {seen}. Recode it, e.g. data[{treatment!r}] = (data[{treatment!r}] == "
            "'yes').astype(int)."
        )
    t = values.astype(np.float64)
    for value, name in ((1.0, "treated"), (0.0, "comparison")):
        if not (t == value).any():
            raise EmptyGroupError(
                f"`treatment` column {treatment!r} has no {name} units (no rows equal to "
                f"{int(value)}); balance and effects need both groups."
            )
    return t


def unit_weights(
    data: pd.DataFrame,
    argument: str,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None,
    t: np.ndarray,
) -> np.ndarray:
    """Resolve a weights argument (column name or one value per row) into a checked array.

    Raises
    ------
    InputError
        Unknown column, wrong length, missing, infinite or negative values.
    EmptyGroupError
        All weights zero in the treated or comparison group.
    """
    if weights is None:
        return np.ones(len(data))
    if isinstance(weights, str):
        require_columns(data, **{argument: weights})
        check_no_missing(data, argument, weights)
        w = as_float_array(data[weights])
        label = f"`{argument}` column {weights!r}"
    else:
        label = f"`{argument}`"
        w = _weights_array(data, label, weights)
    if not np.isfinite(w).all():
        raise InputError(f"{label} has infinite values; weights must be finite.")
    if (w < 0).any():
        bad = data.index[w < 0]
        raise InputError(
            f"{label} has {len(bad)} negative values (rows {rows_preview(bad)}); weights must be "
            "zero or positive."
        )
    for value, name in ((1.0, "treated"), (0.0, "comparison")):
        if not (w[t == value] > 0).any():
            raise EmptyGroupError(
                f"{label} is zero for every {name} unit; at least one {name} unit needs a "
                "positive weight (did the matching or trimming drop the whole group?)."
            )
    return w


def _weights_array(
    data: pd.DataFrame, label: str, weights: Sequence[float] | np.ndarray | pd.Series
) -> np.ndarray:
    """One weight per row from an array or a Series (aligned on the data's index)."""
    if isinstance(weights, pd.Series) and not weights.index.equals(data.index):
        if not weights.index.sort_values().equals(data.index.sort_values()):
            raise InputError(
                f"{label} is a Series whose index does not match the data's rows; pass one "
                "weight per row with the data's index, or a plain array in row order."
            )
        weights = weights.reindex(data.index)
    w = as_float_array(np.asarray(weights, dtype=np.float64))
    if w.shape != (len(data),):
        raise InputError(
            f"{label} has {w.size} values but the data have {len(data)} rows; pass one weight "
            "per row."
        )
    if np.isnan(w).any():
        rows = rows_preview(data.index[np.isnan(w)])
        raise InputError(
            f"{label} has {int(np.isnan(w).sum())} missing values (rows {rows}); give every row "
            "a weight (0 to leave it out)."
        )
    return w


def _sd_denominator(x: np.ndarray, t: np.ndarray, w: np.ndarray, kind: str, binary: bool) -> float:
    treated = t == 1
    var_t = weighted_variance(x[treated], w[treated], binary=binary)
    var_c = weighted_variance(x[~treated], w[~treated], binary=binary)
    if kind == "treated":
        sd = np.sqrt(var_t)
    elif kind == "control":
        sd = np.sqrt(var_c)
    else:
        sd = np.sqrt((var_t + var_c) / 2.0)
    if not (np.isfinite(sd) and sd > np.sqrt(np.finfo(float).eps)):
        # MatchIt's fallback when the chosen group has no spread: the pooled SD
        sd = np.sqrt((var_t + var_c) / 2.0)
    return float(sd)


def _sample_statistics(
    x: np.ndarray, t: np.ndarray, w: np.ndarray, sd: float, binary: bool
) -> dict[str, float]:
    treated = t == 1
    mt = weighted_mean(x[treated], w[treated])
    mc = weighted_mean(x[~treated], w[~treated])
    vt = weighted_variance(x[treated], w[treated], binary=binary)
    vc = weighted_variance(x[~treated], w[~treated], binary=binary)
    diff = mt - mc
    smd = diff / sd if sd > 0 and np.isfinite(sd) else float("nan")
    ecdf_mean, ecdf_max = weighted_ecdf_distances(x, t, w)
    return {
        "mean_treated": mt,
        "mean_control": mc,
        "smd": smd,
        "var_ratio": float("nan") if binary or vc == 0 else vt / vc,
        "ecdf_mean": ecdf_mean,
        "ecdf_max": ecdf_max,
        "var_treated": vt,
        "var_control": vc,
    }


def _sizes(t: np.ndarray, w: np.ndarray) -> dict[str, float]:
    treated = t == 1
    return {
        "n_treated": float((w[treated] > 0).sum()),
        "n_control": float((w[~treated] > 0).sum()),
        "ess_treated": effective_sample_size(w[treated]),
        "ess_control": effective_sample_size(w[~treated]),
    }


def balance(
    data: pd.DataFrame,
    *,
    treatment: str,
    covariates: str | Sequence[str],
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    estimand: Estimand = "ATT",
    weights_before: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    s_d_denom: SDDenominator | None = None,
    threshold: float = 0.1,
) -> BalanceTable:
    """Covariate balance between treated and comparison units, before and after adjustment.

    Parameters
    ----------
    data
        One row per unit.
    treatment
        0/1 (or boolean) treatment column.
    covariates
        Covariate columns: a list, or a plain sum ``"age + educ"`` (the one rule of
        :func:`outcomelab._checks.covariate_spec`; a string equal to a column name is that
        column). Numeric and boolean columns are used as they are; a categorical or text column
        is expanded into one indicator per level (all levels, as MatchIt and cobalt show).
    weights
        Adjustment weights (column name or one value per row): matching weights (0 for unmatched
        units) or inverse-probability weights. ``None`` reports the unadjusted sample only.
    estimand
        ``"ATT"``, ``"ATE"`` or ``"ATC"``; sets the default SMD denominator.
    weights_before
        Sampling weights of the unadjusted sample (default 1). They also multiply ``weights`` in
        the adjusted sample and enter the SD denominator, as MatchIt's ``s.weights`` do.
    s_d_denom
        Override the SD used to standardise: ``"treated"``, ``"control"`` or ``"pooled"``.
    threshold
        |SMD| at or above which a term is flagged (0.1; Austin 2009, Stuart 2010).

    Returns
    -------
    BalanceTable
        Per term: weighted group means, SMD, variance ratio (continuous terms), mean and max eCDF
        distance, before and after; effective sample sizes. See :class:`BalanceTable`.

    Raises
    ------
    ParameterError
        ``covariates`` is a formula that transforms columns, or names a column twice.
    InputError
        Unknown columns, missing values (column and row count named), a treatment not coded 0/1,
        negative or infinite weights, weights of the wrong length.
    EmptyGroupError
        A group has no units, or all of its weights are zero.

    Notes
    -----
    Standardised mean difference of term ``x``: ``SMD = (m1 - m0) / s`` with ``m_g`` the weighted
    group means in the sample at hand and ``s`` computed once from the *unadjusted* sample
    (weighted only by ``weights_before``), so that before and after are on the same scale:
    ``ATT`` -> SD of the treated group, ``ATC`` -> SD of the comparison group, ``ATE`` ->
    ``sqrt((s1^2 + s0^2) / 2)``. Variances are the reliability-weighted unbiased variances
    ``sum(v (x - m)^2) / (1 - sum v^2)`` with ``v = w / sum w``; for binary terms ``p (1 - p)``,
    and binary terms are standardised too. This is MatchIt 4's ``summary.matchit()``
    (``standardize = TRUE``): "Std. Mean Diff.", "Var. Ratio" (``s1^2 / s0^2`` with the sample's
    weights, continuous terms only), "eCDF Mean" and "eCDF Max" (mean and maximum absolute
    difference of the weighted eCDFs over the pooled distinct values; for binary terms the
    absolute difference in proportions). Effective sample size (Kish): ``(sum w)^2 / sum w^2``
    per group.

    References
    ----------
    Austin, P. C. (2009). Balance diagnostics for comparing the distribution of baseline
    covariates between treatment groups in propensity-score matched samples. Statistics in
    Medicine, 28(25), 3083-3107.

    Austin, P. C. (2011). An introduction to propensity score methods for reducing the effects of
    confounding in observational studies. Multivariate Behavioral Research, 46(3), 399-424.

    Stuart, E. A. (2010). Matching methods for causal inference: A review and a look forward.
    Statistical Science, 25(1), 1-21.

    Ho, D., Imai, K., King, G. and Stuart, E. A. (2011). MatchIt: Nonparametric preprocessing for
    parametric causal inference. Journal of Statistical Software, 42(8).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t": [1, 1, 0, 0, 0], "age": [30, 40, 20, 25, 45]})
    >>> tab = balance(df, treatment="t", covariates=["age"])
    >>> round(float(tab.tidy().set_index("term").loc["age", "smd_before"]), 3)
    0.707
    """
    data = require_dataframe(data)
    covariates = covariate_columns(data, covariates)
    if not covariates:
        raise InputError("`covariates` is empty; name at least one covariate column.")
    require_columns(data, treatment=treatment, covariates=covariates)
    check_choice("estimand", estimand, ["ATT", "ATE", "ATC"])
    if s_d_denom is not None:
        check_choice("s_d_denom", s_d_denom, ["treated", "control", "pooled"])
    if not (isinstance(threshold, int | float) and threshold > 0):
        raise InputError(f"`threshold` must be a positive number; got {threshold!r}.")
    check_no_missing(data, "covariates", covariates)
    t = treatment_indicator(data, treatment)
    w_before = unit_weights(data, "weights_before", weights_before, t)
    w_after = None if weights is None else unit_weights(data, "weights", weights, t) * w_before
    denominator = s_d_denom or _DEFAULT_DENOMINATOR[estimand]

    terms, source = expand_covariates(data, covariates)
    rows = []
    for term in terms.columns:
        x = terms[term].to_numpy()
        binary = is_binary(x)
        sd = _sd_denominator(x, t, w_before, denominator, binary)
        row: dict[str, object] = {
            "term": term,
            "variable": source[term],
            "type": "binary" if binary else "continuous",
            "sd_denominator": sd,
        }
        samples = [("before", w_before)] + ([("after", w_after)] if w_after is not None else [])
        for when, w in samples:
            stats = _sample_statistics(x, t, w, sd, binary)
            row.update({f"{k}_{when}": v for k, v in stats.items()})
        rows.append(row)
    table = pd.DataFrame(rows).set_index("term")
    ordered = ["variable", "type", "sd_denominator"]
    for when in ("before", "after"):
        ordered += [
            f"{s}_{when}"
            for s in (*STATISTICS, "var_treated", "var_control")
            if f"{s}_{when}" in table.columns
        ]
    sizes = {"before": _sizes(t, w_before)}
    if w_after is not None:
        sizes["after"] = _sizes(t, w_after)
    return BalanceTable(
        table=table[ordered],
        sample_sizes=pd.DataFrame.from_dict(sizes, orient="index"),
        estimand=estimand,
        s_d_denom=denominator,
        threshold=float(threshold),
    )
