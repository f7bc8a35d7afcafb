"""validate(): every single-table rule with a failing file, rows as seen in the file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import InputError, SchemaError
from outcomelab.schemas import CHECKS, read_table, validate
from outcomelab.schemas.validation import WITHHELD

PID = "0123456789abcdef" * 4
PID2 = "fedcba9876543210" * 4

PARTICIPANTS_HEADER = (
    "person_id,intervention_id,group,start_date,end_date,dosage,birth_year,sex,born_abroad,"
    "education_level,employed_months_prev_year,social_assistance_months_prev_year,"
    "sick_leave_days_prev_year,home_municipality_code"
)
GOOD_PARTICIPANT = (
    f"{PID},iv1,participant,2024-02-01,2024-08-31,12.5,1999,female,false,upper_secondary,"
    "3,2,10,0581"
)
GOOD_COMPARISON = f"{PID2},iv1,comparison,,,,1998,male,true,unknown,0,0,0,"

INTERVENTIONS_HEADER = (
    "intervention_id,name,organisation_name,organisation_type,organisation_code,target_group,"
    "funding_form,sectors,start_date,end_date,budget_sek,period_type,primary_outcome"
)
GOOD_INTERVENTION = (
    "iv1,Unga till arbete,Norrköpings kommun,municipality,0581,unemployed,"
    "social_investment_fund,social_services;labour_market,2024-01-01,2026-12-31,5000000,month,"
    "employment"
)


def csv_file(tmp_path, name, header, *rows):
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return read_table(path)


def failures_of(report, check):
    return report.failures[report.failures["check"] == check]


def test_valid_files_pass(tmp_path):
    participants = csv_file(
        tmp_path, "participants", PARTICIPANTS_HEADER, GOOD_PARTICIPANT, GOOD_COMPARISON
    )
    assert validate(participants, "participants").ok
    interventions = csv_file(tmp_path, "interventions", INTERVENTIONS_HEADER, GOOD_INTERVENTION)
    report = validate(interventions, "interventions")
    assert report.ok, report.summary()


def test_missing_required_column_and_extra_column_are_reported_on_the_header_row(tmp_path):
    header = PARTICIPANTS_HEADER.replace("group,", "") + ",notes"
    row = GOOD_PARTICIPANT.replace(",participant", "") + ",ok"
    report = validate(csv_file(tmp_path, "p", header, row), "participants")
    missing = failures_of(report, "missing_column")
    extra = failures_of(report, "extra_column")
    assert missing[["row", "column"]].values.tolist() == [[1, "group"]]
    assert extra[["row", "column"]].values.tolist() == [[1, "notes"]]
    assert validate(
        csv_file(tmp_path, "p", header, row), "participants", extra_columns="ignore"
    ).failures["check"].tolist() == ["missing_column"]


def test_optional_column_may_be_absent(tmp_path):
    header = PARTICIPANTS_HEADER.replace(",home_municipality_code", "")
    row = GOOD_PARTICIPANT.rsplit(",", 1)[0]
    assert validate(csv_file(tmp_path, "p", header, row), "participants").ok


def test_the_recommended_background_columns_are_optional(tmp_path):
    # issue 10: a submission without the lab's fixed background columns was invalid
    header = "person_id,intervention_id,group,start_date"
    row = f"{PID},iv1,participant,2024-02-01"
    empty = f"{PID2},iv1,comparison,"
    assert validate(csv_file(tmp_path, "p", header, row, empty), "participants").ok
    unknown = GOOD_COMPARISON.replace(",1998,", ",,").replace(",true,", ",,")
    assert validate(csv_file(tmp_path, "p", PARTICIPANTS_HEADER, unknown), "participants").ok


@pytest.mark.parametrize(
    ("old", "new", "column", "check", "message"),
    [
        (",1999,", ",19x9,", "birth_year", "type", "is not a whole number"),
        (",12.5,", ",tolv,", "dosage", "type", "is not a number"),
        (",false,", ",kanske,", "born_abroad", "type", "is not true or false"),
        ("2024-02-01", "2023-02-30", "start_date", "type", "is not a date that exists"),
        ("2024-02-01", "01/02/2024", "start_date", "type", "not a date written YYYY-MM-DD"),
        (",female,", ",f,", "sex", "enum", "use one of female, male, unknown"),
        (",0581", ",581", "home_municipality_code", "pattern", "4 digits"),
        (PID, PID.upper(), "person_id", "pattern", "64 lower-case hexadecimal"),
        (",3,2,", ",13,2,", "employed_months_prev_year", "maximum", "above the allowed range"),
        (",12.5,", ",-1,", "dosage", "minimum", "below the allowed range"),
        (",iv1,", ",,", "intervention_id", "required", "is required but empty"),
        (",participant,", ",NA,", "group", "required", "is required but empty"),
    ],
)
def test_each_field_rule_reports_the_right_row_column_and_message(
    tmp_path, old, new, column, check, message
):
    bad = GOOD_PARTICIPANT.replace(old, new, 1)
    assert bad != GOOD_PARTICIPANT
    data = csv_file(tmp_path, "p", PARTICIPANTS_HEADER, GOOD_COMPARISON, bad)
    report = validate(data, "participants")
    assert not report.ok
    found = report.failures
    assert found[["row", "column", "check"]].values.tolist() == [[3, column, check]]
    assert message in found["message"].iloc[0]


def test_decimal_comma_and_whole_float_are_accepted(tmp_path):
    row = GOOD_PARTICIPANT.replace(",12.5,", ',"12,5",').replace(",1999,", ",1999.0,")
    data = csv_file(tmp_path, "p", PARTICIPANTS_HEADER, row)
    assert validate(data, "participants").ok


def test_every_failure_is_collected_in_one_pass(tmp_path):
    rows = [
        GOOD_PARTICIPANT.replace(",female,", ",x,"),
        GOOD_COMPARISON.replace(",1998,", ",abc,"),
        GOOD_PARTICIPANT.replace(PID, "c" * 64).replace(",3,2,10,", ",99,2,10,"),
    ]
    report = validate(csv_file(tmp_path, "p", PARTICIPANTS_HEADER, *rows), "participants")
    assert report.failures[["row", "check"]].values.tolist() == [
        [2, "enum"],
        [3, "type"],
        [4, "maximum"],
    ]
    assert list(report.failures.columns) == ["row", "column", "value", "check", "message"]


def test_primary_key_duplicate_names_the_first_row(tmp_path):
    data = csv_file(
        tmp_path, "p", PARTICIPANTS_HEADER, GOOD_PARTICIPANT, GOOD_COMPARISON, GOOD_PARTICIPANT
    )
    report = validate(data, "participants")
    found = failures_of(report, "primary_key")
    assert found["row"].tolist() == [4]
    assert "repeats row 2" in found["message"].iloc[0]


def test_unique_field_duplicates(tmp_path):
    first = GOOD_INTERVENTION
    second = GOOD_INTERVENTION.replace("Unga till arbete", "Annat")
    report = validate(csv_file(tmp_path, "i", INTERVENTIONS_HEADER, first, second), "interventions")
    # intervention_id is the whole primary key: reported once, as a key
    assert report.failures[["row", "check"]].values.tolist() == [[3, "primary_key"]]
    catalogue = pd.DataFrame(
        {
            "code": ["a", "a"],
            "name_sv": ["x", "y"],
            "name_en": ["x", "y"],
            "unit": ["u", "u"],
            "kind": ["rate", "rate"],
            "direction": ["higher_is_better"] * 2,
            "periodicity": ["year"] * 2,
            "followup_windows_months": ["12", "12;24"],
            "definition_en": ["d", "d"],
            "definition_sv": ["d", "d"],
        }
    )
    checks = validate(catalogue, "outcome_catalogue").failures["check"].tolist()
    assert checks == ["primary_key"]


def test_cross_field_rules_of_participants(tmp_path):
    rows = [
        GOOD_PARTICIPANT.replace("2024-02-01", ""),  # participant without start
        GOOD_COMPARISON.replace(",comparison,,,", ",comparison,2024-01-01,,"),  # comparison dated
        GOOD_PARTICIPANT.replace("2024-08-31", "2024-01-31").replace(PID, "d" * 64),
        GOOD_PARTICIPANT.replace(",1999,", ",2025,").replace(PID, "e" * 64),
    ]
    report = validate(csv_file(tmp_path, "p", PARTICIPANTS_HEADER, *rows), "participants")
    assert report.failures[["row", "check"]].values.tolist() == [
        [2, "participant_needs_start_date"],
        [3, "comparison_without_dates"],
        [4, "end_before_start"],
        [5, "born_after_start"],
    ]
    assert "2024-01-31 is before start_date 2024-02-01" in report.failures["message"].iloc[2]


def test_cross_field_rules_of_interventions(tmp_path):
    rows = [
        GOOD_INTERVENTION.replace(",municipality,0581,", ",municipality,05,"),
        GOOD_INTERVENTION.replace("iv1,", "iv2,").replace(",municipality,0581,", ",region,0581,"),
        GOOD_INTERVENTION.replace("iv1,", "iv3,").replace("2026-12-31", "2023-12-31"),
        GOOD_INTERVENTION.replace("iv1,", "iv4,").replace(
            "social_services;labour_market", "school;school"
        ),
        GOOD_INTERVENTION.replace("iv1,", "iv5,").replace(
            "social_services;labour_market", "school,health"
        ),
    ]
    text_rows = [
        r if "school,health" not in r else r.replace("school,health", '"school,health"')
        for r in rows
    ]
    report = validate(csv_file(tmp_path, "i", INTERVENTIONS_HEADER, *text_rows), "interventions")
    assert report.failures[["row", "check"]].values.tolist() == [
        [2, "organisation_code_length"],
        [3, "organisation_code_length"],
        [4, "end_before_start"],
        [5, "repeated_sector"],
        [6, "pattern"],
    ]


def test_clear_identity_numbers_are_refused_and_never_echoed(tmp_path):
    clear = "19811218-9876"
    header = PARTICIPANTS_HEADER + ",kommentar"
    rows = [
        GOOD_PARTICIPANT.replace(PID, clear) + ",",
        GOOD_COMPARISON + ",ring 811218-9876 först",
    ]
    report = validate(csv_file(tmp_path, "p", header, *rows), "participants")
    identity = failures_of(report, "clear_identity")
    assert identity[["row", "column"]].values.tolist() == [[2, "person_id"], [3, "kommentar"]]
    assert (identity["value"] == WITHHELD).all()
    assert "outcomelab pseudonymise" in identity["message"].iloc[0]
    # the number appears nowhere in the report
    for column in report.failures.columns:
        assert not report.failures[column].astype(str).str.contains("9876").any()
    # no separate pattern failure for the same cell
    assert failures_of(report, "pattern").empty


def test_free_text_field_with_identity_number_is_refused(tmp_path):
    header = "intervention_id,year,payer,agency,cost_sek,price_year,description"
    data = csv_file(
        tmp_path, "costs", header, "iv1,2024,municipality,,10,2024,Ersättning 0012249876 Anna"
    )
    assert failures_of(validate(data, "costs"), "clear_identity")["column"].tolist() == [
        "description"
    ]
    ok = csv_file(tmp_path, "costs", header, "iv1,2024,municipality,,10,2024,Faktura 2024-1234")
    assert validate(ok, "costs").ok


def test_typed_dataframe_built_in_python_is_accepted_with_file_row_numbers():
    frame = pd.DataFrame(
        {
            "person_id": [PID, PID2, PID],
            "outcome_code": ["employment"] * 3,
            "period": ["2024", "2024", "2024"],
            "value": [1, np.nan, 0.0],
        }
    )
    report = validate(frame, "outcomes")
    assert report.failures[["row", "check"]].values.tolist() == [
        [3, "required"],
        [4, "primary_key"],
    ]


def test_report_helpers(tmp_path):
    data = csv_file(tmp_path, "p", PARTICIPANTS_HEADER, GOOD_PARTICIPANT.replace(",female,", ",x,"))
    report = validate(data, "participants")
    assert report.counts()[["check", "column", "n"]].values.tolist() == [["enum", "sex", 1]]
    as_dict = report.to_dict()
    assert as_dict["ok"] is False and as_dict["failures"][0]["row"] == 2
    assert "row 2" in report.summary()
    assert "1 failure(s)" in report._repr_html_() and "<table" in report._repr_html_()
    with pytest.raises(SchemaError) as info:
        report.raise_for_failures()
    assert len(info.value.failures) == 1
    assert set(report.failures["check"]) <= set(CHECKS)


def test_bad_arguments_raise_input_error():
    with pytest.raises(InputError, match="must be a pandas DataFrame"):
        validate([1, 2], "outcomes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="extra_columns"):
        validate(pd.DataFrame({"a": [1]}), "outcomes", extra_columns="warn")  # type: ignore[arg-type]


def test_large_outcomes_table_is_checked_column_wise():
    # 200,000 rows with one bad cell in the middle: found, and row numbers are exact
    n = 200_000
    persons = np.array([f"{i:064x}" for i in range(n // 10)], dtype=object)
    frame = pd.DataFrame(
        {
            "person_id": np.repeat(persons, 10),
            "outcome_code": "employment",
            "period": np.tile([f"{y}" for y in range(2015, 2025)], n // 10),
            "value": np.tile(["0", "1"], n // 2),
        }
    )
    frame.loc[123_456, "period"] = "2024-13"
    report = validate(frame, "outcomes")
    assert report.failures[["row", "check"]].values.tolist() == [[123_458, "pattern"]]


@pytest.mark.slow
def test_a_million_outcome_rows_validate_in_seconds(tmp_path):
    import time

    n = 1_000_000
    persons = np.array([f"{i:064x}" for i in range(n // 120 + 1)], dtype=object)
    months = np.array([f"{y}-{m:02d}" for y in range(2015, 2025) for m in range(1, 13)])
    frame = pd.DataFrame(
        {
            "person_id": np.repeat(persons, 120)[:n],
            "outcome_code": "employment",
            "period": np.tile(months, n // 120 + 1)[:n],
            "value": np.tile(["0", "1", "1"], n // 3 + 1)[:n],
        }
    )
    frame.loc[[10, 999_999], "value"] = "x"
    path = tmp_path / "outcomes.csv"
    frame.to_csv(path, index=False)
    start = time.perf_counter()
    report = validate(read_table(path), "outcomes")
    seconds = time.perf_counter() - start
    assert report.failures["row"].tolist() == [12, 1_000_001]
    # about 3 s on an idle laptop core; generous for a shared, loaded machine
    assert seconds < 30, f"read + validate took {seconds:.1f} s"


def test_misspelled_column_gets_a_rename_hint():
    frame = pd.DataFrame(
        {"Person ID": [PID], "outcome_code": ["employment"], "period": ["2024"], "valeu": ["1"]}
    )
    messages = validate(frame, "outcomes").failures.set_index("column")["message"]
    assert "rename it to 'person_id'" in messages["Person ID"]
    assert "rename it to 'value'" in messages["valeu"]
