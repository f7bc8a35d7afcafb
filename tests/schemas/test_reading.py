"""read_table: separators, encodings, decimal comma, Excel, Parquet, row numbers, read errors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import ReadError, SchemaError
from outcomelab.schemas import read_table, source_rows, validate

HEADER = "intervention_id,year,payer,agency,cost_sek,price_year,description"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_comma_separated_utf8_is_read_as_text_without_changes(tmp_path):
    path = write(tmp_path, "costs.csv", HEADER + "\n0581-01,2024,municipality,,0012.50,2024,Lön\n")
    data = read_table(path)
    assert list(data.columns) == HEADER.split(",")
    assert data.loc[0, "intervention_id"] == "0581-01"
    assert data.loc[0, "cost_sek"] == "0012.50"  # text: nothing reformatted
    assert data.loc[0, "agency"] == ""
    assert list(source_rows(data)) == [2]


def test_semicolon_and_decimal_comma_from_swedish_excel(tmp_path):
    text = HEADER.replace(",", ";") + "\n0581-01;2024;region;;1 234,50;2023;Lokaler\n"
    data = read_table(write(tmp_path, "costs.csv", text), "costs")
    assert data.loc[0, "cost_sek"] == pytest.approx(1234.5)
    assert data.loc[0, "year"] == 2024
    assert data["year"].dtype == np.int64


def test_utf8_with_bom_does_not_leak_into_the_first_column_name(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\nx,2024,state,,1,2024,Arvode\n").encode())
    data = read_table(path)
    assert data.columns[0] == "intervention_id"


def test_windows_1252_keeps_swedish_letters(tmp_path):
    text = HEADER + "\nx,2024,state,Försäkringskassan,1,2024,Åtgärd för öppenvård\n"
    data = read_table(write(tmp_path, "costs.csv", text, encoding="cp1252"))
    assert data.loc[0, "agency"] == "Försäkringskassan"
    assert data.loc[0, "description"] == "Åtgärd för öppenvård"


def test_utf16_from_excel_unicode_text(tmp_path):
    text = HEADER.replace(",", "\t") + "\nx\t2024\tstate\t\t1\t2024\tÄ\n"
    data = read_table(write(tmp_path, "costs.txt", text, encoding="utf-16"))
    assert data.loc[0, "description"] == "Ä"


def test_blank_lines_are_skipped_but_row_numbers_stay_as_in_the_file(tmp_path):
    text = HEADER + "\nx,2024,state,,1,2024,a\n\n;;\nx,2024,state,,-5,2024,b\n"
    path = write(tmp_path, "costs.csv", text.replace(";;", ",,,,,,"))
    data = read_table(path)
    assert len(data) == 2
    assert list(source_rows(data)) == [2, 5]
    report = validate(data, "costs")
    assert report.failures[["row", "check"]].values.tolist() == [[5, "minimum"]]


def test_quoted_cell_spanning_lines_uses_the_careful_reader(tmp_path):
    text = HEADER + '\nx,2024,state,,1,2024,"two\nlines"\nx,2024,nobody,,1,2024,c\n'
    data = read_table(write(tmp_path, "costs.csv", text))
    assert data.loc[0, "description"] == "two\nlines"
    report = validate(data, "costs")
    # the second record starts on physical line 4 of the file
    assert report.failures[["row", "check"]].values.tolist() == [[4, "enum"]]


def test_too_many_cells_on_a_line_is_a_read_error_naming_the_line(tmp_path):
    text = HEADER + "\nx,2024,state,,1,2024,a\nx,2024,state,,1,2024,a,extra\n"
    with pytest.raises(ReadError, match="line 3 has 8 cells but the header has 7"):
        read_table(write(tmp_path, "costs.csv", text))


def test_short_rows_are_padded_with_empty_cells(tmp_path):
    data = read_table(write(tmp_path, "costs.csv", HEADER + "\nx,2024\n"))
    assert data.loc[0, "description"] == ""


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"a,b,a\n1,2,3\n", "column name 'a' twice"),
        (b"a,,c\n1,2,3\n", "empty column name in column 2"),
        (b"\x00\x01\x02\x03binary", "not a text table"),
        (b"\xd0\xcf\x11\xe0old excel", "Excel 97-2003"),
    ],
)
def test_unreadable_content_raises_read_error(tmp_path, content, match):
    path = tmp_path / "table.csv"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=match):
        read_table(path)


def test_undecodable_bytes_raise_read_error(tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(b"a,b\n\x81\x8d,1\n")  # not UTF-8, and undefined in Windows-1252
    with pytest.raises(ReadError, match="neither UTF-8 nor Windows-1252"):
        read_table(path)


def test_missing_file_and_folder_raise_read_error(tmp_path):
    with pytest.raises(ReadError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(ReadError, match="is a folder"):
        read_table(tmp_path)


def test_fake_xlsx_raises_read_error(tmp_path):
    path = write(tmp_path, "costs.xlsx", "not a workbook")
    with pytest.raises(ReadError, match="named like an Excel workbook"):
        read_table(path)


def test_excel_dates_numbers_and_row_numbers(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["intervention_id", "name", "start_date", "budget_sek", "organisation_code"])
    ws.append(["a", "Första", dt.datetime(2024, 3, 1), 1500000, "0581"])
    ws.append([None, None, None, None, None])  # blank row 3
    ws.append(["b", "Andra", dt.date(2023, 12, 31), 12.5, "0180"])
    path = tmp_path / "interventions.xlsx"
    wb.save(path)
    data = read_table(path)
    assert data["start_date"].tolist() == ["2024-03-01", "2023-12-31"]
    assert data["budget_sek"].tolist() == ["1500000", "12.5"]
    assert data["organisation_code"].tolist() == ["0581", "0180"]
    assert list(source_rows(data)) == [2, 4]


def test_excel_failures_carry_excel_row_numbers(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["person_id", "outcome_code", "period", "value"])
    ws.append(["a" * 64, "employment", "2024", 1])
    ws.append(["a" * 64, "employment", "2025", "ett"])
    path = tmp_path / "outcomes.xlsx"
    wb.save(path)
    report = validate(read_table(path), "outcomes")
    assert report.failures[["row", "column", "check"]].values.tolist() == [[3, "value", "type"]]


def test_parquet_is_read_as_text_and_converted_back(tmp_path):
    frame = pd.DataFrame(
        {
            "person_id": ["b" * 64, "c" * 64],
            "outcome_code": ["employment", "sick_leave_days"],
            "period": ["2024-01", "2024-02"],
            "value": [1.0, 3.5],
        }
    )
    path = tmp_path / "outcomes.parquet"
    frame.to_parquet(path)
    text = read_table(path)
    assert text["value"].tolist() == ["1", "3.5"]
    typed = read_table(path, "outcomes")
    assert typed["value"].tolist() == [1.0, 3.5]


def test_read_with_schema_raises_schema_error_listing_unconvertible_cells(tmp_path):
    text = HEADER + "\nx,20x4,state,,1,2024,a\nx,2024,state,,abc,2024,b\n"
    with pytest.raises(SchemaError) as info:
        read_table(write(tmp_path, "costs.csv", text), "costs")
    failures = info.value.failures
    assert failures[["row", "column"]].values.tolist() == [[2, "year"], [3, "cost_sek"]]


def test_row_numbers_survive_merges(tmp_path):
    # attrs hold a small immutable value, so pandas can compare them when frames are combined
    data = read_table(write(tmp_path, "costs.csv", HEADER + "\nx,2024,state,,1,2024,a\n"))
    merged = data.merge(data[["intervention_id"]], on="intervention_id")
    both = pd.concat([data, data])
    assert len(merged) == 1 and len(both) == 2


def test_crlf_line_ends_and_quoted_separators(tmp_path):
    text = HEADER + '\r\nx,2024,state,,1,2024,a\r\ny,2024,state,,1,2024,"b, c"\r\n'
    data = read_table(write(tmp_path, "costs.csv", text))
    assert data["description"].tolist() == ["a", "b, c"]
    assert list(source_rows(data)) == [2, 3]


def test_trailing_separators_from_excel_are_trimmed(tmp_path):
    text = HEADER.replace(",", ";") + ";;\nx;2024;state;;1;2024;a;;\n"
    data = read_table(write(tmp_path, "costs.csv", text))
    assert list(data.columns) == HEADER.split(",")
    assert validate(data, "costs").ok


def test_unicode_minus_and_no_break_space_in_numbers(tmp_path):
    text = (
        HEADER.replace(",", ";")
        + "\nx;2024;state;;\u22125;2024;a\nx;2024;state;;1\u00a0234,5;2024;b\n"
    )
    data = read_table(write(tmp_path, "costs.csv", text), "costs")
    assert data["cost_sek"].tolist() == [-5.0, 1234.5]
