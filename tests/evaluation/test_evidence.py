"""SMS level, WWC baseline equivalence, design choice and the sample flow (no kernel)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.balance import balance
from outcomelab.errors import EstimationError, ReportError
from outcomelab.evaluation.design_choice import choose_design
from outcomelab.evaluation.evidence import baseline_equivalence, evidence_rating
from outcomelab.evaluation.sample_flow import SampleFlow
from outcomelab.vocabulary.phrases import in_language


def _two_groups(shift: float, n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    d = np.repeat([1, 0], n)
    x = rng.normal(size=n)
    x = np.tile((x - x.mean()) / x.std(), 2)  # the same values in both groups
    return pd.DataFrame({"d": d, "x": x + shift * d, "w": 1.0})


def test_baseline_equivalence_is_balance_wwc_verdict_in_results_codes() -> None:
    data = pd.DataFrame(
        {
            "d": [1, 1, 1, 1, 0, 0, 0, 0, 0],
            "x": [1.0, 2.0, 3.0, 4.0, 2.0, 3.0, 4.0, 5.0, 9.0],
            "b": [1, 1, 0, 0, 1, 0, 0, 0, 1],
            "w": [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 0.0],
        }
    )
    eq = baseline_equivalence(data, treatment="d", covariates=["x", "b"], weights="w")
    tab = balance(data, treatment="d", covariates=["x", "b"], weights="w")
    after = tab.wwc_verdict(sample="after").table.set_index("term")
    before = tab.wwc_verdict(sample="before").table.set_index("term")
    table = eq.table.set_index("covariate")
    for cov in ("x", "b"):
        assert table.loc[cov, "smd"] == pytest.approx(after.loc[cov, "effect_size"], rel=1e-12)
        assert table.loc[cov, "smd_unadjusted"] == pytest.approx(
            before.loc[cov, "effect_size"], rel=1e-12
        )
    assert table.loc["b", "kind"] == "binary"
    assert table.loc["x", "kind"] == "continuous"
    assert eq.max_abs_smd == pytest.approx(after["effect_size"].abs().max())
    assert eq.verdict == "not_satisfied"
    assert eq.worst == str(after["effect_size"].abs().idxmax())
    records = eq.to_records()
    assert [r["covariate"] for r in records] == ["x", "b"]
    assert set(records[0]) == {"covariate", "smd", "kind", "verdict"}


def test_middle_band_maps_to_adjustment_required_with_the_adjustment_named() -> None:
    data = _two_groups(0.15)
    made = baseline_equivalence(
        data, treatment="d", covariates=["x"], weights="w", adjusted_for=["x"]
    )
    assert (made.verdict, made.adjusted) == ("adjustment_required", True)
    missing = baseline_equivalence(data, treatment="d", covariates=["x"], weights="w")
    assert (missing.verdict, missing.adjusted) == ("adjustment_required", False)
    yes = in_language(evidence_rating(design="did", equivalence=made).wwc_reasons[0], "en")
    no = in_language(evidence_rating(design="did", equivalence=missing).wwc_reasons[0], "en")
    assert yes.endswith("which it does.") and no.endswith("which it does not.")
    close = baseline_equivalence(_two_groups(0.0), treatment="d", covariates=["x"], weights="w")
    assert close.verdict == "satisfied"


def test_constant_covariate_is_not_applicable() -> None:
    data = _two_groups(0.0).assign(c=1.0)
    eq = baseline_equivalence(data, treatment="d", covariates=["c"], weights="w")
    assert (eq.verdict, eq.max_abs_smd) == ("not_applicable", None)
    assert eq.to_records() == [
        {"covariate": "c", "smd": None, "kind": "binary", "verdict": "not_applicable"}
    ]
    reason = evidence_rating(design="did", equivalence=eq).wwc_reasons[0]
    assert "No baseline" in in_language(reason, "en")


def test_sms_level_three_lowered_by_failed_pretrend_test() -> None:
    data = pd.DataFrame({"d": [1, 0] * 50, "x": np.tile([1.0, 1.0], 50), "w": 1.0})
    data.loc[::4, "x"] = 2.0
    eq = baseline_equivalence(
        data, treatment="d", covariates=["x"], weights="w", adjusted_for=["x"]
    )
    good = evidence_rating(design="did", equivalence=eq, pretrend_p=0.4)
    assert good.sms_level == 3
    bad = evidence_rating(design="did", equivalence=eq, pretrend_p=0.01)
    assert bad.sms_level == 2
    assert any("parallella trender" in in_language(r, "sv") for r in bad.sms_reasons)
    assert any("parallel trends" in in_language(r, "en") for r in bad.sms_reasons)
    assert bad.to_dict("sv")["wwc_verdict"] == eq.verdict


def test_auto_design_choice() -> None:
    staggered = choose_design([2019, 2020, 2021], range(2015, 2025))
    assert (staggered.chosen, staggered.estimator, staggered.pre_periods) == ("did", "att_gt", 4)
    single = choose_design([2019, 2019, 0], range(2015, 2025))
    assert single.estimator == "did_2x2"
    assert "samma år" in in_language(single.reason, "sv")
    short = choose_design([2016, 2017], range(2015, 2025))
    assert short.chosen == "matching"
    assert "only 1 year" in in_language(short.reason, "en")
    both = choose_design([2016, 2017], range(2015, 2025), requested="both")
    assert both.chosen == "both" and both.estimator == "att_gt"


def test_did_without_pre_period_is_refused() -> None:
    with pytest.raises(EstimationError, match="at least one observed year before"):
        choose_design([2015], range(2015, 2020), requested="did")
    with pytest.raises(EstimationError, match="No participant"):
        choose_design([0, 0], range(2015, 2020))


def test_sample_flow_table_and_checks() -> None:
    flow = SampleFlow.build(
        submitted=100,
        valid=95,
        eligible=80,
        analysed=80,
        comparison_pool=500,
        comparison_analysed=480,
        reasons=[
            ("valid", "no outcome records", 5),
            ("eligible", "started too late", 15),
            ("analysed", "x", 0),
        ],
    )
    d = flow.to_dict("en")
    assert d["dropped"] == [
        {"stage": "valid", "reason": "no outcome records", "count": 5},
        {"stage": "eligible", "reason": "started too late", "count": 15},
    ]
    table = flow.table("en")
    assert table.iloc[2].tolist() == ["Eligible", "80", "15 started too late"]
    with pytest.raises(ReportError, match="must not grow"):
        SampleFlow.build(
            submitted=10, valid=12, eligible=5, analysed=5, comparison_pool=1, comparison_analysed=1
        )


def test_odds_weights_match_a_statsmodels_logit() -> None:
    import statsmodels.api as sm

    from outcomelab.evaluation.diagnostics import odds_weights

    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 2))
    d = (rng.random(400) < 1 / (1 + np.exp(-(0.5 * x[:, 0] - x[:, 1])))).astype(int)
    data = pd.DataFrame({"treated": d, "a": x[:, 0] * 100 + 2000, "b": x[:, 1]})
    w = odds_weights(data, ["a", "b"])
    fit = sm.Logit(d, sm.add_constant(x)).fit(disp=0)
    p = fit.predict(sm.add_constant(x))
    expected = np.where(d == 1, 1.0, p / (1 - p))
    np.testing.assert_allclose(w, expected, rtol=1e-8)
