"""design.analysis_panel: the estimators' numeric panel equals the covariates made on the whole
built panel (analysis_covariates on every row) restricted to the units with complete covariates,
column by column, exactly; also when units have different numbers of rows (the shares of a
categorical covariate's levels are the panel's, not the units')."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.design import analysis_covariates
from outcomelab.design.analysis import analysis_panel


def _built(unit_of_analysis: str = "person") -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for unit in range(1, 61):
        # units 1-25 ('north') have four periods, units 26-60 ('south') one or two: by units
        # 'south' is the most common region, by rows 'north' (the reference level)
        periods = range(2018, 2022) if unit <= 25 else range(2020 + unit % 2, 2022)
        cohort = 2020 if unit % 3 == 0 else 0
        for p in periods:
            rows.append(
                {
                    "person_id": f"p{unit:03d}",
                    "unit_id": f"k{unit:03d}",
                    "unit": unit,
                    "period": p,
                    "y1": rng.normal(),
                    "y2": float(rng.integers(0, 2)),
                    "cohort": cohort,
                    "rel_time": float(p - cohort) if cohort else np.nan,
                    "treated": int(cohort > 0),
                    "treated_post": int(cohort > 0 and p >= cohort),
                    "weight": 10.0 + unit,
                    "age": np.nan if unit in (4, 9) else 20.0 + unit % 17,
                    "sex": ["female", "male", "unknown"][unit % 3],
                    "region": "north" if unit <= 25 else "south",
                    "born_abroad": unit % 4 == 0,
                    "start_date": "2020-01-01" if cohort else None,
                }
            )
    built = pd.DataFrame(rows)
    built.attrs["panel_info"] = {
        "unit_of_analysis": unit_of_analysis,
        "outcomes": ["y1", "y2"],
        "covariates": ["age", "sex", "region", "born_abroad"],
        "weight": "weight" if unit_of_analysis != "person" else None,
    }
    return built


@pytest.mark.parametrize("unit_of_analysis", ["person", "municipality"])
def test_equals_the_covariates_of_the_whole_panel(unit_of_analysis: str) -> None:
    built = _built(unit_of_analysis)
    whole, covs = analysis_covariates(built)
    incomplete = whole.loc[whole[list(covs.columns)].isna().any(axis=1), "unit"].unique()
    expected = whole[~whole["unit"].isin(incomplete)].reset_index(drop=True)

    got = analysis_panel(built, ["y1", "y2", "not_a_column"])

    assert got.covariates == covs
    assert "cov_region_south" in covs.columns  # north, the most common by rows, is the reference
    assert sorted(got.incomplete) == [4, 9]
    assert len(got.persons) == 60
    design = ["unit", "period", "cohort", "rel_time", "treated", "treated_post"]
    extra = ["weight", "unit_id"] if unit_of_analysis != "person" else []
    assert list(got.panel.columns) == [*design, "y1", "y2", *extra, *covs.columns]
    for column in got.panel.columns:
        pd.testing.assert_series_equal(got.panel[column], expected[column], check_exact=True)
    assert got.panel.attrs["covariate_set"] == covs.to_dict()
    assert got.panel.attrs["panel_info"] == built.attrs["panel_info"]


def test_a_complete_panel_keeps_every_row() -> None:
    built = _built()
    built["age"] = built["age"].fillna(30.0)
    got = analysis_panel(built, ["y1"])
    assert len(got.panel) == len(built)
    assert got.incomplete.size == 0
    np.testing.assert_array_equal(got.panel["y1"], built["y1"])
