"""att_gt_many: several outcomes of one panel in one call equal separate att_gt calls."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import GroupTimeResult, _panel_cells, att_gt, att_gt_many, drdid_core
from outcomelab.errors import EmptyGroupError, EstimationError, InputError, ParameterError

COLUMNS = {"unit": "countyreal", "time": "year", "cohort": "first.treat"}
OUTCOMES = ["lemp", "lemp_sq", "noisy"]

CASES: dict[str, dict[str, Any]] = {
    "dr_never": {},
    "dr_lpop_never": {"covariates": ["lpop"]},
    "ipw_lpop_notyet": {
        "covariates": ["lpop"],
        "method": "ipw",
        "control_group": "not_yet_treated",
    },
    "reg_lpop_universal": {"covariates": ["lpop"], "method": "reg", "base_period": "universal"},
    "dr_lpop_weights_cluster": {"covariates": "lpop", "weights": "w", "cluster": "state"},
    "dr_bootstrap": {"covariates": ["lpop"], "bootstrap": 199, "seed": 3},
    "dr_time_varying_x": {"covariates": ["x_tv"], "base_period": "universal"},
}


@pytest.fixture(scope="module")
def mpdta(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    data = reference_table("mpdta/mpdta.csv")
    rng = np.random.default_rng(7)
    data["w"] = np.exp(data["lpop"])
    data["state"] = data["countyreal"] // 1000
    data["lemp_sq"] = data["lemp"] ** 2
    data["noisy"] = data["lemp"] + rng.normal(size=len(data))
    data["x_tv"] = data["lpop"] + 0.1 * rng.normal(size=len(data))
    return data


def _assert_same(many: GroupTimeResult, one: GroupTimeResult) -> None:
    a, b = many.tidy(), one.tidy()
    assert list(a["term"]) == list(b["term"])
    for col in ("estimate", "std_error", "conf_low", "conf_high"):
        np.testing.assert_allclose(a[col], b[col], rtol=1e-12, atol=1e-12)
    for kind in ("simple", "group", "dynamic", "calendar"):
        x, y = many.aggregate(kind), one.aggregate(kind)
        np.testing.assert_allclose(
            [x.estimate, x.std_error], [y.estimate, y.std_error], rtol=1e-12, atol=1e-12
        )
        np.testing.assert_allclose(
            x.tidy()[["estimate", "std_error"]], y.tidy()[["estimate", "std_error"]], rtol=1e-12
        )
    assert many.notes == one.notes
    assert many.outcome == one.outcome
    da, db = dict(many.diagnostics), dict(one.diagnostics)
    assert da.keys() == db.keys()
    for key in da:
        if key not in ("pretest", "overlap", "uniform_critical_value"):
            assert da[key] == db[key], key
    np.testing.assert_allclose(
        [o["ess_share"] for o in da["overlap"]], [o["ess_share"] for o in db["overlap"]], rtol=1e-12
    )


@pytest.mark.parametrize("case", list(CASES))
def test_equals_separate_calls(mpdta: pd.DataFrame, case: str) -> None:
    options = {**COLUMNS, **CASES[case]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        many = att_gt_many(mpdta, outcomes=OUTCOMES, **options)
        assert list(many) == OUTCOMES
        for o in OUTCOMES:
            _assert_same(many[o], att_gt(mpdta, outcome=o, **options))


def test_the_outcomes_share_each_sample_and_its_propensity_fit(
    mpdta: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples: list[int] = []
    fits: list[int] = []
    real_cells, real_fit = _panel_cells.estimate_cells, drdid_core._fit_propensity

    def counting_cells(dy: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        samples.append(dy.shape[1])
        return real_cells(dy, *args, **kwargs)

    def counting_fit(*args: Any, **kwargs: Any) -> np.ndarray:
        fits.append(1)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(_panel_cells, "estimate_cells", counting_cells)
    monkeypatch.setattr(drdid_core, "_fit_propensity", counting_fit)
    monkeypatch.setattr(drdid_core, "_scores", type(drdid_core._scores)())  # no fits kept
    att_gt_many(mpdta, outcomes=OUTCOMES, covariates=["lpop"], **COLUMNS)
    # 3 cohorts, never-treated comparison: one sample per cohort, its 4 cells x 3 outcomes are
    # the columns of one estimation with one propensity fit
    assert samples == [12, 12, 12]
    assert len(fits) == 3


def test_an_outcome_missing_in_some_years_is_balanced_on_its_own(mpdta: pd.DataFrame) -> None:
    data = mpdta.copy()
    data["gappy"] = data["lemp"]
    data.loc[data.index[[3, 50, 51, 400]], "gappy"] = np.nan
    options = {**COLUMNS, "covariates": ["lpop"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        many = att_gt_many(data, outcomes=["lemp", "gappy"], **options)
        for o in ("lemp", "gappy"):
            _assert_same(many[o], att_gt(data, outcome=o, **options))
    assert many["gappy"].diagnostics["n_units"] == many["lemp"].diagnostics["n_units"] - 3


def test_repeated_cross_sections_equal_separate_calls(mpdta: pd.DataFrame) -> None:
    options = {**COLUMNS, "unit": None, "panel": False, "covariates": ["lpop"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        many = att_gt_many(mpdta, outcomes=["lemp", "noisy"], **options)
        for o in ("lemp", "noisy"):
            _assert_same(many[o], att_gt(mpdta, outcome=o, **options))


def test_errors_return_keeps_the_other_outcomes(mpdta: pd.DataFrame) -> None:
    data = mpdta.copy()
    data["constant"] = 1.0
    data["no_change"] = data["lpop"]  # varies between units, never within: SE 0
    data["all_missing_treated"] = data["lemp"].where(data["first.treat"] == 0)
    outcomes = ["constant", "lemp", "no_change", "all_missing_treated"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = att_gt_many(data, outcomes=outcomes, errors="return", **COLUMNS)
        assert list(res) == outcomes
        assert isinstance(res["constant"], EstimationError)
        assert isinstance(res["no_change"], EstimationError)
        assert isinstance(res["all_missing_treated"], EmptyGroupError)
        lemp = res["lemp"]
        assert isinstance(lemp, GroupTimeResult)
        _assert_same(lemp, att_gt(data, outcome="lemp", **COLUMNS))
        with pytest.raises(EstimationError, match=r"constant|vary"):
            att_gt_many(data, outcomes=outcomes, **COLUMNS)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"outcomes": "lemp"}, ParameterError, "list of outcome columns"),
        ({"outcomes": []}, ParameterError, "non-empty"),
        ({"outcomes": ["lemp", "lemp"]}, ParameterError, "more than once"),
        ({"outcomes": ["lemp"], "outcome": "lemp"}, ParameterError, "not `outcome`"),
        ({"outcomes": ["lemp"], "covariate": "lpop"}, ParameterError, "unknown arguments"),
        ({"outcomes": ["lemp"], "errors": "ignore"}, ParameterError, "`errors`"),
        ({"outcomes": ["lemp", "nope"]}, InputError, "nope"),
        ({"outcomes": ["lemp"], "method": "ols"}, ParameterError, "method"),
    ],
)
def test_bad_arguments_are_named(
    mpdta: pd.DataFrame, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        att_gt_many(mpdta, **{**COLUMNS, **kwargs})


def test_time_and_cohort_are_required(mpdta: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="time"):
        att_gt_many(mpdta, outcomes=["lemp"], unit="countyreal", cohort="first.treat")


@pytest.mark.parametrize(
    "options",
    [
        {"control_group": "not_yet_treated"},
        {"covariates": ["poverty", "unemployrt"], "method": "reg"},
    ],
)
def test_castle_doctrine_outcomes_equal_separate_calls(options: dict[str, Any]) -> None:
    """Public data nobody here wrote (Cheng & Hoekstra's castle-doctrine panel, causaldata):
    four crime outcomes of the same 50 states."""
    castle = pytest.importorskip("causaldata.castle", reason="castle data ship in causaldata")
    data = castle.load_pandas().data
    first = data.loc[data["post"] > 0].groupby("sid")["year"].min()
    data = data.assign(cohort=data["sid"].map(first).fillna(0).astype(int))
    outcomes = ["l_homicide", "l_larceny", "l_motor", "robbery"]
    args = {"unit": "sid", "time": "year", "cohort": "cohort", **options}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R did's small-group warning (one state per cohort)
        many = att_gt_many(data, outcomes=outcomes, errors="return", **args)
        for o in outcomes:
            result = many[o]
            assert isinstance(result, GroupTimeResult), result
            _assert_same(result, att_gt(data, outcome=o, **args))
