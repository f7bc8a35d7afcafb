"""In-time placebo of synthetic control (Abadie, Diamond and Hainmueller 2015) on Prop 99.

Moving California's start from 1989 back to 1980 and fitting on 1970-1988 only gives a made-up
"effect" of -3.4 packs (observed), small against the real -19.5: the pre-1989 fit carries over.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from outcomelab.errors import EstimationError, ParameterError
from outcomelab.example.municipal import municipal_panel
from outcomelab.synth import in_time_placebo, synthetic_control

REF = Path(__file__).resolve().parents[1] / "reference" / "synthdid_prop99"
KW = {"outcome": "PacksPerCapita", "unit": "State", "time": "Year", "treatment": "treated"}


@pytest.fixture(scope="module")
def prop99() -> pd.DataFrame:
    return pd.read_csv(REF / "california_prop99.csv", sep=";")


def test_placebo_start_before_prop99_finds_little(prop99: pd.DataFrame) -> None:
    real = synthetic_control(prop99, v="equal", placebos=False, **KW)
    fake = in_time_placebo(prop99, placebo_start=1980, **KW)
    assert fake.trajectory["period"].max() == 1988  # the real post-period is never used
    assert fake.diagnostics["treatment_start"] == 1980
    assert fake.n_control == 38 and fake.placebos.shape[0] == 1  # no in-space placebos
    assert abs(fake.estimate) < 0.25 * abs(real.estimate)


def test_placebo_start_must_lie_before_the_real_one(prop99: pd.DataFrame) -> None:
    for bad in (1989, 1995, 1970, 1850):
        with pytest.raises(ParameterError, match="placebo_start"):
            in_time_placebo(prop99, placebo_start=bad, **KW)
    panel, _ = municipal_panel(n_treated=2, seed=1)
    with pytest.raises(EstimationError, match="one treated unit"):
        in_time_placebo(
            panel,
            outcome="employment",
            unit="municipality",
            time="year",
            treatment="treated",
            placebo_start=2014,
        )
