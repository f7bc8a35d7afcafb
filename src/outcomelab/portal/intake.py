"""Uploads: safe file names, content sniffing, validation as the CLI does it, and submitting.

An upload is kept in ``<store>/portal/uploads/<id>/`` under names the portal chooses
(``participants.csv``, ``submission.xlsx``), never under the name the browser sent; that name is
kept as text for display only. The content must be what its name says (a ``.xlsx`` is a zip
workbook, a ``.parquet`` starts with ``PAR1``, a ``.csv`` is text): the browser's content type
is ignored. Validation is :func:`outcomelab.schemas.validate_package`, the function behind
``outcomelab validate --package``, reading with the one submission reader
(:func:`outcomelab.schemas.read_submission`); storing is :meth:`outcomelab.store.Store.submit`, the
function behind ``outcomelab submit``. Only a valid upload of the submitter's own organisation
can be submitted.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO

import pandas as pd

from outcomelab.errors import InputError, OutcomelabError
from outcomelab.portal import audit
from outcomelab.portal.db import connect, now, transaction
from outcomelab.schemas import SUBMISSION_TABLES
from outcomelab.store import Store

__all__ = [
    "IncomingFile",
    "Upload",
    "get_upload",
    "receive",
    "remove_stale_uploads",
    "safe_display_name",
    "sniff",
    "submit_upload",
]

_SUFFIXES = {".csv": "text", ".txt": "text", ".tsv": "text", ".xlsx": "xlsx", ".xlsm": "xlsx",
             ".parquet": "parquet", ".pq": "parquet"}  # fmt: skip
#: failures kept in the database per upload (the downloadable report has every one)
_KEPT = 2000


@dataclass(frozen=True)
class IncomingFile:
    """One file of an upload as received: the browser's name and a readable stream."""

    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class Upload:
    """A checked upload."""

    id: str
    user_id: int | None
    organisation_code: str
    created_at: float
    files: list[dict[str, Any]]
    ok: bool
    report: dict[str, Any]
    intervention_id: str | None
    submission_id: str | None

    def failures(self) -> pd.DataFrame:
        """The failures kept with the upload (table, row, column, value, check, message)."""
        return pd.DataFrame(self.report.get("failures", []))


def safe_display_name(name: str | None) -> str:
    """The last part of a browser's file name, without control characters, at most 120 long."""
    raw = name or ""
    base = PureWindowsPath(PurePosixPath(raw).name).name
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return (cleaned or "unnamed")[:120]


def sniff(head: bytes) -> str:
    """What the first bytes of a file are: ``xlsx``, ``parquet``, ``text`` or ``binary``."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if b"\x00" in head[:4096]:
        return "binary"
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < 4090:  # a multi-byte character cut at the end of the block is fine
            try:
                head[:4096].decode("cp1252")
            except UnicodeDecodeError:
                return "binary"
    return "text"


def _table_and_suffix(display: str) -> tuple[str | None, str]:
    lower = display.lower()
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            stem = re.sub(r"[\s_-]*(\(\d+\)|copy|kopia)$", "", lower[: -len(suffix)]).strip()
            return (stem if stem in SUBMISSION_TABLES else None), suffix
    return None, PurePosixPath(lower).suffix


def _save(source: BinaryIO, target: Path) -> tuple[int, str, bytes]:
    digest = hashlib.sha256()
    size = 0
    head = b""
    with target.open("xb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            if len(head) < 8192:
                head += block[: 8192 - len(head)]
            digest.update(block)
            size += len(block)
            out.write(block)
    return size, digest.hexdigest(), head


def _refuse(message: str) -> dict[str, Any]:
    return {
        "ok": False, "n_failures": 1, "counts": [], "rows_per_table": {},
        "failures": [{"table": None, "row": None, "column": None, "value": None,
                      "check": "unreadable", "message": message}],
    }  # fmt: skip


def _place(folder: Path, files: list[IncomingFile]) -> tuple[list[dict[str, Any]], str | None]:
    """Save the files under the portal's names; return their records and a refusal, if any."""
    records: list[dict[str, Any]] = []
    refusal = None
    seen: set[str] = set()
    for item in files:
        display = safe_display_name(item.filename)
        table, suffix = _table_and_suffix(display)
        kind = _SUFFIXES.get(suffix)
        workbook = kind == "xlsx" and table is None and len(files) == 1
        if kind is None:
            refusal = refusal or (
                f"{display}: the portal reads .csv, .xlsx and .parquet files; save the table in "
                "one of those forms."
            )
            stored = f"rejected-{len(records)}.bin"
        elif table is None and not workbook:
            refusal = refusal or (
                f"{display}: cannot tell which table this file holds. Name each file after its "
                f"table ({', '.join(t + '.csv' for t in SUBMISSION_TABLES)}), or upload one "
                "workbook with a sheet per table."
            )
            stored = f"rejected-{len(records)}.bin"
        else:
            stored = "submission.xlsx" if workbook else f"{table}{suffix}"
            if stored in seen or (table and any(s.startswith(f"{table}.") for s in seen)):
                refusal = refusal or f"Table {table} is given twice; upload one file per table."
                stored = f"rejected-{len(records)}.bin"
        seen.add(stored)
        size, digest, head = _save(item.stream, folder / stored)
        found = sniff(head)
        if kind is not None and not stored.startswith("rejected") and found != kind:
            said = {"xlsx": "an Excel workbook", "parquet": "a Parquet file", "text": "text"}
            refusal = refusal or (
                f"{display}: the name says {said[kind]}, but the content is "
                f"{said.get(found, 'binary data')}. Save the file again in the form its name says."
            )
        records.append(
            {"name": display, "stored": stored, "table": table, "bytes": size, "sha256": digest}
        )
    return records, refusal


