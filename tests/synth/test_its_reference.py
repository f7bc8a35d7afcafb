"""Interrupted time series against R lm + sandwich::NeweyWest on the Seatbelts data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import EmptyGroupError, InputError
from outcomelab.synth import MARYLAND_LEVEL_ITS, interrupted_time_series

REF = Path(__file__).parents[1] / "reference" / "its_seatbelts"
TERMS = {
    "(Intercept)": "intercept",
    "time": "pre-period slope",
    "law": "level change",
    "time_after": "slope change",
}


@pytest.fixture(scope="module")
def seatbelts() -> pd.DataFrame:
    return pd.read_csv(REF / "seatbelts.csv")


@pytest.mark.parametrize(
    ("outcome", "lag"), [("drivers_killed", 3), ("drivers_killed", 12), ("front", 3), ("front", 12)]
)
def test_segmented_regression_equals_r_sandwich(
    seatbelts: pd.DataFrame, outcome: str, lag: int
) -> None:
    ref = pd.read_csv(REF / "r_sandwich_neweywest.csv")
    ref = ref[(ref["outcome"] == outcome) & (ref["lag"] == lag)].rename(
        columns={"std.error": "std_error"}
    )
    res = interrupted_time_series(
        seatbelts, outcome=outcome, time="month", start="1983-02", seasonality="month", lags=lag
    )
    coef = pd.DataFrame(res.diagnostics["coefficients"]).set_index("term")
    for r in ref.itertuples():
        assert coef.loc[TERMS[r.term], "estimate"] == pytest.approx(r.estimate, rel=1e-7)
        assert coef.loc[TERMS[r.term], "std_error"] == pytest.approx(r.std_error, rel=1e-6)
    tidy = res.tidy().set_index("term")
    assert tidy.loc["level change", "estimate"] == pytest.approx(
        coef.loc["level change", "estimate"]
    )
    post_h = np.arange(res.diagnostics["post_periods"])
    expected = (
        coef.loc["level change", "estimate"] + coef.loc["slope change", "estimate"] * post_h.mean()
    )
    assert res.estimate == pytest.approx(expected)
    assert res.maryland_level == MARYLAND_LEVEL_ITS == 2


def test_its_counterfactual_continues_the_pre_trend(seatbelts: pd.DataFrame) -> None:
    res = interrupted_time_series(
        seatbelts, outcome="front", time="month", start="1983-02", seasonality="month"
    )
    tr = res.trajectory
    gap = (tr["fitted"] - tr["counterfactual"])[tr["post"]].to_numpy()
    assert gap.mean() == pytest.approx(res.estimate)
    assert np.allclose((tr["fitted"] - tr["counterfactual"])[~tr["post"]], 0)


def test_its_known_truth_yearly() -> None:
    rng = np.random.default_rng(3)
    years = np.arange(2005, 2025)
    h = years - 2019
    y = 10 + 0.3 * h + np.where(h >= 0, 2.0 + 0.5 * h, 0) + rng.normal(0, 0.05, len(years))
    res = interrupted_time_series(
        pd.DataFrame({"year": years, "y": y}), outcome="y", time="year", start=2019
    )
    tidy = res.tidy().set_index("term")
    assert tidy.loc["level change", "estimate"] == pytest.approx(2.0, abs=0.15)
    assert tidy.loc["slope change", "estimate"] == pytest.approx(0.5, abs=0.05)


def test_its_errors_name_the_problem(seatbelts: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="not an observed value"):
        interrupted_time_series(seatbelts, outcome="front", time="month", start="1990-01")
    with pytest.raises(EmptyGroupError, match="before the start"):
        interrupted_time_series(
            seatbelts, outcome="front", time="month", start="1969-03", seasonality="month"
        )
    twice = pd.concat([seatbelts, seatbelts])
    with pytest.raises(InputError, match="repeats periods"):
        interrupted_time_series(twice, outcome="front", time="month", start="1983-02")
