"""Synthetic control (Abadie et al. 2010) against pysyncon on the Proposition 99 panel."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from outcomelab.synth import synthetic_control

matplotlib.use("Agg")
REF = Path(__file__).parents[1] / "reference"
PRE = list(range(1970, 1989))
ARGS = {"outcome": "PacksPerCapita", "unit": "State", "time": "Year", "treatment": "treated"}


@pytest.fixture(scope="module")
def prop99() -> pd.DataFrame:
    return pd.read_csv(REF / "synthdid_prop99" / "california_prop99.csv", sep=";")


@pytest.fixture(scope="module")
def peer() -> dict:
    return json.loads((REF / "synth_control_prop99" / "peer_pysyncon.json").read_text())


@pytest.fixture(scope="module")
def lags19(prop99: pd.DataFrame):
    return synthetic_control(prop99, outcome_lags=PRE, v="equal", **ARGS)


def _predictor_loss(prop99: pd.DataFrame, weights: pd.Series) -> float:
    """Equal-V loss of the standardised pre-period outcomes (pysyncon's and ADH's scaling)."""
    wide = prop99.pivot(index="State", columns="Year", values="PacksPerCapita")[PRE]
    xs = wide / wide.std(ddof=1)
    x0 = xs.drop("California")
    return float(((xs.loc["California"] - weights.reindex(x0.index) @ x0) ** 2).mean())


def test_equal_v_weights_solve_the_problem_at_least_as_well_as_pysyncon(
    prop99: pd.DataFrame, lags19, peer: dict
) -> None:
    ours = lags19.unit_weights.set_index("unit")["weight"]
    theirs = pd.Series(peer["lags19_weights"])
    # the exact simplex solution: never worse than pysyncon's SLSQP, which stops near it
    assert _predictor_loss(prop99, ours) <= _predictor_loss(prop99, theirs) * (1 + 1e-9)
    assert _predictor_loss(prop99, ours) == pytest.approx(_predictor_loss(prop99, theirs), rel=1e-2)
    np.testing.assert_allclose(ours.loc[theirs.index].to_numpy(), theirs.to_numpy(), atol=0.05)
    assert lags19.diagnostics["pre_mspe"] <= peer["lags19_loss"] * (1 + 1e-9)


def test_in_space_placebo_test_agrees_with_pysyncon(lags19, peer: dict) -> None:
    table = lags19.placebos.set_index("unit")
    theirs = pd.Series(peer["placebo_ratio"])
    ours = table.loc[theirs.index, "ratio"]
    assert np.corrcoef(ours, theirs)[0, 1] > 0.99
    assert table.loc["California", "ratio"] == pytest.approx(peer["treated_ratio"], rel=0.03)
    # the permutation p-value: share of all 39 units whose ratio is at least California's
    p_theirs = ((theirs >= peer["treated_ratio"]).sum() + 1) / (len(theirs) + 1)
    assert lags19.p_value == pytest.approx(p_theirs)
    assert table.loc["California", "rank"] == (theirs >= peer["treated_ratio"]).sum() + 1


def test_gap_and_estimate(lags19) -> None:
    traj = lags19.trajectory
    post = traj[traj["post"]]
    assert lags19.estimate == pytest.approx(post["gap"].mean())
    assert np.isnan(lags19.std_error)
    assert (
        lags19.estimate < -10
    )  # Proposition 99 lowered cigarette sales (ADH 2010: about -20 packs)
    fig = lags19.plot_placebos()
    assert fig.axes[0].has_data()
