"""Evidence rating: Maryland Scientific Methods Scale level and WWC baseline equivalence.

* Maryland SMS (Sherman et al. 1997; What Works Centre for Local Economic Growth): 1 cross-section
  or before-after without controls; 2 with controls; 3 comparison group with before-and-after data
  (difference-in-differences, matching on history); 4 natural experiments; 5 randomised.
  Observational designs reach at most level 3 here; evidence against parallel trends or poor
  balance lowers it.
* What Works Clearinghouse baseline equivalence (Procedures and Standards Handbook, v5.0):
  |difference| <= 0.05 SD satisfied; 0.05-0.25 SD requires statistical adjustment; > 0.25 SD not
  satisfied. Hedges' g for continuous, the Cox index for binary covariates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "BaselineEquivalence",
    "EvidenceRating",
    "baseline_equivalence",
    "evidence_rating",
    "wwc_band",
]

WWCVerdict = Literal["satisfied", "adjustment_required", "not_satisfied", "not_applicable"]

_REASONS: dict[str, dict[str, str]] = {
    "sms3_did": {
        "sv": "Jämförelsegrupp med uppgifter före och efter start (difference-in-differences): "
        "nivå 3.",
        "en": "Comparison group with data before and after the start (difference-in-differences): "
        "level 3.",
    },
    "sms3_matching": {
        "sv": "Jämförelsegrupp matchad på bakgrund och historik före start: nivå 3.",
        "en": "Comparison group matched on background and history before the start: level 3.",
    },
    "sms_pretrend": {
        "sv": "Testet av parallella trender före start förkastas (p = {p}): nivån sänks till 2.",
        "en": "The test of parallel pre-trends rejects (p = {p}): the level is lowered to 2.",
    },
    "sms_balance": {
        "sv": "Grupperna skiljer sig mer än 0,25 standardavvikelser före start: nivån sänks "
        "till 2.",
        "en": "The groups differ by more than 0.25 standard deviations at baseline: the level is "
        "lowered to 2.",
    },
    "sms_ceiling": {
        "sv": "Nivå 4-5 kräver ett naturligt experiment eller lottning, vilket inte finns här.",
        "en": "Levels 4-5 need a natural experiment or randomisation, which this design is not.",
    },
    "wwc_satisfied": {
        "sv": "Största skillnaden före start är {d} standardavvikelser (högst 0,05): "
        "likvärdighet uppfylld.",
        "en": "The largest baseline difference is {d} standard deviations (at most 0.05): "
        "equivalence satisfied.",
    },
    "wwc_adjust": {
        "sv": "Största skillnaden före start är {d} standardavvikelser (0,05-0,25): analysen "
        "måste justera för bakgrundsvariablerna{adjusted}.",
        "en": "The largest baseline difference is {d} standard deviations (0.05-0.25): the "
        "analysis must adjust for the baseline variables{adjusted}.",
    },
    "wwc_adjusted_yes": {"sv": ", vilket den gör", "en": ", which it does"},
    "wwc_adjusted_no": {"sv": ", vilket den inte gör", "en": ", which it does not"},
    "wwc_fail": {
        "sv": "Största skillnaden före start är {d} standardavvikelser (mer än 0,25): "
        "likvärdighet ej uppfylld ({cov}).",
        "en": "The largest baseline difference is {d} standard deviations (more than 0.25): "
        "equivalence not satisfied ({cov}).",
    },
    "wwc_none": {
        "sv": "Inga bakgrundsvariabler att jämföra.",
        "en": "No baseline variables to compare.",
    },
}


def _text(key: str, lang: str, **values: Any) -> str:
    return _REASONS[key][lang].format(**values)


def wwc_band(smd: float | None) -> WWCVerdict:
    """The WWC verdict for one absolute standardised difference."""
    if smd is None or math.isnan(smd):
        return "not_applicable"
    d = abs(smd)
    if d <= 0.05:
        return "satisfied"
    if d <= 0.25:
        return "adjustment_required"
    return "not_satisfied"


def _weighted_stats(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    total = w.sum()
    mean = float((w * x).sum() / total)
    var = float((w * (x - mean) ** 2).sum() / total)
    n_eff = float(total**2 / (w**2).sum())
    # unbiased (sample) variance; with unit weights n_eff is the count
    return mean, var * n_eff / max(n_eff - 1, 1e-12), n_eff


@dataclass(frozen=True)
class BaselineEquivalence:
    """Standardised baseline differences per covariate and the overall WWC verdict."""

    table: pd.DataFrame = field(repr=False)
    max_abs_smd: float | None
    verdict: WWCVerdict
    worst: str | None

    def to_records(self) -> list[dict[str, Any]]:
        """``[{covariate, smd, kind, verdict}]`` for results.json."""
        out = []
        for cov, smd, kind, verdict in zip(
            self.table["covariate"].tolist(),
            self.table["smd"].tolist(),
            self.table["kind"].tolist(),
            self.table["verdict"].tolist(),
            strict=True,
        ):
            value = float(smd)
            out.append(
                {
                    "covariate": str(cov),
                    "smd": None if math.isnan(value) else value,
                    "kind": str(kind),
                    "verdict": str(verdict),
                }
            )
        return out


def baseline_equivalence(
    data: pd.DataFrame,
    *,
    treatment: str,
    covariates: Sequence[str],
    weights: str | None = None,
) -> BaselineEquivalence:
    """Hedges' g (continuous) or Cox index (binary) of each covariate between the two groups.

    Parameters
    ----------
    data
        One row per person.
    treatment
        0/1 column.
    covariates
        Numeric baseline columns (categorical ones should be given as 0/1 dummies).
    weights
        Optional weight column (e.g. matching weights).

    Returns
    -------
    BaselineEquivalence

    Notes
    -----
    Hedges' g = omega (m_t - m_c) / s_pooled with omega = 1 - 3 / (4 (n_t + n_c) - 9);
    Cox index = (logit p_t - logit p_c) / 1.65, proportions clipped to [0.001, 0.999].
    """
    t = data[treatment].to_numpy() == 1
    w = data[weights].to_numpy(dtype=float) if weights else np.ones(len(data))
    rows = []
    for cov in covariates:
        x = data[cov].to_numpy(dtype=float)
        ok = ~np.isnan(x)
        xt, wt = x[t & ok], w[t & ok]
        xc, wc = x[~t & ok], w[~t & ok]
        binary = bool(np.isin(x[ok], (0.0, 1.0)).all())
        if len(xt) < 2 or len(xc) < 2 or wt.sum() <= 0 or wc.sum() <= 0:
            rows.append((cov, float("nan"), "binary" if binary else "continuous"))
            continue
        mt, vt, nt = _weighted_stats(xt, wt)
        mc, vc, nc = _weighted_stats(xc, wc)
        if binary:
            pt, pc = (min(max(p, 0.001), 0.999) for p in (mt, mc))
            smd = (math.log(pt / (1 - pt)) - math.log(pc / (1 - pc))) / 1.65
        else:
            pooled = math.sqrt(((nt - 1) * vt + (nc - 1) * vc) / max(nt + nc - 2, 1))
            omega = 1 - 3 / (4 * (nt + nc) - 9)
            smd = omega * (mt - mc) / pooled if pooled > 0 else 0.0
        rows.append((cov, smd, "binary" if binary else "continuous"))
    table = pd.DataFrame(rows, columns=["covariate", "smd", "kind"])
    table["verdict"] = [wwc_band(s) for s in table["smd"]]
    finite = [(abs(smd), cov) for cov, smd, _ in rows if not math.isnan(smd)]
    if not finite:
        return BaselineEquivalence(table, None, "not_applicable", None)
    biggest, worst = max(finite)
    return BaselineEquivalence(table, float(biggest), wwc_band(biggest), worst)


@dataclass(frozen=True)
class EvidenceRating:
    """SMS level and WWC verdict with the reasons, in the report language."""

    sms_level: int
    sms_reasons: tuple[str, ...]
    wwc_verdict: WWCVerdict
    wwc_reasons: tuple[str, ...]
    max_abs_smd: float | None
    baseline: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The ``evidence`` object of results.json."""
        return {
            "sms_level": self.sms_level,
            "sms_reasons": list(self.sms_reasons),
            "wwc_verdict": self.wwc_verdict,
            "wwc_reasons": list(self.wwc_reasons),
            "max_abs_smd": self.max_abs_smd,
            "baseline": list(self.baseline),
        }


