"""Submitting: the upload form, validation results, error reports, receipts and versions."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response

from outcomelab.errors import InputError, OutcomelabError
from outcomelab.portal import intake
from outcomelab.portal.access import can_see_submission, owner_of, visible_submissions
from outcomelab.portal.db import connect
from outcomelab.portal.web.context import Ctx, NotVisibleError, load_ctx
from outcomelab.portal.web.forms import check_form

__all__ = ["router"]

router = APIRouter()
_TEMPLATE_LOCK = threading.Lock()
#: the sheets of the template workbook: a person-level submission's tables
TEMPLATE_TABLES = ("interventions", "participants", "outcomes", "costs")


@router.get("/{lang}/")
def home(ctx: Ctx = Depends(load_ctx)) -> Response:
    ctx.require()
    return ctx.render("home.html.j2")


@router.get("/{lang}/template.xlsx")
def template(ctx: Ctx = Depends(load_ctx)) -> Response:
    ctx.require()
    from outcomelab.schemas import write_excel_workbook

    path = ctx.portal.config.home / "outcomelab-template.xlsx"
    with _TEMPLATE_LOCK:
        if not path.exists():
            tmp = path.with_name(f".{path.name}.{threading.get_ident()}.xlsx")
            write_excel_workbook(TEMPLATE_TABLES, tmp, rows=2000, overwrite=True)
            tmp.replace(path)
    ctx.audit("download", target="template")
    return FileResponse(
        path,
        filename="outcomelab-template.xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@router.get("/{lang}/submit")
def submit_page(ctx: Ctx = Depends(load_ctx)) -> Response:
    ctx.require("submitter")
    return ctx.render("submit.html.j2")


@router.post("/{lang}/submit")
def upload(
    ctx: Ctx = Depends(load_ctx),
    files: list[UploadFile] = File(default_factory=list),
    csrf_token: str = Form(""),
) -> Response:
    check_form(ctx, csrf_token)
    user = ctx.require("submitter")
    assert user.organisation_code is not None  # every submitter has one (accounts.users)
    incoming = [
        intake.IncomingFile(filename=f.filename or "", stream=f.file) for f in files if f.filename
    ]
    found = intake.receive(
        ctx.portal.config.home, incoming, user_id=user.id, organisation=user.organisation_code
    )
    ctx.audit(
        "upload", target=found.id, ok=found.ok, failures=found.report.get("n_failures", 0),
        files=[f["name"] for f in found.files],
    )  # fmt: skip
    return ctx.redirect(f"uploads/{found.id}")


def _own_upload(ctx: Ctx, upload_id: str) -> intake.Upload:
    user = ctx.require("submitter")
    found = intake.get_upload(ctx.portal.config.home, upload_id)
    if found is None or found.organisation_code != user.organisation_code:
        raise NotVisibleError
    return found


@router.get("/{lang}/uploads/{upload_id}")
def upload_page(upload_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    found = _own_upload(ctx, upload_id)
    return ctx.render("upload.html.j2", upload=found, shown=found.report["failures"][:200])


@router.get("/{lang}/uploads/{upload_id}/errors.csv")
def error_report(upload_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    found = _own_upload(ctx, upload_id)
    path = ctx.portal.config.home / "uploads" / found.id / "errors.csv"
    if not path.exists():
        raise NotVisibleError
    ctx.audit("download", target=found.id, what="error report")
    return FileResponse(path, filename=f"errors-{found.id[:8]}.csv", media_type="text/csv")


@router.post("/{lang}/uploads/{upload_id}/submit")
def submit_upload(
    upload_id: str, ctx: Ctx = Depends(load_ctx), csrf_token: str = Form("")
) -> Response:
    check_form(ctx, csrf_token)
    found = _own_upload(ctx, upload_id)
    assert ctx.user is not None
    try:
        receipt = intake.submit_upload(
            ctx.portal.config.home, ctx.portal.store, found, submitted_by=ctx.user.username
        )
    except InputError as err:
        return ctx.render("error.html.j2", status=409, message=str(err))
    return ctx.redirect(f"receipts/{receipt['receipt_id']}")


def _receipt(ctx: Ctx, receipt_id: str) -> dict:
    user = ctx.require("submitter", "evaluator")
    with connect(ctx.portal.db) as con:
        row = con.execute("SELECT * FROM receipts WHERE id = ?", [receipt_id]).fetchone()
    if row is None or not can_see_submission(user, row["organisation_code"]):
        raise NotVisibleError
    d = dict(row)
    d["files"] = json.loads(d["files"])
    d["receipt_id"] = d.pop("id")
    d["created"] = bool(d["created"])
    return d


@router.get("/{lang}/receipts/{receipt_id}")
def receipt_page(receipt_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    found = _receipt(ctx, receipt_id)
    return ctx.render("receipt.html.j2", receipt=found)


@router.get("/{lang}/receipts/{receipt_id}/receipt.json")
def receipt_json(receipt_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    found = _receipt(ctx, receipt_id)
    return JSONResponse(
        found,
        headers={"content-disposition": f'attachment; filename="receipt-{receipt_id}.json"'},
    )


@router.get("/{lang}/submissions")
def submissions(ctx: Ctx = Depends(load_ctx)) -> Response:
    user = ctx.require("submitter", "evaluator")
    listing = visible_submissions(ctx.portal.store, user)
    groups: dict[str, list[dict]] = {}
    for rec in listing.sort_values(["intervention_id", "version"]).to_dict(orient="records"):
        groups.setdefault(str(rec["intervention_id"]), []).append(rec)
    return ctx.render("submissions.html.j2", groups=groups)


def _submission(ctx: Ctx, submission_id: str):  # type: ignore[no-untyped-def]
    user = ctx.require("submitter", "evaluator")
    store = ctx.portal.store
    owner = owner_of(store, submission_id)
    if not can_see_submission(user, owner):
        raise NotVisibleError
    try:
        return store.get(submission_id), owner
    except OutcomelabError:
        raise NotVisibleError from None


@router.get("/{lang}/submissions/{submission_id}")
def submission_page(submission_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    found, owner = _submission(ctx, submission_id)
    with connect(ctx.portal.db) as con:
        receipts = con.execute(
            "SELECT id, received_at, submitted_by, created FROM receipts WHERE submission_id = ? "
            "ORDER BY received_at", [found.id],
        ).fetchall()  # fmt: skip
        jobs = con.execute(
            "SELECT id, status, created_at FROM jobs WHERE submission_id = ? ORDER BY created_at",
            [found.id],
        ).fetchall()
    ctx.audit("view_submission", target=found.id)
    return ctx.render(
        "submission.html.j2", info=found.info, owner=owner, receipts=receipts, jobs=jobs
    )


@router.get("/{lang}/pseudonymise")
def pseudonymise_page(ctx: Ctx = Depends(load_ctx)) -> Response:
    ctx.require()
    return ctx.render("pseudonymise.html.j2")


def static_dir() -> Path:
    """The portal's static files (style sheet and scripts)."""
    return Path(__file__).resolve().parent.parent / "static"
