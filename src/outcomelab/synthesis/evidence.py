"""What the published evaluations say about one outcome: the lab's evidence rule, made explicit.

The input is only the **published** (disclosure-controlled) copies of ``results.json``; each must
carry the ``disclosure`` log that disclosure control adds, so an unpublished file is refused.

The rule, per outcome and follow-up:

1. **Inclusion.** An evaluation counts when its design reaches Maryland Scientific Methods Scale
   level 3 or higher (``min_sms_level``): a comparison group observed before and after the start
   (difference-in-differences, matching on history). Levels 1-2 (before-after without a
   comparison group, or a cross-section) cannot separate the effect from the trend and from who
   chose to take part, so they are left out of the main estimate. Estimates withheld by disclosure
   control, or without a standard error, cannot be pooled and are listed as such.
2. **Pooling.** Random-effects meta-analysis, REML between-study variance, HKSJ interval, Riley
   prediction interval (:func:`~outcomelab.synthesis.meta_analysis`).
3. **Sensitivity.** The same pooling with every evaluation that has a number, whatever its level;
   the page says whether the conclusion changes.
4. **Small-study asymmetry.** Egger's test from 10 evaluations on (Sterne et al. 2011).
5. **Strength** (:func:`evidence_strength`): ``strong``, ``moderate``, ``limited`` or
   ``insufficient``, with the reasons, from the number of evaluations, the precision, the
   consistency (prediction interval) and the small-study test, in the spirit of GRADE's domains.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from outcomelab.errors import InputError, ReadError
from outcomelab.numerics import json_safe
from outcomelab.synthesis.asymmetry import EGGER_MIN_STUDIES, AsymmetryResult, egger_test
from outcomelab.synthesis.pooling import meta_analysis
from outcomelab.synthesis.result import MetaResult
from outcomelab.synthesis.subgroups import SubgroupResult, subgroup_analysis

__all__ = [
    "MIN_SMS_LEVEL",
    "OutcomeEvidence",
    "evidence_strength",
    "read_published",
    "studies_from_results",
    "synthesise_outcome",
]

#: lowest Maryland SMS level an evaluation needs to enter the main estimate
MIN_SMS_LEVEL = 3
Strength = Literal["strong", "moderate", "limited", "insufficient"]

STUDY_COLUMNS = (
    "evaluation_id",
    "intervention",
    "organisation",
    "outcome",
    "kind",
    "direction",
    "follow_up_months",
    "estimate",
    "std_error",
    "conf_low",
    "conf_high",
    "n_treated",
    "n_control",
    "sms_level",
    "design",
    "target_group",
    "cost_per_participant",
    "verdict",
)


def read_published(folder: str | Path) -> list[dict[str, Any]]:
    """Read the published copies of ``results.json`` in a folder (e.g. a site's ``data/results``).

    Raises
    ------
    ReadError
        The folder has no JSON files, a file is not JSON, or a file is not a published copy (it
        lacks the ``disclosure`` log that disclosure control adds).
    """
    root = Path(folder)
    files = sorted(root.glob("*.json")) if root.is_dir() else []
    if not files:
        raise ReadError(f"No published results (*.json) in {root}; build the catalogue first.")
    out = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise ReadError(f"{file} cannot be read as JSON: {err}") from err
        if not isinstance(data, dict) or "disclosure" not in data:
            raise ReadError(
                f"{file} is not a published copy (no disclosure log); synthesis reads only "
                "disclosure-controlled results, never the unpublished results.json."
            )
        out.append(data)
    return out


def _cost_per_participant(results: Mapping[str, Any], analysed: Any) -> float | None:
    economics = results.get("economics") or {}
    payers = economics.get("payers") if isinstance(economics, Mapping) else None
    if not payers or not isinstance(analysed, int | float) or not analysed:
        return None
    total = next((p for p in payers if p.get("payer") == "total"), None)
    cost = (total or {}).get("pv_costs_sek")
    return float(cost) / float(analysed) if isinstance(cost, int | float) and cost > 0 else None


def studies_from_results(results: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per evaluation and outcome from published results (:data:`STUDY_COLUMNS`).

    Raises
    ------
    InputError
        A result is not a published copy (no ``disclosure`` log).
    """
    rows = []
    for res in results:
        if "disclosure" not in res:
            raise InputError(
                f"Evaluation {res.get('evaluation_id')!r} is not a published copy (no disclosure "
                "log); pass the disclosure-controlled results only."
            )
        intervention = res.get("intervention") or {}
        design = res.get("design") or {}
        flow = res.get("sample_flow") or {}
        cost = _cost_per_participant(res, flow.get("analysed"))
        for outcome in res.get("outcomes") or []:
            rows.append(
                {
                    "evaluation_id": res.get("evaluation_id"),
                    "intervention": intervention.get("name") or intervention.get("id"),
                    "organisation": (intervention.get("organisation") or {}).get("name"),
                    "outcome": outcome.get("code"),
                    "kind": outcome.get("kind"),
                    "direction": outcome.get("direction"),
                    "follow_up_months": design.get("follow_up_months"),
                    "estimate": outcome.get("estimate"),
                    "std_error": outcome.get("std_error"),
                    "conf_low": outcome.get("conf_low"),
                    "conf_high": outcome.get("conf_high"),
                    "n_treated": outcome.get("n_treated"),
                    "n_control": outcome.get("n_control"),
                    "sms_level": (res.get("evidence") or {}).get("sms_level"),
                    "design": design.get("chosen"),
                    "target_group": intervention.get("target_group"),
                    "cost_per_participant": cost,
                    "verdict": outcome.get("verdict"),
                }
            )
    frame = pd.DataFrame(rows, columns=list(STUDY_COLUMNS))
    for name in ("estimate", "std_error", "conf_low", "conf_high", "cost_per_participant"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame


def evidence_strength(
    main: MetaResult | None, asymmetry: AsymmetryResult | None, *, k_excluded: int = 0
) -> tuple[Strength, tuple[str, ...]]:
    """The lab's strength rating of a pooled effect, with the reason keys.

    * ``insufficient``: fewer than two evaluations at SMS level >= 3 (nothing pooled);
    * ``strong``: at least 5 evaluations, the confidence interval excludes zero, the prediction
      interval does too (the effect has the same sign wherever it is tried), and Egger's test
      (when run) finds no asymmetry;
    * ``moderate``: at least 3 evaluations and the confidence interval excludes zero;
    * ``limited``: otherwise (few evaluations, or an interval that includes zero).

    Reasons are keys the page turns into words: ``few_studies``, ``imprecise``,
    ``inconsistent``, ``asymmetry``, ``asymmetry_untested``, ``excluded``.
    """
    if main is None:
        return "insufficient", ("few_studies",)
    reasons = []
    precise = main.conf_low > 0 or main.conf_high < 0
    consistent = bool(np.isfinite(main.pi_low)) and (main.pi_low > 0 or main.pi_high < 0)
    if main.k < 5:
        reasons.append("few_studies")
    if not precise:
        reasons.append("imprecise")
    if not consistent:
        reasons.append("inconsistent")
    if asymmetry is not None and asymmetry.asymmetric:
        reasons.append("asymmetry")
    if asymmetry is None or not asymmetry.tested:
        reasons.append("asymmetry_untested")
    if k_excluded:
        reasons.append("excluded")
    asym = asymmetry is not None and asymmetry.asymmetric
    if main.k >= 5 and precise and consistent and not asym:
        return "strong", tuple(reasons)
    if main.k >= 3 and precise and not asym:
        return "moderate", tuple(reasons)
    return "limited", tuple(reasons)


@dataclass(frozen=True)
class OutcomeEvidence:
    """The synthesis of one outcome at one follow-up (read-only).

    Attributes
    ----------
    outcome, follow_up_months, kind, direction
        What is pooled.
    main
        The pooled effect of the included evaluations (None when fewer than two).
    sensitivity
        The pooled effect of every evaluation with a number (None when it equals ``main``'s set
        or has fewer than two).
    excluded
        ``evaluation_id, reason`` of each evaluation left out of ``main``.
    by_target_group, by_design
        Subgroup analyses (None with fewer than two subgroups).
    asymmetry
        Egger's test (``tested`` False below 10 evaluations).
    strength, strength_reasons
        :func:`evidence_strength`.
    studies
        The included evaluations' rows (as :func:`studies_from_results`).
    n_participants
        Participants (treated) behind the main estimate, as published (rounded counts).
    cost_per_participant
        Median present-value cost per participant over the included evaluations that publish it.
    """

    outcome: str
    follow_up_months: int
    kind: str | None
    direction: str | None
    main: MetaResult | None
    sensitivity: MetaResult | None
    excluded: pd.DataFrame = field(repr=False, compare=False)
    by_target_group: SubgroupResult | None
    by_design: SubgroupResult | None
    asymmetry: AsymmetryResult | None
    strength: Strength
    strength_reasons: tuple[str, ...]
    studies: pd.DataFrame = field(repr=False, compare=False)
    n_participants: int
    cost_per_participant: float | None
    min_sms_level: int = MIN_SMS_LEVEL

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the synthesis."""
        return json_safe(
            {
                "outcome": self.outcome,
                "follow_up_months": self.follow_up_months,
                "kind": self.kind,
                "direction": self.direction,
                "main": self.main.to_dict() if self.main else None,
                "sensitivity": self.sensitivity.to_dict() if self.sensitivity else None,
                "excluded": self.excluded,
                "by_target_group": self.by_target_group.to_dict() if self.by_target_group else None,
                "by_design": self.by_design.to_dict() if self.by_design else None,
                "asymmetry": self.asymmetry.to_dict() if self.asymmetry else None,
                "strength": self.strength,
                "strength_reasons": list(self.strength_reasons),
                "n_participants": self.n_participants,
                "cost_per_participant": self.cost_per_participant,
                "min_sms_level": self.min_sms_level,
            }
        )


def _pool(rows: pd.DataFrame) -> MetaResult | None:
    if len(rows) < 2:
        return None
    return meta_analysis(
        rows,
        study="evaluation_id",
        participants="n_treated" if rows["n_treated"].notna().all() else None,
    )


def _subgroups(rows: pd.DataFrame, column: str) -> SubgroupResult | None:
    used = rows.assign(**{column: rows[column].fillna("unknown").astype(str)})
    if used[column].nunique() < 2 or len(used) < 3:
        return None
    return subgroup_analysis(used, by=column)


def synthesise_outcome(
    studies: pd.DataFrame,
    outcome: str,
    follow_up_months: int,
    *,
    min_sms_level: int = MIN_SMS_LEVEL,
) -> OutcomeEvidence:
    """Pool the published evaluations of ``outcome`` at ``follow_up_months`` by the lab's rule.

    Parameters
    ----------
    studies
        From :func:`studies_from_results`.
    outcome, follow_up_months
        Which effects to pool: only evaluations of the same outcome at the same follow-up.
    min_sms_level
        Lowest Maryland SMS level in the main estimate (default 3; see the module notes).

    Returns
    -------
    OutcomeEvidence
    """
    rows = studies[
        (studies["outcome"] == outcome) & (studies["follow_up_months"] == follow_up_months)
    ].reset_index(drop=True)
    if rows.empty:
        raise InputError(
            f"No published evaluation reports {outcome!r} at {follow_up_months} months."
        )
    numbered = rows["estimate"].notna() & (rows["std_error"] > 0)
    level_ok = pd.to_numeric(rows["sms_level"], errors="coerce") >= min_sms_level
    excluded = []
    for _, row in rows[~numbered].iterrows():
        excluded.append(
            (
                row["evaluation_id"],
                "withheld" if row["verdict"] == "withheld" else "no_standard_error",
            )
        )
    for _, row in rows[numbered & ~level_ok].iterrows():
        excluded.append((row["evaluation_id"], f"sms_level_{row['sms_level']}"))
    included = rows[numbered & level_ok].reset_index(drop=True)
    everything = rows[numbered].reset_index(drop=True)
    main = _pool(included)
    sensitivity = _pool(everything) if len(everything) > len(included) else None
    asymmetry = egger_test(included, min_studies=EGGER_MIN_STUDIES) if len(included) >= 2 else None
    strength, reasons = evidence_strength(
        main, asymmetry, k_excluded=int((numbered & ~level_ok).sum())
    )
    costs = included["cost_per_participant"].dropna()
    return OutcomeEvidence(
        outcome=outcome,
        follow_up_months=int(follow_up_months),
        kind=str(rows["kind"].iloc[0]) if rows["kind"].notna().any() else None,
        direction=str(rows["direction"].iloc[0]) if rows["direction"].notna().any() else None,
        main=main,
        sensitivity=sensitivity,
        excluded=pd.DataFrame(excluded, columns=["evaluation_id", "reason"]),
        by_target_group=_subgroups(included, "target_group") if main else None,
        by_design=_subgroups(included, "design") if main else None,
        asymmetry=asymmetry,
        strength=strength,
        strength_reasons=reasons,
        studies=included,
        n_participants=int(pd.to_numeric(included["n_treated"], errors="coerce").fillna(0).sum()),
        cost_per_participant=float(costs.median()) if len(costs) else None,
        min_sms_level=min_sms_level,
    )
