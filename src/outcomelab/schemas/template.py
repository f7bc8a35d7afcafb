"""Excel templates of the standard tables: one table, or a workbook with a sheet per table.

Each table sheet has the header, drop-down lists and number checks; a help sheet describes it in
Swedish and English (the schemas' ``translations``), and each header cell carries the field's
Swedish and English help as a comment, shown when the pointer rests on it.

Municipalities often fill tables in Excel. The template's first sheet has the standard header
(required columns in bold), list validation for fields with allowed values, whole-number and
decimal validation for numeric fields, and text format for codes with leading zeros; the second
sheet describes every field. A filled template is read back by :func:`read_table` as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outcomelab.errors import InputError
from outcomelab.schemas.model import TableSchema, load_schema

__all__ = ["write_excel_template", "write_excel_workbook"]

#: the help sheet's columns: Swedish first (most submitters read it), then English
_HELP_HEADER = (
    "fält / field",
    "krävs / required",
    "typ / type",
    "tillåtna värden, villkor / allowed values, constraints",
    "rubrik",
    "beskrivning",
    "title",
    "description",
)
_HELP_WIDTHS = (30, 14, 10, 40, 30, 80, 30, 80)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _fill_table_sheet(sheet: Any, table: TableSchema, rows: int) -> None:
    """Header, column widths, drop-down lists and number checks of one table's sheet."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    last = rows + 1
    for col, field in enumerate(table.fields, start=1):
        cell = sheet.cell(row=1, column=col, value=field.name)
        if field.required:
            cell.font = bold
        help_sv, help_en = field.help_text("sv"), field.help_text("en")
        note = f"{help_sv[0]}: {help_sv[1]}\n\n{help_en[0]}: {help_en[1]}"
        cell.comment = Comment(note, "outcomelab", width=420, height=220)
        letter = _column_letter(col)
        sheet.column_dimensions[letter].width = max(12, len(field.name) + 2)
        area = f"{letter}2:{letter}{last}"
        validation = None
        if field.enum is not None and len(",".join(field.enum)) < 250:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(field.enum) + '"', allow_blank=True
            )
            validation.error = f"{field.name}: välj / choose {', '.join(field.enum)}."
        elif field.type in ("integer", "number"):
            low = field.minimum if field.minimum is not None else -1e15
            high = field.maximum if field.maximum is not None else 1e15
            validation = DataValidation(
                type="whole" if field.type == "integer" else "decimal",
                operator="between",
                formula1=str(low),
                formula2=str(high),
                allow_blank=True,
            )
            validation.error = f"{field.name}: {low:g} – {high:g}."
        elif field.type == "date":
            for row in range(2, last + 1):
                sheet.cell(row=row, column=col).number_format = "yyyy-mm-dd"
        elif field.pattern is not None:
            for row in range(2, last + 1):
                sheet.cell(row=row, column=col).number_format = "@"  # keep leading zeros
        if validation is not None:
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(area)
    sheet.freeze_panes = "A2"


def _fill_help_sheet(sheet: Any, table: TableSchema) -> None:
    """One row per field: name, required, type, constraints, Swedish and English help."""
    from openpyxl.styles import Alignment, Font

    from outcomelab.schemas.docs import _constraints

    sheet.append(list(_HELP_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for field in table.fields:
        sheet.append(
            [
                field.name,
                "ja / yes" if field.required else "nej / no",
                field.type,
                "; ".join(_constraints(field)),
                *field.help_text("sv"),
                *field.help_text("en"),
            ]
        )
    for col, width in enumerate(_HELP_WIDTHS, start=1):
        sheet.column_dimensions[_column_letter(col)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    sheet.freeze_panes = "B2"


def _target(path: str | Path, overwrite: bool) -> Path:
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"Name the template .xlsx (got {target.name}).")
    if target.exists() and not overwrite:
        raise InputError(f"{target} already exists; choose another name or allow overwriting.")
    return target


def write_excel_template(
    schema: str | TableSchema, path: str | Path, *, rows: int = 5000, overwrite: bool = False
) -> Path:
    """Write an ``.xlsx`` template for a standard table.

    Parameters
    ----------
    schema
        A standard table name or schema.
    path
        The ``.xlsx`` file to write.
    rows
        How many rows the drop-down lists and number checks cover.
    overwrite
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        If ``path`` does not end in ``.xlsx`` or exists and ``overwrite`` is false.
    """
    from openpyxl import Workbook

    table = load_schema(schema)
    target = _target(path, overwrite)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.name[:31]
    _fill_table_sheet(sheet, table, rows)
    _fill_help_sheet(workbook.create_sheet("fields"), table)
    workbook.save(target)
    return target


def write_excel_workbook(
    tables: Sequence[str], path: str | Path, *, rows: int = 5000, overwrite: bool = False
) -> Path:
    """Write one ``.xlsx`` workbook with a sheet per standard table (and a help sheet for each).

    The sheets are named after the tables, so the filled workbook is read back whole by
    :func:`~outcomelab.schemas.read_package` (``outcomelab validate --package book.xlsx``).

    Parameters
    ----------
    tables
        Standard table names, in sheet order.
    path
        The ``.xlsx`` file to write.
    rows
        How many rows the drop-down lists and number checks cover.
    overwrite
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        If ``path`` does not end in ``.xlsx`` or exists and ``overwrite`` is false.
    """
    from openpyxl import Workbook

    target = _target(path, overwrite)
    workbook = Workbook()
    workbook.remove(workbook.active)
    schemas = [load_schema(name) for name in tables]
    for table in schemas:
        _fill_table_sheet(workbook.create_sheet(table.name[:31]), table, rows)
    for table in schemas:
        _fill_help_sheet(workbook.create_sheet(f"{table.name[:24]} fields"), table)
    workbook.save(target)
    return target
