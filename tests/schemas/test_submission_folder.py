"""One reader for a submission folder: every step reads what validation accepted.

The seen problem (issue 10): a semicolon-separated Windows-1252 folder passed ``validate`` and
``submit`` and then crashed the report with a raw ``KeyError`` because the report read the folder
with ``pandas.read_csv``. Each step is run here on the very same folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from outcomelab.design import build_panel
from outcomelab.errors import InputError, ReadError
from outcomelab.example import EXAMPLE_INTERVENTION_ID
from outcomelab.schemas import read_submission, read_table, validate_package
from outcomelab.store import Store


def _excel_style_copy(source: Path, target: Path) -> Path:
    """Rewrite every table as Swedish Excel saves 'CSV (semicolon)': ';', cp1252, decimal comma."""
    target.mkdir()
    for path in sorted(source.glob("*.csv")):
        frame = read_table(path)
        for column in frame.columns:
            decimal = frame[column].str.fullmatch(r"-?\d+\.\d+")
            frame[column] = frame[column].where(~decimal, frame[column].str.replace(".", ","))
        text = frame.to_csv(sep=";", index=False, lineterminator="\r\n")
        (target / path.name).write_bytes(text.encode("cp1252"))
    return target


@pytest.fixture(scope="module")
def plain_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from outcomelab.example import generate_example

    folder = tmp_path_factory.mktemp("plain") / "submission"
    generate_example(folder, n_participants=120, n_pool=600, seed=3)
    (folder / "truth.json").unlink()
    return folder


@pytest.fixture(scope="module")
def semicolon_folder(plain_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = _excel_style_copy(plain_folder, tmp_path_factory.mktemp("sc") / "submission")
    raw = (folder / "interventions.csv").read_bytes()
    assert b";" in raw.splitlines()[0] and "Norrköping".encode("cp1252") in raw
    return folder


def test_every_step_reads_the_semicolon_cp1252_folder(
    semicolon_folder: Path, plain_folder: Path, tmp_path: Path
):
    report = validate_package(semicolon_folder)
    assert report.ok, report.failures.head()
    info = Store(tmp_path / "store").submit(
        semicolon_folder, intervention_id=EXAMPLE_INTERVENTION_ID
    )
    reference = Store(tmp_path / "store2").submit(
        plain_folder, intervention_id=EXAMPLE_INTERVENTION_ID
    )
    # the same content, whatever the separator, encoding or decimal mark
    assert info.submission_id == reference.submission_id
    panel = build_panel(semicolon_folder, intervention_id=EXAMPLE_INTERVENTION_ID)
    expected = build_panel(plain_folder, intervention_id=EXAMPLE_INTERVENTION_ID)
    pd.testing.assert_frame_equal(panel, expected)


def test_report_inputs_read_the_semicolon_folder(semicolon_folder: Path, plain_folder: Path):
    from outcomelab.evaluation.inputs import load_inputs

    inputs = load_inputs(data_dir=semicolon_folder)
    plain = load_inputs(data_dir=plain_folder)
    assert inputs.intervention_id == EXAMPLE_INTERVENTION_ID
    assert inputs.intervention["name"] == plain.intervention["name"]
    assert inputs.intervention["organisation_name"] == "Norrköpings kommun"
    pd.testing.assert_frame_equal(inputs.panel, plain.panel)
    assert inputs.costs is not None and plain.costs is not None
    assert inputs.costs["cost_sek"].sum() == pytest.approx(plain.costs["cost_sek"].sum())


def test_read_submission_names_tables_and_keeps_files(semicolon_folder: Path):
    tables = read_submission(semicolon_folder)
    assert set(tables) == {"interventions", "participants", "outcomes", "costs"}
    assert tables["participants"].path == semicolon_folder / "participants.csv"
    assert tables["participants"].data["person_id"].str.len().eq(64).all()


def test_read_submission_refuses_a_table_given_twice(tmp_path: Path):
    folder = tmp_path / "twice"
    folder.mkdir()
    (folder / "outcomes.csv").write_text("a\n1\n")
    (folder / "outcomes.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(ReadError, match="more than once"):
        read_submission(folder)


def test_read_submission_of_a_folder_without_tables(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ReadError, match="none of the submission tables"):
        read_submission(tmp_path)


def test_read_submission_refuses_an_unknown_file_name(tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_text("a\n1\n")
    with pytest.raises(InputError, match="Cannot tell which table"):
        read_submission([path])


@pytest.mark.slow
@pytest.mark.notebook
def test_the_semicolon_cp1252_folder_is_evaluated_like_the_plain_one(
    semicolon_folder: Path, plain_folder: Path, tmp_path: Path
):
    """The whole evaluation (notebook included) reads what Swedish Excel saves, number for number.

    Before issue 10 this folder passed ``validate`` and ``submit`` and then ``evaluate`` failed
    with a raw ``KeyError`` in the report's inputs.
    """
    from outcomelab.reports import evaluate

    params = {"seed": 1}
    runs = {
        name: evaluate(data=folder, out=tmp_path / name, params=params, lang="sv")
        for name, folder in {"semicolon": semicolon_folder, "plain": plain_folder}.items()
    }
    got, expected = runs["semicolon"].results, runs["plain"].results
    assert any((tmp_path / "semicolon").glob("*.html"))
    assert got["outcomes"] and got["outcomes"] == expected["outcomes"]
    assert got["design"] == expected["design"]
