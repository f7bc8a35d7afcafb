"""The checks every form post passes: the session's CSRF token and the request's origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from outcomelab.portal.accounts.sessions import check_csrf
from outcomelab.portal.web.context import Ctx, ForbiddenError

__all__ = ["check_form"]


def check_form(ctx: Ctx, token: str | None) -> None:
    """Refuse a form post without the session's CSRF token or from another origin.

    Raises
    ------
    ForbiddenError
        With the page's message; nothing the post asked for is done.
    """
    origin = ctx.request.headers.get("origin")
    if origin and origin != "null":
        host = ctx.request.headers.get("host", "")
        if urlsplit(origin).netloc != host:
            raise ForbiddenError(ctx.t("csrf_failed"))
    if not check_csrf(ctx.session, token):
        raise ForbiddenError(ctx.t("csrf_failed"))
