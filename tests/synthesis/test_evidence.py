"""The lab's evidence rule on published (disclosure-controlled) results: inclusion, sensitivity,
strength, and the refusal of unpublished copies."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from outcomelab.disclosure import DisclosurePolicy, publishable_results
from outcomelab.errors import DisclosureError, InputError, ReadError
from outcomelab.synthesis import meta_analysis
from outcomelab.synthesis.evidence import (
    evidence_strength,
    read_published,
    studies_from_results,
    synthesise_outcome,
)


def _raw(
    eid: str,
    estimate: float,
    se: float,
    *,
    sms: int = 3,
    n: int = 200,
    group: str = "unemployed",
    design: str = "did",
    n_outcome: int | None = None,
) -> dict[str, Any]:
    version = hashlib.sha256(eid.encode()).hexdigest()
    outcome = {
        "code": "employment",
        "name": "Employment",
        "primary": True,
        "kind": "rate",
        "unit": "share",
        "direction": "higher_is_better",
        "estimate": estimate,
        "std_error": se,
        "conf_low": estimate - 1.96 * se,
        "conf_high": estimate + 1.96 * se,
        "p_value": 0.05,
        "p_value_holm": 0.05,
        "n_treated": n_outcome or n,
        "n_control": 1500,
        "significant": False,
        "verdict": "inconclusive",
        "estimand": "ATT",
        "method": "att_gt/dr",
    }
    return {
        "schema_version": "1.0",
        "evaluation_id": f"{eid}-{version[:12]}",
        "language": "en",
        "outcomelab_version": "0.1.0",
        "intervention": {
            "id": eid,
            "name": f"Programme {eid}",
            "target_group": group,
            "organisation": {"name": "Kommun", "type": "municipality", "code": "0581"},
            "funding_form": "social_investment_fund",
        },
        "submission": {"id": None, "version_hash": version},
        "design": {
            "requested": "auto",
            "chosen": design,
            "estimator": "att_gt",
            "reason": "-",
            "control_group": "never_treated",
            "follow_up_months": 24,
            "alpha": 0.05,
            "seed": 1,
            "covariates": [],
        },
        "evidence": {
            "sms_level": sms,
            "sms_reasons": [],
            "wwc_verdict": "satisfied",
            "wwc_reasons": [],
            "max_abs_smd": 0.02,
        },
        "sample_flow": {
            "submitted": n,
            "valid": n,
            "eligible": n,
            "analysed": n,
            "comparison_pool": 1500,
            "comparison_analysed": 1500,
            "dropped": [],
        },
        "outcomes": [outcome],
        "robustness": [],
        "diagnostics": {},
        "economics": {"payers": [{"payer": "total", "pv_costs_sek": 40_000.0 * n}]},
        "headline": {"text": "-", "verdict": "inconclusive", "outcome": "employment"},
        "parameters": {},
    }


def _published(*specs: tuple) -> list[dict[str, Any]]:
    policy = DisclosurePolicy()
    return [
        publishable_results(_raw(*s[:3], **(s[3] if len(s) > 3 else {})), policy).results
        for s in specs
    ]


def test_main_estimate_leaves_out_low_levels_and_sensitivity_keeps_them() -> None:
    results = _published(
        ("A", 0.06, 0.02),
        ("B", 0.09, 0.03),
        ("C", 0.05, 0.025),
        ("D", 0.20, 0.04, {"sms": 2}),
    )
    studies = studies_from_results(results)
    evidence = synthesise_outcome(studies, "employment", 24)
    assert evidence.main is not None and evidence.main.k == 3
    assert evidence.sensitivity is not None and evidence.sensitivity.k == 4
    assert evidence.sensitivity.estimate > evidence.main.estimate  # the level-2 outlier pulls up
    assert evidence.excluded.to_dict("records")[0]["reason"] == "sms_level_2"
    # the main estimate is exactly a meta-analysis of the three included published numbers
    direct = meta_analysis(studies[studies["sms_level"] >= 3])
    assert evidence.main.estimate == pytest.approx(direct.estimate, abs=1e-12)
    assert evidence.n_participants == 600
    assert evidence.cost_per_participant == pytest.approx(40_000.0)
    assert "excluded" in evidence.strength_reasons
    json.dumps(evidence.to_dict())


def test_withheld_estimates_are_listed_not_pooled() -> None:
    """An estimate on 45 persons is withheld by disclosure control; synthesis lists it, and an
    evaluation of 40 persons is not published at all, so it never reaches synthesis."""
    results = _published(("A", 0.06, 0.02), ("B", 0.09, 0.03), ("W", 0.1, 0.05, {"n_outcome": 45}))
    evidence = synthesise_outcome(studies_from_results(results), "employment", 24)
    assert evidence.main is not None and evidence.main.k == 2
    assert evidence.excluded.to_dict("records") == [
        {"evaluation_id": results[2]["evaluation_id"], "reason": "withheld"}
    ]
    with pytest.raises(DisclosureError, match="requires at least 60"):
        _published(("S", 0.1, 0.05, {"n": 40}))


def test_strength_grades() -> None:
    strong = _published(*[(f"E{i}", 0.08 + 0.005 * i, 0.02) for i in range(6)])
    evidence = synthesise_outcome(studies_from_results(strong), "employment", 24)
    assert evidence.strength == "strong"
    assert not evidence.asymmetry.tested  # six evaluations: Egger not run
    limited = _published(("A", 0.01, 0.03), ("B", -0.02, 0.04), ("C", 0.03, 0.03))
    evidence = synthesise_outcome(studies_from_results(limited), "employment", 24)
    assert evidence.strength == "limited" and "imprecise" in evidence.strength_reasons
    single = synthesise_outcome(
        studies_from_results(_published(("A", 0.1, 0.02))), "employment", 24
    )
    assert single.main is None and single.strength == "insufficient"
    assert evidence_strength(None, None) == ("insufficient", ("few_studies",))


def test_subgroups_by_target_group_and_design() -> None:
    results = _published(
        ("A", 0.10, 0.02, {"group": "unemployed"}),
        ("B", 0.11, 0.02, {"group": "unemployed"}),
        ("C", 0.01, 0.02, {"group": "newly_arrived", "design": "matching"}),
        ("D", 0.02, 0.02, {"group": "newly_arrived", "design": "matching"}),
    )
    evidence = synthesise_outcome(studies_from_results(results), "employment", 24)
    assert evidence.by_target_group is not None and evidence.by_design is not None
    assert evidence.by_target_group.q_between_p_value < 0.01
    levels = evidence.by_design.tidy()["level"].tolist()
    assert levels == ["did", "matching"]


def test_unpublished_results_are_refused(tmp_path: Path) -> None:
    raw = _raw("A", 0.06, 0.02)
    with pytest.raises(InputError, match="not a published copy"):
        studies_from_results([raw])
    (tmp_path / "a.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ReadError, match="not a published copy"):
        read_published(tmp_path)
    published = _published(("A", 0.06, 0.02))[0]
    (tmp_path / "a.json").write_text(json.dumps(published), encoding="utf-8")
    assert read_published(tmp_path)[0]["evaluation_id"] == published["evaluation_id"]
    with pytest.raises(ReadError, match="No published results"):
        read_published(tmp_path / "empty")


def test_other_follow_ups_are_not_pooled_together() -> None:
    studies = studies_from_results(_published(("A", 0.06, 0.02), ("B", 0.09, 0.03)))
    with pytest.raises(InputError, match="at 12 months"):
        synthesise_outcome(studies, "employment", 12)
    assert np.isfinite(synthesise_outcome(studies, "employment", 24).main.estimate)
