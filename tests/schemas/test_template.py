"""Excel templates: header as the schema, drop-down lists, and a filled template validates."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from outcomelab.errors import InputError
from outcomelab.schemas import load_schema, read_table, validate
from outcomelab.schemas.template import write_excel_template


def test_template_header_lists_and_help_sheet(tmp_path):
    path = write_excel_template("participants", tmp_path / "participants.xlsx", rows=50)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["participants"]
    header = [c.value for c in sheet[1]]
    assert header == load_schema("participants").field_names
    assert sheet["A1"].font.bold and not sheet["D1"].font.bold  # required vs optional
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    assert '"participant,comparison"' in lists and '"female,male,unknown"' in lists
    help_rows = list(workbook["fields"].iter_rows(values_only=True))
    assert help_rows[0][0] == "fält / field" and len(help_rows) == 1 + len(header)


def test_field_help_is_in_swedish_and_english(tmp_path):
    path = write_excel_template("participants", tmp_path / "participants.xlsx", rows=5)
    workbook = openpyxl.load_workbook(path)
    columns = {
        name: i for i, name in enumerate(next(workbook["fields"].iter_rows(values_only=True)))
    }
    rows = {r[0]: r for r in workbook["fields"].iter_rows(min_row=2, values_only=True)}
    social = rows["social_assistance_months_prev_year"]
    assert social[columns["rubrik"]] == "Månader med ekonomiskt bistånd året före"
    assert "ekonomiskt bistånd under de 12 månaderna" in social[columns["beskrivning"]]
    assert social[columns["title"]] == "Months with social assistance in the year before"
    assert rows["sex"][columns["krävs / required"]] == "nej / no"
    # the header cell's comment shows both languages where the submitter types
    note = workbook["participants"]["A1"].comment.text
    assert note.startswith("Personens pseudonym: ") and "Person pseudonym: " in note


def test_every_submitted_field_has_swedish_help():
    for table in (
        "participants",
        "outcomes",
        "interventions",
        "costs",
        "units",
        "unit_outcomes",
        "covariate_catalogue",
        "outcome_catalogue",
    ):
        schema = load_schema(table)
        assert schema.help_text("sv") != (schema.title, schema.description), table
        for field in schema.fields:
            title, description = field.help_text("sv")
            assert (title, description) != (field.title, field.description), (table, field.name)
            assert title and description, (table, field.name)


def test_filled_template_reads_back_and_validates(tmp_path):
    path = write_excel_template("participants", tmp_path / "p.xlsx", rows=20)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["participants"]
    values = ["e" * 64, "iv1", "participant", dt.date(2024, 1, 2), None, 2.5, 1990, "female"]
    values += [False, "unknown", 0, 1, 3, "0581"]
    for col, value in enumerate(values, start=1):
        sheet.cell(row=2, column=col, value=value)
    sheet.cell(row=3, column=1, value="f" * 64)
    workbook.save(path)
    report = validate(read_table(path), "participants")
    # row 2 is complete; row 3 misses its required cells (reported on Excel row 3)
    assert set(report.failures["row"]) == {3}
    assert set(report.failures["check"]) == {"required"}


def test_template_refuses_other_endings_and_overwrites(tmp_path):
    with pytest.raises(InputError, match=r"\.xlsx"):
        write_excel_template("costs", tmp_path / "costs.csv")
    path = write_excel_template("costs", tmp_path / "costs.xlsx", rows=5)
    with pytest.raises(InputError, match="already exists"):
        write_excel_template("costs", path)
    assert write_excel_template("costs", path, rows=5, overwrite=True) == path
