"""validate_package(): the checks between tables, on small folders written in tmp_path."""

from __future__ import annotations

import pandas as pd
import pytest

from outcomelab.errors import InputError, ReadError
from outcomelab.schemas import PACKAGE_CHECKS, read_submission, validate_package

P1 = "1" * 64
P2 = "2" * 64
P3 = "3" * 64


def interventions(**changes):
    row = {
        "intervention_id": "iv1",
        "name": "Unga till arbete",
        "organisation_name": "Norrköpings kommun",
        "organisation_type": "municipality",
        "organisation_code": "0581",
        "target_group": "unemployed",
        "funding_form": "social_investment_fund",
        "sectors": "social_services;labour_market",
        "start_date": "2022-01-01",
        "end_date": "2023-12-31",
        "budget_sek": "5000000",
        "period_type": "year",
        "primary_outcome": "employment",
    }
    row.update(changes)
    return pd.DataFrame([row])


def participant(person, group="participant", start="2022-03-01", intervention="iv1"):
    return {
        "person_id": person,
        "intervention_id": intervention,
        "group": group,
        "start_date": start if group == "participant" else "",
        "end_date": "",
        "dosage": "",
        "birth_year": "1995",
        "sex": "female",
        "born_abroad": "false",
        "education_level": "unknown",
        "employed_months_prev_year": "0",
        "social_assistance_months_prev_year": "0",
        "sick_leave_days_prev_year": "0",
        "home_municipality_code": "0581",
    }


def outcome(person, code="employment", period="2023", value="1"):
    return {"person_id": person, "outcome_code": code, "period": period, "value": value}


def package(participants=None, outcomes=None, **iv_changes):
    parts = participants or [participant(P1), participant(P2, "comparison")]
    outs = outcomes or [outcome(P1), outcome(P2, value="0")]
    return {
        "interventions": interventions(**iv_changes),
        "participants": pd.DataFrame(parts),
        "outcomes": pd.DataFrame(outs),
    }


def test_consistent_package_is_valid():
    report = validate_package(package())
    assert report.ok, report.summary()
    assert report.rows_per_table == {"interventions": 1, "participants": 2, "outcomes": 2}


def test_missing_table_is_reported():
    tables = package()
    del tables["outcomes"]
    report = validate_package(tables)
    assert report.failures[["table", "check"]].values.tolist() == [["outcomes", "missing_table"]]
    assert report.failures["row"].isna().all()
    assert validate_package(tables, required=("interventions",)).ok


def test_unknown_intervention_person_and_outcome_code():
    tables = package(
        participants=[participant(P1), participant(P2, intervention="iv9")],
        outcomes=[outcome(P1), outcome(P3), outcome(P1, code="happiness")],
    )
    report = validate_package(tables)
    fk = report.failures[report.failures["check"] == "foreign_key"]
    assert fk[["table", "row", "column"]].values.tolist() == [
        ["participants", 3, "intervention_id"],
        ["outcomes", 3, "person_id"],
        ["outcomes", 4, "outcome_code"],
    ]
    assert "'iv9' in participants.intervention_id is not a intervention_id" in fk["message"].iloc[0]


def test_unknown_primary_outcome_of_the_intervention():
    report = validate_package(package(primary_outcome="wellbeing"))
    assert report.failures[["table", "column", "check"]].values.tolist() == [
        ["interventions", "primary_outcome", "foreign_key"]
    ]


def test_participant_starting_outside_the_intervention():
    tables = package(
        participants=[
            participant(P1, start="2021-06-01"),
            participant(P2, start="2024-02-01"),
            participant(P3, "comparison"),
        ],
        outcomes=[outcome(P1)],
    )
    report = validate_package(tables)
    found = report.failures[report.failures["check"] == "participant_dates"]
    assert found["row"].tolist() == [2, 3]
    assert "before the intervention started" in found["message"].iloc[0]
    assert "after the intervention ended" in found["message"].iloc[1]


