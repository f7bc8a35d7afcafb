"""Tests of outcomelab.did.bacon_decomposition: identity with TWFE, weights, known 2x2s, errors."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

from outcomelab.did import BaconDecomposition, bacon_decomposition, twfe
from outcomelab.errors import InputError, SingularDesignError

matplotlib.use("Agg")


def _panel(groups: list[int], seed: int = 5, n: int = 240, t: int = 10) -> pd.DataFrame:
    """Staggered panel; group -1 never treated, g >= 0 first treated in period index g."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"id": np.repeat(np.arange(n), t), "year": np.tile(2000 + np.arange(t), n)})
    g = np.asarray(groups)[np.arange(n) % len(groups)]
    start = np.where(g < 0, 10**6, g)[df["id"]]
    rel = df["year"].to_numpy() - 2000 - start
    df["d"] = (rel >= 0).astype(int)
    df["y"] = (
        rng.normal(size=n)[df["id"]]
        + 0.1 * df["year"]
        + df["d"] * (1 + 0.3 * np.clip(rel, 0, None))
        + rng.normal(size=len(df))
    )
    return df


@pytest.mark.parametrize("groups", [[-1, 3, 5, 8], [0, 3, 6], [-1, 0, 2, 4, 7], [3, 6], [-1, 4]])
def test_weighted_sum_equals_twfe(groups: list[int]) -> None:
    df = _panel(groups)
    res = bacon_decomposition(df, outcome="y", unit="id", time="year", treatment="d")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fe = twfe(df, outcome="y", unit="id", time="year", treatment="d")
    table = res.tidy()
    assert list(table.columns) == ["type", "treated", "control", "estimate", "weight"]
    assert (table["weight"] > 0).all()
    np.testing.assert_allclose(table["weight"].sum(), 1.0, atol=1e-10)
    np.testing.assert_allclose((table["weight"] * table["estimate"]).sum(), fe.estimate, atol=1e-8)
    np.testing.assert_allclose(res.twfe_estimate, fe.estimate, atol=1e-8)


def test_comparisons_listed_and_estimates_are_2x2s() -> None:
    df = _panel([-1, 3, 6])
    table = bacon_decomposition(df, outcome="y", unit="id", time="year", treatment="d").tidy()
    kinds = table.groupby("type").size().to_dict()
    assert kinds == {
        "treated vs never treated": 2,
        "earlier vs later treated": 1,
        "later vs earlier treated": 1,
    }
    # recompute "later (2006) vs earlier (2003)" by hand: window 2003..2009, pre 2003-2005
    g = df.groupby("id")["d"].transform("sum")
    later, earlier = df[g == 4], df[g == 7]

    def change(part: pd.DataFrame) -> float:
        post = part.loc[part["year"] >= 2006, "y"].mean()
        pre = part.loc[(part["year"] >= 2003) & (part["year"] < 2006), "y"].mean()
        return float(post - pre)

    row = table[table["type"] == "later vs earlier treated"].iloc[0]
    assert (row["treated"], row["control"]) == (2006, 2003)
    assert row["estimate"] == pytest.approx(change(later) - change(earlier), abs=1e-10)


def test_homogeneous_constant_effect_all_comparisons_near_truth() -> None:
    rng = np.random.default_rng(11)
    df = _panel([-1, 2, 5, 7], n=2000)
    df["y"] = rng.normal(size=len(df)) + 2.0 * df["d"] + 0.2 * df["year"]
    res = bacon_decomposition(df, outcome="y", unit="id", time="year", treatment="d")
    # every 2x2 is unbiased for 2 here; each has at least ~500 x 2 units: SE well below 0.2
    assert np.all(np.abs(res.tidy()["estimate"] - 2.0) < 0.3)


def test_result_api() -> None:
    res = bacon_decomposition(
        _panel([-1, 3, 6]), outcome="y", unit="id", time="year", treatment="d"
    )
    assert isinstance(res, BaconDecomposition)
    by = res.by_type()
    assert by["weight"].sum() == pytest.approx(1.0)
    assert 0 < res.forbidden_weight < 1
    assert res.to_dict()["comparisons"][0]["type"] == "treated vs never treated"
    assert "Goodman-Bacon" in res.summary()
    fig = res.plot()
    assert len(fig.axes[0].collections) == 3
    copy = res.tidy()
    copy.loc[0, "weight"] = 99.0
    assert res.tidy().loc[0, "weight"] != 99.0


