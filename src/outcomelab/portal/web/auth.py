"""Signing in and out, one-time passwords, and the identity-provider callback."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from outcomelab.errors import InputError
from outcomelab.portal.accounts import limits
from outcomelab.portal.accounts.sessions import COOKIE, end_session, new_session
from outcomelab.portal.accounts.users import authenticate, set_password, user_by_subject
from outcomelab.portal.web.context import Ctx, load_ctx
from outcomelab.portal.web.forms import check_form

__all__ = ["router"]

router = APIRouter()


def _safe_next(value: str | None, lang: str) -> str:
    """A redirect target inside the portal only (no scheme, no host, no //)."""
    if value and value.startswith(f"/{lang}/") and not value.startswith("//") and "\\" not in value:
        return value
    return f"/{lang}/"


def _start(ctx: Ctx, user_id: int, target: str) -> Response:
    cfg = ctx.portal.config
    end_session(ctx.portal.db, cfg.secret, ctx.request.cookies.get(COOKIE))
    session = new_session(ctx.portal.db, cfg.secret, user_id, cfg.session_seconds)
    response = RedirectResponse(target, status_code=303)
    ctx.set_cookie(response, session.cookie)
    return response


@router.get("/{lang}/login")
def login_page(request: Request, ctx: Ctx = Depends(load_ctx), next: str = "") -> Response:
    provider = ctx.portal.provider
    if provider is not None and request.query_params.get("local") != "1":
        state = secrets.token_urlsafe(24)
        redirect_uri = str(request.url_for("auth_callback"))
        response = RedirectResponse(provider.login_url(state, redirect_uri), status_code=303)
        response.set_cookie(
            "outcomelab_oidc_state", f"{state}:{ctx.lang}", max_age=600, httponly=True,
            samesite="lax", secure=ctx.portal.config.secure_cookies,
        )  # fmt: skip
        return response
    return ctx.render("login.html.j2", next=_safe_next(next, ctx.lang), error=None)


@router.post("/{lang}/login")
def login(
    ctx: Ctx = Depends(load_ctx),
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    check_form(ctx, csrf_token)
    cfg = ctx.portal.config
    address = ctx.request.client.host if ctx.request.client else "unknown"
    wait = limits.blocked_for(
        ctx.portal.db, username, address, limit=cfg.login_limit, window=cfg.login_window_seconds
    )
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return ctx.render(
            "login.html.j2", status=429, next=_safe_next(next, ctx.lang),
            error=ctx.t("too_many", minutes=minutes),
        )  # fmt: skip
    user = authenticate(ctx.portal.db, username.strip(), password)
    if user is None:
        limits.record_failure(ctx.portal.db, username, address, window=cfg.login_window_seconds)
        ctx.audit("login_failed", target=username.strip()[:64], address=address)
        return ctx.render(
            "login.html.j2", status=401, next=_safe_next(next, ctx.lang), error=ctx.t("bad_login")
        )
    limits.clear_failures(ctx.portal.db, user.username)
    ctx.user = user
    ctx.audit("login", address=address)
    target = f"/{ctx.lang}/password" if user.must_change_password else _safe_next(next, ctx.lang)
    return _start(ctx, user.id, target)


@router.post("/{lang}/logout")
def logout(ctx: Ctx = Depends(load_ctx), csrf_token: str = Form("")) -> Response:
    check_form(ctx, csrf_token)
    if ctx.user is not None:
        ctx.audit("logout")
    end_session(ctx.portal.db, ctx.portal.config.secret, ctx.request.cookies.get(COOKIE))
    response = RedirectResponse(f"/{ctx.lang}/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/{lang}/password")
def password_page(ctx: Ctx = Depends(load_ctx)) -> Response:
    if ctx.user is None:
        return ctx.redirect("login")
    return ctx.render("password.html.j2", error=None)


@router.post("/{lang}/password")
def change_password(
    ctx: Ctx = Depends(load_ctx),
    password: str = Form(""),
    repeat: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    check_form(ctx, csrf_token)
    if ctx.user is None:
        return ctx.redirect("login")
    if password != repeat:
        return ctx.render("password.html.j2", status=400, error=ctx.t("passwords_differ"))
    try:
        set_password(ctx.portal.db, ctx.user, password)
    except InputError:
        return ctx.render("password.html.j2", status=400, error=ctx.t("weak_password"))
    ctx.audit("password_changed")
    return _start(ctx, ctx.user.id, f"/{ctx.lang}/")  # a new session after the change


@router.get("/auth/callback", name="auth_callback")
def auth_callback(request: Request) -> Response:
    portal = request.app.state.portal
    stored = request.cookies.get("outcomelab_oidc_state", "")
    state, _, lang = stored.partition(":")
    lang = lang if lang in ("sv", "en") else "sv"
    ctx = load_ctx(request, lang)
    given = request.query_params.get("state", "")
    if portal.provider is None or not state or not secrets.compare_digest(state, given):
        return ctx.render("login.html.j2", status=400, next=f"/{lang}/", error=ctx.t("bad_login"))
    identity = portal.provider.complete(
        dict(request.query_params), str(request.url_for("auth_callback"))
    )
    user = user_by_subject(portal.db, identity.subject) if identity else None
    if user is None:
        ctx.audit("login_failed", target="identity provider")
        return ctx.render("login.html.j2", status=401, next=f"/{lang}/", error=ctx.t("bad_login"))
    ctx.user = user
    ctx.audit("login", via="identity provider")
    response = _start(ctx, user.id, f"/{lang}/")
    response.delete_cookie("outcomelab_oidc_state")
    return response
