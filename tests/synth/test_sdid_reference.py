"""synthdid against the published Proposition 99 numbers and against synthdid-py's replicates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from outcomelab.synth import synthdid

REF = Path(__file__).parents[1] / "reference" / "synthdid_prop99"
METHODS = {"synthdid_estimate": "sdid", "sc_estimate": "sc", "did_estimate": "did"}


@pytest.fixture(scope="module")
def prop99() -> pd.DataFrame:
    return pd.read_csv(REF / "california_prop99.csv", sep=";")


@pytest.mark.parametrize("row", list(pd.read_csv(REF / "r_synthdid_estimates.csv").itertuples()))
def test_prop99_point_estimates_equal_r_synthdid(prop99: pd.DataFrame, row: tuple) -> None:
    res = synthdid(
        prop99,
        outcome="PacksPerCapita",
        unit="State",
        time="Year",
        treatment="treated",
        method=METHODS[row.estimator],
        se="none",
    )
    assert res.estimate == pytest.approx(row.estimate, abs=1e-3)
    assert round(res.estimate, 1) == row.paper_table1
