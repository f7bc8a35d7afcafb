"""A survey comparison sample with many tied scores: the NSW participants against 15,992 CPS
persons (LaLonde 1986; causaldata), equal to R MatchIt 4.5.1's matrix path pair by pair.

Fixture: tests/reference/nsw_cps_submission (``make_fixture.R``: MatchIt's pairs, its own linear
logit score per row, the caliper and the effect). Many CPS persons share every covariate value,
so their scores are tied; MatchIt takes the first in data order, we the smallest unit id, and the
ids here are in data order. Tolerances: pairs identical; effect and SE 1e-8 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.matching import match

REF = Path(__file__).parents[1] / "reference" / "nsw_cps_submission"
COVARIATES = ["age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75"]


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    data = pd.read_csv(REF / "sample.csv")
    data.index = np.arange(1, len(data) + 1)  # R's row numbers, in data order
    return data.assign(matchit_distance=pd.read_csv(REF / "distance.csv")["linear_logit"].values)


@pytest.fixture(scope="module")
def matchit_pairs() -> pd.Series:
    return pd.read_csv(REF / "pairs.csv", index_col="treated")["control"]


def _pairs(m) -> pd.Series:
    return m.match_matrix["control_1"].dropna().astype(int).sort_index()


def test_own_score_gives_matchits_pairs_and_effect(sample, matchit_pairs):
    m = match(sample, treatment="treat", covariates=COVARIATES, caliper=0.2)
    ours = _pairs(m)
    pd.testing.assert_series_equal(ours, matchit_pairs, check_names=False, check_dtype=False)
    assert m.n_tied >= 20  # survey data: a tie decided more than one match in ten
    expected = pd.read_csv(REF / "expected.csv").iloc[0]
    res = m.effect("re78", COVARIATES)
    assert res.estimate == pytest.approx(expected["Estimate"], rel=1e-8)
    assert res.std_error == pytest.approx(expected["Std.Error"], rel=1e-8)
    assert res.diagnostics["tied_matches"] == m.n_tied


def test_matchits_own_distance_gives_matchits_pairs(sample, matchit_pairs):
    """Matched on the very score vector MatchIt used, with its caliper: the tie rule is the only
    thing left to differ, and it does not."""
    caliper = float(pd.read_csv(REF / "caliper.csv")["caliper"].iloc[0])
    m = match(sample, treatment="treat", covariates=COVARIATES, distance="matchit_distance",
              caliper=caliper, caliper_scale="raw")  # fmt: skip
    assert m.caliper == caliper
    pd.testing.assert_series_equal(_pairs(m), matchit_pairs, check_names=False, check_dtype=False)


def test_noise_in_the_last_digits_of_the_score_does_not_change_the_pairs(sample, matchit_pairs):
    """Relative noise of 1e-12 (what two logit fits disagree by) splits the tied scores into
    distinct values; scores equal to a relative 1e-10 still count as tied, so the pairs stay."""
    caliper = float(pd.read_csv(REF / "caliper.csv")["caliper"].iloc[0])
    score = sample["matchit_distance"].to_numpy()
    rng = np.random.default_rng(5)
    noisy = score * (1 + 1e-12 * rng.standard_normal(len(score)))
    assert len(np.unique(noisy)) > len(np.unique(score)) + 1000  # the noise broke the ties
    m = match(sample.assign(noisy=noisy), treatment="treat", covariates=COVARIATES,
              distance="noisy", caliper=caliper, caliper_scale="raw")  # fmt: skip
    pd.testing.assert_series_equal(_pairs(m), matchit_pairs, check_names=False, check_dtype=False)
