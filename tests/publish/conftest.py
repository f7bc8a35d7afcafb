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


def make_synthetic_results(block: dict[str, Any], *, persons: int = 24_000) -> dict[str, Any]:
    """results.json of a municipality-level evaluation whose primary outcome's estimate comes
    from ``block`` (``SyntheticRun.to_dict()`` as results.json stores it)."""
    results = make_results(
        "0581-SYNT",
        name="Kommunal ungdomsgaranti",
        organisation="Norrköping",
        code="0581",
        target_group="children_young_people",
        estimate=float(block["estimate"]),
        analysed=1,
        lang="sv",
    )
    n_control = int(block["n_control"])
    primary = results["outcomes"][0]
    primary.update(
        {k: block[k] for k in ("estimate", "std_error", "conf_low", "conf_high", "p_value")},
        n_treated=1,
        n_control=n_control,
        persons_treated=persons,
        method=block.get("method", "synthdid/sdid/placebo"),
    )
    significant = block["p_value"] is not None and block["p_value"] < 0.05
    primary["significant"] = significant
    primary["verdict"] = (
        ("positive" if block["estimate"] > 0 else "negative") if significant else "inconclusive"
    )
    results["headline"]["verdict"] = primary["verdict"]
    results["outcomes"] = [primary]
    results["design"].update(
        chosen="synthetic", estimator=block["design"], control_group="synthetic"
    )
    results["unit_of_analysis"] = {
        "unit": "municipality",
        "weight": "population",
        "persons_analysed": persons,
        "persons_comparison": 1_200_000,
        "min_unit_persons": 300,
    }
    results["sample_flow"] = {
        "submitted": 1,
        "valid": 1,
        "eligible": 1,
        "analysed": 1,
        "comparison_pool": n_control,
        "comparison_analysed": n_control,
        "dropped": [],
    }
    results["synthetic"] = block
    per100 = {
        "sv": f"{100 * block['estimate']:.1f}".replace(".", ","),
        "en": f"{100 * block['estimate']:.1f}",
    }
    words = {
        "sv": (
            f"Per 100 personer som måttet gäller var i genomsnitt {per100['sv']} fler "
            "förvärvsarbetande i Norrköping under åren efter start än i den syntetiska "
            "kontrollgruppen.",
            "Insatsen gäller Norrköping. Därför används syntetisk difference-in-differences.",
            "Syntetisk kontrollgrupp med uppgifter för många år före och efter start: nivå 3.",
            "Förvärvsarbete",
        ),
        "en": (
            f"For every 100 persons the measure covers, on average {per100['en']} more were in "
            "work in Norrköping in the years after the start than in the synthetic comparison "
            "group.",
            "The intervention concerns Norrköping. Synthetic difference-in-differences is used.",
            "Synthetic comparison group with many years before and after the start: level 3.",
            "Employment",
        ),
    }
    results["texts"] = {
        lang: {
            "headline": headline,
            "design_reason": reason,
            "sms_reasons": [sms],
            "wwc_reasons": [],
            "dropped_reasons": [],
            "robustness_labels": [],
            "outcome_names": {"employment": name},
            "outcome_units": {"employment": "-"},
        }
        for lang, (headline, reason, sms, name) in words.items()
    }
    return results


@pytest.fixture(scope="session")
def synthetic_block() -> dict[str, Any]:
    """A synthetic DiD run (with synthetic control and HonestDiD) on 60 municipalities of the
    municipal example, as results.json stores it."""
    from outcomelab.evaluation.aggregate import run_synthetic
    from outcomelab.example.municipal import municipal_panel

    panel, _ = municipal_panel(n_treated=1, seed=4)
    units = panel["municipality"].unique()
    keep = set(units[:60]) | set(panel.loc[panel["cohort"] > 0, "municipality"])
    panel = panel[panel["municipality"].isin(keep)].rename(
        columns={"municipality": "unit_id", "year": "period"}
    )
    run = run_synthetic(
        panel, "employment", design="sdid", participants=panel, alpha=0.05, seed=1, extras=True
    )
    block: dict[str, Any] = json.loads(json.dumps(run.to_dict()))
    return block