def test_outcome_period_outside_the_follow_up_window():
    # intervention 2022-01-01..2023-12-31; employment's longest window is 36 months
    tables = package(
        outcomes=[
            outcome(P1, period="2011"),  # ends > 10 years before the start
            outcome(P1, period="2012"),  # within the 10-year look-back
            outcome(P1, period="2026"),  # within end + 36 months
            outcome(P1, period="2027"),  # starts after end + 36 months
        ]
    )
    report = validate_package(tables)
    found = report.failures[report.failures["check"] == "followup_window"]
    assert found["row"].tolist() == [2, 5]
    # (2027 may also be a period that has not begun yet: only the window check is asserted here)
    again = validate_package(tables, lookback_years=11).failures
    assert again[again["check"] == "followup_window"]["row"].tolist() == [5]


def test_open_intervention_has_no_upper_bound():
    # in the past, so that the period is not refused as one that has not begun
    parts = [participant(P1, start="2012-03-01"), participant(P2, "comparison")]
    late = [outcome(P1, period="2020")]  # after end + 36 months of a closed intervention
    tables = package(parts, late, start_date="2012-01-01", end_date="")
    assert validate_package(tables).ok
    closed = package(parts, late, start_date="2012-01-01", end_date="2013-12-31")
    assert validate_package(closed).failures["check"].tolist() == ["followup_window"]


def test_period_form_must_match_the_intervention_period_type():
    tables = package(outcomes=[outcome(P1, period="2023-05"), outcome(P1, period="2023")])
    report = validate_package(tables)
    assert report.failures[["row", "check"]].values.tolist() == [[2, "period_form"]]
    monthly = package(outcomes=[outcome(P1, period="2023-05")], period_type="month")
    assert validate_package(monthly).ok


def test_outcome_values_must_fit_the_outcome_kind():
    tables = package(
        outcomes=[
            outcome(P1, value="2"),  # rate must be 0/1
            outcome(P1, code="sick_leave_days", value="-1"),
            outcome(P1, code="sick_leave_days", period="2022", value="400"),
            outcome(P1, code="sick_leave_days", period="2021", value="365"),
        ]
    )
    report = validate_package(tables)
    found = report.failures[report.failures["check"] == "outcome_value"]
    assert found["row"].tolist() == [2, 3, 4]


def test_single_table_failures_carry_the_table_name():
    tables = package(participants=[participant(P1), participant(P1)], outcomes=[outcome(P1)])
    report = validate_package(tables)
    assert report.failures[["table", "row", "check"]].values.tolist() == [
        ["participants", 3, "primary_key"]
    ]
    assert set(PACKAGE_CHECKS) >= {"foreign_key", "followup_window", "outcome_value"}


def test_folder_of_mixed_formats(tmp_path):
    tables = package()
    tables["interventions"].to_csv(tmp_path / "interventions.csv", index=False, sep=";")
    tables["participants"].to_excel(tmp_path / "participants.xlsx", index=False)
    tables["outcomes"].to_parquet(tmp_path / "outcomes.parquet")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    assert set(read_submission(tmp_path)) == {"interventions", "participants", "outcomes"}
    report = validate_package(tmp_path)
    assert report.ok, report.summary()


def test_folder_errors(tmp_path):
    with pytest.raises(ReadError, match="none of the submission tables"):
        validate_package(tmp_path)
    with pytest.raises(ReadError, match="does not exist"):
        validate_package(tmp_path / "missing")
    (tmp_path / "outcomes.csv").write_text("a\n1\n", encoding="utf-8")
    (tmp_path / "outcomes.xlsx").write_text("x", encoding="utf-8")
    with pytest.raises(ReadError, match="more than once"):
        validate_package(tmp_path)


def test_unknown_table_name_is_an_input_error():
    with pytest.raises(InputError, match="Not standard tables: 'people'"):
        validate_package({"people": pd.DataFrame({"a": [1]})})


def test_bundled_example_submission_is_valid():
    from outcomelab.example import example_dir

    report = validate_package(example_dir())
    assert report.ok, report.summary()


def test_one_workbook_with_a_sheet_per_table(tmp_path):
    tables = package()
    path = tmp_path / "submission.xlsx"
    with pd.ExcelWriter(path) as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
        pd.DataFrame({"note": ["ignored"]}).to_excel(writer, sheet_name="readme", index=False)
    assert set(read_submission(path)) == set(tables)
    assert validate_package(path).ok
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(other, sheet_name="data", index=False)
    with pytest.raises(ReadError, match="no sheet named after a submission table"):
        read_submission(other)
