from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from outcomelab.results import EffectResult, normal_inference


def _result() -> EffectResult:
    return EffectResult.from_estimate(
        0.5, 0.2, n_treated=10, n_control=20, method="test", estimand="ATT, test"
    )


def test_normal_inference_matches_scipy() -> None:
    low, high, p = normal_inference(0.5, 0.2, alpha=0.05)
    z = stats.norm.ppf(0.975)
    assert low == pytest.approx(0.5 - z * 0.2, rel=1e-12)
    assert high == pytest.approx(0.5 + z * 0.2, rel=1e-12)
    assert p == pytest.approx(2 * stats.norm.sf(2.5), rel=1e-12)


def test_result_is_immutable_and_tidy_is_a_copy() -> None:
    res = _result()
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.estimate = 1.0  # type: ignore[misc]
    table = res.tidy()
    table.loc[0, "estimate"] = 99.0
    assert res.tidy().loc[0, "estimate"] == 0.5
    with pytest.raises(TypeError):
        res.diagnostics["x"] = 1  # type: ignore[index]


def test_to_dict_is_json_safe_with_nan() -> None:
    terms = pd.DataFrame(
        {
            "term": ["a", "b"],
            "estimate": [1.0, np.nan],
            "std_error": [0.1, 0.2],
            "conf_low": [0.8, np.nan],
            "conf_high": [1.2, np.nan],
            "p_value": [0.01, np.nan],
        }
    )
    res = EffectResult(
        1.0, 0.1, 0.8, 1.2, 0.01, 3, 4, "m", "ATT", terms=terms, diagnostics={"k": np.int64(2)}
    )
    payload = json.loads(json.dumps(res.to_dict()))
    assert payload["terms"][1]["estimate"] is None
    assert payload["diagnostics"]["k"] == 2
    assert res.coef()["a"] == 1.0


def test_terms_must_have_tidy_columns() -> None:
    with pytest.raises(ValueError, match="lacks the columns"):
        EffectResult(1.0, 0.1, 0.8, 1.2, 0.01, 3, 4, "m", "ATT", terms=pd.DataFrame({"x": [1]}))


def test_summary_and_html_mention_headline() -> None:
    res = _result()
    assert "0.5" in res.summary() and "treated units: 10" in res.summary()
    assert "<table" in res._repr_html_()
    assert res.significant
