"""outcomelab.schemas: the standard tables, reading submitted files and validating them.

The Frictionless Table Schemas in ``data_schemas/`` are the source of truth. ``read_table`` reads
CSV/Excel/Parquet as text (row numbers as in the file), ``validate`` checks one table and collects
every failure, ``validate_package`` adds the checks between tables.
"""

from __future__ import annotations

from outcomelab.schemas.conversion import coerce
from outcomelab.schemas.model import Field, TableSchema, list_schemas, load_datapackage, load_schema
from outcomelab.schemas.package import PACKAGE_CHECKS, read_package, validate_package
from outcomelab.schemas.reading import read_table, source_rows
from outcomelab.schemas.report import ValidationReport
from outcomelab.schemas.template import write_excel_template
from outcomelab.schemas.validation import CHECKS, validate
from outcomelab.schemas.writing import write_table

__all__ = [
    "CHECKS",
    "PACKAGE_CHECKS",
    "Field",
    "TableSchema",
    "ValidationReport",
    "coerce",
    "list_schemas",
    "load_datapackage",
    "load_schema",
    "read_package",
    "read_table",
    "source_rows",
    "validate",
    "validate_package",
    "write_excel_template",
    "write_table",
]
