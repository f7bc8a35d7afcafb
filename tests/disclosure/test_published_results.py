from __future__ import annotations

import json
from typing import Any

import pytest

from outcomelab.disclosure import DisclosurePolicy, publishable_results
from outcomelab.errors import DisclosureError


def _results(analysed: int = 212) -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "evaluation_id": "INT1-abc",
        "language": "en",
        "sample_flow": {
            "submitted": 233,
            "valid": 226,
            "eligible": 218,
            "analysed": analysed,
            "comparison_pool": 2011,
            "comparison_analysed": 1998,
            "dropped": [
                {"stage": "valid", "reason": "no outcome data", "count": 4},
                {"stage": "valid", "reason": "start after end", "count": 3},
                {"stage": "eligible", "reason": "too little follow-up", "count": 8},
                {"stage": "analysed", "reason": "unbalanced panel", "count": 2},
            ],
        },
        "outcomes": [
            {
                "code": "employment",
                "estimate": 0.08,
                "std_error": 0.02,
                "conf_low": 0.04,
                "conf_high": 0.12,
                "p_value": 0.001,
                "p_value_holm": 0.001,
                "n_treated": analysed,
                "n_control": 1998,
                "verdict": "positive",
            },
            {
                "code": "sick_leave_days",
                "estimate": -2.0,
                "std_error": 1.0,
                "conf_low": -4.0,
                "conf_high": 0.0,
                "p_value": 0.05,
                "p_value_holm": 0.05,
                "n_treated": 41,
                "n_control": 300,
                "verdict": "inconclusive",
            },
        ],
        "robustness": [],
    }


def test_small_cohort_is_not_published() -> None:
    with pytest.raises(DisclosureError, match=r"analysed 59 participants.*at least 60"):
        publishable_results(_results(analysed=59))


def test_counts_rounded_small_groups_merged_and_subgroups_withheld() -> None:
    original = _results()
    out = publishable_results(original, DisclosurePolicy())
    flow = out.results["sample_flow"]
    assert flow["submitted"] == 235 and flow["analysed"] == 210 and flow["valid"] == 225
    dropped = {(d["stage"], d["reason"]): d["count"] for d in flow["dropped"]}
    # 4 + 3 at stage "valid" merge to 7 (>= 5): published, rounded to 5
    assert dropped[("valid", "other reasons (each fewer than 5)")] == 5
    # 2 at stage "analysed" stays below 5 after merging: hidden
    assert dropped[("analysed", "other reasons (each fewer than 5)")] is None
    assert dropped[("eligible", "too little follow-up")] == 10
    employment, sick = out.results["outcomes"]
    assert employment["estimate"] == 0.08 and employment["n_treated"] == 210
    assert sick["estimate"] is None and sick["verdict"] == "withheld" and sick["n_treated"] is None
    reasons = [entry["reason"] for entry in out.results["disclosure"]["log"]]
    assert reasons.count("cohort") == 1 and "secondary" in reasons
    # the input is not modified and the output is JSON-serialisable
    assert original["sample_flow"]["submitted"] == 233
    json.dumps(out.results)


def _state_panel(persons_analysed: int, smallest: int = 500_000) -> dict[str, Any]:
    """21 treated states against 29: few units, many persons behind each number."""
    results = _results(analysed=21)
    results["sample_flow"].update(
        {"submitted": 21, "valid": 21, "eligible": 20, "analysed": 20, "comparison_pool": 29,
         "comparison_analysed": 29}
    )  # fmt: skip
    results["sample_flow"]["dropped"] = [
        {"stage": "eligible", "reason": "too little follow-up", "count": 1}
    ]
    results["outcomes"] = [
        dict(results["outcomes"][0], code="log_homicide_rate", n_treated=20, n_control=29,
             persons_treated=persons_analysed),
        dict(results["outcomes"][1], code="local.other", n_treated=2, n_control=29,
             persons_treated=45),
    ]  # fmt: skip
    results["unit_of_analysis"] = {
        "unit": "state",
        "weight": "population",
        "persons_analysed": persons_analysed,
        "min_unit_persons": smallest,
    }
    return results


def test_a_panel_of_few_states_is_published_by_the_persons_behind_them():
    # issue 10: the 60-person minimum blocked a 50-state panel because it counted states
    published = publishable_results(_state_panel(persons_analysed=120_000_000))
    out = published.results
    assert out["sample_flow"]["analysed"] == 20  # unit counts are not person counts
    assert out["sample_flow"]["dropped"][0]["count"] == 1
    assert out["outcomes"][0]["estimate"] == 0.08
    # an outcome whose treated units cover too few persons is withheld
    assert out["outcomes"][1]["estimate"] is None
    assert out["outcomes"][1]["verdict"] == "withheld"
    assert [(s.row, s.reason, s.detail) for s in published.log] == [
        ("local.other", "cohort", "treated units cover fewer than 60 persons")
    ]


def test_units_covering_too_few_persons_are_not_published():
    with pytest.raises(DisclosureError, match="cover 40 persons"):
        publishable_results(_state_panel(persons_analysed=40))
    with pytest.raises(DisclosureError, match="stand for 3 persons"):
        publishable_results(_state_panel(persons_analysed=5000, smallest=3))
