"""Validate participants_bad.csv with frictionless (the Table Schema reference implementation).

Writes expected_frictionless.csv with frictionless's own names: rowNumber (header = 1), fieldName,
type (error type), note. Run from the repository root:

    .venv/bin/python tests/reference/frictionless_validation/make_expected.py

frictionless is a test-only tool here (pip-installed in .venv); outcomelab never imports it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import frictionless

HERE = Path(__file__).resolve().parent
SCHEMA = HERE.parents[2] / "data_schemas" / "participants.schema.json"

descriptor = json.loads(SCHEMA.read_text(encoding="utf-8"))
descriptor.pop("foreignKeys")  # one table alone: no package to refer to
resource = frictionless.Resource(
    "participants_bad.csv",
    basepath=str(HERE),
    schema=frictionless.Schema.from_descriptor(descriptor),
)
report = resource.validate(limit_errors=10**6)
with (HERE / "expected_frictionless.csv").open("w", newline="", encoding="utf-8") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["rowNumber", "fieldName", "type", "note"])
    for task in report.tasks:
        for error in task.errors:
            writer.writerow(
                [
                    getattr(error, "row_number", ""),
                    getattr(error, "field_name", ""),
                    error.type,
                    getattr(error, "note", ""),
                ]
            )
print(f"frictionless {frictionless.__version__}: {sum(len(t.errors) for t in report.tasks)} errors")
