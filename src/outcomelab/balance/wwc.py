"""What Works Clearinghouse baseline equivalence: effect sizes, bands and an overall verdict.

The WWC Procedures and Standards Handbook (version 5.0, 2022) judges baseline equivalence of a
quasi-experimental comparison on each required baseline covariate by the absolute effect size of
the treated-minus-comparison difference: at most 0.05 standard deviations is satisfied; more than
0.05 and at most 0.25 is satisfied only if the analysis adjusts for that covariate statistically;
more than 0.25 fails. Continuous covariates use Hedges' g, binary ones the Cox index.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "WWC_ADJUST_LIMIT",
    "WWC_SATISFIED_LIMIT",
    "WWCVerdict",
    "cox_index",
    "hedges_g",
    "small_sample_correction",
    "wwc_band",
]

#: |effect size| at or below which baseline equivalence is satisfied (WWC Handbook v5)
WWC_SATISFIED_LIMIT = 0.05
#: |effect size| above which baseline equivalence cannot be satisfied (WWC Handbook v5)
WWC_ADJUST_LIMIT = 0.25

BAND_SATISFIED = "satisfied"
BAND_ADJUST = "requires statistical adjustment"
BAND_FAILS = "not satisfied"
VERDICT_ADJUSTED = "satisfied with statistical adjustment"
#: machine-readable codes of bands and verdicts (for results.json and translations)
CODES = {
    BAND_SATISFIED: "satisfied",
    BAND_ADJUST: "adjustment_required",
    BAND_FAILS: "not_satisfied",
    VERDICT_ADJUSTED: "satisfied_with_adjustment",
}


def small_sample_correction(n_total: float) -> float:
    """Hedges' small-sample correction ``omega = 1 - 3 / (4 N - 9)`` (WWC Handbook v5, E.1)."""
    return 1.0 - 3.0 / (4.0 * n_total - 9.0) if n_total > 3 else float("nan")


def hedges_g(
    mean_t: float, mean_c: float, var_t: float, var_c: float, n_t: float, n_c: float
) -> float:
    """Hedges' g: ``omega (m_t - m_c) / s_pooled``.

    ``s_pooled = sqrt(((n_t - 1) s_t^2 + (n_c - 1) s_c^2) / (n_t + n_c - 2))`` and ``omega`` is
    :func:`small_sample_correction` of ``n_t + n_c``.
    """
    pooled = ((n_t - 1) * var_t + (n_c - 1) * var_c) / (n_t + n_c - 2)
    if not pooled > 0:
        return float("nan")
    return small_sample_correction(n_t + n_c) * (mean_t - mean_c) / math.sqrt(pooled)


def cox_index(p_t: float, p_c: float, n_t: float, n_c: float) -> float:
    """Cox index ``omega (logit(p_t) - logit(p_c)) / 1.65`` for a binary covariate.

    A proportion of exactly 0 or 1 has no finite log-odds; it is replaced by
    ``(n p + 0.5) / (n + 1)`` (adding half a case to each cell), an outcomelab choice the
    Handbook leaves open.
    """

    def safe(p: float, n: float) -> float:
        return (n * p + 0.5) / (n + 1.0) if p <= 0.0 or p >= 1.0 else p

    pt, pc = safe(p_t, n_t), safe(p_c, n_c)
    log_odds = math.log(pt / (1 - pt)) - math.log(pc / (1 - pc))
    return small_sample_correction(n_t + n_c) * log_odds / 1.65


def wwc_band(effect_size: float) -> str:
    """WWC band of an absolute baseline effect size."""
    size = abs(effect_size)
    if not np.isfinite(size):
        return BAND_FAILS
    if size <= WWC_SATISFIED_LIMIT:
        return BAND_SATISFIED
    if size <= WWC_ADJUST_LIMIT:
        return BAND_ADJUST
    return BAND_FAILS


