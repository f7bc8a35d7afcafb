"""Ties (issue 12 item 7): the matched set depends on the units, not on the order of the rows.

Matching breaks ties -- comparison units at the same distance, treated units with the same score --
by unit id (the ``unit`` column or the index), and reports how many matches a tie decided.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.matching import match

COLUMNS = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]


def _survey(seed: int = 3, n: int = 600) -> pd.DataFrame:
    """Coarse covariates (as in survey comparison samples): many identical propensity scores."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "agegroup": rng.integers(0, 4, n).astype(float),
            "female": rng.integers(0, 2, n).astype(float),
            "region": rng.choice(["n", "s", "e"], n),
        }
    )
    lin = -1.0 + 0.4 * df["agegroup"] - 0.5 * df["female"]
    df["treat"] = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(int)
    df["y"] = df["agegroup"] + rng.normal(size=n) + df["treat"]
    df.index = [f"u{i:04d}" for i in rng.permutation(n)]
    return df


CASES = [
    {},
    {"ratio": 2},
    {"replace": True},
    {"caliper": 0.1},
    {"method": "mahalanobis"},
    {"exact": "female"},
    {"caliper": {"agegroup": 1.0}},
    {"method": "optimal"},
    {"estimand": "ATC", "replace": True},
]


@pytest.mark.filterwarnings("ignore:There are")
@pytest.mark.parametrize("options", CASES)
def test_row_order_does_not_change_the_match(options):
    data = _survey()
    covs = ["agegroup", "female", "region"]
    a = match(data, treatment="treat", covariates=covs, **options)
    shuffled = data.sample(frac=1.0, random_state=11)
    b = match(shuffled, treatment="treat", covariates=covs, **options)
    pd.testing.assert_series_equal(a.weights, b.weights.reindex(a.weights.index))
    mm_a, mm_b = a.match_matrix, b.match_matrix
    pd.testing.assert_frame_equal(mm_a, mm_b.reindex(mm_a.index))
    ea, eb = a.effect("y"), b.effect("y")
    # the same matched set; the effect's sums run in row order (rounding only)
    assert ea.estimate == pytest.approx(eb.estimate, rel=1e-12)
    assert ea.std_error == pytest.approx(eb.std_error, rel=1e-12)
    assert a.n_tied == b.n_tied


def test_ties_are_counted_and_reported():
    data = _survey()
    m = match(data, treatment="treat", covariates=["agegroup", "female", "region"])
    assert m.n_tied > 0.5 * m.n_treated  # coarse covariates: most matches are ties
    assert any("broken by unit id" in n for n in m.notes)
    assert m.effect("y").diagnostics["tied_matches"] == m.n_tied
    assert m.to_dict()["n_tied"] == m.n_tied


def test_tie_rule_is_keyed_on_unit_id(lalonde):
    """Renaming the units (same rows, same order) changes which of two identical comparison
    units is taken, and nothing else; with untied data (continuous scores) nothing changes."""
    m = match(lalonde, treatment="treat", covariates=COLUMNS)
    assert m.n_tied > 0
    renamed = lalonde.set_axis(lalonde.index[::-1], axis=0)
    r = match(renamed, treatment="treat", covariates=COLUMNS)
    assert r.n_tied == m.n_tied
    np.testing.assert_allclose(r.propensity.to_numpy(), m.propensity.to_numpy(), atol=1e-12)


def test_no_ties_in_continuous_data_and_unit_column():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"x": rng.normal(size=400), "id": rng.permutation(400)})
    df["treat"] = (rng.random(400) < 0.3).astype(int)
    m = match(df, treatment="treat", covariates=["x"], unit="id")
    assert m.n_tied == 0
    assert not any("tie" in n for n in m.notes)
