"""Pooling: grouped = one at a time, known-truth simulation, results API and the error paths."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import InputError, ParameterError, SingularDesignError
from outcomelab.synthesis import (
    POOLED_COLUMNS,
    egger_test,
    meta_analysis,
    meta_analysis_by,
    meta_regression,
    subgroup_analysis,
)


def _studies(k: int, mu: float, tau: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    se = rng.uniform(0.02, 0.12, k)
    theta = mu + tau * rng.standard_normal(k)
    return pd.DataFrame(
        {
            "study": [f"s{i}" for i in range(k)],
            "estimate": theta + se * rng.standard_normal(k),
            "std_error": se,
            "n": rng.integers(60, 900, k),
        }
    )


def test_grouped_pooling_equals_one_at_a_time() -> None:
    parts = [
        _studies(k, mu, 0.05, seed).assign(outcome=name)
        for k, mu, seed, name in [(5, 0.1, 1, "employment"), (12, -0.03, 2, "reoffending")]
    ]
    parts.append(_studies(1, 0.0, 0.0, 3).assign(outcome="single"))
    data = pd.concat(parts, ignore_index=True)
    for method in ("reml", "dl"):
        table = meta_analysis_by(data, by="outcome", method=method).set_index("outcome")
        assert list(table.columns) == list(POOLED_COLUMNS)
        for name in ("employment", "reoffending"):
            one = meta_analysis(data[data["outcome"] == name], method=method)
            row = table.loc[name]
            for field in ("estimate", "std_error", "conf_low", "tau2", "i2", "q", "pi_high"):
                assert row[field] == pytest.approx(getattr(one, field), abs=1e-12)
        single = table.loc["single"]
        assert not single["pooled"] and np.isnan(single["estimate"])
        assert single["reason"] == "one study: not pooled"


def test_grouping_by_outcome_and_follow_up_keeps_follow_ups_apart() -> None:
    a = _studies(4, 0.1, 0.0, 4).assign(outcome="employment", follow_up_months=12)
    b = _studies(4, 0.3, 0.0, 5).assign(outcome="employment", follow_up_months=24)
    table = meta_analysis_by(pd.concat([a, b]), by=["outcome", "follow_up_months"])
    assert table[["outcome", "follow_up_months"]].values.tolist() == [
        ["employment", 12],
        ["employment", 24],
    ]
    assert table["estimate"].iloc[1] > table["estimate"].iloc[0] + 0.1


def test_hksj_covers_the_true_mean_and_reml_finds_tau2() -> None:
    """Known truth: 400 meta-analyses of 8 studies, mu = 0.05, tau = 0.04.

    Coverage of the 95 % HKSJ interval must lie within 3 binomial SEs of 0.95 (0.917-0.983); the
    mean REML tau² within 25 % of the truth (REML is nearly unbiased; Viechtbauer 2005).
    """
    rng = np.random.default_rng(7)
    n_meta, k, mu, tau = 400, 8, 0.05, 0.04
    se = rng.uniform(0.02, 0.08, (n_meta, k))
    y = mu + tau * rng.standard_normal((n_meta, k)) + se * rng.standard_normal((n_meta, k))
    data = pd.DataFrame(
        {"meta": np.repeat(np.arange(n_meta), k), "estimate": y.ravel(), "std_error": se.ravel()}
    )
    table = meta_analysis_by(data, by="meta")
    covered = (table["conf_low"] <= mu) & (mu <= table["conf_high"])
    assert abs(covered.mean() - 0.95) < 3 * np.sqrt(0.95 * 0.05 / n_meta)
    assert table["tau2"].mean() == pytest.approx(tau**2, rel=0.25)
    wald = meta_analysis_by(data, by="meta", ci="wald")
    wald_cov = ((wald["conf_low"] <= mu) & (mu <= wald["conf_high"])).mean()
    assert wald_cov < covered.mean()  # the Wald interval under-covers with 8 studies


def test_meta_regression_recovers_a_known_slope() -> None:
    rng = np.random.default_rng(11)
    k = 60
    year = rng.integers(2015, 2024, k)
    se = rng.uniform(0.01, 0.05, k)
    y = 0.02 + 0.01 * (year - 2015) + 0.01 * rng.standard_normal(k) + se * rng.standard_normal(k)
    res = meta_regression(
        pd.DataFrame({"estimate": y, "std_error": se, "year": year}), moderators="year"
    )
    row = res.tidy().set_index("term").loc["year"]
    assert row["conf_low"] < 0.01 < row["conf_high"]
    assert res.qm_p_value < 0.001


def test_result_api_is_read_only_and_json_safe() -> None:
    data = _studies(3, 0.1, 0.02, 8)
    res = meta_analysis(data, study="study", participants="n")
    assert res.n_participants == int(data["n"].sum())
    json.dumps(res.to_dict())
    tidy = res.tidy()
    assert tidy["term"].tolist() == ["s0", "s1", "s2", "pooled"]
    assert tidy["weight"].iloc[:3].sum() == pytest.approx(100.0)
    tidy.loc[0, "estimate"] = 99.0
    assert res.tidy().loc[0, "estimate"] != 99.0
    with pytest.raises(AttributeError):
        res.estimate = 0.0  # type: ignore[misc]
    assert "prediction interval" in res.summary()
    fig = res.plot()
    assert len(fig.axes) == 1


def test_two_studies_have_no_prediction_interval_and_say_so() -> None:
    res = meta_analysis(_studies(2, 0.1, 0.0, 9))
    assert np.isnan(res.pi_low) and np.isnan(res.pi_high)
    assert any("prediction interval" in n for n in res.notes)
    assert "not available" in res.summary()
    assert res.to_dict()["pi_low"] is None


def test_one_study_is_refused_with_a_clear_message() -> None:
    with pytest.raises(InputError, match=r"at least 2 studies; got 1\..*without pooling"):
        meta_analysis(_studies(1, 0.1, 0.0, 1))


def test_zero_standard_error_names_the_rows() -> None:
    data = _studies(4, 0.1, 0.0, 1)
    data.loc[2, "std_error"] = 0.0
    with pytest.raises(InputError, match=r"zero, negative or not finite in rows 2"):
        meta_analysis(data)


def test_missing_effect_and_unknown_column() -> None:
    data = _studies(4, 0.1, 0.0, 1)
    data.loc[1, "estimate"] = np.nan
    with pytest.raises(InputError, match=r"'estimate' has 1 missing values \(rows 1\)"):
        meta_analysis(data)
    with pytest.raises(InputError, match="not found"):
        meta_analysis(data, effect="att")


def test_bad_options_are_parameter_errors() -> None:
    data = _studies(4, 0.1, 0.0, 1)
    with pytest.raises(ParameterError, match="`method` must be one of"):
        meta_analysis(data, method="pm")
    with pytest.raises(ParameterError, match="exactly one of `std_error` and `variance`"):
        meta_analysis(data, variance="std_error")
    with pytest.raises(ParameterError, match="`alpha`"):
        meta_analysis(data, alpha=1.5)


def test_missing_moderator_names_the_rows() -> None:
    data = _studies(6, 0.1, 0.0, 1).assign(year=[2018, 2019, None, 2020, None, 2021])
    with pytest.raises(InputError, match=r"'year' are missing for 2 studies \(rows 2, 4\)"):
        meta_regression(data, moderators="year")


def test_constant_moderator_is_a_singular_design() -> None:
    data = _studies(6, 0.1, 0.0, 1).assign(design="did")
    with pytest.raises(SingularDesignError, match="single value"):
        meta_regression(data, moderators=["design", "n"], ci="wald")
    data["year"] = 2020
    with pytest.raises(SingularDesignError):
        meta_regression(data, moderators="year")


def test_meta_regression_needs_more_studies_than_coefficients() -> None:
    data = _studies(2, 0.1, 0.0, 1).assign(year=[2018, 2019])
    with pytest.raises(InputError, match="at least 3 studies"):
        meta_regression(data, moderators="year")


def test_subgroup_of_one_is_shown_but_not_tested() -> None:
    data = _studies(5, 0.1, 0.0, 3).assign(target=["youth", "youth", "youth", "adults", "sick"])
    res = subgroup_analysis(data, by="target")
    table = res.tidy().set_index("level")
    assert table.loc["adults", "estimate"] == pytest.approx(data.loc[3, "estimate"])
    assert not table.loc["adults", "pooled"]
    assert np.isnan(res.q_between) and res.q_between_df == 0
    assert "single study" in res.notes[0]
    data.loc[4, "target"] = None
    with pytest.raises(InputError, match="'target' is missing for 1 studies"):
        subgroup_analysis(data, by="target")


def test_egger_is_not_run_below_ten_studies() -> None:
    res = egger_test(_studies(9, 0.1, 0.0, 3))
    assert not res.tested and not res.asymmetric
    assert np.isnan(res.p_value)
    assert "9 studies" in res.reason
    with pytest.raises(ParameterError, match="min_studies"):
        egger_test(_studies(9, 0.1, 0.0, 3), min_studies=2)


def test_egger_detects_planted_small_study_effects() -> None:
    """Known truth: effects grow with the standard error (slope 1.5) -> asymmetric; none -> not."""
    rng = np.random.default_rng(5)
    se = rng.uniform(0.01, 0.15, 40)
    biased = pd.DataFrame(
        {"estimate": 0.05 + 1.5 * se + se * rng.standard_normal(40), "std_error": se}
    )
    clean = pd.DataFrame({"estimate": 0.05 + se * rng.standard_normal(40), "std_error": se})
    assert egger_test(biased).asymmetric
    assert not egger_test(clean).asymmetric