@dataclass(frozen=True)
class WWCVerdict:
    """WWC baseline-equivalence verdict for a comparison.

    Attributes
    ----------
    verdict
        ``"satisfied"``, ``"satisfied with statistical adjustment"``,
        ``"requires statistical adjustment"`` (some covariates in the middle band are not among
        those the analysis adjusts for) or ``"not satisfied"``.
    table
        One row per covariate term: ``term, variable, type, measure`` (``"Hedges' g"`` or
        ``"Cox index"``), ``effect_size``, ``band``, ``adjusted``, ``band_code``.
    reasons
        Plain-language sentences explaining the verdict.
    """

    verdict: str
    table: pd.DataFrame = field(repr=False, compare=False)
    reasons: tuple[str, ...] = ()

    @property
    def satisfied(self) -> bool:
        """Whether the comparison meets WWC baseline equivalence as analysed."""
        return self.verdict in (BAND_SATISFIED, VERDICT_ADJUSTED)

    @property
    def code(self) -> str:
        """Machine-readable verdict: ``satisfied``, ``satisfied_with_adjustment``,
        ``adjustment_required`` or ``not_satisfied``."""
        return CODES[self.verdict]

    def tidy(self) -> pd.DataFrame:
        """A copy of the per-covariate table (``term`` first)."""
        return self.table.copy()

    def summary(self) -> str:
        """Plain-text verdict, its reasons and the per-covariate table."""
        lines = [f"WWC baseline equivalence: {self.verdict}"]
        lines.extend(f"  {reason}" for reason in self.reasons)
        lines.append(self.table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: verdict, reasons and the per-covariate rows (NaN becomes ``None``)."""
        rows = self.table.astype(object).where(self.table.notna(), None).to_dict(orient="records")
        return {
            "verdict": self.verdict,
            "code": self.code,
            "reasons": list(self.reasons),
            "covariates": rows,
        }


def decide(table: pd.DataFrame, adjusted: Iterable[str]) -> WWCVerdict:
    """Overall verdict from per-term bands.

    Parameters
    ----------
    table
        Columns ``term, variable, effect_size, band``.
    adjusted
        Covariate (or term) names the outcome analysis adjusts for.
    """
    adjusted_set = set(adjusted)
    table = table.copy()
    table["adjusted"] = [
        (row.term in adjusted_set) or (row.variable in adjusted_set) for row in table.itertuples()
    ]
    table["band_code"] = [CODES[b] for b in table["band"]]
    fails = table[table["band"] == BAND_FAILS]
    middle = table[table["band"] == BAND_ADJUST]
    unadjusted = middle[~middle["adjusted"]]
    reasons: list[str] = []

    def listed(rows: pd.DataFrame) -> str:
        return ", ".join(f"{r.term} ({r.effect_size:+.3f})" for r in rows.itertuples())

    if len(fails):
        verdict = BAND_FAILS
        reasons.append(
            f"{len(fails)} covariate term(s) differ by more than {WWC_ADJUST_LIMIT} SD at "
            f"baseline: {listed(fails)}; the groups are not equivalent and no adjustment can "
            "repair that under the WWC standards."
        )
    elif len(unadjusted):
        verdict = BAND_ADJUST
        reasons.append(
            f"{len(unadjusted)} covariate term(s) differ by {WWC_SATISFIED_LIMIT}-"
            f"{WWC_ADJUST_LIMIT} SD: {listed(unadjusted)}; the outcome analysis must adjust for "
            "them statistically (include them as covariates) to meet the standard."
        )
    elif len(middle):
        verdict = VERDICT_ADJUSTED
        reasons.append(
            f"{len(middle)} covariate term(s) differ by {WWC_SATISFIED_LIMIT}-{WWC_ADJUST_LIMIT} "
            f"SD ({listed(middle)}) and the analysis adjusts for them."
        )
    else:
        verdict = BAND_SATISFIED
        reasons.append(
            f"Every covariate term differs by at most {WWC_SATISFIED_LIMIT} SD at baseline."
        )
    return WWCVerdict(verdict=verdict, table=table.reset_index(drop=True), reasons=tuple(reasons))
