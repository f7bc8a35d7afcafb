"""The one call shape: `covariates`, `cluster`, `weights`, `alpha` mean the same everywhere."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab._checks import (
    check_alpha,
    check_lang,
    cluster_columns,
    covariate_columns,
    covariate_spec,
    weight_values,
)
from outcomelab.did import att_gt, bacon_decomposition, did_2x2, twfe
from outcomelab.errors import InputError, ParameterError
from outcomelab.results import EffectLike, Result


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"age": [30.0, 40], "g": [1.0, 2], "a": [0.0, 1], "e": [1.0, 1]})


def test_bare_string_is_one_column_never_its_letters(frame: pd.DataFrame) -> None:
    # "age" once matched the columns 'a', 'g' and 'e' letter by letter
    assert covariate_columns(frame, "age") == ["age"]


def test_string_formula_plain_sum_and_lhs(frame: pd.DataFrame) -> None:
    assert covariate_columns(frame, "age + g") == ["age", "g"]
    assert covariate_columns(frame, "treat ~ age+g") == ["age", "g"]


def test_formula_with_transformations(frame: pd.DataFrame) -> None:
    spec = covariate_spec(frame, "age + I(age**2) + C(g)")
    assert spec.columns == ("age", "g")
    assert spec.formula == "age + I(age**2) + C(g)"
    with pytest.raises(ParameterError, match="Add the transformed columns"):
        covariate_columns(frame, "age + I(age**2)")


@pytest.mark.parametrize("bad", [5, ["age", 3], {"age": 1}])
def test_wrong_types_name_the_argument(frame: pd.DataFrame, bad: object) -> None:
    with pytest.raises(ParameterError, match="`covariates`"):
        covariate_columns(frame, bad)


def test_duplicates_and_unknown_columns(frame: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="more than once"):
        covariate_columns(frame, ["age", "age"])
    with pytest.raises(InputError, match="`covariates` names 'educ'"):
        covariate_columns(frame, ["age", "educ"])
    assert covariate_columns(frame, None) == []
    assert covariate_columns(frame, []) == []


def test_cluster_rule(frame: pd.DataFrame) -> None:
    assert cluster_columns(frame, None) == []
    assert cluster_columns(frame, "g") == ["g"]
    # R did's clustervars: the unit plus one column means that column
    assert cluster_columns(frame, ["a", "g"], unit="a") == ["g"]
    assert cluster_columns(frame, ["a", "g"], max_columns=2) == ["a", "g"]
    with pytest.raises(ParameterError, match="one column"):
        cluster_columns(frame, ["age", "g"], unit="a")
    with pytest.raises(ParameterError, match="`cluster`"):
        cluster_columns(frame, 3)
    with pytest.raises(InputError, match="`cluster` names 'kommun'"):
        cluster_columns(frame, "kommun")


def test_weights_rule(frame: pd.DataFrame) -> None:
    assert weight_values(frame, None) is None
    np.testing.assert_array_equal(weight_values(frame, "age"), [30.0, 40.0])
    with pytest.raises(ParameterError, match="name of a column"):
        weight_values(frame, np.ones(2))
    bad = frame.assign(w=[-1.0, 2.0])
    with pytest.raises(InputError, match="non-negative"):
        weight_values(bad, "w")
    with pytest.raises(InputError, match="sums to zero"):
        weight_values(frame.assign(w=0.0), "w")


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True, "0.05", None])
def test_alpha_rule(bad: object) -> None:
    with pytest.raises(ParameterError, match="`alpha`"):
        check_alpha(bad)
    assert check_alpha(0.1) == 0.1


def test_lang_rule() -> None:
    assert check_lang("sv") == "sv"
    with pytest.raises(ParameterError, match="`lang`"):
        check_lang("swedish")


def _panel() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n, years = 60, np.arange(2001, 2005)
    g = np.where(np.arange(n) < 30, 0, 2003)
    df = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), 4),
            "year": np.tile(years, n),
            "g": np.repeat(g, 4),
            "age": np.repeat(rng.normal(40, 5, n), 4),
            "kommun": np.repeat(np.arange(n) % 6, 4),
        }
    )
    df["d"] = ((df.g > 0) & (df.year >= df.g)).astype(int)
    df["treated"] = (df.g > 0).astype(int)
    df["y"] = rng.normal(size=len(df)) + df["d"]
    # columns whose names are letters of "age": the old bug matched them silently
    df["a"] = rng.normal(size=len(df))
    df["e"] = rng.normal(size=len(df))
    return df


def test_estimators_read_a_bare_covariate_string_as_one_column() -> None:
    df = _panel()
    two = df[df.year.isin([2002, 2003])]
    by_list = did_2x2(
        two, outcome="y", unit="id", time="year", treatment="treated", covariates=["age"]
    )
    by_str = did_2x2(
        two, outcome="y", unit="id", time="year", treatment="treated", covariates="age"
    )
    assert by_str.estimate == by_list.estimate
    assert by_str.diagnostics["covariates"] == ["age"]
    t = twfe(df, outcome="y", unit="id", time="year", treatment="d", covariates="a")
    assert list(t.tidy()["term"]) == ["d", "a"]
    g = att_gt(df, outcome="y", unit="id", time="year", cohort="g", covariates="age")
    assert g.diagnostics["covariates"] == ["age"]


def test_estimators_share_cluster_none_and_alpha() -> None:
    df = _panel()
    two = df[df.year.isin([2002, 2003])]
    args = {"outcome": "y", "unit": "id", "time": "year"}
    for res in (
        did_2x2(two, **args, treatment="treated", cluster="kommun"),
        twfe(df, **args, treatment="d", cluster="kommun"),
        att_gt(df, **args, cohort="g", cluster="kommun"),
    ):
        assert res.diagnostics["n_clusters"] == 6
    # cluster=None: by unit in twfe (pyfixest's CRV1 by the unit) and att_gt (R did)
    assert twfe(df, **args, treatment="d").diagnostics["n_clusters"] == 60
    assert att_gt(df, **args, cohort="g").diagnostics["n_clusters"] == 60
    for call in (
        lambda: did_2x2(two, **args, treatment="treated", alpha=95),
        lambda: twfe(df, **args, treatment="d", alpha=0),
        lambda: att_gt(df, **args, cohort="g", alpha="0.05"),
    ):
        with pytest.raises(ParameterError, match="`alpha`"):
            call()


def test_att_gt_two_cluster_columns_is_a_named_error() -> None:
    """Issue 12 item 4: this was a pandas TypeError."""
    df = _panel()
    df["region"] = df["kommun"] // 3
    with pytest.raises(ParameterError, match="`cluster` must name one column"):
        att_gt(df, outcome="y", unit="id", time="year", cohort="g", cluster=["kommun", "region"])


def test_every_did_result_follows_the_protocols() -> None:
    df = _panel()
    g = att_gt(df, outcome="y", unit="id", time="year", cohort="g")
    results = [
        g,
        g.aggregate("dynamic"),
        twfe(df, outcome="y", unit="id", time="year", treatment="d"),
    ]
    for res in results:
        assert isinstance(res, EffectLike)
        assert list(res.tidy().columns[:6]) == [
            "term",
            "estimate",
            "std_error",
            "conf_low",
            "conf_high",
            "p_value",
        ]
    assert isinstance(g.pretest(), Result)
    panel = df.assign(d=df["d"])
    bacon = bacon_decomposition(panel, outcome="y", unit="id", time="year", treatment="d")
    assert isinstance(bacon, Result)


@pytest.mark.parametrize("argument", ["outcome", "unit", "time"])
def test_single_column_arguments_are_named_errors(argument: str) -> None:
    """Issue 12 item 4: a list where one column is expected is a ParameterError naming it."""
    df = _panel()
    args: dict[str, Any] = {"outcome": "y", "unit": "id", "time": "year"}
    args[argument] = [args[argument], "a"]
    for call in (
        lambda: att_gt(df, **args, cohort="g"),
        lambda: twfe(df, **args, treatment="d"),
        lambda: did_2x2(df[df.year.isin([2002, 2003])], **args, treatment="treated"),
    ):
        with pytest.raises(ParameterError, match=f"`{argument}` must name one column"):
            call()
