"""Submitting through the portal: validation as the CLI does it, error reports, receipts,
versions, the workbook template, refused identity numbers and hostile files."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from outcomelab.store import Store

from .conftest import PortalWorld, as_organisation, csrf_of


def _files(folder: Path, rename: dict[str, str] | None = None) -> list[tuple[str, Any]]:
    names = rename or {}
    return [
        ("files", (names.get(p.name, p.name), p.read_bytes(), "text/csv"))
        for p in sorted(folder.glob("*.csv"))
    ]


def _upload(client: Any, files: list[tuple[str, Any]], lang: str = "en") -> Any:
    token = csrf_of(client.get(f"/{lang}/submit").text)
    return client.post(f"/{lang}/submit", data={"csrf_token": token}, files=files)


@pytest.fixture()
def broken(world: PortalWorld, tmp_path: Path) -> Path:
    """Norrköping's tables with three mistakes a person makes in a spreadsheet."""
    folder = as_organisation(world.example, tmp_path / "broken", "0581", "Norrköpings kommun", "E")
    participants = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    participants.loc[3, "sex"] = "x"  # not an allowed value: file row 5
    participants.loc[7, "birth_year"] = "nineteen"  # not a number: file row 9
    participants.to_csv(folder / "participants.csv", index=False)
    return folder


def test_errors_are_grouped_with_spreadsheet_rows_and_a_report(
    client_for: Any, broken: Path, world: PortalWorld
) -> None:
    client = client_for("sub_a")
    before = len(Store(world.config.store).list())
    page = _upload(client, _files(broken))
    assert page.status_code == 200 and "do not fit the standard" in page.text
    assert "Failures per rule" in page.text and "<code>enum</code>" in page.text
    # the same failures as `outcomelab validate --package`
    from outcomelab.schemas import validate_package

    expected = validate_package(broken).failures
    rows = {(r["column"], int(r["row"])) for _, r in expected.iterrows() if pd.notna(r["row"])}
    assert ("sex", 5) in rows and ("birth_year", 9) in rows
    report_link = page.url.path + "/errors.csv"
    report = list(csv.DictReader(io.StringIO(client.get(report_link).text)))
    assert {(r["column"], int(r["row"])) for r in report if r["row"]} == rows
    assert len(Store(world.config.store).list()) == before  # nothing stored
    swedish = client.get(page.url.path.replace("/en/", "/sv/")).text
    assert "Filerna följer inte standarden" in swedish and "rubrikraden är rad 1" in swedish


def test_valid_upload_submits_once_with_a_receipt_and_versions(
    client_for: Any, world: PortalWorld, tmp_path: Path
) -> None:
    folder = as_organisation(world.example, tmp_path / "v", "0581", "Norrköpings kommun", "V")
    client = client_for("sub_a")
    page = _upload(client, _files(folder))
    assert "fit the standard" in page.text
    token = csrf_of(page.text)
    receipt = client.post(page.url.path + "/submit", data={"csrf_token": token})
    assert receipt.status_code == 200 and "Receipt" in receipt.text
    stored = Store(world.config.store).list("0581-V")
    assert len(stored) == 1 and stored["submission_id"][0] in receipt.text
    # submitting the same upload twice is refused; the same content again is "already stored"
    again = client.post(page.url.path + "/submit", data={"csrf_token": token})
    assert again.status_code == 404 or "already submitted" in again.text
    second = _upload(client, _files(folder))
    same = client.post(second.url.path + "/submit", data={"csrf_token": csrf_of(second.text)})
    assert "already stored as version 1" in same.text
    assert len(Store(world.config.store).list("0581-V")) == 1
    # a changed file gives version 2, listed under the intervention
    costs = pd.read_csv(folder / "costs.csv", dtype=str, keep_default_na=False)
    costs.loc[0, "cost_sek"] = str(int(float(costs.loc[0, "cost_sek"])) + 1000)
    costs.to_csv(folder / "costs.csv", index=False)
    third = _upload(client, _files(folder))
    client.post(third.url.path + "/submit", data={"csrf_token": csrf_of(third.text)})
    listing = client.get("/en/submissions").text
    assert "Versions of 0581-V" in listing
    assert Store(world.config.store).list("0581-V")["version"].tolist() == [1, 2]


