"""The shipped schema files: loadable, consistent with each other, documented, docs current."""

from __future__ import annotations

import json

import pytest

from outcomelab.errors import InputError
from outcomelab.resources import schemas_dir
from outcomelab.schemas import list_schemas, load_datapackage, load_schema, read_table, validate
from outcomelab.schemas.docs import render_docs, stale_docs

STANDARD = [
    "interventions",
    "participants",
    "outcomes",
    "units",
    "unit_outcomes",
    "costs",
    "outcome_catalogue",
    "covariate_catalogue",
    "unit_values",
]
OUTCOME_CODES = {
    "employment",
    "social_assistance_receipt",
    "social_assistance_amount",
    "sick_leave_days",
    "upper_secondary_eligibility",
    "out_of_home_care_days",
    "reoffending",
    "psychiatric_inpatient_days",
}


def test_datapackage_lists_every_standard_table_with_an_existing_schema_file():
    package = load_datapackage()
    names = [r["name"] for r in package["resources"]]
    assert names[: len(STANDARD)] == STANDARD  # others may follow (reference tables)
    assert names == list_schemas()
    for resource in package["resources"]:
        path = schemas_dir() / resource["schema"]
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        assert descriptor["name"] == resource["name"]
        assert descriptor["missingValues"] == ["", "NA"]


@pytest.mark.parametrize("name", STANDARD)
def test_every_field_has_title_description_and_supported_type(name):
    schema = load_schema(name)
    for field in schema.fields:
        assert field.title, f"{name}.{field.name} lacks a title"
        assert len(field.description) > 10, f"{name}.{field.name} lacks a description"
    assert set(schema.primary_key) <= set(schema.field_names)


@pytest.mark.parametrize("name", STANDARD)
def test_foreign_keys_point_at_existing_tables_and_fields(name):
    schema = load_schema(name)
    for fk in schema.foreign_keys:
        assert set(fk.fields) <= set(schema.field_names)
        target = load_schema(fk.reference_table)
        assert set(fk.reference_fields) <= set(target.field_names)


def test_the_required_foreign_keys_are_declared():
    refs = {
        (name, fk.fields, fk.reference_table)
        for name in STANDARD
        for fk in load_schema(name).foreign_keys
    }
    assert ("participants", ("intervention_id",), "interventions") in refs
    assert ("outcomes", ("outcome_code",), "outcome_catalogue") in refs
    assert ("outcomes", ("person_id",), "participants") in refs
    assert ("unit_outcomes", ("unit_id",), "units") in refs
    assert ("unit_outcomes", ("outcome_code",), "outcome_catalogue") in refs


def test_outcome_catalogue_has_the_eight_standard_outcomes_and_is_valid():
    catalogue = read_table(schemas_dir() / "outcome_catalogue.csv")
    assert set(catalogue["code"]) == OUTCOME_CODES
    report = validate(catalogue, "outcome_catalogue")
    assert report.ok, report.summary()
    # Swedish names keep their letters (read as UTF-8)
    assert "Gymnasiebehörighet" in set(catalogue["name_sv"])
    assert "Återfall i brott" in set(catalogue["name_sv"])


def test_load_schema_accepts_a_path_and_a_dict_and_refuses_unknown_names(tmp_path):
    path = schemas_dir() / "costs.schema.json"
    assert load_schema(path).field_names == load_schema("costs").field_names
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    assert load_schema(descriptor).primary_key == load_schema("costs").primary_key
    with pytest.raises(InputError, match="no standard schema called 'people'"):
        load_schema("people")


def test_committed_docs_are_current():
    # regenerate in memory and compare with data_schemas/docs; run `outcomelab schemas docs`
    assert stale_docs() == []


def test_docs_describe_every_field_and_rule():
    docs = render_docs()
    assert set(docs) == {"README.md", *(f"{n}.md" for n in list_schemas())}
    for name in STANDARD:
        for field in load_schema(name).fields:
            assert f"### {field.name}" in docs[f"{name}.md"]
    assert "participant_needs_start_date" in docs["participants.md"]
    assert "placering" not in docs["participants.md"]
    assert "Dygn i placering utanför hemmet" in docs["outcome_catalogue.md"]


def test_stale_docs_notices_an_edited_file(tmp_path):
    from outcomelab.schemas.docs import write_docs

    write_docs(tmp_path)
    assert stale_docs(tmp_path) == []
    (tmp_path / "outcomes.md").write_text("edited by hand\n", encoding="utf-8")
    assert stale_docs(tmp_path) == ["outcomes.md"]


def test_shipped_unit_values_fit_their_schema_and_the_catalogue():
    from outcomelab.schemas import validate_package

    tables = {
        name: read_table(schemas_dir() / f"{name}.csv")
        for name in ("outcome_catalogue", "unit_values")
    }
    report = validate_package(tables, required=())
    assert report.ok, report.summary()
    assert report.rows_per_table["unit_values"] > 0
