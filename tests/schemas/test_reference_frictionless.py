"""validate() against frictionless, the Table Schema reference implementation (stored fixture)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from outcomelab.schemas import read_table, validate
from outcomelab.schemas.rules import rules_for

CASE = Path(__file__).resolve().parents[1] / "reference" / "frictionless_validation"

# our check -> frictionless error type and constraint name
MAPPING = {
    "type": ("type-error", ""),
    "required": ("constraint-error", "required"),
    "enum": ("constraint-error", "enum"),
    "pattern": ("constraint-error", "pattern"),
    "minimum": ("constraint-error", "minimum"),
    "maximum": ("constraint-error", "maximum"),
    "min_length": ("constraint-error", "minLength"),
    "max_length": ("constraint-error", "maxLength"),
    "unique": ("unique-error", ""),
    "primary_key": ("primary-key", ""),
}


def test_same_failures_as_frictionless_with_the_same_row_numbers():
    expected = pd.read_csv(CASE / "expected_frictionless.csv", dtype=str, keep_default_na=False)
    constraint = expected["note"].str.extract(r'constraint "(\w+)"', expand=False).fillna("")
    theirs = set(
        zip(
            expected["rowNumber"].astype(int),
            expected["fieldName"],
            expected["type"],
            constraint,
            strict=True,
        )
    )
    report = validate(read_table(CASE / "participants_bad.csv"), "participants")
    own_rules = {r.check for r in rules_for("participants")}
    assert set(report.failures["check"]) <= set(MAPPING) | own_rules
    ours = set()
    for row in report.failures.to_dict(orient="records"):
        if row["check"] in own_rules:
            continue
        kind, name = MAPPING[row["check"]]
        field = "" if row["check"] == "primary_key" else row["column"]
        ours.add((int(row["row"]), field, kind, name))
    assert ours == theirs
    assert len(theirs) == 16  # the fixture as generated (background columns optional)
    assert re.search(r"5\.\d+\.\d+", (CASE / "SOURCE.md").read_text(encoding="utf-8"))
