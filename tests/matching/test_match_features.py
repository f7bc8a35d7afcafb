"""ATC, covariate calipers, Mahalanobis within a propensity caliper (mahvars), propensity
subclasses and optimal pair matching (issue 12) against MatchIt 4.5.1 and independent solvers.

Fixtures: tests/reference/matchit_features (script and SOURCE.md there). Tolerances: weights 1e-10;
calipers relative 1e-10; matched sets identical, slot by slot (MatchIt breaks ties by data order,
we by unit id; ids in data order here).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from outcomelab.errors import EmptyGroupError, ParameterError
from outcomelab.matching import match as _match
from outcomelab.matching.optimal import optimal_pairs
from outcomelab.matching.variance import wls_cluster

REF = Path(__file__).parents[1] / "reference" / "matchit_features"
FORMULA = "age + educ + race + married + nodegree + re74 + re75"


@pytest.fixture(scope="module")
def lalonde(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    data = reference_table("lalonde/lalonde.csv")
    return data.assign(row=np.arange(len(data)))


def match(data, **kwargs):
    return _match(data, unit="row", **kwargs)


def _same_matches(ours: pd.DataFrame, ref: pd.DataFrame) -> None:
    """The same focal units matched to the same units, slot by slot: with ids in data order our
    tie rule (smallest id) is MatchIt's matrix path's (first column)."""
    got = ours.reindex(ref.index).fillna("").to_numpy().tolist()
    assert got == ref.fillna("").to_numpy().tolist()


@pytest.mark.parametrize(("case", "replace"), [("atc_replace", True), ("atc_nearest", False)])
@pytest.mark.filterwarnings("ignore:There are fewer")
def test_atc_pairs_equal_matchit(lalonde, case, replace):
    m = match(lalonde, treatment="treat", covariates=FORMULA, estimand="ATC", replace=replace)
    ref = pd.read_csv(REF / f"{case}_pairs.csv", index_col="focal")
    _same_matches(m.match_matrix, ref)
    assert m.estimand == "ATC"
    focal_weights = m.weights[lalonde["treat"] == 0]
    assert focal_weights.isin([0.0, 1.0]).all() and (focal_weights == 1).sum() >= 185
    assert m.effect("re78").estimand.startswith("ATC")


def test_covariate_calipers_equal_matchit(lalonde):
    m = match(lalonde, treatment="treat", covariates=FORMULA, caliper={"age": 5, "educ": 2})
    ref = pd.read_csv(REF / "covariate_caliper_pairs.csv", index_col="focal")
    _same_matches(m.match_matrix, ref)
    pairs = m.match_matrix["control_1"].dropna()
    plain = match(lalonde, treatment="treat", covariates=FORMULA).match_matrix["control_1"]
    assert (pairs != plain.reindex(pairs.index)).sum() > 10  # the calipers change the pairs
    for col, width in (("age", 5), ("educ", 2)):
        gap = lalonde.loc[pairs.index, col].to_numpy() - lalonde.loc[pairs.to_numpy(), col]
        assert (np.abs(gap.to_numpy()) <= width).all()


def test_mahvars_within_propensity_caliper_equal_matchit(lalonde):
    m = match(lalonde, treatment="treat", covariates=FORMULA, mahvars=["age", "educ", "re74",
              "re75"], caliper=0.25, caliper_scale="ps_sd")  # fmt: skip
    expected = pd.read_csv(REF / "mahvars_caliper_value.csv")["caliper"].iloc[0]
    assert m.caliper == pytest.approx(expected, rel=1e-10)
    ref = pd.read_csv(REF / "mahvars_caliper_pairs.csv", index_col="focal")
    _same_matches(m.match_matrix, ref)


@pytest.mark.parametrize("estimand", ["ATT", "ATC", "ATE"])
def test_subclass_weights_equal_matchit(lalonde, estimand):
    m = match(lalonde, treatment="treat", covariates=FORMULA, method="subclass",
              estimand=estimand)  # fmt: skip
    units = pd.read_csv(REF / f"subclass_{estimand.lower()}_units.csv", index_col="id")
    np.testing.assert_array_equal(m.subclass.astype(float).to_numpy(), units["subclass"])
    np.testing.assert_allclose(m.weights, units["weights"], atol=1e-10)
    res = m.effect("re78")
    assert res.estimand.startswith(estimand)
    assert np.isfinite(res.std_error) and res.std_error > 0


@pytest.mark.parametrize("estimand", ["ATC", "ATE"])
def test_exact_weights_for_atc_and_ate_equal_matchit(lalonde, estimand):
    m = match(lalonde, treatment="treat", covariates="race + married + nodegree", method="exact",
              estimand=estimand)  # fmt: skip
    units = pd.read_csv(REF / f"exact_{estimand.lower()}_units.csv", index_col="id")
    np.testing.assert_allclose(m.weights, units["weights"], atol=1e-10)


def test_subclass_with_an_empty_cell_is_refused(lalonde):
    with pytest.raises(EmptyGroupError, match="hold only one group"):
        match(lalonde, treatment="treat", covariates=FORMULA, method="subclass", subclass=40)


# -- optimal pair matching: the total distance is the minimum ----------------------------------
def _brute_force(Zf: np.ndarray, Zp: np.ndarray) -> float:
    best = np.inf
    for perm in itertools.permutations(range(len(Zp)), len(Zf)):
        best = min(best, sum(abs(Zf[i, 0] - Zp[j, 0]) for i, j in enumerate(perm)))
    return best


def test_optimal_pairs_reach_the_brute_force_minimum():
    rng = np.random.default_rng(8)
    for _ in range(20):
        Zf, Zp = rng.random((4, 1)), rng.random((7, 1))
        mm = optimal_pairs(Zf, Zp)
        total = np.abs(Zf[:, 0] - Zp[mm[:, 0], 0]).sum()
        assert total == pytest.approx(_brute_force(Zf, Zp), abs=1e-12)


@pytest.mark.parametrize("ratio", [1, 2])
def test_optimal_match_on_lalonde_is_minimal_and_beats_greedy(lalonde, ratio):
    """Against an independent solver (SciPy's sparse min_weight_full_bipartite_matching, a
    different algorithm): the same total distance; and never more than greedy matching's."""
    opt = match(lalonde, treatment="treat", covariates=FORMULA, method="optimal", ratio=ratio)
    greedy = match(lalonde, treatment="treat", covariates=FORMULA, ratio=ratio)
    ps = opt.propensity

    def total(m):
        mm = m.match_matrix.stack()
        return float(np.abs(ps[mm.index.get_level_values(0)].to_numpy() - ps[mm.to_numpy()]
                            .to_numpy()).sum())  # fmt: skip

    treated = lalonde.index[lalonde["treat"] == 1]
    controls = lalonde.index[lalonde["treat"] == 0]
    cost = np.abs(ps[treated].to_numpy()[:, None] - ps[controls].to_numpy()[None, :])
    cost = (
        np.repeat(cost, ratio, axis=0) + 1e-9
    )  # explicit zeros would vanish from the sparse graph
    rows, cols = min_weight_full_bipartite_matching(csr_matrix(cost))
    reference = float(cost[rows, cols].sum() - 1e-9 * len(rows))
    assert total(opt) == pytest.approx(reference, rel=1e-9)
    assert total(opt) <= total(greedy) + 1e-12
    assert opt.match_matrix.notna().all().all()
    assert opt.effect("re78").estimand.startswith("ATT")