def evidence_rating(
    *,
    design: str,
    equivalence: BaselineEquivalence,
    adjusted: bool,
    pretrend_p: float | None = None,
    alpha: float = 0.05,
    lang: str = "en",
) -> EvidenceRating:
    """Rate the evidence of one evaluation.

    Parameters
    ----------
    design
        ``"did"`` or ``"matching"`` (the design behind the headline).
    equivalence
        Baseline equivalence of the analysed sample.
    adjusted
        Whether the analysis adjusts for the baseline covariates.
    pretrend_p
        p-value of the joint pre-trend test (DiD), if any.
    alpha
        Level of the pre-trend test.
    lang
        Language of the reasons.

    Returns
    -------
    EvidenceRating
    """
    level = 3
    reasons = [_text("sms3_did" if design == "did" else "sms3_matching", lang)]
    if pretrend_p is not None and not math.isnan(pretrend_p) and pretrend_p < alpha:
        level = 2
        reasons.append(_text("sms_pretrend", lang, p=f"{pretrend_p:.3f}"))
    verdict = equivalence.verdict
    d = equivalence.max_abs_smd
    shown = "–" if d is None else (f"{d:.3f}".replace(".", ",") if lang == "sv" else f"{d:.3f}")
    if verdict == "not_satisfied" and design == "matching":
        level = 2
        reasons.append(_text("sms_balance", lang))
    reasons.append(_text("sms_ceiling", lang))
    if verdict == "satisfied":
        wwc = [_text("wwc_satisfied", lang, d=shown)]
    elif verdict == "adjustment_required":
        how = "wwc_adjusted_yes" if adjusted else "wwc_adjusted_no"
        wwc = [_text("wwc_adjust", lang, d=shown, adjusted=_text(how, lang))]
    elif verdict == "not_satisfied":
        worst = (equivalence.worst or "").removeprefix("cov_").replace("_", " ")
        wwc = [_text("wwc_fail", lang, d=shown, cov=worst)]
    else:
        wwc = [_text("wwc_none", lang)]
    return EvidenceRating(
        sms_level=level,
        sms_reasons=tuple(reasons),
        wwc_verdict=verdict,
        wwc_reasons=tuple(wwc),
        max_abs_smd=d,
        baseline=tuple(equivalence.to_records()),
    )
