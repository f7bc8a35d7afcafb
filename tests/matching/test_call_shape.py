"""The one call shape in matching/, balance/ and sensitivity/ (issue 13): every result offers
tidy()/to_dict()/summary(), and covariates, weights and alpha follow outcomelab._checks.

Sample sizes against MatchIt 4.5.1's ``summary()$nn`` (tests/reference/balance_lalonde): counts
exact, effective sample sizes 1e-8 relative.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.balance import balance
from outcomelab.errors import InputError, ParameterError
from outcomelab.matching import match, weighting
from outcomelab.results import Result
from outcomelab.sensitivity import e_value, rosenbaum_bounds

REF = Path(__file__).parents[1] / "reference"
FORMULA = "age + educ + race + married + nodegree + re74 + re75"


@pytest.fixture(scope="module")
def lalonde() -> pd.DataFrame:
    return pd.read_csv(REF / "lalonde" / "lalonde.csv", index_col=0)


@pytest.mark.parametrize(
    ("nn_file", "kwargs"),
    [
        ("att_nearest_nn.csv", {}),
        ("ate_subclass_nn.csv", {"method": "subclass", "estimand": "ATE", "subclass": 6}),
    ],
)
def test_match_tidy_gives_matchits_sample_sizes(lalonde, nn_file, kwargs):
    m = match(lalonde, treatment="treat", covariates=FORMULA, **kwargs)
    ours = m.tidy().set_index("group")
    nn = pd.read_csv(REF / "balance_lalonde" / nn_file, index_col=0)
    for group, column in (("treated", "Treated"), ("comparison", "Control")):
        assert ours.loc[group, "all"] == nn.loc["All", column]
        assert ours.loc[group, "matched"] == nn.loc["Matched", column]
        assert ours.loc[group, "unmatched"] == nn.loc["Unmatched", column]
        assert ours.loc[group, "discarded"] == nn.loc["Discarded", column]
        assert ours.loc[group, "ess"] == pytest.approx(nn.loc["Matched (ESS)", column], rel=1e-8)


def test_every_result_follows_the_result_protocol(lalonde):
    m = match(lalonde, treatment="treat", covariates=FORMULA)
    table = m.balance()
    pairs = m.matched_data.dropna(subset=["subclass"]).sort_values(["subclass", "treat"])
    diffs = pairs.groupby("subclass")["re78"].agg(lambda s: s.iloc[1] - s.iloc[0])
    results = {
        "MatchResult": m,
        "effect": m.effect("re78"),
        "weighting": weighting(lalonde, outcome="re78", treatment="treat", covariates=FORMULA),
        "BalanceTable": table,
        "WWCVerdict": table.wwc_verdict(),
        "RosenbaumBounds": rosenbaum_bounds(diffs.to_numpy()),
        "EValue": e_value(1.8, conf_low=1.2, conf_high=2.7),
    }
    for name, res in results.items():
        assert isinstance(res, Result), name
        assert not hasattr(res, "to_frame"), name  # replaced by tidy()
        frame = res.tidy()
        assert isinstance(frame, pd.DataFrame) and len(frame) > 0, name
        first = frame.iloc[0, 0]
        frame.iloc[0, 0] = "changed" if isinstance(first, str) else first + 1
        assert res.tidy().iloc[0, 0] == first, name  # a copy: the result does not change
        json.dumps(res.to_dict(), allow_nan=False)
        assert isinstance(res.summary(), str) and res.summary(), name
    assert list(table.tidy().columns[:2]) == ["term", "type"]
    assert results["EValue"].tidy()["e_value"].tolist() == pytest.approx([3.0, 1.69], abs=0.01)


def test_covariates_follow_the_one_rule(lalonde):
    """A string equal to a column name is that column (never its letters); a plain sum is a list
    of columns; balance() takes columns only and says so for a transformation."""
    one = match(lalonde, treatment="treat", covariates="age")
    listed = match(lalonde, treatment="treat", covariates=["age"])
    pd.testing.assert_series_equal(one.weights, listed.weights)
    summed = balance(lalonde, treatment="treat", covariates="age + educ").tidy()
    assert summed["term"].tolist() == ["age", "educ"]
    with pytest.raises(ParameterError, match="transforms or interacts"):
        balance(lalonde, treatment="treat", covariates="age + I(age**2)")
    with pytest.raises(InputError, match="nosuch"):
        match(lalonde, treatment="treat", covariates="age + nosuch")
    with pytest.raises(InputError, match="empty"):
        match(lalonde, treatment="treat", covariates=[])
    m = match(lalonde, treatment="treat", covariates=FORMULA)
    with_list = m.effect("re78", ["age", "educ"])
    assert m.effect("re78", "age + educ").estimate == pytest.approx(with_list.estimate, rel=1e-12)
    assert m.effect("re78", []).estimate == pytest.approx(m.effect("re78").estimate, rel=1e-12)


def test_weights_and_alpha_follow_the_one_rule(lalonde):
    ones = np.ones(len(lalonde))
    with pytest.raises(ParameterError, match="`weights` must be the name of a column"):
        match(lalonde, treatment="treat", covariates=FORMULA, weights=ones)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="`weights` must be the name of a column"):
        weighting(lalonde, outcome="re78", treatment="treat", covariates=FORMULA, weights=ones)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="negative"):
        match(lalonde.assign(w=-ones), treatment="treat", covariates=FORMULA, weights="w")
    m = match(lalonde, treatment="treat", covariates=FORMULA)
    for bad in (95, 0.0, True):
        with pytest.raises(ParameterError, match="`alpha`"):
            m.effect("re78", alpha=bad)
        with pytest.raises(ParameterError, match="`alpha`"):
            weighting(lalonde, outcome="re78", treatment="treat", covariates=FORMULA, alpha=bad)
        with pytest.raises(ParameterError, match="`alpha`"):
            rosenbaum_bounds(np.array([1.0, 2.0, -0.5]), alpha=bad)
