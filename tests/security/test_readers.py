"""Hostile files for the table readers: bounded work, no internal error, no silently lost row.

Attacks (issue 14): a 16 KB .xlsx whose ``<dimension>`` claims A1:XFD1048576 made ``validate``
run for minutes; an .xlsx whose dimension says A1:N50 but holds 101 rows validated as "Valid
(49 rows)" (52 rows lost); mixed UTF-8/cp1252 in one file was read as garbled text without a
word; CR-only line endings failed with Python's "universal-newline mode" message; a real .xlsx
named .csv was an internal error; a start date in 2099 was valid when the intervention had no
end date. Then property tests: random bytes, encodings, separators, line ends and spreadsheet
structures never hang, never raise anything but a ReadError, and never lose a row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from outcomelab.errors import ReadError
from outcomelab.example import generate_example
from outcomelab.schemas import read_table, validate_package
from outcomelab.schemas.excel import MAX_COLUMNS, MAX_SHEET_BYTES, sheet_content

PID = "ab" * 32
HEADER = ["person_id", "outcome_code", "period", "value"]


def _rows(n: int) -> list[list[object]]:
    return [HEADER] + [[f"{i:064x}", "employment", "2020", i % 2] for i in range(n)]


# -- .xlsx -----------------------------------------------------------------------------------------
def test_a_dimension_claiming_the_whole_sheet_costs_nothing(tmp_path: Path, hostile) -> None:
    real = hostile.write_xlsx(tmp_path / "real.xlsx", _rows(100))
    huge = hostile.with_dimension(real, tmp_path / "huge.xlsx", "A1:XFD1048576")
    assert huge.stat().st_size < 20_000
    with hostile.deadline(60):
        frame = read_table(huge)
    assert len(frame) == 100 and list(frame.columns) == HEADER


def test_a_dimension_smaller_than_the_sheet_loses_no_row(tmp_path: Path, hostile, cli) -> None:
    real = hostile.write_xlsx(tmp_path / "real.xlsx", _rows(100))
    short = hostile.with_dimension(real, tmp_path / "outcomes.xlsx", "A1:N50")
    frame = read_table(short)
    assert len(frame) == 100
    assert list(frame.attrs["source_rows"].to_array()[[0, -1]]) == [2, 101]
    code, out, _ = cli("validate", str(short))
    assert "100 rows" in out.replace(",", "") or code == 0


def test_a_row_the_reader_skipped_is_an_error_not_a_loss(
    tmp_path: Path, hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the spreadsheet library ever stops early again, the count against the XML says so."""
    import openpyxl.worksheet._read_only as read_only

    real = hostile.write_xlsx(tmp_path / "real.xlsx", _rows(100))
    original = read_only.ReadOnlyWorksheet._cells_by_row

    def stops_early(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        for i, row in enumerate(original(self, *args, **kwargs)):
            if i < 60:
                yield row

    monkeypatch.setattr(read_only.ReadOnlyWorksheet, "_cells_by_row", stops_early)
    with pytest.raises(ReadError, match=r"60 rows were read but the sheet holds 101"):
        read_table(real)


def test_a_cell_far_to_the_right_is_refused_before_reading(tmp_path: Path, hostile) -> None:
    real = hostile.write_xlsx(tmp_path / "real.xlsx", _rows(5))

    def far(xml: bytes) -> bytes:
        return xml.replace(b"</row>", b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>', 1)

    wide = hostile.rewrite_sheet(real, tmp_path / "wide.xlsx", far)
    with hostile.deadline(60), pytest.raises(ReadError, match=f"beyond column {MAX_COLUMNS}"):
        read_table(wide)


def test_a_zip_bomb_is_refused_by_its_unpacked_size(
    tmp_path: Path, hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    import outcomelab.schemas.excel as excel

    real = hostile.write_xlsx(tmp_path / "real.xlsx", _rows(200))
    size = zipfile.ZipFile(real).getinfo("xl/worksheets/sheet1.xml").file_size
    assert 100 * size < MAX_SHEET_BYTES
    monkeypatch.setattr(excel, "MAX_SHEET_BYTES", size - 1)
    with pytest.raises(ReadError, match="once unpacked"):
        sheet_content(real)


def test_an_xlsx_named_csv_is_read(tmp_path: Path, hostile, cli) -> None:
    real = hostile.write_xlsx(tmp_path / "real.xlsx", _rows(3))
    disguised = tmp_path / "outcomes.csv"
    shutil.copyfile(real, disguised)
    assert len(read_table(disguised)) == 3
    code, _, err = cli("validate", str(disguised))
    assert "Internal error" not in err and code in (0, 1), err


def test_damaged_xlsx_is_a_read_error(tmp_path: Path, hostile) -> None:
    real = hostile.write_xlsx(tmp_path / "real.xlsx", _rows(3))
    cut = hostile.rewrite_sheet(real, tmp_path / "cut.xlsx", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ReadError, match="damaged"):
        read_table(cut)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(real.read_bytes()[:2000])
    with pytest.raises(ReadError):
        read_table(truncated)


# -- text files ------------------------------------------------------------------------------------
def test_mixed_utf8_and_cp1252_is_refused_with_the_lines(tmp_path: Path) -> None:
    path = tmp_path / "participants.csv"
    utf8 = "id;kommun\n1;Norrköping\n".encode()
    cp1252 = "2;Malmö\n".encode("cp1252")
    path.write_bytes(utf8 + cp1252)
    with pytest.raises(ReadError, match=r"line 2 is UTF-8 but line 3"):
        read_table(path)
    path.write_bytes("id;kommun\n1;Norrköping\n".encode("cp1252"))  # one encoding: fine
    assert read_table(path)["kommun"].tolist() == ["Norrköping"]


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_every_line_ending_reads(tmp_path: Path, ending: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(ending.join(["a;b", "1;2", "", "3;4"]) + ending, encoding="utf-8", newline="")
    frame = read_table(path)
    assert frame.to_numpy().tolist() == [["1", "2"], ["3", "4"]]
    assert frame.attrs["source_rows"].to_array().tolist() == [2, 4]


# -- dates that have not happened ------------------------------------------------------------------
def test_a_start_or_period_in_the_future_is_refused(tmp_path: Path) -> None:
    data = generate_example(tmp_path / "sub", n_participants=60, n_pool=60, seed=9)
    participants = pd.read_csv(
        tmp_path / "sub" / "participants.csv", dtype=str, keep_default_na=False
    )
    row = participants.index[participants["group"] == "participant"][0]
    participants.loc[row, "start_date"] = "2099-01-01"
    participants.to_csv(tmp_path / "sub" / "participants.csv", index=False)
    interventions = pd.read_csv(
        tmp_path / "sub" / "interventions.csv", dtype=str, keep_default_na=False
    )
    interventions["end_date"] = ""
    interventions.to_csv(tmp_path / "sub" / "interventions.csv", index=False)
    outcomes = pd.read_csv(tmp_path / "sub" / "outcomes.csv", dtype=str, keep_default_na=False)
    outcomes.loc[0, "period"] = str(dt.date.today().year + 1)
    outcomes.to_csv(tmp_path / "sub" / "outcomes.csv", index=False)
    report = validate_package(tmp_path / "sub")
    checks = set(report.failures["check"])
    assert {"start_in_future", "period_in_future"} <= checks, report.failures
    assert data is not None


# -- properties ------------------------------------------------------------------------------------
# text a person can type into a cell (no control characters: a file holding those may be
# refused, which the random-bytes property covers)
_CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])
_SEPARATORS = st.sampled_from([",", ";", "\t", "|"])
_ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


@given(st.binary(max_size=3000))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_bytes_give_a_table_or_a_read_error(hostile, raw: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(raw)
        with hostile.deadline(30):
            try:
                frame = read_table(path)
            except ReadError:
                return
        assert len(frame.attrs["source_rows"]) == len(frame)


@given(
    header=st.lists(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=6, unique=True
    ),
    body=st.lists(st.lists(_CELL, min_size=1, max_size=6), min_size=0, max_size=25),
    encoding=_ENCODINGS,
    sep=_SEPARATORS,
    ending=_ENDINGS,
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_written_tables_read_back_every_row(
    hostile, header: list[str], body: list[list[str]], encoding: str, sep: str, ending: str
) -> None:
    """A table written by a standard CSV writer comes back with every non-empty row, in order."""
    import csv
    import io
    import tempfile

    width = len(header)
    rows = [(r + [""] * width)[:width] for r in body]
    rows = [[c.replace("\r", " ").replace("\n", " ") for c in r] for r in rows]
    if encoding == "cp1252":
        rows = [[c.encode("cp1252", "replace").decode("cp1252") for c in r] for r in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator=ending, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    expected = [[c for c in r] for r in rows if any(c.strip() for c in r)]
    data = buffer.getvalue().encode(encoding)
    if encoding == "cp1252":
        # cp1252 bytes that are also valid UTF-8 of another text ('Â¡' is the UTF-8 of '¡') cannot
        # be told apart by any reader; UTF-8, the lab's documented encoding, wins: not a lost row
        with contextlib.suppress(UnicodeDecodeError):
            assume(data.decode("utf-8") == buffer.getvalue())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        with hostile.deadline(30):
            try:
                frame = read_table(path)
            except ReadError as err:
                # a cell of a cp1252 file that happens to be valid UTF-8 is a mixed file
                assert encoding == "cp1252" and "mixes two encodings" in str(err), err
                return
    assert list(frame.columns) == header
    got = frame.to_numpy().tolist()
    assert len(got) == len(expected)
    assert [[c.strip() for c in r] for r in got] == [[c.strip() for c in r] for r in expected]


@given(
    values=st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.integers(-(10**6), 10**6),
                _CELL,
                st.dates(dt.date(1950, 1, 1), dt.date(2030, 1, 1)),
            ),
            min_size=1,
            max_size=5,
        ),
        min_size=0,
        max_size=30,
    ),
    gaps=st.lists(st.integers(0, 3), min_size=0, max_size=30),
    dimension=st.sampled_from([None, "A1", "A1:B2", "A1:XFD1048576", "A1:N50", "C3:D4"]),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_spreadsheets_read_back_every_row(
    hostile, values: list[list[object]], gaps: list[int], dimension: str | None
) -> None:
    """Any sheet structure (empty rows between, short rows, any dimension record): every row
    with a value is read, at its Excel row number."""
    import tempfile

    import openpyxl

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["a", "b", "c", "d", "e"])
        expected: list[int] = []
        row = 1
        for i, cells in enumerate(values):
            row += 1 + (gaps[i] if i < len(gaps) else 0)
            for column, value in enumerate(cells, start=1):
                sheet.cell(row=row, column=column, value=value)
            if any(v is not None and str(v).strip() for v in cells):
                expected.append(row)
        workbook.save(path)
        if dimension is not None:
            hostile.with_dimension(path, Path(folder) / "d.xlsx", dimension)
            path = Path(folder) / "d.xlsx"
        formula = any(isinstance(v, str) and v.startswith("=") for r in values for v in r)
        with hostile.deadline(60):
            if formula:  # openpyxl writes "=..." as a formula without a computed value
                with pytest.raises(ReadError, match="formula without a computed value"):
                    read_table(path)
                return
            frame = read_table(path)
    assert frame.attrs["source_rows"].to_array().tolist() == expected
