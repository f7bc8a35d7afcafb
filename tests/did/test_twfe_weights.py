"""Weighted twfe against pyfixest feols(weights=) (tests/reference/twfe_pyfixest_weights)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import twfe
from outcomelab.errors import InputError

REF = Path(__file__).parents[1] / "reference"
EXPECTED = json.loads((REF / "twfe_pyfixest_weights" / "expected.json").read_text())["cases"]
CLUSTERS: dict[str, str | list[str] | None] = {
    "id": None,
    "region": "region",
    "region+year": ["region", "year"],
}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    data = pd.read_csv(REF / "twfe_pyfixest" / "panel.csv")
    # the weights of make_fixture.weighted_panel()
    data["w_unit"] = 1.0 + (data["id"] * 37 % 11) / 2.0
    data["w_row"] = 0.5 + ((data["id"] * 13 + data["year"] * 7) % 9) / 4.0
    return data


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_matches_pyfixest(panel: pd.DataFrame, case: str) -> None:
    expected = EXPECTED[case]
    sample, cov, weight, cl = case.split("/")
    data = panel if sample == "balanced" else panel[panel["in_unbalanced"] == 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        res = twfe(
            data,
            outcome="y",
            unit="id",
            time="year",
            treatment="d",
            covariates=["x"] if cov == "cov" else None,
            cluster=CLUSTERS[cl],
            weights=weight,
        )
    tidy = res.tidy().set_index("term")
    for term, value in expected["Estimate"].items():
        np.testing.assert_allclose(tidy.loc[term, "estimate"], value, rtol=0, atol=1e-8)
    for term, value in expected["Std. Error"].items():
        np.testing.assert_allclose(tidy.loc[term, "std_error"], value, rtol=1e-6)
    assert res.diagnostics["n_obs"] == expected["nobs"]


def test_unit_weights_equal_no_weights(panel: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        args = {"outcome": "y", "unit": "id", "time": "year", "treatment": "d"}
        plain = twfe(panel, **args, covariates=["x"])
        ones = twfe(panel.assign(one=3.0), **args, covariates=["x"], weights="one")
    np.testing.assert_allclose(ones.tidy()["estimate"], plain.tidy()["estimate"], atol=1e-12)
    np.testing.assert_allclose(ones.tidy()["std_error"], plain.tidy()["std_error"], rtol=1e-10)


def test_zero_weight_rows_are_left_out_with_a_note(panel: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        args = {"outcome": "y", "unit": "id", "time": "year", "treatment": "d"}
        data = panel.assign(w=np.where(panel["id"] < 10, 0.0, panel["w_unit"]))
        zero = twfe(data, **args, weights="w")
        dropped = twfe(data[data["id"] >= 10], **args, weights="w")
    assert zero.estimate == pytest.approx(dropped.estimate, abs=1e-12)
    assert zero.diagnostics["zero_weight_rows"] == 80
    assert any("weight 0" in n for n in zero.notes)


def test_bad_weights_raise(panel: pd.DataFrame) -> None:
    args = {"outcome": "y", "unit": "id", "time": "year", "treatment": "d"}
    with pytest.raises(InputError, match="non-negative"):
        twfe(panel.assign(w=-1.0), **args, weights="w")
    with pytest.raises(InputError, match="`weights` names 'pop'"):
        twfe(panel, **args, weights="pop")
