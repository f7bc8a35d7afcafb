"""twfe's heteroskedasticity-robust covariance and wild cluster bootstrap against pyfixest.

Fixture: tests/reference/twfe_wild_bootstrap (pyfixest 0.60.0 ``feols(vcov="hetero")`` and
``Feols.wildboottest(reps=9999, impose_null=True, bootstrap_type="11")`` with wildboottest 0.3.2;
11 clusters, so all 2**11 Rademacher sign vectors are enumerated and the draws are deterministic).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import twfe
from outcomelab.did.wild_bootstrap import wild_cluster_bootstrap
from outcomelab.did.within import TwoWayIndex, demean_two_way, factorize
from outcomelab.errors import ParameterError

REF = Path(__file__).parents[1] / "reference" / "twfe_wild_bootstrap"
CASES = json.loads((REF / "expected.json").read_text())["cases"]


def load(sample: str) -> pd.DataFrame:
    df = pd.read_csv(REF.parent / "twfe_pyfixest" / "panel.csv")
    if sample == "unbalanced":
        df = df[df["in_unbalanced"] == 1]
    df = df.copy()
    df["zone"] = df["region"] % 11
    df["w"] = 1 + (df["id"] * 37 % 11) / 2
    df["ys"] = df["y"] - 1.15 * df["d"]
    return df.reset_index(drop=True)


def fit(case: dict, **kwargs: object):  # type: ignore[no-untyped-def]
    covs = ["x"] if case["rhs"] == "d + x" else None
    with pytest.warns(UserWarning, match="staggered"):
        return twfe(
            load(case["sample"]),
            outcome="ys",
            unit="id",
            time="year",
            treatment="d",
            covariates=covs,
            **kwargs,
        )


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['sample']}-{c['rhs']}")
@pytest.mark.parametrize("weighted", [False, True])
def test_hetero_equals_pyfixest(case: dict, weighted: bool) -> None:
    ref = case["hetero"]["weighted" if weighted else "unweighted"]
    res = fit(case, vcov="hetero", weights="w" if weighted else None)
    assert res.estimate == pytest.approx(ref["estimate"], abs=1e-8)
    assert res.std_error == pytest.approx(ref["se"], rel=1e-6)
    assert res.p_value == pytest.approx(ref["p"], rel=1e-5)
    assert [res.conf_low, res.conf_high] == pytest.approx(ref["ci"], rel=1e-6)
    assert res.diagnostics["vcov_type"] == "HC1"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['sample']}-{c['rhs']}")
def test_wild_cluster_bootstrap_equals_pyfixest(case: dict) -> None:
    ref = case["wild"]
    res = fit(case, cluster="zone", bootstrap=9999)
    wild = res.diagnostics["wild_bootstrap"]
    assert wild["enumerated"] and wild["draws"] == 2**11
    # pyfixest's t uses the small-sample factor of a regression with dummies, ours twfe's CR1
    # factor: rescale by their ratio
    assert wild["t_stat"] * np.sqrt(res.diagnostics["ssc"] / ref["ssc"]) == pytest.approx(
        ref["t"], rel=1e-6
    )
    # pyfixest counts the two draws that reproduce the data when rounding lifts |t*| above |t|
    assert abs(res.p_value - ref["p"]) <= 2 / 2**11 + 1e-12
    assert res.p_value == wild["p_value"]
    # the interval inverts the same test: its ends have p-value alpha
    assert res.conf_low < res.estimate < res.conf_high
    assert (res.conf_low < 0 < res.conf_high) == (res.p_value > 0.05)


@pytest.mark.parametrize("rhs", ["d", "d + x"])
def test_wild_bootstrap_draws_equal_pyfixest_draw_for_draw(rhs: str) -> None:
    # the whole null distribution of t* on the balanced panel, through the module itself
    case = next(c for c in CASES if c["sample"] == "balanced" and c["rhs"] == rhs)
    df = load("balanced")
    unit, _ = factorize(df["id"].to_numpy())
    time, _ = factorize(df["year"].to_numpy())
    index = TwoWayIndex.from_codes(unit, time)
    names = ["d", "x"] if rhs == "d + x" else ["d"]
    columns = [df[n].to_numpy(float) for n in ["ys", *names]]
    cols = demean_two_way(columns, index)
    zone, _ = factorize(df["zone"].to_numpy())
    wild = wild_cluster_bootstrap(
        np.column_stack(cols[1:]),
        cols[0],
        zone,
        column=0,
        draws=9999,
        alpha=0.05,
        seed=None,
        std_error=0.07,
        annihilate=lambda b: np.column_stack(demean_two_way(list(b.T), index)),
        scale=case["wild"]["ssc"],
    )
    np.testing.assert_allclose(np.sort(wild.t_boot), case["wild"]["t_boot_sorted"], rtol=1e-6)
    assert wild.t_stat == pytest.approx(case["wild"]["t"], rel=1e-6)


def test_wild_bootstrap_is_invariant_to_a_constant_weight() -> None:
    df = load("balanced")
    df["two"] = 2.0
    args = dict(outcome="ys", unit="id", time="year", treatment="d", cluster="zone")
    with pytest.warns(UserWarning):
        plain = twfe(df, bootstrap=999, seed=3, **args)  # type: ignore[arg-type]
    with pytest.warns(UserWarning):
        weighted = twfe(df, bootstrap=999, seed=3, weights="two", **args)  # type: ignore[arg-type]
    assert weighted.p_value == plain.p_value
    assert weighted.conf_low == pytest.approx(plain.conf_low, rel=1e-8)
    assert weighted.conf_high == pytest.approx(plain.conf_high, rel=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"bootstrap": 10}, "at least 99"),
        ({"bootstrap": True}, "at least 99"),
        ({"bootstrap": 999, "vcov": "hetero"}, "vcov='cluster'"),
        ({"bootstrap": 999, "cluster": ["zone", "year"]}, "one cluster"),
        ({"vcov": "HC3"}, "`vcov`"),
    ],
)
def test_bad_inference_options(kwargs: dict, match: str) -> None:
    df = load("balanced")
    with pytest.raises(ParameterError, match=match):
        twfe(df, outcome="ys", unit="id", time="year", treatment="d", **kwargs)  # type: ignore[arg-type]
