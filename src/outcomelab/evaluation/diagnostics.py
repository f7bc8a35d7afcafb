"""Step 3 of a standard evaluation: the pre-trend test (DiD) and baseline equivalence."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.errors import NoOverlapError, ParameterError
from outcomelab.evaluation.estimates import Estimates
from outcomelab.evaluation.evidence import (
    BaselineEquivalence,
    EvidenceRating,
    baseline_equivalence,
    evidence_rating,
)
from outcomelab.evaluation.setup import Setup
from outcomelab.numerics import finite_or_none

__all__ = [
    "Diagnostics",
    "DroppedCell",
    "PretrendTest",
    "diagnose",
    "odds_weights",
    "rate_evidence",
]


@dataclass(frozen=True)
class PretrendTest:
    """The joint test of parallel pre-trends of the primary outcome."""

    statistic: float | None
    df: int
    p_value: float | None

    def to_dict(self) -> dict[str, Any]:
        """The ``diagnostics.pretrend`` object of results.json."""
        return {"statistic": self.statistic, "df": self.df, "p_value": self.p_value}


@dataclass(frozen=True)
class DroppedCell:
    """A group-time effect of the primary outcome that could not be estimated, and why.

    ``kind`` is ``"no_overlap"`` (R did's overlap guard), ``"singular_covariates"``,
    ``"no_observations"`` (repeated cross-sections: the cohort or its comparison group is not
    observed in one of the two years) or ``"other"``.
    """

    cohort: int
    period: int
    kind: str

    def to_dict(self) -> dict[str, Any]:
        """One entry of results.json's ``diagnostics.dropped_cells``."""
        return {"cohort": self.cohort, "period": self.period, "kind": self.kind}


@dataclass(frozen=True)
class Diagnostics:
    """The pre-trend test (DiD designs, else ``None``), baseline equivalence of the analysed
    sample and the group-time effects the DiD could not estimate."""

    pretrend: PretrendTest | None
    equivalence: BaselineEquivalence
    dropped_cells: tuple[DroppedCell, ...] = ()


def odds_weights(persons: pd.DataFrame, covariates: list[str]) -> np.ndarray:
    """1 for treated persons, p/(1-p) of a logit propensity score for comparison persons.

    The logit is the matching step's (:func:`outcomelab.matching.propensity.fit_propensity`, IRLS
    as R's ``glm.fit``); under separation or non-convergence the weights fall back to 1.
    """
    from outcomelab.matching.propensity import fit_propensity

    treated = persons["treated"].to_numpy(dtype=float)
    if not covariates:
        return np.ones(len(persons))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # quasi-separation: handled by the fallback
        try:
            fit = fit_propensity(persons[covariates].to_numpy(dtype=float), treated, maxit=50)
        except NoOverlapError:
            return np.ones(len(persons))
    if not fit.converged:
        return np.ones(len(persons))
    p = np.clip(fit.score, 1e-6, 1 - 1e-6)
    return np.where(treated == 1, 1.0, p / (1 - p))


def diagnose(setup: Setup, estimates: Estimates) -> Diagnostics:
    """Pre-trend test (DiD) and baseline equivalence of the analysed sample.

    For DiD the comparison persons are reweighted by the odds of the propensity score (as the
    doubly robust DiD does) and the analysis adjusts for the baseline covariates; for matching the
    matched sample with its weights is judged, adjusted for the covariates matched on.
    """
    pretrend = None
    dropped: tuple[DroppedCell, ...] = ()
    if setup.design.uses_synthetic:
        # the synthetic comparison is fitted to the treated units' pre-period outcomes; the units'
        # own covariates (if any) are judged unweighted
        covariates = list(setup.covariates)
        sample = setup.persons.assign(_w=1.0).reset_index(drop=True)
    elif setup.design.uses_did:
        group_time = estimates.did[setup.primary].group_time
        dropped = tuple(
            DroppedCell(int(c["group"]), int(c["time"]), str(c.get("kind", "other")))
            for c in group_time.diagnostics.get("dropped_cells", [])
        )
        test = group_time.pretest()
        pretrend = PretrendTest(
            finite_or_none(test.statistic), int(test.df), finite_or_none(test.p_value)
        )
        persons = setup.persons
        last = int(setup.panel["period"].max())
        keep = (persons["cohort"] == 0) | (
            (persons["cohort"] > 0) & (persons["cohort"] + setup.event_time <= last)
        )
        covariates = list(setup.covariates)
        sample = persons[keep].reset_index(drop=True)
        weights = odds_weights(sample, covariates)
        if setup.weight is not None:  # aggregate units: the persons behind each unit
            weights = weights * sample[setup.weight].to_numpy(dtype=float)
        sample = sample.assign(_w=weights)
    else:
        run = estimates.matching
        if run is None:  # pragma: no cover - matching errors propagate for design='matching'
            raise ParameterError("Matching did not run.")
        sample = run.sample.assign(_w=run.estimate.matched.weights.to_numpy())
        covariates = list(run.match_on)
    equivalence = baseline_equivalence(
        sample, treatment="treated", covariates=covariates, weights="_w", adjusted_for=covariates
    )
    return Diagnostics(pretrend, equivalence, dropped)


def rate_evidence(setup: Setup, diagnostics: Diagnostics) -> EvidenceRating:
    """Maryland SMS level and WWC baseline-equivalence verdict of one evaluation (step 5).

    The pre-trend test lowers the level when it rejects at 5 %, whatever the evaluation's alpha.
    """
    pretrend = diagnostics.pretrend
    design = setup.design
    return evidence_rating(
        design=(
            design.estimator
            if design.estimator == "its"
            else "synthetic"
            if design.uses_synthetic
            else "did"
            if design.uses_did
            else "matching"
        ),
        equivalence=diagnostics.equivalence,
        pretrend_p=pretrend.p_value if pretrend else None,
        alpha=0.05,
    )