# -- sampling weights (issue 10): MatchIt's s.weights --------------------------------------------
def test_sampling_weights_equal_matchit_s_weights(lalonde):
    """Weighted logit score (1e-8), the same pairs, effect lm(re78 ~ treat, weights = matching x
    sampling weights) with vcovCL by subclass (1e-8 relative), SMDs before and after with
    s.weights (1e-4) -- against MatchIt 4.5.1 with s.weights (sweights_*.csv)."""
    units = pd.read_csv(REF / "sweights_units.csv", index_col="id")
    data = lalonde.assign(sw=units["sw"].to_numpy())
    m = match(data, treatment="treat", covariates=FORMULA, weights="sw")
    np.testing.assert_allclose(m.propensity.to_numpy(), units["distance"], atol=1e-8)
    ref = pd.read_csv(REF / "sweights_pairs.csv", index_col="focal")
    _same_matches(m.match_matrix, ref)
    effect = pd.read_csv(REF / "sweights_effect.csv").iloc[0]
    res = m.effect("re78")
    assert res.estimate == pytest.approx(effect["Estimate"], rel=1e-8)
    # the same pairs (smallest id on a tie = MatchIt's first in data order), so the same SE
    assert res.std_error == pytest.approx(effect["Std. Error"], rel=1e-8)
    pair = pd.Series(np.arange(len(ref)), index=ref.index)
    cluster = pd.concat([pair, pd.Series(pair.to_numpy(), index=ref["match1"].to_numpy())])
    md = data.loc[cluster.index]
    fit = wls_cluster(md["re78"].to_numpy(), md["treat"].to_numpy(), None,
                      md["sw"].to_numpy(float), cluster.to_numpy())  # fmt: skip
    assert fit.std_error == pytest.approx(effect["Std. Error"], rel=1e-8)
    table = m.balance().tidy().set_index("term")
    table.index = [str(t).replace("race_", "race") for t in table.index]
    for when, file in (("before", "sweights_summary_all.csv"),
                       ("after", "sweights_summary_matched.csv")):  # fmt: skip
        ref_tab = pd.read_csv(REF / file).set_index("term")
        common = ref_tab.index.intersection(table.index)
        assert len(common) >= 9
        np.testing.assert_allclose(
            table.loc[common, f"smd_{when}"], ref_tab.loc[common, "Std. Mean Diff."], atol=1e-4
        )
    assert m.to_dict()["sampling_weights"]
    with pytest.raises(ParameterError, match="sampling weights"):
        m.effect("re78", se="abadie_imbens")


