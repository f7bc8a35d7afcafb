"""match() against MatchIt 4.5.1 on the lalonde data (fixtures in tests/reference/matchit_lalonde).

Tolerances: propensity scores 1e-8; weights 1e-10; estimates and SEs relative 1e-8; SMDs 1e-4.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.matching import match as _match
from outcomelab.matching.design import build_design
from outcomelab.matching.variance import wls_cluster

REF = Path(__file__).parents[1] / "reference" / "matchit_lalonde"
FORMULA = "age + educ + race + married + nodegree + re74 + re75"
COLUMNS = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]


@pytest.fixture(scope="module")
def lalonde(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """MatchIt breaks ties by data order, we by unit id: ids in data order (``row``) make the two
    rules the same (row order itself does not matter to us, tested below)."""
    data = reference_table("lalonde/lalonde.csv")
    return data.assign(row=np.arange(len(data)))


def match(data, **kwargs):
    return _match(data, unit="row", **kwargs)


@pytest.fixture(scope="module")
def nearest(lalonde):
    return match(lalonde, treatment="treat", covariates=FORMULA)


def _partition(labels: pd.Series) -> list[list[str]]:
    s = labels.dropna()
    return sorted(sorted(g.index) for _, g in s.groupby(s))


def test_propensity_equals_glm(nearest):
    units = pd.read_csv(REF / "nearest_units.csv", index_col="id")
    np.testing.assert_allclose(nearest.propensity.to_numpy(), units["distance"], atol=1e-8)


def test_column_list_and_formula_give_the_same_design(lalonde, nearest):
    by_name = match(lalonde, treatment="treat", covariates=COLUMNS)
    np.testing.assert_allclose(by_name.propensity, nearest.propensity, atol=1e-12)
    # R's model.matrix names, black as the reference level of race
    assert sorted(build_design(lalonde, FORMULA).names) == sorted(
        ["age", "educ", "racehispan", "racewhite", "married", "nodegree", "re74", "re75"]
    )


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("nearest", {}),
        ("ratio2", {"ratio": 2}),
        ("replace", {"replace": True}),
        ("caliper", {"caliper": 0.2, "caliper_scale": "ps_sd"}),
        ("caliper_logit", {"caliper": 0.2, "caliper_scale": "logit_sd"}),
    ],
)
def test_matched_sets_equal_matchit(lalonde, case, kwargs):
    """The same treated units matched to the same controls, slot by slot: MatchIt's matrix path
    takes the first column on a tie, we the smallest id (ids in data order here)."""
    m = match(lalonde, treatment="treat", covariates=FORMULA, **kwargs)
    ref = pd.read_csv(REF / f"matrix_{case}_pairs.csv", index_col="treated")
    ours = m.match_matrix.reindex(ref.index)
    assert ours.fillna("").to_numpy().tolist() == ref.fillna("").to_numpy().tolist()
    assert m.n_tied > 0  # lalonde has tied controls: the tie rule is exercised


@pytest.mark.parametrize(("case", "scale", "value"), [
    ("caliper_ps_sd", "ps_sd", 0.2), ("caliper_logit_sd", "logit_sd", 0.2),
    ("caliper_raw", "raw", 0.01),
])  # fmt: skip
def test_caliper_scale_maps_to_matchit(lalonde, case, scale, value):
    expected = pd.read_csv(REF / "calipers.csv", index_col="case").loc[case, "caliper"]
    m = match(lalonde, treatment="treat", covariates=FORMULA, caliper=value, caliper_scale=scale)
    assert m.caliper == pytest.approx(expected, rel=1e-10)


def test_mahalanobis_pairs_equal_matchit(lalonde):
    m = match(lalonde, treatment="treat", covariates=FORMULA, method="mahalanobis")
    ref = pd.read_csv(REF / "mahalanobis_pairs.csv", index_col="treated")
    pd.testing.assert_series_equal(
        m.match_matrix["control_1"].reindex(ref.index), ref["control1"], check_names=False
    )
    units = pd.read_csv(REF / "mahalanobis_units.csv", index_col="id")
    np.testing.assert_allclose(m.weights, units["weights"], atol=1e-10)


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("exact", {"method": "exact", "covariates": "race + married + nodegree"}),
        ("cem", {"method": "cem", "covariates": FORMULA}),
    ],
)
def test_exact_and_cem_subclasses_and_weights(lalonde, case, kwargs):
    m = match(lalonde, treatment="treat", **kwargs)
    units = pd.read_csv(REF / f"{case}_units.csv", index_col="id")
    assert _partition(m.subclass.astype(float)) == _partition(units["subclass"])
    np.testing.assert_allclose(m.weights, units["weights"], atol=1e-10)


def test_cluster_robust_effect_equals_vcovcl(lalonde):
    """lm(re78 ~ treat (+ X), weights) with vcovCL(cluster = ~subclass, type HC1) on MatchIt's
    own matched data."""
    effects = pd.read_csv(REF / "effects.csv")
    units = pd.read_csv(REF / "nearest_units.csv", index_col="id")
    md = lalonde.join(units[["weights", "subclass"]])
    md = md[md["weights"] > 0]
    for covs in (False, True):
        row = effects[(effects["case"] == "nearest") & (effects["covariates"] == covs)].iloc[0]
        X = build_design(md, FORMULA).matrix if covs else None
        fit = wls_cluster(md["re78"].to_numpy(), md["treat"].to_numpy(), X,
                          md["weights"].to_numpy(), md["subclass"].to_numpy())  # fmt: skip
        assert fit.estimate == pytest.approx(row["Estimate"], rel=1e-8)
        assert fit.std_error == pytest.approx(row["Std. Error"], rel=1e-8)


def test_cem_effect_end_to_end(lalonde):
    row = pd.read_csv(REF / "effects.csv").set_index("case").loc["cem"]
    res = match(lalonde, treatment="treat", covariates=FORMULA, method="cem").effect("re78")
    assert res.estimate == pytest.approx(row["Estimate"], rel=1e-8)
    assert res.std_error == pytest.approx(row["Std. Error"], rel=1e-8)
    assert res.estimand.startswith("ATT")


def test_matched_data_like_match_data(lalonde, nearest):
    md = nearest.matched_data
    assert {"weights", "subclass"} <= set(md.columns)
    assert md.index.isin(lalonde.index).all()
    assert (md["weights"] > 0).all()
    assert md.groupby("subclass").size().eq(2).all()
    assert md["treat"].sum() == 185


def test_balance_smd_equals_matchit_summary(nearest):
    """Before matching: SMDs equal summary(m)$sum.all to 1e-4 (the 'distance' row included).
    After matching: SMDs equal summary()$sum.matched of the matrix-path match to 1e-4; the vector
    path's matched set differs (MatchIt 4.5.1's integer abs(), SOURCE.md), but its treated means
    are the same (all treated matched)."""
    table = nearest.balance().tidy().set_index("term")
    table.index = [str(t).replace("race_", "race") for t in table.index]
    before = pd.read_csv(REF / "nearest_summary_all.csv").set_index("term")
    after = pd.read_csv(REF / "nearest_summary_matched.csv").set_index("term")
    common = before.index.intersection(table.index)
    assert len(common) == len(before) == 10
    np.testing.assert_allclose(
        table.loc[common, "smd_before"], before.loc[common, "Std. Mean Diff."], atol=1e-4
    )
    np.testing.assert_allclose(
        table.loc[common, "mean_treated_after"], after.loc[common, "Means Treated"], rtol=1e-10
    )
    # after matching: against MatchIt's matrix code path, whose matched set has the same
    # covariate rows as ours (ties differ only between identical units)
    after_ok = pd.read_csv(REF / "matrix_nearest_summary_matched.csv").set_index("term")
    assert len(after_ok) == 9
    np.testing.assert_allclose(
        table.loc[after_ok.index, "smd_after"], after_ok["Std. Mean Diff."], atol=1e-4
    )
    assert table.loc["distance", "smd_after"] < table.loc["distance", "smd_before"]


def test_probit_score_equals_glm_probit(lalonde):
    m = match(lalonde, treatment="treat", covariates=FORMULA, distance="probit")
    units = pd.read_csv(REF / "nearest_probit_units.csv", index_col="id")
    np.testing.assert_allclose(m.propensity.to_numpy(), units["distance"], atol=1e-8)


def test_discard_both_sets_aside_the_same_units(lalonde):
    m = match(lalonde, treatment="treat", covariates=FORMULA, discard="both")
    units = pd.read_csv(REF / "nearest_discard_both_units.csv", index_col="id")
    assert units["discarded"].sum() > 0
    pd.testing.assert_series_equal(
        m.discarded, units["discarded"].astype(bool), check_names=False, check_index=False
    )
    assert (m.weights[m.discarded] == 0).all()


def test_order_smallest_and_data_follow_the_kernel_rule(lalonde, nearest):
    """Different orders give different (valid) matches; each is a 1:1 match without reuse."""
    for order in ("smallest", "data", "random"):
        m = match(lalonde, treatment="treat", covariates=FORMULA, order=order, seed=5)
        controls = m.match_matrix["control_1"].dropna()
        assert controls.is_unique and len(controls) == 185
    a = match(lalonde, treatment="treat", covariates=FORMULA, order="random", seed=5)
    b = match(lalonde, treatment="treat", covariates=FORMULA, order="random", seed=5)
    pd.testing.assert_frame_equal(a.match_matrix, b.match_matrix)


def test_given_score_column_reproduces_the_fitted_score(lalonde, nearest):
    data = lalonde.assign(ps=nearest.propensity)
    for scale in ("ps_sd", "logit_sd", "raw"):
        cal = 0.01 if scale == "raw" else 0.2
        fitted = match(lalonde, treatment="treat", covariates=FORMULA, caliper=cal,
                       caliper_scale=scale)  # fmt: skip
        given = match(data, treatment="treat", covariates=FORMULA, distance="ps", caliper=cal,
                      caliper_scale=scale)  # fmt: skip
        assert given.caliper == pytest.approx(fitted.caliper, rel=1e-10)
        pd.testing.assert_frame_equal(given.match_matrix, fitted.match_matrix)
    raw = match(lalonde, treatment="treat", covariates=FORMULA, caliper=0.01, caliper_scale="raw")
    mm = raw.match_matrix["control_1"].dropna()
    ps = nearest.propensity
    assert (np.abs(ps[mm.index].to_numpy() - ps[mm.to_numpy()].to_numpy()) <= 0.01).all()
    assert len(mm) < 185
