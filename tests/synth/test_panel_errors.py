"""Bad panels and impossible standard errors raise clear errors."""

from __future__ import annotations

import pandas as pd
import pytest

from outcomelab.errors import EmptyGroupError, EstimationError, InputError, ParameterError
from outcomelab.example.municipal import municipal_panel
from outcomelab.synth import synthdid, synthetic_control

ARGS = {"outcome": "employment", "unit": "municipality", "time": "year"}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return municipal_panel(n_treated=1, seed=5)[0]


def test_unbalanced_panel(panel: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="not balanced"):
        synthdid(panel.drop(index=[3, 50]), treatment="treated", **ARGS)


def test_duplicate_rows(panel: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="repeat"):
        synthdid(pd.concat([panel, panel.head(2)]), treatment="treated", **ARGS)


def test_treatment_that_switches_off(panel: pd.DataFrame) -> None:
    bad = panel.copy()
    bad.loc[(bad["treated"] == 1) & (bad["year"] == 2024), "treated"] = 0
    with pytest.raises(InputError, match="switches off"):
        synthdid(bad, treatment="treated", **ARGS)


def test_missing_outcome(panel: pd.DataFrame) -> None:
    bad = panel.copy()
    bad.loc[7, "employment"] = None
    with pytest.raises(InputError, match="missing values"):
        synthdid(bad, treatment="treated", **ARGS)


def test_nobody_or_everybody_treated(panel: pd.DataFrame) -> None:
    with pytest.raises(EmptyGroupError, match="No unit is ever treated"):
        synthdid(panel.assign(treated=0), treatment="treated", **ARGS)
    with pytest.raises(EmptyGroupError, match="never treated"):
        synthdid(
            panel.assign(treated=(panel["year"] >= 2019).astype(int)), treatment="treated", **ARGS
        )


def test_treated_from_the_first_period(panel: pd.DataFrame) -> None:
    with pytest.raises(EmptyGroupError, match="no pre-treatment period"):
        synthdid(
            panel.assign(cohort=panel["cohort"].where(panel["cohort"] == 0, 2005)),
            cohort="cohort",
            **ARGS,
        )


def test_cohort_not_observed(panel: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="not an observed period"):
        synthdid(
            panel.assign(cohort=panel["cohort"].where(panel["cohort"] == 0, 2030)),
            cohort="cohort",
            **ARGS,
        )


def test_both_or_neither_treatment_and_cohort(panel: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="exactly one"):
        synthdid(panel, **ARGS)
    with pytest.raises(InputError, match="exactly one"):
        synthdid(panel, treatment="treated", cohort="cohort", **ARGS)


def test_standard_errors_that_are_not_defined(panel: pd.DataFrame) -> None:
    with pytest.raises(EstimationError, match="one treated unit"):
        synthdid(panel, treatment="treated", se="bootstrap", **ARGS)
    with pytest.raises(EstimationError, match="at least two treated units"):
        synthdid(panel, treatment="treated", se="jackknife", **ARGS)
    small = panel[panel["municipality"].isin(["0581", "0114"])]
    with pytest.raises(EstimationError, match="more comparison units"):
        synthdid(small, treatment="treated", **ARGS)


def test_bad_options(panel: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="`method`"):
        synthdid(panel, treatment="treated", method="mc", **ARGS)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="`replications`"):
        synthdid(panel, treatment="treated", replications=1, **ARGS)


def test_synthetic_control_needs_one_treated_unit() -> None:
    panel = municipal_panel(n_treated=2, seed=5)[0]
    with pytest.raises(EstimationError, match="one treated unit"):
        synthetic_control(panel, treatment="treated", **ARGS)


def test_synthetic_control_bad_predictor_periods(panel: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="pre-treatment periods"):
        synthetic_control(panel, treatment="treated", outcome_lags=[2020], **ARGS)
    with pytest.raises(InputError, match="not observed"):
        synthetic_control(panel, treatment="treated", outcome_lags=[1990], **ARGS)
