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


def test_equal_v_weights_equal_pysyncon(lags19, peer: dict) -> None:
    ours = lags19.unit_weights.set_index("unit")["weight"]
    theirs = pd.Series(peer["lags19_weights"])
    np.testing.assert_allclose(ours.loc[theirs.index].to_numpy(), theirs.to_numpy(), atol=2e-4)
    assert lags19.diagnostics["pre_mspe"] == pytest.approx(peer["lags19_loss"], rel=1e-4)


def test_in_space_placebo_ratios_equal_pysyncon(lags19, peer: dict) -> None:
    table = lags19.placebos.set_index("unit")
    theirs = pd.Series(peer["placebo_ratio"])
    np.testing.assert_allclose(table.loc[theirs.index, "ratio"].to_numpy(), theirs.to_numpy(), rtol=2e-3)
    assert table.loc["California", "ratio"] == pytest.approx(peer["treated_ratio"], rel=1e-4)
    ranks = (theirs >= peer["treated_ratio"]).sum() + 1
    assert lags19.p_value == pytest.approx(ranks / (len(theirs) + 1))
    assert table.loc["California", "rank"] == ranks


def test_optimised_v_fits_at_least_as_well_as_pysyncon(prop99: pd.DataFrame, peer: dict) -> None:
    res = synthetic_control(
        prop99, predictors=["PacksPerCapita"], outcome_lags=[1975, 1980, 1988], placebos=False, **ARGS
    )
    assert res.diagnostics["pre_mspe"] <= peer["optimised_v_loss"] * (1 + 1e-6)
    bal = res.predictor_balance
    assert list(bal["predictor"]) == [
        "PacksPerCapita (mean)",
        "PacksPerCapita (1975)",
        "PacksPerCapita (1980)",
        "PacksPerCapita (1988)",
    ]
    assert bal["v_weight"].sum() == pytest.approx(1.0)


def test_gap_and_estimate(lags19) -> None:
    traj = lags19.trajectory
    post = traj[traj["post"]]
    assert lags19.estimate == pytest.approx(post["gap"].mean())
    assert np.isnan(lags19.std_error)
    assert lags19.estimate < -10  # Proposition 99 lowered cigarette sales (ADH 2010: about -20 packs)
    fig = lags19.plot_placebos()
    assert fig.axes[0].has_data()


def test_excluding_poorly_fitted_placebos(prop99: pd.DataFrame) -> None:
    res = synthetic_control(prop99, max_pre_rmspe_ratio=2.0, **ARGS)
    kept = res.placebos["kept"]
    assert kept.iloc[0] and not kept.all()
    assert res.p_value == pytest.approx(
        (res.placebos.loc[kept, "ratio"] >= res.placebos["ratio"].iloc[0]).mean()
    )
