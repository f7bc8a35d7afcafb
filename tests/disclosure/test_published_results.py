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
