from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest


def make_results(
    intervention_id: str,
    *,
    name: str,
    organisation: str,
    code: str,
    target_group: str,
    estimate: float,
    analysed: int = 240,
    lang: str = "en",
) -> dict[str, Any]:
    """A results.json payload following data_schemas/results/results.schema.json (v1.0)."""
    version_hash = hashlib.sha256(intervention_id.encode()).hexdigest()
    se = 0.02
    significant = abs(estimate / se) > 1.96
    verdict = (
        "positive"
        if significant and estimate > 0
        else "negative"
        if significant
        else "inconclusive"
    )

    def outcome(code_: str, primary: bool, est: float, n: int) -> dict[str, Any]:
        return {
            "code": code_,
            "name": code_,
            "primary": primary,
            "kind": "rate",
            "unit": "share",
            "direction": "higher_is_better",
            "estimate": est,
            "std_error": se,
            "conf_low": est - 1.96 * se,
            "conf_high": est + 1.96 * se,
            "p_value": 0.01,
            "p_value_holm": 0.01,
            "n_treated": n,
            "n_control": 2000,
            "significant": significant,
            "verdict": verdict,
            "estimand": "ATT",
            "method": "att_gt/dr",
        }

    return {
        "schema_version": "1.0",
        "evaluation_id": f"{intervention_id}-{version_hash[:12]}",
        "language": lang,
        "outcomelab_version": "0.1.0",
        "intervention": {
            "id": intervention_id,
            "name": name,
            "organisation": {"name": organisation, "type": "municipality", "code": code},
            "target_group": target_group,
            "funding_form": "social_investment_fund",
        },
        "submission": {"id": None, "version_hash": version_hash},
        "design": {
            "requested": "auto",
            "chosen": "did",
            "estimator": "att_gt",
            "reason": "Staggered starts with enough pre-periods.",
            "control_group": "never_treated",
            "follow_up_months": 24,
            "alpha": 0.05,
            "seed": 1,
            "covariates": [],
        },
        "evidence": {
            "sms_level": 3,
            "sms_reasons": ["Comparison group with before-after data."],
            "wwc_verdict": "satisfied",
            "wwc_reasons": [],
            "max_abs_smd": 0.03,
        },
        "sample_flow": {
            "submitted": analysed + 13,
            "valid": analysed + 6,
            "eligible": analysed + 2,
            "analysed": analysed,
            "comparison_pool": 2011,
            "comparison_analysed": 2000,
            "dropped": [
                {"stage": "valid", "reason": "no outcome data", "count": 4},
                {"stage": "valid", "reason": "start after end", "count": 3},
                {"stage": "eligible", "reason": "too little follow-up", "count": 4},
                {"stage": "analysed", "reason": "unbalanced panel", "count": 2},
            ],
        },
        "outcomes": [
            outcome("employment", True, estimate, analysed),
            outcome("sick_leave_days", False, -estimate, 45),
        ],
        "robustness": [],
        "diagnostics": {},
        "economics": None,
        "headline": {
            "text": f"For every 100 participants, {round(100 * estimate)} more were in work.",
            "verdict": verdict,
            "outcome": "employment",
        },
        "parameters": {"seed": 1},
        "figures": ["event_study.png"],
    }


def write_evaluation(root: Path, results: dict[str, Any]) -> Path:
    folder = root / results["evaluation_id"]
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, results["outcomes"][0]["estimate"]])
    fig.savefig(folder / "event_study.png")
    plt.close(fig)
    return folder


@pytest.fixture()
def evaluations(tmp_path: Path) -> Path:
    root = tmp_path / "evaluations"
    specs = [
        ("INT-A", "Vägen till arbete", "Norrköping", "0581", "unemployed", 0.08, 240),
        ("INT-B", "Unga in", "Göteborg", "1480", "children_young_people", 0.01, 180),
        ("INT-C", "Hälsa först", "Region Skåne", "12", "mental_ill_health", -0.07, 300),
        ("INT-D", "Liten pilot", "Ystad", "1286", "unemployed", 0.20, 40),
    ]
    for iid, name, org, code, group, est, n in specs:
        write_evaluation(
            root,
            make_results(
                iid,
                name=name,
                organisation=org,
                code=code,
                target_group=group,
                estimate=est,
                analysed=n,
            ),
        )
    return root
