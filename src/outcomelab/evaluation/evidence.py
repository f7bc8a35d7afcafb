"""Evidence rating: Maryland Scientific Methods Scale level and WWC baseline equivalence.

* Maryland SMS (Sherman et al. 1997; What Works Centre for Local Economic Growth): 1 cross-section
  or before-after without controls; 2 with controls; 3 comparison group with before-and-after data
  (difference-in-differences, matching on history); 4 natural experiments; 5 randomised.
  Observational designs reach at most level 3 here; evidence against parallel trends or poor
  balance lowers it.
* What Works Clearinghouse baseline equivalence (Procedures and Standards Handbook, v5.0):
  |difference| <= 0.05 SD satisfied; 0.05-0.25 SD requires statistical adjustment; > 0.25 SD not
  satisfied. The effect sizes and the verdict come from :mod:`outcomelab.balance` (Hedges' g for
  continuous, the Cox index for binary covariates); this module only words them for the report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from outcomelab.numerics import finite_or_none
from outcomelab.vocabulary.numbers import fmt_num, fmt_p_relation
from outcomelab.vocabulary.phrases import Text, each_language, in_language, phrase
from outcomelab.vocabulary.texts import covariate_label

__all__ = [
    "BaselineEquivalence",
    "EvidenceRating",
    "baseline_equivalence",
    "evidence_rating",
]

WWCVerdict = Literal["satisfied", "adjustment_required", "not_satisfied", "not_applicable"]


#: balance's verdict codes (:attr:`outcomelab.balance.WWCVerdict.code`) as results.json codes:
#: differences of 0.05-0.25 SD need statistical adjustment whether or not the analysis makes it;
#: the reasons say which (``satisfied_with_adjustment`` -> ``adjustment_required``, "which it does")
_VERDICT_CODES: dict[str, WWCVerdict] = {
    "satisfied": "satisfied",
    "satisfied_with_adjustment": "adjustment_required",
    "adjustment_required": "adjustment_required",
    "not_satisfied": "not_satisfied",
}


@dataclass(frozen=True)
class BaselineEquivalence:
    """Baseline effect sizes per covariate and the overall WWC verdict, in results.json codes.

    Attributes
    ----------
    table
        One row per covariate: ``covariate``, ``smd`` (effect size in the analysed, weighted
        sample), ``smd_unadjusted`` (before weighting), ``kind`` and ``verdict``.
    max_abs_smd
        Largest |effect size| in the analysed sample (``None`` without covariates).
    verdict
        ``satisfied``, ``adjustment_required``, ``not_satisfied`` or ``not_applicable``.
    adjusted
        Whether the analysis adjusts for every covariate in the 0.05-0.25 band.
    worst
        The covariate with the largest |effect size|.
    """

    table: pd.DataFrame = field(repr=False)
    max_abs_smd: float | None
    verdict: WWCVerdict
    adjusted: bool
    worst: str | None

    def to_records(self) -> list[dict[str, Any]]:
        """``[{covariate, smd, kind, verdict}]`` for results.json."""
        return [
            {
                "covariate": str(r["covariate"]),
                "smd": finite_or_none(r["smd"]),
                "kind": str(r["kind"]),
                "verdict": str(r["verdict"]),
            }
            for r in self.table.to_dict(orient="records")
        ]


def baseline_equivalence(
    data: pd.DataFrame,
    *,
    treatment: str,
    covariates: Sequence[str],
    weights: str,
    adjusted_for: Sequence[str] = (),
) -> BaselineEquivalence:
    """WWC baseline equivalence of the analysed sample with :mod:`outcomelab.balance`.

    Parameters
    ----------
    data
        One row per person.
    treatment
        0/1 column.
    covariates
        Numeric baseline columns (categories as 0/1 dummies).
    weights
        Weight column of the analysed sample (matching weights, or the odds of the propensity
        score for DiD comparison persons); persons with weight 0 are outside it.
    adjusted_for
        Covariates the outcome analysis adjusts for statistically.

    Returns
    -------
    BaselineEquivalence

    Notes
    -----
    Effect sizes are :meth:`outcomelab.balance.BalanceTable.wwc_verdict`'s: Hedges' g for
    continuous and the Cox index for binary covariates, both with the small-sample correction
    omega, using the weighted means and variances and the numbers of persons with positive weight.
    Persons with a missing covariate are left out. A covariate that is constant in the analysed
    sample cannot differ at baseline and is reported as ``not_applicable``.
    """
    from outcomelab.balance import balance

    covariates = list(covariates)
    sample = data.dropna(subset=covariates)
    positive = sample[sample[weights] > 0]
    varying = [c for c in covariates if positive[c].nunique() > 1]
    rows: dict[str, dict[str, Any]] = {
        c: {"covariate": c, "smd": math.nan, "smd_unadjusted": math.nan, "kind": "binary"}
        | {"verdict": "not_applicable"}
        for c in covariates
    }
    if not varying:
        table = pd.DataFrame(list(rows.values()))
        return BaselineEquivalence(table, None, "not_applicable", bool(adjusted_for), None)
    tab = balance(sample, treatment=treatment, covariates=varying, weights=weights)
    before = tab.wwc_verdict(adjusted_for=adjusted_for, sample="before").table
    after = tab.wwc_verdict(adjusted_for=adjusted_for, sample="after")
    for raw, r in zip(before.itertuples(), after.table.itertuples(), strict=True):
        rows[str(r.term)] = {
            "covariate": str(r.term),
            "smd": float(r.effect_size),
            "smd_unadjusted": float(raw.effect_size),
            "kind": str(r.type),
            "verdict": str(r.band_code),
        }
    table = pd.DataFrame(list(rows.values()))
    sizes = after.table.set_index("term")["effect_size"].abs()
    worst = str(sizes.idxmax()) if sizes.notna().any() else None
    biggest = finite_or_none(sizes.max()) if worst is not None else None
    return BaselineEquivalence(
        table=table,
        max_abs_smd=biggest,
        verdict=_VERDICT_CODES[after.code],
        adjusted=after.code == "satisfied_with_adjustment",
        worst=worst,
    )


@dataclass(frozen=True)
class EvidenceRating:
    """SMS level and WWC verdict with the reasons (language-neutral phrases)."""

    sms_level: int
    sms_reasons: tuple[Text, ...]
    wwc_verdict: WWCVerdict
    wwc_reasons: tuple[Text, ...]
    max_abs_smd: float | None
    baseline: tuple[dict[str, Any], ...] = ()

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The ``evidence`` object of results.json (the reasons in ``lang``)."""
        return {
            "sms_level": self.sms_level,
            "sms_reasons": [in_language(r, lang) for r in self.sms_reasons],
            "wwc_verdict": self.wwc_verdict,
            "wwc_reasons": [in_language(r, lang) for r in self.wwc_reasons],
            "max_abs_smd": self.max_abs_smd,
            "baseline": list(self.baseline),
        }


