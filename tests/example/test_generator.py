"""The example generator: reproducible, the promised shape, and a truth that matches the data."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import ParameterError
from outcomelab.example import (
    EXAMPLE_FILES,
    EXAMPLE_OUTCOMES,
    SMALL_EXAMPLE,
    example_dir,
    generate_example,
    load_truth,
    true_effect,
)


@pytest.fixture(scope="module")
def small() -> object:
    return generate_example(n_participants=300, n_pool=1500, seed=7)


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate_example(tmp_path / "a", n_participants=120, n_pool=400, seed=3)
    generate_example(tmp_path / "b", n_participants=120, n_pool=400, seed=3)
    generate_example(tmp_path / "c", n_participants=120, n_pool=400, seed=4)
    for name in EXAMPLE_FILES:
        assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False), name
    assert not filecmp.cmp(tmp_path / "a" / "outcomes.csv", tmp_path / "c" / "outcomes.csv", False)


def test_shape_and_columns(small: dict) -> None:
    p = small["participants"]
    assert len(p) == 1800
    assert (p["group"] == "participant").sum() == 300
    assert p["person_id"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert p["person_id"].is_unique
    part = p[p["group"] == "participant"]
    assert part["start_date"].notna().all()
    assert p.loc[p["group"] == "comparison", "start_date"].isna().all()
    ends = part.dropna(subset=["end_date"])
    assert (ends["end_date"] >= ends["start_date"]).all()
    assert set(part["start_date"].dt.year) == {2019, 2020, 2021, 2022}
    age = part["start_date"].dt.year - part["birth_year"]
    assert age.between(16, 29).all()
    o = small["outcomes"]
    assert list(o.columns) == ["person_id", "outcome_code", "period", "value"]
    assert len(o) == 1800 * 10 * 4
    assert not o.duplicated(["person_id", "outcome_code", "period"]).any()
    assert set(o["period"]) == {str(y) for y in range(2015, 2025)}
    assert set(o["outcome_code"]) == set(EXAMPLE_OUTCOMES)
    for code in ("employment", "social_assistance_receipt"):
        assert set(o.loc[o["outcome_code"] == code, "value"]) <= {0, 1}
    assert o["value"].min() >= 0
    i = small["interventions"]
    assert len(i) == 1 and i.loc[0, "organisation_code"] == "0581"
    assert small["costs"]["cost_sek"].ge(0).all()


def test_truth_equals_potential_outcomes(small: dict) -> None:
    """truth.json holds averages of Y(1)-Y(0); observed = Y(1) from the start year, Y(0) before."""
    po = small.potential_outcomes
    p = small["participants"]
    start = p.set_index("person_id")["start_date"].dt.year
    po = po.assign(cohort=po["person_id"].map(start).to_numpy(), t=po["period"].astype(int))
    po["e"] = po["t"] - po["cohort"]
    obs = po.merge(small["outcomes"], on=["person_id", "outcome_code", "period"])
    assert len(obs) == len(po)
    after = obs["e"] >= 0
    np.testing.assert_array_equal(obs.loc[after, "value"], obs.loc[after, "y1"])
    np.testing.assert_array_equal(obs.loc[~after, "value"], obs.loc[~after, "y0"])
    assert (obs.loc[~after, "y1"] == obs.loc[~after, "y0"]).all()  # no anticipation
    for code in EXAMPLE_OUTCOMES:
        t = small.truth["outcomes"][code]
        d = po[(po["outcome_code"] == code) & (po["e"] >= 0)]
        eff = d["y1"] - d["y0"]
        assert t["att"] == pytest.approx(eff.mean(), rel=1e-12, abs=1e-12)
        by_e = eff.groupby(d["e"]).mean()
        for e, v in t["att_by_event_time"].items():
            assert v == pytest.approx(by_e[int(e)], rel=1e-12, abs=1e-12)
        gt = eff.groupby([d["cohort"], d["t"]]).mean()
        for cell in t["att_by_group_time"]:
            assert cell["att"] == pytest.approx(gt[(cell["cohort"], cell["period"])], abs=1e-12)


def test_effects_have_the_documented_sign_and_size() -> None:
    data = generate_example(n_participants=2000, n_pool=3000, seed=11)
    truth = data.truth["outcomes"]
    # tolerances: sampling noise of 2,000 participants (SE about 0.01 on a rate) and the
    # start-year scaling of the effect (documented)
    assert 0.045 < truth["employment"]["att"] < 0.085
    e = truth["employment"]["att_by_event_time"]
    assert e["0"] < e["1"] < e["3"]  # grows with time since start
    assert -0.055 < truth["social_assistance_receipt"]["att"] < -0.02
    assert truth["social_assistance_amount"]["att"] < 0
    assert -2.0 <= truth["sick_leave_days"]["att"] < -1.5
    assert truth["sick_leave_days"]["att_by_event_time"]["2"] == pytest.approx(-2.0, abs=0.01)
    # selection: participants had less work and more assistance before, so the naive
    # post-period comparison understates the employment effect (gap about 0.08, SE about 0.015)
    p = data["participants"]
    means = p.groupby("group")[["employed_months_prev_year", "social_assistance_months_prev_year"]]
    m = means.mean()
    assert (
        m.loc["participant", "employed_months_prev_year"]
        < m.loc["comparison", "employed_months_prev_year"] - 1
    )
    assert (
        m.loc["participant", "social_assistance_months_prev_year"]
        > m.loc["comparison", "social_assistance_months_prev_year"] + 1
    )
    assert truth["employment"]["naive_difference_2024"] < truth["employment"]["att"] - 0.03


def test_true_effect_structure() -> None:
    e = np.array([-2, 0, 1, 2, 10])
    x = np.full(5, 0.5)
    np.testing.assert_allclose(true_effect("employment", e, x), [0, 0.02, 0.055, 0.07, 0.10])
    np.testing.assert_allclose(true_effect("sick_leave_days", e, x), [0, -1, -2, -2, -2])
    with pytest.raises(ParameterError, match="outcome"):
        true_effect("reoffending", e, x)


def test_too_small_is_refused() -> None:
    with pytest.raises(ParameterError, match="at least 60"):
        generate_example(n_participants=10)


def test_example_dir_equals_fresh_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTCOMELAB_CACHE", str(tmp_path / "cache"))
    folder = example_dir()
    assert folder.is_relative_to(tmp_path / "cache")
    assert example_dir() == folder  # cached: second call reuses it
    fresh = tmp_path / "fresh"
    generate_example(fresh, **SMALL_EXAMPLE)
    for name in EXAMPLE_FILES:
        assert filecmp.cmp(folder / name, fresh / name, shallow=False), name
    assert load_truth() == json.loads((fresh / "truth.json").read_text())
    assert load_truth(fresh / "truth.json")["generator"]["n_participants"] == 600
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]


def test_csv_reads_back(tmp_path: Path) -> None:
    generate_example(tmp_path, n_participants=60, n_pool=60, seed=1)
    p = pd.read_csv(tmp_path / "participants.csv", dtype={"home_municipality_code": str})
    assert p["home_municipality_code"].str.fullmatch(r"\d{4}").all()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(p["start_date"].dropna().iloc[0]))
    i = pd.read_csv(tmp_path / "interventions.csv", dtype=str)
    assert i.loc[0, "organisation_code"] == "0581"


@pytest.mark.slow
def test_parallel_trends_hold_given_covariates_in_potential_outcomes() -> None:
    """Placebo on Y(0): conditional on the covariates, participants' and the pool's Y(0) trends
    (2018 -> 2023) do not differ; unconditionally the levels do (selection)."""
    import statsmodels.formula.api as smf

    data = generate_example(n_participants=6000, n_pool=30000, seed=21)
    p = data["participants"].set_index("person_id")
    po = data.potential_outcomes
    obs = data["outcomes"]
    pool = p.index[p["group"] == "comparison"]
    for code in EXAMPLE_OUTCOMES:
        y0 = pd.concat(
            [
                po.loc[po["outcome_code"] == code, ["person_id", "period", "y0"]],
                obs.loc[(obs["outcome_code"] == code) & obs["person_id"].isin(pool)].rename(
                    columns={"value": "y0"}
                )[["person_id", "period", "y0"]],
            ]
        ).pivot(index="person_id", columns="period", values="y0")
        d = p.loc[y0.index].assign(
            dy=(y0["2023"] - y0["2018"]).astype(float),
            level=y0["2023"].astype(float),
            tr=(p.loc[y0.index, "group"] == "participant").astype(int),
        )
        fit = smf.ols("dy ~ tr + C(birth_year) + C(education_level) + born_abroad", data=d).fit()
        # 3.5 standard errors: a false alarm in fewer than 1 in 1,000 runs per outcome
        assert abs(fit.params["tr"]) < 3.5 * fit.bse["tr"], code
        if code == "employment":  # without covariates the Y(0) levels differ (selection)
            naive = smf.ols("level ~ tr", data=d).fit()
            assert naive.params["tr"] < 0 and naive.pvalues["tr"] < 1e-6