def _organisation_failures(tables: dict[str, pd.DataFrame], organisation: str) -> pd.DataFrame:
    """Rows of interventions that belong to another organisation than the submitter's."""
    from outcomelab.schemas import source_rows

    frame = tables.get("interventions")
    if frame is None or "organisation_code" not in frame.columns:
        return pd.DataFrame()
    codes = frame["organisation_code"].astype(str).str.strip()
    bad = (codes != organisation).to_numpy()
    if not bad.any():
        return pd.DataFrame()
    rows = source_rows(frame)[bad]
    return pd.DataFrame(
        {
            "table": "interventions",
            "row": rows,
            "column": "organisation_code",
            "value": codes[bad].to_numpy(),
            "check": "organisation",
            "message": f"The intervention belongs to another organisation than yours "
            f"({organisation}); an organisation submits only its own interventions.",
        }
    )


def _source(folder: Path) -> Path:
    """What the one submission reader reads: the workbook, or the folder of table files."""
    workbook = folder / "submission.xlsx"
    return workbook if workbook.exists() else folder


def _check(folder: Path, records: list[dict[str, Any]], organisation: str) -> dict[str, Any]:
    from outcomelab.schemas import read_submission, validate_package

    try:
        tables = {k: t.data for k, t in read_submission(_source(folder)).items()}
        report = validate_package(tables)
    except OutcomelabError as err:
        return _refuse(str(err))
    failures = report.failures
    extra = _organisation_failures(tables, organisation)
    if not extra.empty:
        failures = pd.concat([failures, extra], ignore_index=True)
    failures.to_csv(folder / "errors.csv", index=False)
    counts = (
        failures.fillna({"column": ""}).groupby(["table", "check", "column"], sort=False).size()
        .rename("n").reset_index().sort_values("n", ascending=False, kind="stable")
        if not failures.empty else pd.DataFrame(columns=["table", "check", "column", "n"])
    )  # fmt: skip
    interventions = tables.get("interventions")
    ids = (
        sorted(set(interventions["intervention_id"].astype(str)))
        if interventions is not None and "intervention_id" in interventions
        else []
    )
    return {
        "ok": failures.empty,
        "n_failures": len(failures),
        "rows_per_table": {k: int(v) for k, v in report.rows_per_table.items()},
        "counts": json.loads(counts.to_json(orient="records", force_ascii=False)),
        "failures": json.loads(failures.head(_KEPT).to_json(orient="records", force_ascii=False)),
        "intervention_ids": ids,
    }


