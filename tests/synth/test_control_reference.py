"""Synthetic control (Abadie et al. 2010) against pysyncon on the Proposition 99 panel."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
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


def test_optimised_v_fits_at_least_as_well_as_pysyncon(prop99: pd.DataFrame, peer: dict) -> None:
    res = synthetic_control(
        prop99,
        predictors=["PacksPerCapita"],
        outcome_lags=[1975, 1980, 1988],
        placebos=False,
        **ARGS,
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


def test_excluding_poorly_fitted_placebos(prop99: pd.DataFrame) -> None:
    res = synthetic_control(prop99, max_pre_rmspe_ratio=2.0, **ARGS)
    kept = res.placebos["kept"]
    assert kept.iloc[0] and not kept.all()
    assert res.p_value == pytest.approx(
        (res.placebos.loc[kept, "ratio"] >= res.placebos["ratio"].iloc[0]).mean()
    )
