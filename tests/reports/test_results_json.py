"""results.json: canonical text, rounding, schema validation (no kernel)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from outcomelab.errors import ReportError
from outcomelab.reports.results_json import (
    canonical,
    dumps,
    read_results,
    results_schema,
    validate_results,
    write_results,
)


def minimal_results() -> dict[str, object]:
    outcome = {
        "code": "employment",
        "name": "Employment",
        "primary": True,
        "kind": "rate",
        "direction": "higher_is_better",
        "estimate": 0.08,
        "std_error": 0.02,
        "conf_low": 0.04,
        "conf_high": 0.12,
        "p_value": 0.0001,
        "p_value_holm": 0.0001,
        "n_treated": 100,
        "n_control": 900,
        "significant": True,
        "verdict": "positive",
        "estimand": "ATT",
        "method": "att_gt/dr",
    }
    return {
        "schema_version": "1.0",
        "evaluation_id": "X-abc",
        "language": "en",
        "outcomelab_version": "0.1.0",
        "intervention": {
            "id": "X",
            "name": None,
            "target_group": None,
            "funding_form": None,
            "organisation": {"name": None, "type": None, "code": None},
        },
        "submission": {"id": None, "version_hash": "ab" * 32},
        "design": {
            "requested": "auto",
            "chosen": "did",
            "estimator": "att_gt",
            "reason": "r",
            "control_group": "never_treated",
            "follow_up_months": 24,
            "alpha": 0.05,
            "seed": 1,
            "covariates": [],
        },
        "evidence": {
            "sms_level": 3,
            "sms_reasons": [],
            "wwc_verdict": "satisfied",
            "wwc_reasons": [],
            "max_abs_smd": 0.01,
        },
        "sample_flow": {
            "submitted": 1,
            "valid": 1,
            "eligible": 1,
            "analysed": 1,
            "comparison_pool": 1,
            "comparison_analysed": 1,
            "dropped": [],
        },
        "outcomes": [outcome],
        "robustness": [],
        "diagnostics": {"pretrend": None},
        "economics": None,
        "headline": {"text": "t", "verdict": "positive", "outcome": "employment"},
        "parameters": {},
    }


def test_canonical_rounds_and_converts() -> None:
    out = canonical({"a": np.float64(1 / 3), "b": np.int64(2), "c": (np.nan, math.inf), "d": -0.0})
    assert out == {"a": 0.33333333333333, "b": 2, "c": [None, None], "d": 0.0}
    assert canonical(123456789.123456789) == 123456789.12346


def test_dumps_is_sorted_and_stable() -> None:
    text = dumps({"b": 1, "a": {"z": 0.1 + 0.2, "y": 1}})
    assert text.index('"a"') < text.index('"b"')
    assert text.index('"y"') < text.index('"z"')
    assert dumps(json.loads(text)) == text


def test_unsupported_type_is_a_report_error() -> None:
    with pytest.raises(ReportError, match="cannot hold a value of type object"):
        canonical({"x": object()})


def test_schema_accepts_minimal_results_and_names_violations(tmp_path: Path) -> None:
    assert results_schema()["properties"]["schema_version"]["const"] == "1.0"
    results = minimal_results()
    path = write_results(results, tmp_path / "results.json")
    assert read_results(path)["outcomes"][0]["verdict"] == "positive"
    bad = minimal_results()
    bad["outcomes"][0]["verdict"] = "great"  # type: ignore[index]
    del bad["headline"]
    with pytest.raises(ReportError, match=r"outcomes/0/verdict.*'great'|'headline' is a required"):
        validate_results(bad)


def test_read_results_rejects_other_versions(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"schema_version": "0.9"}))
    with pytest.raises(ReportError, match=r"schema_version '0\.9'"):
        read_results(path)
