"""The ASGI application: ``create_app(config)``.

Built on FastAPI (Starlette underneath): it is actively maintained, parses forms and multipart
uploads through Starlette's streaming parser, runs plain ``def`` handlers in a thread pool (the
portal's database and store calls are blocking), and its test client drives the whole
application in-process. Pages are Jinja templates rendered on the server; they work without
JavaScript, except the browser-side pseudonymisation, whose point is JavaScript.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from outcomelab.portal.accounts.identity_provider import IdentityProvider
from outcomelab.portal.config import PortalConfig
from outcomelab.portal.intake import remove_stale_uploads
from outcomelab.portal.jobs import JobRunner
from outcomelab.portal.web import admin, api, auth, evaluate, submit
from outcomelab.portal.web.context import (
    ForbiddenError,
    LoginRequiredError,
    NotVisibleError,
    PasswordChangeRequiredError,
    Portal,
    load_ctx,
)
from outcomelab.portal.web.security import SecurityMiddleware
from outcomelab.portal.words import LANGUAGES, word

__all__ = ["create_app"]

_STATIC = Path(__file__).resolve().parent.parent / "static"
_SITE_ASSETS = Path(__file__).resolve().parents[2] / "publish" / "assets"


def _lang_of(request: Request) -> str:
    first = request.url.path.strip("/").split("/", 1)[0]
    if first in LANGUAGES:
        return first
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "sv"


def create_app(
    config: PortalConfig, *, provider: IdentityProvider | None = None, run_jobs: bool = True
) -> FastAPI:
    """Make the portal application for a store.

    Parameters
    ----------
    config
        Store folder and limits.
    provider
        An identity provider to sign in with instead of local passwords (see
        :mod:`outcomelab.portal.accounts.identity_provider`).
    run_jobs
        Start the worker pool with the application (off for tests that only look at pages).

    Returns
    -------
    fastapi.FastAPI
    """
    portal = Portal(config=config, provider=provider)
    app = FastAPI(
        title="outcomelab portal", lifespan=_lifespan(portal, config, run_jobs), docs_url=None,
        redoc_url=None, openapi_url=None,
    )  # fmt: skip
    app.state.portal = portal
    _add_error_pages(app)

    @app.get("/")
    def root(request: Request) -> Response:
        return RedirectResponse(f"/{_lang_of(request)}/", status_code=303)

    @app.get("/healthz")
    def health() -> dict[str, Any]:
        return {"ok": True}

    for module in (auth, submit, evaluate, admin, api):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    # the published catalogue's style sheet, so the portal looks like the site it feeds
    app.mount("/site-style", StaticFiles(directory=_SITE_ASSETS), name="site-style")
    app.mount("/site", StaticFiles(directory=config.site, html=True, check_dir=False), name="site")
    app.add_middleware(
        SecurityMiddleware,
        upload_limit=config.max_upload_bytes,
        on_too_large=_too_large_page(portal, config),
    )
    return app


def _lifespan(
    portal: Portal, config: PortalConfig, run_jobs: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start-up and shut-down: template parameters read off the request path, stale uploads
    removed, the worker pool started and stopped."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # read the report template's parameters once, off the request path (Papermill is slow
        # to import); the evaluation form needs them
        threading.Thread(target=evaluate.declared_parameters, daemon=True).start()
        remove_stale_uploads(config.home)
        if run_jobs:
            portal.runner = JobRunner(
                config.database, config.home, config.store, workers=config.workers
            )
            portal.runner.start()
        try:
            yield
        finally:
            if portal.runner is not None:
                portal.runner.stop(wait=False)

    return lifespan


def _add_error_pages(app: FastAPI) -> None:
    """Errors as pages in the visitor's language; sign-in and password changes as redirects."""

    def page(request: Request, status: int, key: str, text: str) -> Response:
        ctx = load_ctx(request, _lang_of(request))
        return ctx.render("error.html.j2", status=status, title=ctx.t(key), message=text)

    @app.exception_handler(NotVisibleError)
    async def not_found(request: Request, exc: NotVisibleError) -> Response:
        lang = _lang_of(request)
        return page(request, 404, "not_found", word("not_found_text", lang))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = _lang_of(request)
        if exc.status_code == 404:
            return page(request, 404, "not_found", word("not_found_text", lang))
        return page(request, exc.status_code, "error_title", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return page(request, 400, "error_title", word("csrf_failed", _lang_of(request)))

    @app.exception_handler(ForbiddenError)
    async def forbidden(request: Request, exc: ForbiddenError) -> Response:
        return page(request, 403, "error_title", str(exc))

    @app.exception_handler(LoginRequiredError)
    async def login_required(request: Request, exc: LoginRequiredError) -> Response:
        lang = _lang_of(request)
        target = request.url.path if request.method == "GET" else f"/{lang}/"
        from urllib.parse import quote

        return RedirectResponse(f"/{lang}/login?next={quote(target)}", status_code=303)

    @app.exception_handler(PasswordChangeRequiredError)
    async def password_required(request: Request, exc: PasswordChangeRequiredError) -> Response:
        return RedirectResponse(f"/{_lang_of(request)}/password", status_code=303)


def _too_large_page(portal: Portal, config: PortalConfig) -> Callable[[Any], tuple[bytes, str]]:
    """The answer to an upload over the limit: JSON for the API, a page for the browser."""

    def too_large(scope: Any) -> tuple[bytes, str]:
        path = str(scope.get("path", ""))
        lang = path.strip("/").split("/", 1)[0]
        mb = config.max_upload_bytes // (1024 * 1024)
        text = word("too_large", lang if lang in LANGUAGES else "sv", mb=mb)
        if path.startswith("/api/"):
            import json

            return json.dumps({"error": text}).encode(), "application/json"
        html = portal.env.get_template("too_large.html.j2").render(
            lang=lang if lang in LANGUAGES else "sv", text=text
        )
        return html.encode(), "text/html; charset=utf-8"

    return too_large
