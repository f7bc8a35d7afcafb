"""Administration: users and organisations, API tokens and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from outcomelab.errors import InputError, OutcomelabError
from outcomelab.portal import audit
from outcomelab.portal.accounts import (
    ROLES,
    add_organisation,
    add_user,
    disable_user,
    list_organisations,
    list_users,
)
from outcomelab.portal.accounts.tokens import create_token, list_tokens, revoke_token
from outcomelab.portal.web.context import Ctx, load_ctx
from outcomelab.portal.web.forms import check_form

__all__ = ["router"]

router = APIRouter()


def _users_page(
    ctx: Ctx, status: int = 200, message: str | None = None, error: str | None = None
) -> Response:
    return ctx.render(
        "admin_users.html.j2", status=status, users=list_users(ctx.portal.db),
        organisations=list_organisations(ctx.portal.db), roles=list(ROLES), message=message,
        error=error,
    )  # fmt: skip


@router.get("/{lang}/admin/users")
def users_page(ctx: Ctx = Depends(load_ctx)) -> Response:
    ctx.require("admin")
    return _users_page(ctx)


@router.post("/{lang}/admin/users")
def add_user_form(
    ctx: Ctx = Depends(load_ctx),
    csrf_token: str = Form(""),
    username: str = Form(""),
    display_name: str = Form(""),
    roles: list[str] = Form(default_factory=list),
    organisation: str = Form(""),
    organisation_name: str = Form(""),
) -> Response:
    check_form(ctx, csrf_token)
    ctx.require("admin")
    code = organisation.strip() or None
    try:
        if code and organisation_name.strip():
            add_organisation(ctx.portal.db, code, organisation_name)
        user, temporary = add_user(
            ctx.portal.db, username, roles=roles, organisation=code,
            display_name=display_name.strip() or None,
        )  # fmt: skip
    except InputError as err:
        return _users_page(ctx, status=400, error=str(err))
    ctx.audit("user_added", target=user.username, roles=sorted(user.roles), organisation=code)
    return _users_page(
        ctx, message=ctx.t("one_time_password", user=user.username, password=temporary)
    )


@router.post("/{lang}/admin/users/{username}/disable")
def disable_user_form(
    username: str, ctx: Ctx = Depends(load_ctx), csrf_token: str = Form("")
) -> Response:
    check_form(ctx, csrf_token)
    admin = ctx.require("admin")
    if username == admin.username:
        return _users_page(ctx, status=400, error="An administrator cannot disable themselves.")
    try:
        disable_user(ctx.portal.db, username)
    except InputError as err:
        return _users_page(ctx, status=404, error=str(err))
    ctx.audit("user_disabled", target=username)
    return ctx.redirect("admin/users")


def _tokens_page(
    ctx: Ctx, status: int = 200, token: str | None = None, error: str | None = None
) -> Response:
    return ctx.render(
        "admin_tokens.html.j2", status=status, tokens=list_tokens(ctx.portal.db),
        organisations=list_organisations(ctx.portal.db), token=token, error=error,
    )  # fmt: skip


@router.get("/{lang}/admin/tokens")
def tokens_page(ctx: Ctx = Depends(load_ctx)) -> Response:
    ctx.require("admin")
    return _tokens_page(ctx)


@router.post("/{lang}/admin/tokens")
def create_token_form(
    ctx: Ctx = Depends(load_ctx),
    csrf_token: str = Form(""),
    organisation: str = Form(""),
    label: str = Form(""),
) -> Response:
    check_form(ctx, csrf_token)
    admin = ctx.require("admin")
    try:
        record, token = create_token(
            ctx.portal.db, organisation.strip(), label=label, created_by=admin.username
        )
    except InputError as err:
        return _tokens_page(ctx, status=400, error=str(err))
    ctx.audit("token_created", target=record.id, organisation_code=record.organisation_code)
    return _tokens_page(ctx, token=token)


@router.post("/{lang}/admin/tokens/{token_id}/revoke")
def revoke_token_form(
    token_id: str, ctx: Ctx = Depends(load_ctx), csrf_token: str = Form("")
) -> Response:
    check_form(ctx, csrf_token)
    ctx.require("admin")
    try:
        revoke_token(ctx.portal.db, token_id)
    except InputError as err:
        return _tokens_page(ctx, status=404, error=str(err))
    ctx.audit("token_revoked", target=token_id)
    return ctx.redirect("admin/tokens")


@router.get("/{lang}/admin/audit")
def audit_page(ctx: Ctx = Depends(load_ctx), action: str = "", actor: str = "") -> Response:
    ctx.require("admin")
    home = ctx.portal.config.home
    try:
        audit.verify_chain(home)
        intact = True
    except OutcomelabError:
        intact = False
    entries = audit.read_entries(home, limit=500, action=action or None, actor=actor or None)
    return ctx.render(
        "audit.html.j2", entries=entries, intact=intact, actions=audit.ACTIONS,
        action=action, actor=actor,
    )  # fmt: skip
