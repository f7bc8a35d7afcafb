"""Random-effects pooling of study effects: one outcome, or many outcomes at once.

The model is ``y_i = mu + u_i + e_i`` with ``u_i ~ N(0, tau²)`` (between-study heterogeneity) and
``e_i ~ N(0, v_i)`` (each study's sampling error, known). Every quantity below is computed for all
groups in one pass over the studies.

* pooled effect ``mu = Σ w y / Σ w`` with ``w = 1 / (v + tau²)``; Wald standard error
  ``sqrt(1 / Σw)``;
* Hartung-Knapp-Sidik-Jonkman (``ci="hksj"``): standard error
  ``sqrt(Σ w (y - mu)² / ((k - 1) Σw))`` and t quantiles with ``k - 1`` degrees of freedom;
  ``"hksj_adhoc"`` never lets that standard error fall below the Wald one (Jackson et al. 2017);
* Cochran's ``Q = Σ (y - ȳ)² / v`` around the equal-effects mean, with ``k - 1`` degrees of freedom;
* ``I² = 100 tau² / (tau² + s²)`` and ``H² = (tau² + s²) / s²`` with the typical within-study
  variance ``s² = (k - 1) Σ(1/v) / ((Σ 1/v)² - Σ 1/v²)`` (Higgins & Thompson 2002; as metafor);
* prediction interval for the effect in a new setting: ``mu ± t sqrt(tau² + SE²)``, with ``t`` from
  ``k - 2`` degrees of freedom (``prediction="riley"``, Riley, Higgins & Deeks 2011) or the same
  quantile as the confidence interval (``prediction="ci"``, metafor's default).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from outcomelab._checks import check_no_missing, require_columns, require_dataframe
from outcomelab.errors import EstimationError, ParameterError
from outcomelab.synthesis.inputs import check_options, require_studies, study_arrays
from outcomelab.synthesis.result import MetaResult
from outcomelab.synthesis.segments import Segments
from outcomelab.synthesis.tau2 import tau2_dl, tau2_reml

__all__ = ["POOLED_COLUMNS", "meta_analysis", "meta_analysis_by", "pool_arrays"]

#: columns of :func:`meta_analysis_by` after the grouping columns
POOLED_COLUMNS = (
    "k",
    "estimate",
    "std_error",
    "conf_low",
    "conf_high",
    "p_value",
    "tau2",
    "tau2_se",
    "tau",
    "i2",
    "h2",
    "q",
    "q_df",
    "q_p_value",
    "pi_low",
    "pi_high",
    "converged",
    "pooled",
    "reason",
)


def pool_arrays(
    y: np.ndarray,
    v: np.ndarray,
    seg: Segments,
    *,
    method: str = "reml",
    ci: str = "hksj",
    prediction: str = "riley",
    alpha: float = 0.05,
) -> dict[str, np.ndarray]:
    """Pool every group of studies; arrays of length ``seg.n_groups`` keyed by column name.

    Groups with fewer than two studies get NaN numbers (``pooled`` is False for them).
    """
    fit = tau2_reml(y, v, seg) if method == "reml" else tau2_dl(y, v, seg)
    k = seg.counts
    tau2 = fit.tau2
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 1.0 / (v + seg.spread(tau2))
        sw = seg.sum(w)
        mu = seg.sum(w * y) / sw
        se_wald = np.sqrt(1.0 / sw)
        df = k - 1.0
        if ci == "wald":
            se = se_wald
            crit = np.full(seg.n_groups, stats.norm.isf(alpha / 2))
            p = 2.0 * stats.norm.sf(np.abs(mu / se))
        else:
            q_hk = seg.sum(w * (y - seg.spread(mu)) ** 2) / df
            se = np.sqrt(q_hk / sw)
            if ci == "hksj_adhoc":
                se = np.maximum(se, se_wald)
            crit = stats.t.isf(alpha / 2, df)
            p = 2.0 * stats.t.sf(np.abs(mu / se), df)
        w0 = 1.0 / v
        sw0 = seg.sum(w0)
        sw0sq = seg.sum(w0 * w0)
        mu0 = seg.sum(w0 * y) / sw0
        q = seg.sum(w0 * (y - seg.spread(mu0)) ** 2)
        s2 = df * sw0 / (sw0 * sw0 - sw0sq)
        i2 = 100.0 * tau2 / (tau2 + s2)
        h2 = (tau2 + s2) / s2
        if prediction == "riley":
            pi_crit = stats.t.isf(alpha / 2, k - 2.0)
            pi_crit = np.where(k >= 3, pi_crit, np.nan)
        else:
            pi_crit = crit
        pi_half = pi_crit * np.sqrt(tau2 + se * se)
        out = {
            "k": k.astype(np.int64),
            "estimate": mu,
            "std_error": se,
            "conf_low": mu - crit * se,
            "conf_high": mu + crit * se,
            "p_value": p,
            "tau2": tau2,
            "tau2_se": fit.se,
            "tau": np.sqrt(tau2),
            "i2": i2,
            "h2": h2,
            "q": q,
            "q_df": df.astype(np.int64),
            "q_p_value": stats.chi2.sf(q, df),
            "pi_low": mu - pi_half,
            "pi_high": mu + pi_half,
            "converged": fit.converged,
            "iterations": fit.iterations,
        }
    few = k < 2
    if few.any():
        for values in out.values():
            if values.dtype.kind == "f":
                values[few] = np.nan
    out["pooled"] = ~few & fit.converged
    return out


def _reason(k: int, converged: bool, prediction: str) -> str:
    if k < 2:
        return "one study: not pooled" if k == 1 else "no studies"
    if not converged:
        return "REML did not converge"
    if prediction == "riley" and k < 3:
        return "two studies: no prediction interval (needs 3)"
    return ""


def meta_analysis(
    data: pd.DataFrame,
    *,
    effect: str = "estimate",
    std_error: str | None = "std_error",
    variance: str | None = None,
    study: str | None = None,
    participants: str | None = None,
    method: str = "reml",
    ci: str = "hksj",
    prediction: str = "riley",
    alpha: float = 0.05,
) -> MetaResult:
    """Random-effects meta-analysis of one set of study effects.

    Parameters
    ----------
    data
        One row per study (evaluation).
    effect
        Column with each study's effect estimate (all on one scale and in one direction).
    std_error, variance
        Column with each study's standard error, or (``std_error=None``) its sampling variance.
    study
        Column with study labels (the row labels when ``None``).
    participants
        Optional column with the number of participants behind each study (summed in the result).
    method
        Between-study variance: ``"reml"`` (restricted maximum likelihood, the default) or
        ``"dl"`` (DerSimonian-Laird).
    ci
        Confidence interval of the pooled effect: ``"hksj"`` (Hartung-Knapp-Sidik-Jonkman, t with
        k - 1 df; the default), ``"hksj_adhoc"`` (the same, never narrower than Wald) or
        ``"wald"`` (normal).
    prediction
        Prediction interval: ``"riley"`` (t with k - 2 df; needs 3 studies) or ``"ci"`` (the
        confidence interval's quantile, as metafor's default).
    alpha
        1 - confidence level.

    Returns
    -------
    MetaResult

    Raises
    ------
    InputError
        Fewer than two studies, missing or non-finite effects, zero or negative standard errors.
    ParameterError
        An option outside the allowed values.
    EstimationError
        REML did not converge (use ``method="dl"``).

    Notes
    -----
    Estimand: the mean ``mu`` of the distribution of true effects across settings, under the
    random-effects model ``y_i ~ N(mu, tau² + v_i)``. Formulas in
    :mod:`outcomelab.synthesis.pooling`.

    References
    ----------
    Hartung, J. and Knapp, G. (2001). A refined method for the meta-analysis of controlled clinical
    trials with binary outcome. Statistics in Medicine 20(24), 3875-3889.

    IntHout, J., Ioannidis, J. P. A. and Borm, G. F. (2014). The Hartung-Knapp-Sidik-Jonkman method
    for random effects meta-analysis is straightforward and considerably outperforms the standard
    DerSimonian-Laird method. BMC Medical Research Methodology 14, 25.

    Riley, R. D., Higgins, J. P. T. and Deeks, J. J. (2011). Interpretation of random effects
    meta-analyses. BMJ 342, d549.

    Examples
    --------
    >>> import pandas as pd
    >>> from outcomelab.synthesis import meta_analysis
    >>> studies = pd.DataFrame({"estimate": [0.10, 0.02, 0.06, 0.08],
    ...                         "std_error": [0.03, 0.02, 0.04, 0.03]})
    >>> res = meta_analysis(studies)
    >>> round(res.estimate, 3), res.k
    (0.061, 4)
    """
    check_options(method, ci, prediction, alpha)
    arrays = study_arrays(
        data,
        effect=effect,
        std_error=std_error,
        variance=variance,
        study=study,
        extra=[participants] if participants else (),
    )
    k = len(arrays.effect)
    require_studies(k, 2, "A meta-analysis")
    seg = Segments.single(k)
    out = pool_arrays(
        arrays.effect,
        arrays.variance,
        seg,
        method=method,
        ci=ci,
        prediction=prediction,
        alpha=alpha,
    )
    if not out["converged"][0]:
        raise EstimationError(
            f"REML estimation of the between-study variance did not converge for these {k} "
            "studies; use method='dl' (DerSimonian-Laird) instead."
        )
    n = None
    if participants is not None:
        counts = pd.to_numeric(data[participants], errors="coerce")
        n = int(counts.sum()) if counts.notna().all() else None
    tau2 = float(out["tau2"][0])
    w = 1.0 / (arrays.variance + tau2)
    se_i = np.sqrt(arrays.variance)
    z = stats.norm.isf(alpha / 2)
    studies = pd.DataFrame(
        {
            "study": arrays.labels,
            "estimate": arrays.effect,
            "std_error": se_i,
            "conf_low": arrays.effect - z * se_i,
            "conf_high": arrays.effect + z * se_i,
            "weight": 100.0 * w / w.sum(),
        }
    )
    if participants is not None:
        studies["participants"] = data[participants].to_numpy()
    notes = []
    reason = _reason(k, True, prediction)
    if reason:
        notes.append(reason)
    first = {name: values[0] for name, values in out.items()}
    return MetaResult(
        estimate=float(first["estimate"]),
        std_error=float(first["std_error"]),
        conf_low=float(first["conf_low"]),
        conf_high=float(first["conf_high"]),
        p_value=float(first["p_value"]),
        tau2=tau2,
        tau2_se=float(first["tau2_se"]),
        i2=float(first["i2"]),
        h2=float(first["h2"]),
        q=float(first["q"]),
        q_p_value=float(first["q_p_value"]),
        pi_low=float(first["pi_low"]),
        pi_high=float(first["pi_high"]),
        k=k,
        n_participants=n,
        method=method,
        ci=ci,
        prediction=prediction,
        alpha=alpha,
        studies=studies,
        diagnostics={"iterations": int(first["iterations"])},
        notes=tuple(notes),
    )


def meta_analysis_by(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str],
    effect: str = "estimate",
    std_error: str | None = "std_error",
    variance: str | None = None,
    method: str = "reml",
    ci: str = "hksj",
    prediction: str = "riley",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Random-effects meta-analysis of every group of studies at once (e.g. per outcome).

    Parameters
    ----------
    data
        One row per study and outcome.
    by
        Column(s) that define a group, e.g. ``["outcome", "follow_up_months"]``: studies are pooled
        only with studies of the same outcome measured at the same follow-up.
    effect, std_error, variance, method, ci, prediction, alpha
        As in :func:`meta_analysis`.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, then :data:`POOLED_COLUMNS`. A group of one study is
        kept with NaN numbers, ``pooled = False`` and the reason; so is a group whose REML did not
        converge.

    Raises
    ------
    InputError, ParameterError
        As :func:`meta_analysis`; also when a ``by`` column is missing or has missing values.

    Examples
    --------
    >>> import pandas as pd
    >>> from outcomelab.synthesis import meta_analysis_by
    >>> studies = pd.DataFrame({"outcome": ["a", "a", "a", "b", "b"],
    ...                         "estimate": [0.1, 0.0, 0.05, 2.0, 1.0],
    ...                         "std_error": [0.03, 0.02, 0.04, 0.5, 0.4]})
    >>> meta_analysis_by(studies, by="outcome")[["outcome", "k", "pooled"]]
      outcome  k  pooled
    0       a  3    True
    1       b  2    True
    """
    check_options(method, ci, prediction, alpha)
    frame = require_dataframe(data)
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ParameterError("`by` must name at least one column to group the studies by.")
    require_columns(frame, by=keys)
    check_no_missing(frame, "by", keys)
    arrays = study_arrays(frame, effect=effect, std_error=std_error, variance=variance, study=None)
    if len(keys) == 1:
        codes, uniques = pd.factorize(frame[keys[0]], sort=True)
        groups = pd.DataFrame({keys[0]: np.asarray(uniques)})
    else:
        index = pd.MultiIndex.from_frame(frame[keys])
        codes, uniques = pd.factorize(index, sort=True)
        groups = pd.DataFrame(list(uniques), columns=keys)
    seg = Segments.from_codes(codes, len(groups))
    out = pool_arrays(
        arrays.effect,
        arrays.variance,
        seg,
        method=method,
        ci=ci,
        prediction=prediction,
        alpha=alpha,
    )
    table = groups.copy()
    for name in POOLED_COLUMNS:
        if name == "reason":
            table[name] = [
                _reason(int(kk), bool(cv), prediction)
                for kk, cv in zip(out["k"], out["converged"], strict=True)
            ]
        else:
            table[name] = out[name]
    return table
