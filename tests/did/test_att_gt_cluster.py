"""att_gt with standard errors clustered above the unit (e.g. municipality)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import att_gt
from outcomelab.errors import InputError

REF = Path(__file__).parents[1] / "reference" / "mpdta"
ARGS = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}


@pytest.fixture(scope="module")
def mpdta(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    d = reference_table("mpdta/mpdta.csv")
    d["state"] = d["countyreal"] // 1000  # FIPS state code of the county
    return d


def test_cluster_by_unit_equals_default(mpdta: pd.DataFrame) -> None:
    a = att_gt(mpdta, **ARGS)
    b = att_gt(mpdta, **ARGS, cluster="countyreal")
    np.testing.assert_allclose(b.tidy()["std_error"], a.tidy()["std_error"], rtol=1e-12)
    assert b.aggregate("dynamic").std_error == pytest.approx(a.aggregate("dynamic").std_error)


def test_cluster_standard_errors_equal_summed_influence(mpdta: pd.DataFrame) -> None:
    res = att_gt(mpdta, **ARGS, cluster="state", covariates=["lpop"])
    state = res.state
    assert state is not None and state.cluster_codes is not None
    n = state.n_units
    # brute force: sum each cell's influence function within states, CR0 variance
    sums = pd.DataFrame(state.influence).groupby(state.cluster_codes).sum().to_numpy()
    se = np.sqrt((sums**2).sum(axis=0)) / n
    np.testing.assert_allclose(res.tidy()["std_error"], se, rtol=1e-10)
    # the simple aggregate including the estimated-weights term, brute force
    unclustered = att_gt(mpdta, **ARGS, covariates=["lpop"])
    assert res.estimate == unclustered.estimate
    assert res.std_error != pytest.approx(unclustered.std_error, rel=1e-3)
    assert res.diagnostics["n_clusters"] == mpdta["state"].nunique()
    assert any("clustered by 'state'" in note for note in res.notes)
    pre = res.pretest()
    assert pre.df == 5 and 0 <= pre.p_value <= 1


def test_cluster_aggregate_matches_materialised(mpdta: pd.DataFrame) -> None:
    from outcomelab.did.aggregation import _combine

    res = att_gt(mpdta, **ARGS, cluster="state")
    state = res.state
    assert state is not None and state.cluster_codes is not None
    pg = np.array([np.mean(state.unit_cohort == g) for g in state.group])
    _, lin = _combine(state, state.group <= state.time, pg)
    psi = lin.materialise(state)[:, 0]
    sums = pd.Series(psi).groupby(state.cluster_codes).sum().to_numpy()
    assert res.std_error == pytest.approx(np.sqrt((sums**2).sum()) / state.n_units, rel=1e-10)


def test_cluster_bootstrap_close_to_analytic(mpdta: pd.DataFrame) -> None:
    an = att_gt(mpdta, **ARGS, cluster="state")
    bo = att_gt(mpdta, **ARGS, cluster="state", bootstrap=999, seed=5)
    # ~29 clusters: bootstrap SEs agree with the analytic CR0 ones within Monte Carlo error
    ratio = bo.tidy()["std_error"] / an.tidy()["std_error"]
    assert ratio.between(0.75, 1.25).all(), ratio.tolist()


def test_cluster_must_contain_whole_units(mpdta: pd.DataFrame) -> None:
    bad = mpdta.copy()
    bad.loc[bad.index[:2], "state"] = -1
    with pytest.raises(InputError, match="changes within 1 units"):
        att_gt(bad, **ARGS, cluster="state")
    with pytest.raises(InputError, match="`cluster` names 'kommun'"):
        att_gt(mpdta, **ARGS, cluster="kommun")
