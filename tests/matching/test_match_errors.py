"""Bad input to match() and MatchResult.effect() raises the documented error or warning."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import (
    EmptyGroupError,
    EstimationError,
    InputError,
    NoOverlapError,
    ParameterError,
)
from outcomelab.matching import match


@pytest.fixture
def data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "sex": rng.choice(["f", "m"], n),
            "months": rng.integers(0, 12, n).astype(float),
        }
    )
    df["treat"] = (rng.random(n) < 0.3).astype(int)
    df["y"] = rng.normal(size=n) + df["treat"]
    return df


def test_unknown_covariate_is_named(data):
    with pytest.raises(InputError, match="'income'"):
        match(data, treatment="treat", covariates=["age", "income"])


def test_unknown_treatment_column(data):
    with pytest.raises(InputError, match="'treated'"):
        match(data, treatment="treated", covariates=["age"])


def test_non_binary_treatment(data):
    data["treat"] = data["treat"] * 2 + 1
    with pytest.raises(InputError, match="must be binary"):
        match(data, treatment="treat", covariates=["age"])


def test_missing_covariate_values_named_with_count(data):
    data.loc[[3, 7, 9], "months"] = np.nan
    with pytest.raises(InputError, match=r"'months' has 3 missing values \(rows 3, 7, 9\)"):
        match(data, treatment="treat", covariates="age + months")


def test_no_overlap_on_a_given_score(data):
    data["score"] = np.where(data["treat"] == 1, 0.9, 0.1) + np.linspace(0, 0.05, len(data))
    with pytest.raises(NoOverlapError, match="no common support"):
        match(data, treatment="treat", covariates=["age"], distance="score")


def test_complete_separation_names_the_covariate(data):
    data["age"] = np.where(data["treat"] == 1, 70.0, 30.0) + np.arange(len(data)) / 1000
    with pytest.raises(NoOverlapError, match="'age'"):
        match(data, treatment="treat", covariates=["age", "months"])


def test_quasi_separation_warns(data):
    treated = data.index[data["treat"] == 1]
    data["flag"] = 0
    data.loc[treated[:15], "flag"] = 1  # only treated units have flag = 1
    with pytest.warns(UserWarning, match="quasi-separation.*'flag'"):
        match(data, treatment="treat", covariates=["age", "flag"])


def test_too_few_controls_for_ratio_warns(data):
    with pytest.warns(UserWarning, match="not all treated units will get 3 matches"):
        m = match(data, treatment="treat", covariates=["age"], ratio=3)
    assert any("3 matches" in n for n in m.notes)


def test_fewer_controls_than_treated_warns(data):
    data["treat"] = 1 - data["treat"]
    with pytest.warns(UserWarning, match="fewer comparison units"):
        match(data, treatment="treat", covariates=["age"])


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"method": "full"}, "`method`"),
        ({"caliper_scale": "sd"}, "`caliper_scale`"),
        ({"order": "biggest"}, "`order`"),
        ({"discard": "all"}, "`discard`"),
        ({"estimand": "ATE"}, "estimand='ATE' is not available"),
        ({"estimand": "att"}, "`estimand`"),
        ({"caliper": {"age": "5"}}, r"`caliper\['age'\]` must be a positive number"),
        ({"caliper": {"age": -5}}, r"`caliper\['age'\]`"),
        ({"caliper": {}}, "empty mapping"),
        ({"caliper": {3: 1.0}}, "keys must be column names"),
        ({"caliper": "0.2"}, "`caliper` must be a positive number"),
        ({"caliper": [0.2]}, "`caliper` must be a positive number"),
        ({"ratio": True}, "`ratio`"),
        ({"ratio": 1.5}, "`ratio`"),
        ({"replace": "yes"}, "`replace`"),
        ({"seed": "x"}, "`seed`"),
        ({"exact": 5}, "`exact`"),
        ({"mahvars": ["age"], "method": "exact"}, "`mahvars`"),
        ({"distance": 3}, "`distance`"),
        ({"subclass": 1, "method": "subclass"}, "`subclass`"),
        ({"method": "optimal", "replace": True}, "without replacement"),
        ({"method": "optimal", "caliper": 0.2}, "takes no caliper"),
        ({"ratio": 0}, "`ratio`"),
        ({"caliper": -1.0}, "`caliper`"),
        ({"method": "mahalanobis", "caliper": 0.2}, "caliper needs a score"),
        ({"method": "mahalanobis", "mahvars": ["age"]}, "`mahvars`"),
        ({"method": "mahalanobis", "order": "largest"}, "order='largest'"),
        ({"method": "mahalanobis", "discard": "both"}, "discard='both'"),
    ],
)
def test_bad_options(data, kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        match(data, treatment="treat", covariates=["age"], **kwargs)


def test_caliper_on_unknown_or_text_column_is_named(data):
    """issue 12 item 4: match(caliper={"age": 5}) failed with a numpy TypeError."""
    with pytest.raises(InputError, match="`caliper` names 'income'"):
        match(data, treatment="treat", covariates=["age"], caliper={"income": 5})
    with pytest.raises(InputError, match="`caliper` must name numeric columns"):
        match(data, treatment="treat", covariates=["age"], caliper={"sex": 5})
    m = match(data, treatment="treat", covariates=["age"], caliper={"age": 5})
    pairs = m.match_matrix["control_1"].dropna()
    gap = data.loc[pairs.index, "age"].to_numpy() - data.loc[pairs.to_numpy(), "age"].to_numpy()
    assert (np.abs(gap) <= 5).all()


def test_repeated_unit_ids_are_refused(data):
    data.index = [0, 0, *range(2, len(data))]
    with pytest.raises(InputError, match="repeat 1 values"):
        match(data, treatment="treat", covariates=["age"])
    data["id"] = range(len(data))
    m = match(data, treatment="treat", covariates=["age"], unit="id")
    assert m.n_treated > 0


def test_caliper_too_tight_matches_nobody(data):
    data["score"] = np.where(data["treat"] == 1, 0.5, 0.4) + np.linspace(0, 0.2, len(data))
    with pytest.raises(EmptyGroupError, match="widen the caliper"):
        match(data, treatment="treat", covariates=["age"], distance="score", caliper=1e-9,
              caliper_scale="raw")  # fmt: skip


def test_exact_matching_without_common_strata(data):
    data["group"] = np.where(data["treat"] == 1, "a", "b")
    with pytest.raises(EmptyGroupError, match="No exact matches"):
        match(data, treatment="treat", covariates=["group"], method="exact")


def test_result_is_read_only(data):
    m = match(data, treatment="treat", covariates=["age", "sex"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.ratio = 2  # type: ignore[misc]
    md = m.matched_data
    md["weights"] = 0.0
    assert (m.matched_data["weights"] > 0).all()


def test_effect_outcome_checks(data):
    m = match(data, treatment="treat", covariates=["age", "sex"])
    with pytest.raises(InputError, match="'income'"):
        m.effect("income")
    data2 = data.copy()
    data2["sex"] = data2["sex"].astype("category")
    with pytest.raises(InputError, match="numeric"):
        m.effect("sex")


def test_missing_outcome_among_matched_units_is_reported(data):
    data.loc[data["treat"] == 1, "y"] = np.nan
    m = match(data, treatment="treat", covariates=["age"])
    with pytest.raises(InputError, match="'y' has"):
        m.effect("y")


def test_exact_within_nearest_keeps_pairs_within_strata(data):
    m = match(data, treatment="treat", covariates=["age", "sex"], exact="sex")
    md = m.matched_data
    assert md.groupby("subclass")["sex"].nunique().eq(1).all()
    assert m.propensity.index.equals(data.index)


def test_weights_with_replacement_follow_matchit_rule(data):
    m = match(data, treatment="treat", covariates=["age"], replace=True, ratio=2)
    mm = m.match_matrix
    counts = pd.Series(0.0, index=data.index)
    for _, row in mm.iterrows():
        got = row.dropna()
        for c in got:
            counts[c] += 1 / len(got)
    controls = counts[counts > 0]
    expected = controls * len(controls) / controls.sum()
    np.testing.assert_allclose(m.weights[expected.index], expected, rtol=1e-12)
    assert m.subclass.isna().all()
    assert m.effect("y").diagnostics["se_type"] == "abadie-imbens"


@pytest.mark.parametrize("options", [{}, {"replace": True}, {"method": "cem"}])
def test_constant_outcome_is_not_estimable(data, options):
    """A constant outcome used to give estimate 7e-20, SE 1e-33 and p = 0 (issue 14)."""
    data["constant"] = 3.0
    m = match(data, treatment="treat", covariates=["age", "sex"], **options)
    with pytest.raises(EstimationError, match="'constant' takes the same value"):
        m.effect("constant")


def test_outcome_constant_within_groups_is_not_estimable(data):
    """Treated all 1, comparison all 0: a real difference but a zero standard error."""
    data["split"] = data["treat"].astype(float)
    m = match(data, treatment="treat", covariates=["age"])
    with pytest.raises(EstimationError, match="zero up to rounding"):
        m.effect("split")
