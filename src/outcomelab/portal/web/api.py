"""System-to-system API: ``POST /api/submissions`` with a per-organisation token.

``Authorization: Bearer olab_...``; the body is ``multipart/form-data`` with the table files
(``files``, several, named after their tables, or one workbook). The answer is JSON: ``201``
with the receipt when stored (``200`` when identical content was already stored), ``422`` with
every validation failure, ``401`` for a missing, unknown or revoked token.
"""

from __future__ import annotations

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from outcomelab.errors import InputError, SchemaError
from outcomelab.portal import audit, intake
from outcomelab.portal.accounts.tokens import verify_token

__all__ = ["router"]

router = APIRouter()


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


@router.post("/api/submissions")
def api_submit(request: Request, files: list[UploadFile] = File(default_factory=list)) -> Response:
    portal = request.app.state.portal
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    record = (
        verify_token(portal.db, token.strip(), "submissions:write")
        if scheme.lower() == "bearer"
        else None
    )
    if record is None:
        return JSONResponse(
            {"error": "A valid API token is needed: Authorization: Bearer olab_..."},
            status_code=401, headers={"www-authenticate": "Bearer"},
        )  # fmt: skip
    home = portal.config.home
    actor = f"token:{record.id}"
    incoming = [intake.IncomingFile(f.filename or "", f.file) for f in files if f.filename]
    found = intake.receive(home, incoming, user_id=None, organisation=record.organisation_code)
    audit.record(
        home, actor=actor, action="upload", organisation=record.organisation_code,
        target=found.id, ok=found.ok, failures=found.report.get("n_failures", 0),
    )  # fmt: skip
    if not found.ok:
        return JSONResponse(
            {"error": "The submission does not fit the standard; nothing was stored.",
             "upload_id": found.id, **found.report},
            status_code=422,
        )  # fmt: skip
    try:
        receipt = intake.submit_upload(home, portal.store, found, submitted_by=actor)
    except (InputError, SchemaError) as err:
        return _error(422, str(err))
    audit.record(
        home, actor=actor, action="api_submit", organisation=record.organisation_code,
        target=receipt["submission_id"],
    )  # fmt: skip
    return JSONResponse(receipt, status_code=201 if receipt["created"] else 200)