def receive(
    home: Path, files: Iterable[IncomingFile], *, user_id: int | None, organisation: str
) -> Upload:
    """Save, sniff and validate an upload; record it and return it.

    Parameters
    ----------
    home
        The portal's folder (``PortalConfig.home``).
    files
        The uploaded files: several named after their tables, or one workbook.
    user_id
        Who uploaded (None for an API token).
    organisation
        The uploader's organisation; interventions of another organisation are failures.

    Returns
    -------
    Upload
        With ``ok`` and the validation report (grouped counts and failures).
    """
    items = list(files)
    upload_id = secrets.token_urlsafe(16)
    folder = home / "uploads" / upload_id
    folder.mkdir(parents=True)
    if not items:
        records: list[dict[str, Any]] = []
        report = _refuse("No file was uploaded; choose the files of the standard tables.")
    else:
        records, refusal = _place(folder, items)
        report = _refuse(refusal) if refusal else _check(folder, records, organisation)
    ids = report.get("intervention_ids") or []
    if report["ok"] and len(ids) != 1:
        report = _refuse(
            "The interventions table must hold exactly one intervention per submission "
            f"(it holds {len(ids)}); submit each intervention separately."
        )
    intervention = ids[0] if len(ids) == 1 else None
    with transaction(home / "portal.sqlite3") as con:
        con.execute(
            "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [upload_id, user_id, organisation, now(), json.dumps(records),
             int(report["ok"]), json.dumps(report, ensure_ascii=False), intervention],
        )  # fmt: skip
    for stale in (f for f in folder.iterdir() if f.name.startswith("rejected-")):
        stale.unlink()
    upload = get_upload(home, upload_id)
    assert upload is not None
    return upload


def remove_stale_uploads(home: Path, max_age_seconds: float = 24 * 3600) -> int:
    """Delete the files of uploads older than ``max_age_seconds`` (the record stays).

    Uploads are the portal's own folders (``<home>/uploads/<id>``, named by the portal), so only
    folders with a record in the database are removed. Returns how many were removed.
    """
    cutoff = now() - max_age_seconds
    with connect(home / "portal.sqlite3") as con:
        ids = [
            r["id"] for r in con.execute("SELECT id FROM uploads WHERE created_at < ?", [cutoff])
        ]
    removed = 0
    for upload_id in ids:
        folder = home / "uploads" / upload_id
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def get_upload(home: Path, upload_id: str) -> Upload | None:
    """The upload with this id, or None."""
    with connect(home / "portal.sqlite3") as con:
        row = con.execute("SELECT * FROM uploads WHERE id = ?", [upload_id]).fetchone()
    if row is None:
        return None
    return Upload(
        id=row["id"], user_id=row["user_id"], organisation_code=row["organisation_code"],
        created_at=row["created_at"], files=json.loads(row["files"]), ok=bool(row["ok"]),
        report=json.loads(row["report"]), intervention_id=row["intervention_id"],
        submission_id=row["submission_id"],
    )  # fmt: skip


def submit_upload(home: Path, store: Store, upload: Upload, *, submitted_by: str) -> dict[str, Any]:
    """Store a valid upload as a submission and write its receipt.

    Returns
    -------
    dict
        The receipt: ``receipt_id, submission_id, intervention_id, version, created,
        organisation_code, submitted_by, received_at, files``.

    Raises
    ------
    InputError
        If the upload is not valid or was already submitted.
    SchemaError
        If the store's validation refuses it (the same validation, run again by the store).
    """
    if not upload.ok or upload.intervention_id is None:
        raise InputError("This upload has failures; correct the files and upload them again.")
    folder = home / "uploads" / upload.id
    if upload.submission_id is not None or not folder.exists():
        raise InputError("This upload was already submitted; its receipt is in the submissions.")
    info = store.submit(
        _source(folder), intervention_id=upload.intervention_id, submitted_by=submitted_by,
        note=f"portal upload {upload.id}",
    )  # fmt: skip
    receipt = {
        "receipt_id": secrets.token_urlsafe(12),
        "submission_id": info.submission_id,
        "intervention_id": info.intervention_id,
        "version": info.version,
        "created": info.created,
        "organisation_code": upload.organisation_code,
        "submitted_by": submitted_by,
        "received_at": now(),
        "files": [{k: f[k] for k in ("name", "table", "bytes", "sha256")} for f in upload.files],
    }
    with transaction(home / "portal.sqlite3") as con:
        con.execute(
            "INSERT INTO receipts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [receipt["receipt_id"], info.submission_id, upload.organisation_code,
             info.intervention_id, info.version, int(info.created), submitted_by,
             receipt["received_at"], json.dumps(receipt["files"])],
        )  # fmt: skip
        con.execute(
            "UPDATE uploads SET submission_id = ? WHERE id = ?", [info.submission_id, upload.id]
        )
    shutil.rmtree(folder, ignore_errors=True)
    audit.record(
        home, actor=submitted_by, action="submit", organisation=upload.organisation_code,
        target=info.submission_id, version=info.version, created=info.created,
        intervention=info.intervention_id,
    )  # fmt: skip
    return receipt
