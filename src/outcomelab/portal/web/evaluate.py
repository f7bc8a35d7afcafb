"""Evaluating and publishing: start the standard evaluation, follow its job, read the report,
mark evaluations for publication and build the published catalogue."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import FileResponse, JSONResponse, Response

from outcomelab.errors import InputError, ParameterError
from outcomelab.portal.access import can_see_report, can_see_submission, owner_of
from outcomelab.portal.jobs import Job, enqueue, get_job, list_jobs, mark_for_publication
from outcomelab.portal.web.context import Ctx, NotVisibleError, load_ctx
from outcomelab.portal.web.forms import check_form
from outcomelab.portal.web.security import REPORT_CSP

__all__ = ["router"]

router = APIRouter()

#: parameters the evaluation form offers (the rest keep the template's defaults)
FORM_PARAMETERS = ("design", "primary_outcome", "follow_up_months", "control_group", "alpha")


@lru_cache(maxsize=1)
def declared_parameters() -> dict[str, Any]:
    """The standard template's parameters (read once per process)."""
    from outcomelab.reports.api import resolve_template
    from outcomelab.reports.parameters import declared_parameters as read_declared

    return read_declared(resolve_template("standard"))


def check_evaluation_parameters(form: dict[str, str], lang: str) -> dict[str, Any]:
    """Parse the form's values as the CLI parses ``--param`` and check them as ``evaluate`` does.

    Raises
    ------
    ParameterError
        Naming the parameter and the allowed values.
    """
    from outcomelab.reports.api import resolve_template
    from outcomelab.reports.parameters import check_parameters, parse_value

    values: dict[str, Any] = {}
    for name in FORM_PARAMETERS:
        raw = (form.get(name) or "").strip()
        if raw:
            values[name] = raw if name in ("primary_outcome", "design") else parse_value(raw)
    if lang not in ("sv", "en"):
        raise ParameterError(f"Parameter `lang` must be 'sv' or 'en'; got {lang!r}.")
    check_parameters(
        resolve_template("standard"), {**values, "lang": lang}, declared=declared_parameters()
    )
    return {**values, "lang": lang}


def _submission_for_evaluation(ctx: Ctx, submission_id: str) -> tuple[Any, str]:
    user = ctx.require("evaluator")
    store = ctx.portal.store
    owner = owner_of(store, submission_id)
    if owner is None or not can_see_submission(user, owner):
        raise NotVisibleError
    return store.get(submission_id), owner


