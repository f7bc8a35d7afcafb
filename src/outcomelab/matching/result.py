"""``MatchResult``: the read-only outcome of :func:`outcomelab.matching.match`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_alpha,
    check_choice,
    check_no_missing,
    check_numeric,
    covariate_spec,
    require_columns,
)
from outcomelab.balance.statistics import effective_sample_size
from outcomelab.errors import EmptyGroupError, EstimationError, ParameterError
from outcomelab.matching.design import build_design
from outcomelab.matching.variance import (
    AIEstimate,
    abadie_imbens,
    ps_estimation_adjustment,
    wls_cluster,
)
from outcomelab.results import EffectResult
from outcomelab.results.estimability import check_outcome_varies, check_standard_error

if TYPE_CHECKING:
    from outcomelab.balance import BalanceTable

__all__ = ["MatchResult"]

ESTIMANDS = {
    "ATT": "ATT, average effect of treatment on the treated units kept by the matching",
    "ATC": "ATC, average effect of treatment on the comparison units kept by the matching",
    "ATE": "ATE, average effect of treatment in the population of the matched subclasses",
}


@dataclass(frozen=True)
class MatchResult:
    """The matched sample, its weights and subclasses, and the propensity score.

    Read every table through its property; each returns a copy, so the result cannot change.

    Attributes
    ----------
    method
        ``"nearest"``, ``"optimal"``, ``"mahalanobis"``, ``"exact"``, ``"cem"`` or ``"subclass"``.
    distance
        Distance used (``"logit"``, ``"probit"``, ``"mahalanobis"``, a score column, or ``"none"``).
    treatment
        Name of the treatment column.
    covariates
        Covariates as given (column names or formula).
    estimand
        ``"ATT"``, ``"ATC"`` or ``"ATE"``.
    replace, ratio
        Matching with replacement, and comparison units per treated unit (nearest neighbour).
    caliper
        Caliper actually applied, in the units of the matching score (None when there is none).
    n_treated, n_control
        Matched treated units and distinct matched comparison units.
    n_tied
        Matches decided by the tie rule: another available unit lay at the same distance, and
        the smaller unit id won (so the matched set does not depend on row order).
    notes
        Plain-language remarks (unmatched treated units, discarded units, ...).
    """

    method: str
    distance: str
    treatment: str
    covariates: str | tuple[str, ...]
    estimand: str
    replace: bool
    ratio: int
    caliper: float | None
    n_treated: int
    n_control: int
    n_tied: int
    notes: tuple[str, ...]
    _data: pd.DataFrame = field(repr=False)
    _weights: np.ndarray = field(repr=False)
    _subclass: np.ndarray = field(repr=False)
    _propensity: np.ndarray | None = field(repr=False)
    _match_rows: np.ndarray | None = field(repr=False)
    _treated_rows: np.ndarray | None = field(repr=False)
    _control_rows: np.ndarray = field(repr=False)
    _metric: np.ndarray | None = field(repr=False)
    _discarded: np.ndarray = field(repr=False)
    _sampling: np.ndarray | None = field(default=None, repr=False)

    # -- tables -----------------------------------------------------------------------------------
    @property
    def weights(self) -> pd.Series:
        """Matching weights for every input row (0 = not matched), on the input index."""
        return pd.Series(self._weights.copy(), index=self._data.index, name="weights")

    @property
    def subclass(self) -> pd.Series:
        """Matched pair / subclass of every input row (<NA> if none), on the input index.

        Pairs are numbered 1, 2, ... in the data order of their treated unit. Matching with
        replacement has no subclasses (a comparison unit can belong to several pairs).
        """
        s = pd.array(np.where(self._subclass > 0, self._subclass, 0), dtype="Int64")
        out = pd.Series(s, index=self._data.index, name="subclass")
        return out.mask(out == 0)

    @property
    def matched_data(self) -> pd.DataFrame:
        """The input rows with positive weight, with ``weights`` and ``subclass`` columns added
        (MatchIt's ``match.data``); the input's index is kept."""
        keep = self._weights > 0
        out = self._data.loc[keep].copy()
        out["weights"] = self._weights[keep]
        out["subclass"] = self.subclass[keep]
        if self._propensity is not None:
            out["distance"] = self._propensity[keep]
        return out

    @property
    def propensity(self) -> pd.Series | None:
        """Propensity score (or the given score) of every input row; None for Mahalanobis, exact
        and coarsened exact matching without a score."""
        if self._propensity is None:
            return None
        return pd.Series(self._propensity.copy(), index=self._data.index, name="propensity")

    @property
    def discarded(self) -> pd.Series:
        """Whether each input row was discarded outside common support (``discard=``)."""
        return pd.Series(self._discarded.copy(), index=self._data.index, name="discarded")

    @property
    def match_matrix(self) -> pd.DataFrame | None:
        """Nearest-neighbour matches: one row per treated unit (input index), columns
        ``control_1 ... control_k`` holding the matched comparison units' index labels (NaN if
        none); None for exact and coarsened exact matching."""
        if self._match_rows is None or self._treated_rows is None:
            return None
        labels = np.asarray(self._data.index, dtype=object)
        mm = self._match_rows
        table = np.where(mm >= 0, labels[np.maximum(mm, 0)], None)
        return pd.DataFrame(
            table,
            index=self._data.index[self._treated_rows],
            columns=[f"control_{j + 1}" for j in range(mm.shape[1])],
        )

    # -- diagnostics ------------------------------------------------------------------------------
    def balance(self, *, threshold: float = 0.1) -> BalanceTable:
        """Covariate balance before (unit weights) and after matching (matching weights).

        Calls :func:`outcomelab.balance.balance` on the original data, with the propensity score
        as a first ``distance`` row when there is one (as MatchIt's ``summary()`` shows it).
        """
        from outcomelab.balance import balance

        data = self._data
        variables = list(self._variables())
        if self._propensity is not None:
            data = data.assign(distance=self._propensity)
            variables = ["distance", *[v for v in variables if v != "distance"]]
        return balance(
            data,
            treatment=self.treatment,
            covariates=variables,
            weights=self._weights,
            estimand=self.estimand,  # type: ignore[arg-type]
            weights_before=self._sample_weights(),
            threshold=threshold,
        )

    def _variables(self) -> tuple[str, ...]:
        return covariate_spec(self._data, self.covariates).columns

    # -- effects ----------------------------------------------------------------------------------
    def effect(
        self,
        outcome: str,
        covariates: str | Sequence[str] | None = None,
        *,
        se: Literal["auto", "pair_cluster", "abadie_imbens", "abadie_imbens_ps"] = "auto",
        alpha: float = 0.05,
    ) -> EffectResult:
        """Average treatment effect on the treated (ATT), on the comparison units (ATC) or in the
        population of the subclasses (ATE), as chosen in :func:`match`, in the matched sample.

        Parameters
        ----------
        outcome
            Numeric outcome column.
        covariates
            Optional regression adjustment: column names or a right-hand-side formula. Without
            replacement, the coefficient of the treatment in ``outcome ~ treatment + covariates``
            weighted by the matching weights; with replacement, the Abadie-Imbens (2011)
            bias-corrected matching estimator.
        se
            Standard error: ``"pair_cluster"`` (weighted regression on the matched sample with a
            CR1 covariance clustered by pair/subclass, MatchIt's recommendation; needs pairs, so
            not with replacement), ``"abadie_imbens"`` (the Abadie & Imbens 2006 variance of the
            matching estimator, the score treated as known), ``"abadie_imbens_ps"`` (the same,
            adjusted for the estimation of the logit propensity score, Abadie & Imbens 2016) or
            ``"auto"`` (``"pair_cluster"`` without replacement, ``"abadie_imbens"`` with; the
            choice made by the simulation in the notes below).
        alpha
            1 - confidence level.

        Returns
        -------
        EffectResult
            ``estimate`` is the ATT/ATC/ATE; ``diagnostics`` holds ``se_type``, cluster counts
            and ``tied_matches``.

        Raises
        ------
        InputError
            Unknown, non-numeric or missing outcome values among matched units.
        EstimationError
            The outcome is constant among the matched units, or constant within each group (a
            standard error of zero): the effect is not estimable and no test is defined.
        EmptyGroupError
            Too few matched pairs for a cluster-robust standard error.

        Notes
        -----
        Without replacement (nearest neighbour, exact, cem): weighted least squares
        ``Y = a + tau A (+ X b)`` with the matching weights and a CR1 cluster-robust covariance by
        pair/subclass, as recommended in MatchIt's vignette "Estimating Effects After Matching"
        (``lm(Y ~ A, weights = weights)`` + ``sandwich::vcovCL(cluster = ~subclass)``).
        With replacement: the matching estimator
        ``tau = (1/N1) sum_i (Y_i - mean of i's matches)`` with the Abadie & Imbens (2006)
        variance; the score is treated as known.

        Choice of the default (simulation in ``tests/matching/test_match_simulation.py``; 200
        replications, n = 1200, logit selection, heterogeneous effect, truth the population ATT):
        without replacement the pair-cluster SE is conservative (mean SE / sd of the estimates
        1.38, coverage 0.995); ``"abadie_imbens_ps"`` brings the ratio to 0.89 but covers only
        0.905 (Monte Carlo SE 0.021) and its variance is negative in about 1 sample in 200. With
        replacement ``"abadie_imbens"`` gives 1.22 / 0.965 and ``"abadie_imbens_ps"`` 0.96 /
        0.915. The defaults stay the conservative ones; the adjustment is offered for users who
        want the shorter interval and accept its small-sample undercoverage.

        The bias-corrected Abadie-Imbens SE (with replacement and ``covariates``) differs from R
        Matching's ``Match(BiasAdjust = TRUE)`` by design: R Matching estimates the conditional
        variances from the raw outcomes, here they come from the residuals of the
        bias-correction regression (``Y - mu0(X)``), which removes the part of the outcome the
        covariates explain from the within-group matching differences; the audit's simulation
        favours this choice (closer to nominal coverage).

        References
        ----------
        Abadie, A. and Imbens, G. W. (2006). Large sample properties of matching estimators for
        average treatment effects. Econometrica 74(1), 235-267.
        Abadie, A. and Imbens, G. W. (2011). Bias-corrected matching estimators for average
        treatment effects. Journal of Business & Economic Statistics 29(1), 1-11.
        Ho, D. E., Imai, K., King, G. and Stuart, E. A. (2011). MatchIt: nonparametric
        preprocessing for parametric causal inference. Journal of Statistical Software 42(8).
        Austin, P. C. (2011). An introduction to propensity score methods for reducing the
        effects of confounding in observational studies. Multivariate Behavioral Research 46(3).
        """
        data = self._data
        require_columns(data, outcome=outcome)
        check_numeric(data, "outcome", outcome)
        check_choice("se", se, ["auto", "pair_cluster", "abadie_imbens", "abadie_imbens_ps"])
        alpha = check_alpha(alpha)
        used = self._weights > 0
        check_no_missing(data.loc[used], "outcome", outcome)
        y = data[outcome].to_numpy(dtype=np.float64)
        spread = check_outcome_varies(y[used], outcome, "matched units")
        X = None
        names: tuple[str, ...] = ()
        if covariates is not None and covariate_spec(data, covariates).columns:
            design = build_design(data, covariates)
            X, names = design.matrix, design.names
        if se == "auto":
            se = "abadie_imbens" if self.replace else "pair_cluster"
        if se != "pair_cluster":
            return self._ai_effect(outcome, y, X, se, spread, alpha)
        if self.replace:
            raise ParameterError(
                "se='pair_cluster' needs matched pairs, and matching with replacement has none "
                "(a comparison unit can serve several treated units); use se='abadie_imbens'."
            )
        return self._wls_effect(outcome, y, X, names, spread, alpha)

    def _ai_effect(
        self, outcome: str, y: np.ndarray, X: np.ndarray | None, se: str, spread: float,
        alpha: float,
    ) -> EffectResult:  # fmt: skip
        """Matching estimator with the Abadie-Imbens (2006) variance, optionally adjusted for the
        estimated propensity score (Abadie-Imbens 2016)."""
        if self._sampling is not None:
            raise ParameterError(
                f"se={se!r} (the Abadie-Imbens matching variance) is not defined here for "
                "sampling weights; match without replacement and use se='pair_cluster', or "
                "weighting(weights=...)."
            )
        if self._match_rows is None or self._treated_rows is None or self._metric is None:
            raise ParameterError(
                f"se={se!r} needs nearest-neighbour pairs; {self.method} matching has subclasses. "
                "Use se='pair_cluster' (cluster-robust by subclass)."
            )
        # for the ATC the focal units are the comparison units: the matching estimator of
        # E[Y(0) - Y(1) | focal] with roles swapped, negated
        sign = -1.0 if self.estimand == "ATC" else 1.0
        ai = abadie_imbens(
            y, self._match_rows, self._treated_rows, self._control_rows, self._metric, X
        )
        std_error = ai.std_error
        se_type = "abadie-imbens" + (" (bias-corrected)" if ai.bias_corrected else "")
        notes = list(self.notes)
        if se == "abadie_imbens_ps":
            std_error = self._ps_adjusted(y, ai)
            se_type += ", adjusted for the estimated propensity score (Abadie-Imbens 2016)"
        check_standard_error(std_error, spread, outcome)
        return EffectResult.from_estimate(
            sign * ai.estimate,
            std_error,
            n_treated=self.n_treated,
            n_control=self.n_control,
            method=self._method_label(),
            estimand=ESTIMANDS[self.estimand],
            alpha=alpha,
            outcome=outcome,
            diagnostics={
                "se_type": se_type,
                "matched_treated": self.n_treated,
                "tied_matches": self.n_tied,
            },
            notes=tuple(notes),
        )

    def _ps_adjusted(self, y: np.ndarray, ai: AIEstimate) -> float:
        if self.distance != "logit" or self._propensity is None:
            raise ParameterError(
                "se='abadie_imbens_ps' adjusts for a propensity score this matching estimated "
                f"with a logit model; here distance={self.distance!r}. Use se='abadie_imbens'."
            )
        if ai.focal_rows is None or ai.y0_hat is None:  # pragma: no cover - always set
            raise ParameterError("The matching estimate carries no matched outcomes.")
        t = self._data[self.treatment].to_numpy().astype(np.int64)
        focal = (1 - t) if self.estimand == "ATC" else t
        p = self._propensity if self.estimand != "ATC" else 1.0 - self._propensity
        sample = ~self._discarded
        design = build_design(self._data, self.covariates).matrix
        Xd = np.column_stack([np.ones(len(y)), design])
        position = np.cumsum(sample) - 1
        delta, _ = ps_estimation_adjustment(
            y[sample], focal[sample], p[sample], Xd[sample], ai.y0_hat,
            position[ai.focal_rows], ai.estimate, self.ratio,
        )  # fmt: skip
        variance = ai.std_error**2 + delta
        if variance <= 0:
            raise EstimationError(
                "The Abadie-Imbens (2016) adjustment for the estimated propensity score makes the "
                "variance negative in this sample; use se='abadie_imbens' (which treats the score "
                "as known and is conservative for the ATE)."
            )
        return float(np.sqrt(variance))

    def _sample_weights(self) -> np.ndarray:
        """Sampling weights of every row (ones when none were given)."""
        return np.ones(len(self._data)) if self._sampling is None else self._sampling

    def _method_label(self) -> str:
        return f"{self.method}/{self.distance}" + ("/replace" if self.replace else "")

    def _wls_effect(
        self, outcome: str, y: np.ndarray, X: np.ndarray | None, names: tuple[str, ...],
        spread: float, alpha: float,
    ) -> EffectResult:  # fmt: skip
        """Weighted least squares on the matched sample, CR1 cluster-robust by pair/subclass; the
        regression weights are the matching weights times the sampling weights."""
        w = self._weights * self._sample_weights()
        used = w > 0
        t = self._data[self.treatment].to_numpy().astype(np.int64)
        cluster = self._subclass[used]
        if len(np.unique(cluster)) < 2:
            raise EmptyGroupError(
                "The matched sample has fewer than 2 pairs/subclasses; a cluster-robust standard "
                "error needs at least 2. Relax the caliper or the exact-matching variables."
            )
        fit = wls_cluster(
            y[used],
            t[used],
            None if X is None else X[used],
            w[used],
            cluster,
            names=names,
        )
        check_standard_error(fit.std_error, spread, outcome)
        return EffectResult.from_estimate(
            fit.estimate,
            fit.std_error,
            n_treated=self.n_treated,
            n_control=self.n_control,
            method=self._method_label(),
            estimand=ESTIMANDS[self.estimand],
            alpha=alpha,
            outcome=outcome,
            diagnostics={
                "se_type": "CR1 cluster-robust by subclass",
                "n_clusters": fit.n_clusters,
                "n_obs": fit.n_obs,
                "regression_adjusted": X is not None,
                "tied_matches": self.n_tied,
            },
            notes=self.notes,
        )

    def tidy(self) -> pd.DataFrame:
        """Sample sizes per group, as in MatchIt's ``summary()``.

        Returns
        -------
        pandas.DataFrame
            One row per ``group`` (``"treated"``, ``"comparison"``) with ``all`` (input rows),
            ``matched`` (positive weight), ``unmatched`` (neither matched nor discarded),
            ``discarded`` (outside common support) and ``ess`` (Kish effective sample size of the
            matching weights times any sampling weights).
        """
        t = self._data[self.treatment].to_numpy().astype(bool)
        w = self._weights * self._sample_weights()
        matched = self._weights > 0
        rows = []
        for name, member in (("treated", t), ("comparison", ~t)):
            rows.append(
                {
                    "group": name,
                    "all": int(member.sum()),
                    "matched": int((member & matched).sum()),
                    "unmatched": int((member & ~matched & ~self._discarded).sum()),
                    "discarded": int((member & self._discarded).sum()),
                    "ess": effective_sample_size(w[member & matched]),
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Plain-text summary of the matched sample sizes and options."""
        t = self._data[self.treatment].to_numpy().astype(bool)
        lines = [
            f"Matching: method={self.method}, distance={self.distance}, estimand={self.estimand}, "
            f"ratio={self.ratio}, replace={self.replace}, caliper={self.caliper}",
            f"  treated: {int(t.sum())} in data, {self.n_treated} matched",
            f"  comparison: {int((~t).sum())} in data, {self.n_control} matched",
            f"  ties broken by unit id: {self.n_tied}",
        ]
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description of the matching (no person-level data)."""
        return {
            "method": self.method,
            "distance": self.distance,
            "estimand": self.estimand,
            "ratio": self.ratio,
            "replace": self.replace,
            "caliper": self.caliper,
            "n_treated": self.n_treated,
            "n_control": self.n_control,
            "n_tied": self.n_tied,
            "sampling_weights": self._sampling is not None,
            "notes": list(self.notes),
        }