def evidence_rating(
    *,
    design: str,
    equivalence: BaselineEquivalence,
    pretrend_p: float | None = None,
    alpha: float = 0.05,
) -> EvidenceRating:
    """Rate the evidence of one evaluation.

    Parameters
    ----------
    design
        ``"did"``, ``"matching"``, ``"synthetic"`` (synthetic DiD, level 3) or ``"its"``
        (interrupted time series without a comparison group, level 2).
    equivalence
        Baseline equivalence of the analysed sample (it records whether the analysis adjusts for
        the covariates in the 0.05-0.25 band).
    pretrend_p
        p-value of the joint pre-trend test (DiD), if any.
    alpha
        Level of the pre-trend test.

    Returns
    -------
    EvidenceRating
    """
    level = 2 if design == "its" else 3
    first = {"did": "sms3_did", "synthetic": "sms3_synthetic", "its": "sms2_its"}
    reasons: list[Text] = [phrase(first.get(design, "sms3_matching"))]
    if pretrend_p is not None and not math.isnan(pretrend_p) and pretrend_p < alpha:
        level = 2
        p = pretrend_p
        reasons.append(
            phrase("sms_pretrend", p=each_language(lambda lang: fmt_p_relation(p, lang)))
        )
    verdict = equivalence.verdict
    d = equivalence.max_abs_smd
    shown = each_language(lambda lang: fmt_num(d, lang, 3))
    if verdict == "not_satisfied" and design == "matching":
        level = 2
        reasons.append(phrase("sms_balance"))
    reasons.append(phrase("sms_ceiling"))
    wwc: list[Text]
    if verdict == "satisfied":
        wwc = [phrase("wwc_reason_satisfied", d=shown)]
    elif verdict == "adjustment_required":
        how = "wwc_reason_adjusted_yes" if equivalence.adjusted else "wwc_reason_adjusted_no"
        wwc = [phrase("wwc_reason_adjust", d=shown, adjusted=phrase(how))]
    elif verdict == "not_satisfied":
        column = equivalence.worst or ""
        worst = each_language(lambda lang: covariate_label(column, lang))
        wwc = [phrase("wwc_reason_fail", d=shown, cov=worst)]
    else:
        wwc = [phrase("wwc_reason_none")]
    return EvidenceRating(
        sms_level=level,
        sms_reasons=tuple(reasons),
        wwc_verdict=verdict,
        wwc_reasons=tuple(wwc),
        max_abs_smd=d,
        baseline=tuple(equivalence.to_records()),
    )
