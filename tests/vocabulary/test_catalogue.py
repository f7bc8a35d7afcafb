"""The one outcome catalogue: read from data_schemas/, checked on load, extensible locally."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from outcomelab.errors import InputError, ParameterError, SchemaError
from outcomelab.resources import schemas_dir
from outcomelab.vocabulary import (
    DIRECTIONS,
    KINDS,
    PERIODICITIES,
    check_direction,
    check_kind,
    direction_sign,
    lab_catalogue,
    load_catalogue,
)

ROW = {
    "code": "earnings",
    "name_sv": "Arbetsinkomst",
    "name_en": "Earnings",
    "unit": "SEK per year",
    "kind": "amount_sek",
    "direction": "higher_is_better",
    "periodicity": "year",
    "followup_windows_months": "12;24",
    "definition_en": "Earnings from work in the year.",
    "definition_sv": "Arbetsinkomst under året.",
}


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_lab_catalogue_is_the_csv() -> None:
    catalogue = lab_catalogue()
    with (schemas_dir() / "outcome_catalogue.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(catalogue) == [r["code"] for r in rows]
    for row in rows:
        d = catalogue[row["code"]]
        assert (d.name_sv, d.name_en, d.kind, d.direction) == (
            row["name_sv"],
            row["name_en"],
            row["kind"],
            row["direction"],
        )
    assert catalogue["employment"].followup_windows_months == (12, 24, 36)
    assert catalogue["social_assistance_receipt"].sign == -1


def test_swedish_names_say_what_the_register_counts() -> None:
    # DOMAIN.md: försörjningsstöd is only part of ekonomiskt bistånd; sjukpenning is only one of the
    # benefits behind the sick days counted
    catalogue = lab_catalogue()
    words = " ".join(d.name_sv + " " + d.phrase_sv for d in catalogue.values()).lower()
    assert "försörjningsstöd" not in words
    assert "sjukpenningdagar" not in words and "sjukskrivningsdagar" not in words
    assert catalogue["employment"].name_sv == "Förvärvsarbete"
    assert "ekonomiskt bistånd" in catalogue["social_assistance_amount"].name_sv


def test_the_schema_files_list_the_same_vocabulary() -> None:
    schema = json.loads((schemas_dir() / "outcome_catalogue.schema.json").read_text("utf-8"))
    enums = {f["name"]: f["constraints"].get("enum") for f in schema["fields"]}
    assert tuple(enums["kind"]) == KINDS
    assert tuple(enums["direction"]) == DIRECTIONS
    assert tuple(enums["periodicity"]) == PERIODICITIES
    results = json.loads((schemas_dir() / "results" / "results.schema.json").read_text("utf-8"))
    text = json.dumps(results)
    assert json.dumps(list(KINDS)) in text and json.dumps(list(DIRECTIONS)) in text
    assert "lower_is_better" not in text


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("kind", "binary", "kind 'binary' is not one of rate, count"),
        ("direction", "lower_is_better", "higher_is_worse?"),
        ("direction", "", "`direction` is empty"),
        ("periodicity", "week", "periodicity 'week'"),
        ("followup_windows_months", "12,24", "separated by ';'"),
        ("code", "Earnings", "lower case"),
    ],
)
def test_a_bad_row_is_an_error_naming_row_and_column(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    path = _write(tmp_path / "c.csv", [ROW, ROW | {"code": "other", column: value}])
    with pytest.raises(SchemaError, match="row 3") as err:
        load_catalogue(path)
    assert message in str(err.value)


def test_every_problem_is_listed_and_duplicates_are_refused(tmp_path: Path) -> None:
    rows = [ROW, ROW | {"kind": "share", "direction": "up"}]
    with pytest.raises(SchemaError) as err:
        load_catalogue(_write(tmp_path / "c.csv", rows))
    text = str(err.value)
    assert "3 problems" in text and "already declared in row 2" in text
    with pytest.raises(SchemaError, match="lacks the column"):
        load_catalogue(extra=[{k: v for k, v in ROW.items() if k != "direction"}])


def test_a_local_catalogue_merges_under_a_namespace_and_never_shadows_the_lab() -> None:
    own = pd.DataFrame([ROW, ROW | {"code": "employment", "name_en": "Our employment"}])
    catalogue = load_catalogue(extra=own)
    assert catalogue["employment"].name_en == "Employment"  # the lab's
    assert catalogue["local.employment"].name_en == "Our employment"
    assert catalogue["earnings"].qualified_code == "local.earnings"  # unique bare code
    assert catalogue["earnings"] is catalogue["local.earnings"]
    assert len(catalogue) == len(lab_catalogue()) + 2
    other = load_catalogue(extra=[ROW], namespace="kommun")
    assert "kommun.earnings" in other and "local.earnings" not in other
    with pytest.raises(InputError, match="not in the outcome catalogue"):
        catalogue.require("no_such_outcome")
    frame = catalogue.to_frame()
    assert "local.earnings" in set(frame["code"]) and frame["kind"].notna().all()


def test_a_catalogue_is_read_only() -> None:
    catalogue = lab_catalogue()
    with pytest.raises(TypeError):
        catalogue.definitions["x"] = catalogue["employment"]  # type: ignore[index]


def test_the_vocabulary_checks_refuse_other_words() -> None:
    assert check_kind("continuous") == "continuous"
    with pytest.raises(ParameterError, match="did you mean 'continuous'"):
        check_kind("continous")
    assert check_direction("higher_is_worse") == "higher_is_worse"
    with pytest.raises(ParameterError, match="'higher_is_better' or 'higher_is_worse'"):
        direction_sign("lower_is_better")
