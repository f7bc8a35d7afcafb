"""outcomelab.schemas: the standard tables, reading submitted files and validating them.

The Frictionless Table Schemas in ``data_schemas/`` are the source of truth. ``read_table`` reads
CSV/Excel/Parquet as text (row numbers as in the file), ``read_submission`` reads a whole submission
(the one reader every step uses), ``validate`` checks one table and collects every failure,
``validate_package`` adds the checks between tables.
"""

from __future__ import annotations

from outcomelab.row_numbers import source_rows
from outcomelab.schemas.conversion import coerce
from outcomelab.schemas.model import Field, TableSchema, list_schemas, load_datapackage, load_schema
from outcomelab.schemas.package import PACKAGE_CHECKS, validate_package
from outcomelab.schemas.reading import read_table
from outcomelab.schemas.report import ValidationReport
from outcomelab.schemas.submission import (
    REQUIRED_TABLES,
    SUBMISSION_TABLES,
    SubmittedTable,
    locate_tables,
    read_submission,
    typed_tables,
)
from outcomelab.schemas.template import write_excel_template, write_excel_workbook
from outcomelab.schemas.validation import CHECKS, validate
from outcomelab.schemas.writing import write_table

__all__ = [
    "CHECKS",
    "PACKAGE_CHECKS",
    "REQUIRED_TABLES",
    "SUBMISSION_TABLES",
    "Field",
    "SubmittedTable",
    "TableSchema",
    "ValidationReport",
    "coerce",
    "list_schemas",
    "load_datapackage",
    "load_schema",
    "locate_tables",
    "read_submission",
    "read_table",
    "source_rows",
    "typed_tables",
    "validate",
    "validate_package",
    "write_excel_template",
    "write_excel_workbook",
    "write_table",
]
