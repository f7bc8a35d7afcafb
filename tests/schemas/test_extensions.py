"""What a submission may add to the standard: own outcomes, own covariates, aggregate units.

Each test reproduces a problem of issue 10 first: a folder with its own outcome catalogue passed
``validate`` and was refused by ``submit`` (551 failures); a person without the fixed background
columns was invalid; extra background variables could not be used; units other than persons did
not exist.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.design import build_panel, panel_info
from outcomelab.errors import SchemaError
from outcomelab.schemas import validate_package
from outcomelab.store import Store

IID = "iv1"
PERSONS = [f"{i:064x}" for i in range(1, 9)]
OWN_OUTCOME = {
    "code": "reading_score",
    "name_sv": "Läsprov",
    "name_en": "Reading test score",
    "unit": "test points",
    "kind": "count",
    "direction": "higher_is_better",
    "periodicity": "year",
    "followup_windows_months": "12",
    "definition_en": "Points on the municipality's reading test in year 9.",
    "definition_sv": "Poäng på kommunens läsprov i årskurs 9.",
}


def interventions(**changes: str) -> pd.DataFrame:
    row = {
        "intervention_id": IID,
        "name": "Läsfrämjande",
        "organisation_name": "Norrköpings kommun",
        "organisation_type": "municipality",
        "organisation_code": "0581",
        "target_group": "children_young_people",
        "funding_form": "social_investment_fund",
        "sectors": "school",
        "start_date": "2020-01-01",
        "end_date": "2022-12-31",
        "period_type": "year",
    }
    row.update(changes)
    return pd.DataFrame([row])


def persons(**extra: list[str]) -> pd.DataFrame:
    """Participants with only the key columns: no recommended background column at all."""
    frame = pd.DataFrame(
        {
            "person_id": PERSONS,
            "intervention_id": IID,
            "group": ["participant"] * 4 + ["comparison"] * 4,
            "start_date": ["2020-08-15"] * 4 + [""] * 4,
        }
    )
    return frame.assign(**extra)


def outcomes(code: str = "reading_score") -> pd.DataFrame:
    rows = [
        {"person_id": p, "outcome_code": code, "period": str(year), "value": str(10 + i + year % 3)}
        for i, p in enumerate(PERSONS)
        for year in (2019, 2020, 2021)
    ]
    return pd.DataFrame(rows)


def own_submission(folder: Path) -> Path:
    folder.mkdir()
    interventions().to_csv(folder / "interventions.csv", index=False)
    persons().to_csv(folder / "participants.csv", index=False)
    outcomes().to_csv(folder / "outcomes.csv", index=False)
    pd.DataFrame([OWN_OUTCOME]).to_csv(folder / "outcome_catalogue.csv", index=False)
    return folder


def test_own_outcome_is_accepted_by_validate_and_submit_alike(tmp_path: Path):
    folder = own_submission(tmp_path / "own")
    report = validate_package(folder)
    assert report.ok, report.failures
    info = Store(tmp_path / "store").submit(folder, intervention_id=IID)
    stored = Store(tmp_path / "store").get(info.short_id)
    assert "outcome_catalogue" in stored.table_names()
    assert stored.table("outcome_catalogue")["code"].tolist() == ["reading_score"]


def test_without_its_own_catalogue_the_outcome_is_unknown_to_both(tmp_path: Path):
    folder = own_submission(tmp_path / "own")
    (folder / "outcome_catalogue.csv").unlink()
    report = validate_package(folder)
    assert set(report.failures["check"]) == {"foreign_key"}
    assert "declare your own outcome" in report.failures["message"].iloc[0]
    with pytest.raises(SchemaError) as refused:
        Store(tmp_path / "store").submit(folder, intervention_id=IID)
    pd.testing.assert_frame_equal(refused.value.failures, report.failures)


def test_own_catalogue_cannot_redefine_a_lab_outcome(tmp_path: Path):
    folder = own_submission(tmp_path / "own")
    clash = dict(OWN_OUTCOME, code="employment", kind="count")
    pd.DataFrame([OWN_OUTCOME, clash]).to_csv(folder / "outcome_catalogue.csv", index=False)
    report = validate_package(folder)
    found = report.failures[report.failures["check"] == "catalogue_clash"]
    assert found[["table", "row", "value"]].values.tolist() == [
        ["outcome_catalogue", 3, "employment"]
    ]


def test_a_copied_lab_row_is_not_a_clash(tmp_path: Path):
    from outcomelab.resources import schemas_dir
    from outcomelab.schemas import read_table

    folder = own_submission(tmp_path / "own")
    lab = read_table(schemas_dir() / "outcome_catalogue.csv")
    pd.concat([lab, pd.DataFrame([OWN_OUTCOME])]).to_csv(
        folder / "outcome_catalogue.csv", index=False
    )
    assert validate_package(folder).ok


def test_background_columns_are_optional_and_own_covariates_are_declared(tmp_path: Path):
    tables = {
        "interventions": interventions(),
        "participants": persons(
            earnings_prior=["0", "1200,5", "", "300", "50", "0", "7000", "12"],
            married=["yes", "no", "unknown", "yes", "no", "no", "", "yes"],
        ),
        "outcomes": outcomes(),
        "outcome_catalogue": pd.DataFrame([OWN_OUTCOME]),
    }
    undeclared = validate_package(tables)
    assert set(undeclared.failures["check"]) == {"extra_column"}
    assert set(undeclared.failures["column"]) == {"earnings_prior", "married"}
    tables["covariate_catalogue"] = pd.DataFrame(
        {
            "name": ["earnings_prior", "married"],
            "type": ["numeric", "categorical"],
            "description": ["Earnings the year before, SEK.", "Married at the start."],
            "levels": ["", "yes;no"],
        }
    )
    report = validate_package(tables)
    assert report.ok, report.failures
    bad = dict(tables, participants=tables["participants"].assign(married="divorced"))
    bad["participants"].loc[1, "earnings_prior"] = "many"
    failures = validate_package(bad).failures
    assert set(zip(failures["column"], failures["check"], strict=True)) == {
        ("earnings_prior", "type"),
        ("married", "enum"),
    }
    stored = Store(tmp_path / "store")
    info = stored.submit(tables, intervention_id=IID)
    panel = build_panel(stored.get(info.short_id), intervention_id=IID)
    assert {"earnings_prior", "married"} <= set(panel_info(panel).covariates)
    persons_ = panel.drop_duplicates("person_id").set_index("person_id")
    assert persons_["earnings_prior"].dtype == float
    assert persons_.loc[PERSONS[1], "earnings_prior"] == 1200.5  # decimal comma read
    assert np.isnan(persons_.loc[PERSONS[2], "earnings_prior"])  # empty = unknown
    assert persons_.loc[PERSONS[2], "married"] == "unknown"


def test_a_declared_covariate_must_exist_and_not_shadow_a_standard_column():
    tables = {
        "interventions": interventions(),
        "participants": persons(),
        "outcomes": outcomes(),
        "outcome_catalogue": pd.DataFrame([OWN_OUTCOME]),
        "covariate_catalogue": pd.DataFrame(
            {
                "name": ["sex", "grades"],
                "type": ["categorical", "numeric"],
                "description": ["Sex.", "Merit rating in year 6."],
            }
        ),
    }
    failures = validate_package(tables).failures
    assert failures[["table", "value", "check"]].values.tolist() == [
        ["covariate_catalogue", "sex", "covariate_name"],
        ["covariate_catalogue", "grades", "covariate_missing"],
    ]


# -- aggregate units -----------------------------------------------------------------------------

MUNICIPALITIES = ["0581", "0580", "0582", "0583", "0584", "0180"]


def municipal_tables() -> dict[str, pd.DataFrame]:
    """Six municipalities, two treated from 2020, a share outcome per year 2017-2022."""
    units = pd.DataFrame(
        {
            "unit_id": MUNICIPALITIES,
            "intervention_id": IID,
            "group": ["participant"] * 2 + ["comparison"] * 4,
            "start_date": ["2020-01-01"] * 2 + [""] * 4,
            "name": ["Norrköping", "Linköping", "Boxholm", "Åtvidaberg", "Finspång", "Stockholm"],
            "population": ["1400", "1650", "60", "130", "250", "9800"],
        }
    )
    rng = np.random.default_rng(4)
    rows = [
        {
            "unit_id": u,
            "outcome_code": "employment",
            "period": str(year),
            "value": f"{0.5 + 0.01 * (year - 2017) + rng.normal(0, 0.01):.4f}",
        }
        for u in MUNICIPALITIES
        for year in range(2017, 2023)
    ]
    return {
        "interventions": interventions(unit_of_analysis="municipality"),
        "units": units,
        "unit_outcomes": pd.DataFrame(rows),
    }


def test_municipalities_as_units_validate_submit_and_make_a_weighted_panel(tmp_path: Path):
    tables = municipal_tables()
    report = validate_package(tables)
    assert report.ok, report.failures
    info = Store(tmp_path / "store").submit(tables, intervention_id=IID)
    stored = Store(tmp_path / "store").get(info.short_id)
    assert stored.table_names() == ["interventions", "units", "unit_outcomes"]
    panel = build_panel(stored, intervention_id=IID)
    assert list(panel.columns[:3]) == ["unit_id", "unit", "period"]
    assert panel.loc[panel["unit_id"] == "0580", "weight"].unique().tolist() == [1650.0]
    info_ = panel_info(panel)
    assert info_.unit_of_analysis == "municipality"
    assert info_.weight == "weight"
    assert dict(info_.persons_covered) == {"participant": 3050, "comparison": 10240}
    assert "population" not in info_.covariates and "name" not in info_.covariates


def test_a_unit_history_may_go_back_further_than_a_person_baseline():
    # synthetic control fits a long pre-period (Proposition 99: 19 years); the 10-year baseline
    # window is a rule for persons' register histories
    tables = municipal_tables()
    early = tables["unit_outcomes"].assign(period=lambda d: d["period"].astype(int) - 15)
    tables["unit_outcomes"] = pd.concat(
        [early.assign(period=early["period"].astype(str)), tables["unit_outcomes"]],
        ignore_index=True,
    )
    assert validate_package(tables).ok
    late = municipal_tables()
    # the upper bound still holds: an intervention that ended in 2020 has no 2040 follow-up
    late["interventions"] = late["interventions"].assign(end_date="2020-12-31")
    late["unit_outcomes"].loc[0, "period"] = "2040"
    failures = validate_package(late).failures
    # (2040 is also a period that has not begun: that rule is tested in tests/security)
    assert failures.loc[failures["check"] != "period_in_future", "check"].tolist() == [
        "followup_window"
    ]


def test_a_share_outside_0_to_1_is_refused_for_units():
    tables = municipal_tables()
    tables["unit_outcomes"].loc[3, "value"] = "1.2"
    failures = validate_package(tables).failures
    assert failures[["table", "row", "check"]].values.tolist() == [
        ["unit_outcomes", 5, "outcome_value"]
    ]


def test_units_need_an_aggregate_unit_of_analysis():
    tables = municipal_tables()
    tables["interventions"] = interventions()
    failures = validate_package(tables).failures
    assert failures["check"].tolist() == ["unit_tables"]
    persons_for_units = {
        "interventions": interventions(unit_of_analysis="school"),
        "participants": persons(),
        "outcomes": outcomes("employment").assign(value="1"),
    }
    failures = validate_package(persons_for_units).failures
    assert failures["check"].tolist() == ["unit_tables"]
    assert "go in units.csv and unit_outcomes.csv" in failures["message"].iloc[0]