def test_unbalanced_panel_raises() -> None:
    df = _panel([-1, 3]).drop(index=[0, 1])
    with pytest.raises(InputError, match="balanced panel; 1 units"):
        bacon_decomposition(df, outcome="y", unit="id", time="year", treatment="d")


def test_non_absorbing_treatment_raises() -> None:
    df = _panel([-1, 3])
    df.loc[(df["id"] == 1) & (df["year"] == 2008), "d"] = 0
    with pytest.raises(InputError, match="absorbing"):
        bacon_decomposition(df, outcome="y", unit="id", time="year", treatment="d")


def test_non_binary_and_missing_raise() -> None:
    df = _panel([-1, 3])
    df.loc[4, "d"] = 2
    with pytest.raises(InputError, match="must be 0/1"):
        bacon_decomposition(df, outcome="y", unit="id", time="year", treatment="d")
    df = _panel([-1, 3])
    df.loc[[4, 9], "y"] = np.nan
    with pytest.raises(InputError, match="2 missing values"):
        bacon_decomposition(df, outcome="y", unit="id", time="year", treatment="d")


def test_no_timing_variation_raises() -> None:
    df = _panel([-1]).assign(d=0)
    with pytest.raises(SingularDesignError, match="no variation"):
        bacon_decomposition(df, outcome="y", unit="id", time="year", treatment="d")


def test_on_the_example_submission_panel() -> None:
    """End to end on the synthetic submission (outcomelab.example -> design.build_panel): the
    staggered cohorts 2019-2022 trigger TWFE's warning and the decomposition adds up to it."""
    from outcomelab.design import build_panel
    from outcomelab.example import generate_example

    example = generate_example(n_participants=300, n_pool=600, seed=3)
    iid = example["interventions"]["intervention_id"].iloc[0]
    panel = build_panel(dict(example), intervention_id=iid, outcomes=["employment"])
    with pytest.warns(UserWarning, match="staggered"):
        fe = twfe(panel, outcome="employment", unit="unit", time="period", treatment="treated_post")
    assert fe.diagnostics["cohorts"] == [2019, 2020, 2021, 2022]
    assert (fe.n_treated, fe.n_control) == (300, 600)
    res = bacon_decomposition(
        panel, outcome="employment", unit="unit", time="period", treatment="treated_post"
    )
    np.testing.assert_allclose(res.twfe_estimate, fe.estimate, atol=1e-8)
    assert set(res.tidy()["type"]) == {
        "treated vs never treated",
        "earlier vs later treated",
        "later vs earlier treated",
    }


def test_matches_diff_diff_reference() -> None:
    from pathlib import Path

    ref = Path(__file__).parents[1] / "reference" / "bacon_diffdiff"
    panel = pd.read_csv(ref / "panel.csv")
    expected = pd.read_csv(ref / "expected.csv")
    res = bacon_decomposition(panel, outcome="y", unit="id", time="year", treatment="d")
    ours = res.tidy()
    ours["control_group"] = ours["control"].replace({"never treated": "never_treated"}).astype(str)
    ours["treated_group"] = ours["treated"].astype(str)
    expected["control_group"] = expected["control_group"].astype(str)
    expected["treated_group"] = expected["treated_group"].astype(str)
    merged = expected.merge(ours, on=["treated_group", "control_group"], suffixes=("", "_ours"))
    assert len(merged) == len(expected) == len(ours) == 9
    np.testing.assert_allclose(merged["estimate_ours"], merged["estimate"], atol=1e-8)
    np.testing.assert_allclose(merged["weight_ours"], merged["weight"], atol=1e-8)
    twfe_ref = pd.read_json(ref / "expected_twfe.json", typ="series")["twfe_estimate"]
    assert res.twfe_estimate == pytest.approx(twfe_ref, abs=1e-8)