@pytest.mark.parametrize("options", [{}, {"ratio": 2}, {"replace": True}, {"order": "smallest"}])
def test_exact_strata_match_as_separate_matchings(options):
    """Nearest-neighbour matching with ``exact=`` equals matching each stratum on its own (a
    given score, so the score does not depend on the subset; 40 strata, a raw caliper)."""
    rng = np.random.default_rng(5)
    n = 3000
    data = pd.DataFrame({"g": rng.integers(0, 40, n), "ps": rng.uniform(0.05, 0.95, n)})
    data["treat"] = (rng.random(n) < 0.25 + 0.3 * data["ps"]).astype(int)
    data.index = [f"p{i:05d}" for i in rng.permutation(n)]
    kwargs = {"distance": "ps", "caliper": 0.02, "caliper_scale": "raw", **options}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        whole = _match(data, treatment="treat", covariates=["ps"], exact="g", **kwargs)
        parts = [
            _match(data[data["g"] == g], treatment="treat", covariates=["ps"], **kwargs)
            for g in sorted(data["g"].unique())
        ]
    pairs = pd.concat([p.match_matrix for p in parts]).reindex(whole.match_matrix.index)
    pd.testing.assert_frame_equal(whole.match_matrix, pairs)
    assert whole.n_treated == sum(p.n_treated for p in parts)


def test_exact_strata_are_the_combinations_of_the_columns():
    from outcomelab.matching.pairing import exact_strata

    rng = np.random.default_rng(2)
    data = pd.DataFrame({
        "region": rng.choice(["n", "s", "e"], 500),
        "age": rng.integers(20, 60, 500),
        "flag": rng.random(500) < 0.5,
    })  # fmt: skip
    codes = exact_strata(data, ["region", "age", "flag"])
    groups = data.groupby(["region", "age", "flag"], sort=False).ngroup().to_numpy()
    # the same partition of the rows: one code per group and one group per code
    pairs = pd.DataFrame({"code": codes, "group": groups}).drop_duplicates()
    assert len(pairs) == pairs["code"].nunique() == pairs["group"].nunique()
    assert codes.min() == 0 and codes.max() == len(pairs) - 1
