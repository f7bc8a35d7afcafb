"""Reading one sheet of an Excel workbook (.xlsx) by its real content, not by what it claims.

An .xlsx is a zip of XML files. Its sheet carries a ``<dimension>`` record (e.g. ``A1:D101``)
that readers may use to size the sheet; it is written by whatever program saved the file and can
be wrong or hostile:

* a 16 KB file whose dimension claims ``A1:XFD1048576`` made the reader pad every row to 16 384
  cells and walk a million empty rows (``validate`` ran for minutes);
* a dimension of ``A1:N50`` on a sheet of 101 rows made it stop after row 50: the file
  validated as "Valid (49 rows)" and 52 rows were silently lost.

So the dimension is never used (``reset_dimensions``), and before the workbook is opened the
sheet's XML is streamed once (C parser, no tree in memory) to learn its real content: how many
rows hold a value, the last of them, and the right-most cell. Work is bounded by that content: a
sheet whose uncompressed XML exceeds :data:`MAX_SHEET_BYTES` (a zip bomb) or with a cell beyond
column :data:`MAX_COLUMNS` is refused with a message, as is a formula without a computed value
(its cell would read as empty); and the rows read are counted against the rows found, so a row
can never be dropped without an error.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from outcomelab.errors import ReadError

__all__ = ["MAX_COLUMNS", "MAX_SHEET_BYTES", "SheetContent", "read_sheet", "sheet_content"]

#: the right-most column a sheet may use (the standard tables have a few dozen)
MAX_COLUMNS = 1000
#: the largest uncompressed sheet XML read (a million-row outcomes sheet is ~150 MB)
MAX_SHEET_BYTES = 2_000_000_000

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


@dataclass(frozen=True)
class SheetContent:
    """What a sheet's XML really holds.

    Attributes
    ----------
    name
        The sheet's name.
    rows_with_values
        Rows with at least one cell that has a value.
    last_row
        The last row with a value (0 if none).
    last_column
        The right-most column of any cell element, with or without a value.
    """

    name: str
    rows_with_values: int
    last_row: int
    last_column: int


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def _sheet_paths(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, path of its XML in the zip), in workbook order."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError) as err:
        raise ReadError(f"the workbook's list of sheets cannot be read ({err})") from err
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter(f"{_PKG_REL}Relationship")}
    found = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        found.append((sheet.get("name") or "", posixpath.normpath(path)))
    return found


def _empty_shared_strings(archive: zipfile.ZipFile) -> set[str]:
    """Indices (as written in ``<v>``) of the workbook's shared strings that are empty."""
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return set()
    empty: set[str] = set()
    index = 0
    with stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            if element.tag == f"{_MAIN}si":
                if not any(t.text for t in element.iter(f"{_MAIN}t")):
                    empty.add(str(index))
                index += 1
                element.clear()
    return empty


def _has_value(cell: ElementTree.Element, empty_strings: set[str]) -> bool:
    """Whether a cell holds a value a reader sees as one (not an empty text)."""
    value = cell.find(f"{_MAIN}v")
    if value is not None and value.text:
        return not (cell.get("t") == "s" and value.text in empty_strings)
    inline = cell.find(f"{_MAIN}is")
    return inline is not None and any(bool(t.text) for t in inline.iter(f"{_MAIN}t"))


def _scan(stream: IO[bytes], name: str, file: str, empty_strings: set[str]) -> SheetContent:
    rows = last_row = last_column = 0
    row_number = 0
    row_has_value = False
    sheet_data: ElementTree.Element | None = None
    try:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_MAIN}row":
                    given = element.get("r")
                    row_number = int(given) if given and given.isdigit() else row_number + 1
                    row_has_value = False
                elif tag == f"{_MAIN}sheetData":
                    sheet_data = element
                continue
            if tag == f"{_MAIN}c":
                ref = _CELL_REF.fullmatch(element.get("r") or "")
                column = _column_number(ref.group(1)) if ref else 0
                last_column = max(last_column, column)
                if column > MAX_COLUMNS and ref is not None:
                    raise ReadError(
                        f"{file} (sheet {name!r}) has a cell in column {ref.group(1)}, beyond "
                        f"column {MAX_COLUMNS}; the standard tables have a few dozen columns. "
                        "Delete the content far to the right and save the file again."
                    )
                if element.find(f"{_MAIN}f") is not None and element.find(f"{_MAIN}v") is None:
                    raise ReadError(
                        f"{file} (sheet {name!r}) cell {element.get('r') or '?'} holds a formula "
                        "without a computed value (the file was not saved by a spreadsheet "
                        "program). Open it in Excel or LibreOffice and save it again."
                    )
                row_has_value = row_has_value or _has_value(element, empty_strings)
            elif tag == f"{_MAIN}row":
                if row_has_value:
                    rows += 1
                    last_row = row_number
                if sheet_data is not None:
                    sheet_data.clear()  # keep memory flat: rows already counted are dropped
    except ElementTree.ParseError as err:
        raise ReadError(
            f"{file} (sheet {name!r}) is damaged: its XML cannot be read ({err})."
        ) from err
    return SheetContent(name, rows, last_row, last_column)