def test_workbook_template_round_trip(client_for: Any, world: PortalWorld, tmp_path: Path) -> None:
    client = client_for("sub_a")
    response = client.get("/en/template.xlsx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    template = tmp_path / "template.xlsx"
    template.write_bytes(response.content)
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[:4] == ["interventions", "participants", "outcomes", "costs"]
    # fill it with the example's tables and upload the one workbook
    folder = as_organisation(world.example, tmp_path / "w", "0581", "Norrköpings kommun", "W")
    filled = tmp_path / "filled.xlsx"
    with pd.ExcelWriter(filled) as writer:
        for name in ("interventions", "participants", "outcomes", "costs"):
            pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False).to_excel(
                writer, sheet_name=name, index=False
            )
    page = _upload(client, [("files", ("inlämning.xlsx", filled.read_bytes(), "x/y"))])
    assert "fit the standard" in page.text, page.text[-2000:]
    receipt = client.post(page.url.path + "/submit", data={"csrf_token": csrf_of(page.text)})
    assert "Receipt" in receipt.text
    assert len(Store(world.config.store).list("0581-W")) == 1


def test_clear_identity_numbers_are_refused(
    client_for: Any, world: PortalWorld, tmp_path: Path
) -> None:
    folder = as_organisation(world.example, tmp_path / "pnr", "0581", "Norrköpings kommun", "P")
    participants = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    participants.loc[0, "person_id"] = "811218-9876"
    participants.to_csv(folder / "participants.csv", index=False)
    page = _upload(client_for("sub_a"), _files(folder))
    assert "clear_identity" in page.text and "811218-9876" not in page.text
    assert Store(world.config.store).list("0581-P").empty


def test_another_organisations_intervention_is_refused(
    client_for: Any, world: PortalWorld, tmp_path: Path
) -> None:
    folder = as_organisation(world.example, tmp_path / "o", "0180", "Stockholms kommun", "O")
    page = _upload(client_for("sub_a"), _files(folder))
    assert "belongs to another organisation" in page.text
    assert "submit-button" not in page.text


def test_hostile_file_names_and_lying_content(
    client_for: Any, world: PortalWorld, tmp_path: Path
) -> None:
    client = client_for("sub_a")
    folder = as_organisation(world.example, tmp_path / "h", "0581", "Norrköpings kommun", "H")
    # HTML in a name is shown escaped; a path in a name is never used as a path
    evil = "<img src=x onerror=alert(1)>participants.csv"
    page = _upload(client, _files(folder, {"participants.csv": evil}))
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
    for traversal in ("../../../../participants.csv", "..\\..\\participants.csv"):
        page = _upload(client, _files(folder, {"participants.csv": traversal}))
        assert "fit the standard" in page.text  # read as participants.csv, stored as ours
    assert not list(world.config.store.parent.parent.glob("participants.csv"))
    assert not list(world.config.store.rglob("*alert*"))
    # a zip called .csv, text called .xlsx, an executable called .parquet
    for name, body in (
        ("participants.csv", b"PK\x03\x04" + b"\x00" * 200),
        ("participants.xlsx", b"person_id,group\n1,2\n"),
        ("participants.parquet", b"MZ\x90\x00" + b"\x00" * 200),
    ):
        files = [f for f in _files(folder) if f[1][0] != "participants.csv"]
        files.append(("files", (name, body, "text/csv")))
        page = _upload(client, files)
        assert "the content is" in page.text and "submit-button" not in page.text, name
    # a file that names no table
    page = _upload(client, [("files", ("data.csv", b"a,b\n1,2\n", "text/csv"))])
    assert "cannot tell which table" in page.text


def test_stale_uploads_are_removed_but_submissions_stay(world: PortalWorld, tmp_path: Path) -> None:
    from outcomelab.portal.intake import IncomingFile, receive, remove_stale_uploads

    home = world.config.home
    upload = receive(
        home, [IncomingFile("participants.csv", io.BytesIO(b"a\n1\n"))], user_id=None,
        organisation="0581",
    )  # fmt: skip
    assert (home / "uploads" / upload.id).is_dir()
    assert remove_stale_uploads(home, max_age_seconds=3600) == 0
    assert remove_stale_uploads(home, max_age_seconds=0) >= 1
    assert not (home / "uploads" / upload.id).exists()
    assert len(Store(world.config.store).list()) >= 2
