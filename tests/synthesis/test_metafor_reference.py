"""outcomelab.synthesis against R metafor 3.8-1 on its classic data sets (tests/reference/metafor).

Tolerance 1e-6 absolute on every statistic (the issue asks for 1e-4; the fixtures were made with
metafor's Fisher scoring run to a threshold of 1e-12, so agreement is far closer than that).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.synthesis import egger_test, meta_analysis, meta_regression, subgroup_analysis

HERE = Path(__file__).resolve().parents[1] / "reference" / "metafor"
CASES = ("bcg", "hine1989", "normand1999", "hackshaw1998", "bangertdrowns2004", "molloy2014")
TEST = {"z": "wald", "knha": "hksj", "adhoc": "hksj_adhoc"}
PI = {"default": "ci", "riley": "riley"}
ATOL = 1e-6


def _case(name: str) -> tuple[pd.DataFrame, list[dict]]:
    data = pd.read_csv(HERE / name / "data.csv")
    fits = json.loads((HERE / name / "expected.json").read_text())["fits"]
    return data, fits


def _fits(prefix: tuple[str, ...]) -> list[tuple[str, dict]]:
    out = []
    for case in CASES:
        _, fits = _case(case)
        out += [(case, f) for f in fits if f["name"].split("/")[0] in prefix]
    return out


def _name(value: object) -> str:
    return value["name"] if isinstance(value, dict) else str(value)


def _close(actual: float, expected: float | None) -> None:
    if expected is None:
        assert actual is None or np.isnan(actual)
    else:
        np.testing.assert_allclose(actual, expected, rtol=0, atol=ATOL)


@pytest.mark.parametrize(("case", "fit"), _fits(("REML", "DL")), ids=_name)
def test_pooled_effect_equals_metafor(case: str, fit: dict) -> None:
    data, _ = _case(case)
    method, test, pi = fit["name"].split("/")
    res = meta_analysis(
        data,
        effect="yi",
        std_error=None,
        variance="vi",
        method=method.lower(),
        ci=TEST[test],
        prediction=PI[pi],
    )
    assert res.k == fit["k"]
    for ours, theirs in [
        (res.estimate, fit["b"]),
        (res.std_error, fit["se"]),
        (res.conf_low, fit["ci.lb"]),
        (res.conf_high, fit["ci.ub"]),
        (res.p_value, fit["pval"]),
        (res.tau2, fit["tau2"]),
        (res.tau2_se, fit["se.tau2"]),
        (res.i2, fit["I2"]),
        (res.h2, fit["H2"]),
        (res.q, fit["QE"]),
        (res.q_p_value, fit["QEp"]),
        (res.pi_low, fit["pi.lb"]),
        (res.pi_high, fit["pi.ub"]),
    ]:
        _close(ours, theirs)


def test_hine1989_is_a_boundary_case() -> None:
    """tau² = 0 under both estimators: the REML projection stops exactly at 0."""
    data, _ = _case("hine1989")
    res = meta_analysis(data, effect="yi", std_error=None, variance="vi")
    assert res.tau2 == 0.0
    assert res.i2 == 0.0


@pytest.mark.parametrize(("case", "fit"), _fits(("mods",)), ids=_name)
def test_meta_regression_equals_metafor(case: str, fit: dict) -> None:
    data, _ = _case(case)
    _, mods, method, test = fit["name"].split("/")
    names = mods.split("+")
    used = data.dropna(subset=names)
    res = meta_regression(
        used,
        moderators=names,
        effect="yi",
        std_error=None,
        variance="vi",
        method=method.lower(),
        ci=TEST[test],
    )
    table = res.tidy()
    assert res.k == fit["k"]
    np.testing.assert_allclose(table["estimate"], np.atleast_1d(fit["b"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(table["std_error"], np.atleast_1d(fit["se"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(table["conf_low"], np.atleast_1d(fit["ci.lb"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(table["p_value"], np.atleast_1d(fit["pval"]), atol=ATOL, rtol=0)
    for ours, theirs in [
        (res.tau2, fit["tau2"]),
        (res.tau2_se, fit["se.tau2"]),
        (res.i2, fit["I2"]),
        (res.h2, fit["H2"]),
        (res.qe, fit["QE"]),
        (res.qe_p_value, fit["QEp"]),
        (res.qm, fit["QM"]),
        (res.qm_p_value, fit["QMp"]),
        (res.r2, fit["R2"]),
    ]:
        _close(ours, theirs)
    assert list(res.qm_df) == [d for d in np.atleast_1d(fit["QMdf"]) if d is not None]


def _as_text(column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(int).astype(str)
    return column.astype(str)


@pytest.mark.parametrize(("case", "fit"), _fits(("subgroups",)), ids=_name)
def test_subgroups_equal_metafor(case: str, fit: dict) -> None:
    data, _ = _case(case)
    _, column, method, test = fit["name"].split("/")
    used = data.dropna(subset=[column])
    used = used.assign(**{column: _as_text(used[column])})
    res = subgroup_analysis(
        used,
        by=column,
        effect="yi",
        std_error=None,
        variance="vi",
        method=method.lower(),
        ci=TEST[test],
    )
    _close(res.q_between, fit["Q_between"])
    _close(res.q_between_p_value, fit["Q_between_p"])
    assert res.q_between_df == fit["Q_between_df"]
    table = res.tidy().set_index("level")
    for sub in fit["subgroups"]:
        row = table.loc[sub["level"]]
        assert row["k"] == sub["k"]
        for ours, theirs in [
            (row["estimate"], sub["b"]),
            (row["std_error"], sub["se"]),
            (row["conf_low"], sub["ci.lb"]),
            (row["tau2"], sub["tau2"]),
            (row["i2"], sub["I2"]),
        ]:
            _close(ours, theirs)
        if sub["k"] == 2:
            # metafor's "riley" raises k - 2 = 0 df to 1; with two studies we give no interval
            assert np.isnan(row["pi_low"]) and np.isnan(row["pi_high"])
        else:
            _close(row["pi_low"], sub["pi.lb"])
            _close(row["pi_high"], sub["pi.ub"])


@pytest.mark.parametrize(("case", "fit"), _fits(("egger",)), ids=_name)
def test_egger_equals_metafor_regtest(case: str, fit: dict) -> None:
    data, _ = _case(case)
    model = fit["name"].split("/")[1]
    res = egger_test(data, effect="yi", std_error=None, variance="vi", model=model, min_studies=3)
    assert res.tested
    for ours, theirs in [
        (res.statistic, fit["zval"]),
        (res.p_value, fit["pval"]),
        (res.limit_estimate, fit["est"]),
        (res.limit_conf_low, fit["ci.lb"]),
        (res.limit_conf_high, fit["ci.ub"]),
    ]:
        _close(ours, theirs)
    if model == "lm":
        assert res.df == fit["dfs"]