def sheet_content(path: str | Path, sheet: str | None = None) -> SheetContent:
    """Stream a sheet's XML and return what it really holds, within this module's limits.

    Parameters
    ----------
    path
        The .xlsx file.
    sheet
        Sheet name; default the first sheet.

    Raises
    ------
    ReadError
        Not a readable workbook, no such sheet, a sheet too large once uncompressed, or a cell
        beyond column :data:`MAX_COLUMNS`.
    """
    file = Path(path)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as err:
        raise ReadError(f"{file.name} is not a readable Excel workbook (.xlsx): {err}.") from err
    with archive:
        try:
            sheets = _sheet_paths(archive)
        except ReadError as err:
            raise ReadError(f"{file.name} is not a readable Excel workbook: {err}.") from err
        if not sheets:
            raise ReadError(f"{file.name} has no sheets.")
        names = [n for n, _ in sheets]
        if sheet is not None and sheet not in names:
            raise ReadError(
                f"{file.name} has no sheet called {sheet!r}; its sheets are {', '.join(names)}."
            )
        name, member = sheets[names.index(sheet)] if sheet is not None else sheets[0]
        try:
            info = archive.getinfo(member)
        except KeyError as err:
            raise ReadError(f"{file.name}: sheet {name!r} is missing from the workbook.") from err
        if info.file_size > MAX_SHEET_BYTES:
            raise ReadError(
                f"{file.name} (sheet {name!r}) is {info.file_size / 1e9:.1f} GB once unpacked; "
                f"outcomelab reads sheets up to {MAX_SHEET_BYTES / 1e9:.0f} GB. Split the table "
                "or send it as CSV."
            )
        try:
            empty_strings = _empty_shared_strings(archive)
        except ElementTree.ParseError as err:
            raise ReadError(f"{file.name}: the workbook's texts cannot be read ({err}).") from err
        with archive.open(member) as stream:
            return _scan(stream, name, file.name, empty_strings)


def read_sheet(
    path: str | Path, sheet: str | None = None
) -> tuple[SheetContent, Iterator[tuple[int, tuple[Any, ...]]]]:
    """The real content of a sheet and an iterator over its rows that hold a value.

    Parameters
    ----------
    path
        The .xlsx file (its name need not end in .xlsx).
    sheet
        Sheet name; default the first sheet.

    Returns
    -------
    SheetContent, iterator of (row number, values)
        Row numbers as Excel shows them; values as openpyxl reads them (dates as datetimes,
        formulas as their cached values), never padded beyond the row's last real cell. The
        iterator raises :class:`~outcomelab.errors.ReadError` at its end when it read a
        different number of rows with values than the sheet holds.

    Raises
    ------
    ReadError
        See :func:`sheet_content`.
    """
    content = sheet_content(path, sheet)
    return content, _rows(Path(path), content)


def _rows(file: Path, content: SheetContent) -> Iterator[tuple[int, tuple[Any, ...]]]:
    import openpyxl

    with file.open("rb") as handle:  # a file object: openpyxl does not judge by the name
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as err:
            raise ReadError(
                f"{file.name} is not a readable Excel workbook (.xlsx): {err}."
            ) from err
        try:
            ws = workbook[content.name]
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # never trust the <dimension> record
            read = last = 0
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if values and any(v is not None and v != "" for v in values):
                    read, last = read + 1, number
                    yield number, tuple(values)
        finally:
            workbook.close()
    if (read, last) != (content.rows_with_values, content.last_row):
        raise ReadError(
            f"{file.name} (sheet {content.name!r}): {read} rows were read but the sheet holds "
            f"{content.rows_with_values} (the last in row {content.last_row}); the file may be "
            "damaged. Save it again from Excel, or send it as CSV."
        )