@router.get("/{lang}/submissions/{submission_id}/evaluate")
def evaluate_page(submission_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    found, _ = _submission_for_evaluation(ctx, submission_id)
    return ctx.render(
        "evaluate.html.j2", info=found.info, error=None, values={}, declared=declared_parameters()
    )


@router.post("/{lang}/submissions/{submission_id}/evaluate")
def start_evaluation(
    submission_id: str,
    ctx: Ctx = Depends(load_ctx),
    csrf_token: str = Form(""),
    report_lang: str = Form("sv"),
    design: str = Form(""),
    primary_outcome: str = Form(""),
    follow_up_months: str = Form(""),
    control_group: str = Form(""),
    alpha: str = Form(""),
) -> Response:
    check_form(ctx, csrf_token)
    found, owner = _submission_for_evaluation(ctx, submission_id)
    form = {
        "design": design, "primary_outcome": primary_outcome,
        "follow_up_months": follow_up_months, "control_group": control_group, "alpha": alpha,
    }  # fmt: skip
    try:
        params = check_evaluation_parameters(form, report_lang)
    except (ParameterError, InputError) as err:
        return ctx.render(
            "evaluate.html.j2", status=400, info=found.info, error=str(err), values=form,
            declared=declared_parameters(),
        )  # fmt: skip
    params["timeout"] = ctx.portal.config.job_timeout
    assert ctx.user is not None
    job = enqueue(
        ctx.portal.db, "evaluate", params=params, created_by=ctx.user.username,
        submission_id=found.id, organisation=owner,
    )  # fmt: skip
    ctx.audit("evaluate", target=found.id, job=job.id, params=params)
    return ctx.redirect(f"jobs/{job.id}")


def _visible_job(ctx: Ctx, job_id: str) -> Job:
    user = ctx.require("submitter", "evaluator", "publisher")
    job = get_job(ctx.portal.db, job_id)
    if job is None:
        raise NotVisibleError
    if job.kind == "publish":
        if not user.has("publisher"):
            raise NotVisibleError
    elif not can_see_report(user, job.organisation_code):
        raise NotVisibleError
    return job


@router.get("/{lang}/jobs")
def jobs_page(ctx: Ctx = Depends(load_ctx)) -> Response:
    user = ctx.require("submitter", "evaluator", "publisher")
    shown = [
        j for j in list_jobs(ctx.portal.db, "evaluate") if can_see_report(user, j.organisation_code)
    ]
    return ctx.render("jobs.html.j2", jobs=shown)


@router.get("/{lang}/jobs/{job_id}")
def job_page(job_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    job = _visible_job(ctx, job_id)
    return ctx.render("job.html.j2", job=job)


@router.get("/{lang}/jobs/{job_id}/status")
def job_status(job_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    job = _visible_job(ctx, job_id)
    return JSONResponse(
        {
            "id": job.id, "status": job.status, "status_text": ctx.t(f"status_{job.status}"),
            "stage": job.stage, "progress": round(job.progress, 3), "error": job.error,
        }
    )  # fmt: skip


@router.get("/{lang}/jobs/{job_id}/report")
def job_report(job_id: str, ctx: Ctx = Depends(load_ctx)) -> Response:
    job = _visible_job(ctx, job_id)
    if job.kind != "evaluate" or job.status != "done" or not job.result:
        raise NotVisibleError
    path = ctx.portal.config.home / "evaluations" / job.id / "report.html"
    if not path.is_file():
        raise NotVisibleError
    ctx.audit("view_report", target=job.id, submission=job.submission_id)
    return FileResponse(
        path, media_type="text/html; charset=utf-8",
        headers={"content-security-policy": REPORT_CSP},
    )  # fmt: skip


@router.get("/{lang}/publishing")
def publishing_page(ctx: Ctx = Depends(load_ctx)) -> Response:
    ctx.require("publisher")
    evaluations = [j for j in list_jobs(ctx.portal.db, "evaluate") if j.status == "done"]
    builds = list_jobs(ctx.portal.db, "publish")[:5]
    site = (ctx.portal.config.site / "index.html").is_file()
    return ctx.render("publishing.html.j2", evaluations=evaluations, builds=builds, site=site)


@router.post("/{lang}/jobs/{job_id}/mark")
def mark(
    job_id: str, ctx: Ctx = Depends(load_ctx), csrf_token: str = Form(""), on: str = Form("1")
) -> Response:
    check_form(ctx, csrf_token)
    user = ctx.require("publisher")
    if get_job(ctx.portal.db, job_id) is None:
        raise NotVisibleError
    try:
        mark_for_publication(ctx.portal.db, job_id, user.username if on == "1" else None)
    except InputError as err:
        return ctx.render("error.html.j2", status=409, message=str(err))
    ctx.audit("mark_publication" if on == "1" else "unmark_publication", target=job_id)
    return ctx.redirect("publishing")


@router.post("/{lang}/publishing/build")
def build(ctx: Ctx = Depends(load_ctx), csrf_token: str = Form("")) -> Response:
    check_form(ctx, csrf_token)
    user = ctx.require("publisher")
    job = enqueue(ctx.portal.db, "publish", params={}, created_by=user.username)
    ctx.audit("publish", target=job.id, stage="requested")
    return ctx.redirect(f"jobs/{job.id}")
