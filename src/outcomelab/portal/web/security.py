"""ASGI middleware: response security headers and a request body limit counted while streaming.

The body limit is enforced before any route reads the body: a declared ``Content-Length`` above
the limit is answered 413 at once (nothing is read), and a body that streams past the limit
(chunked, or lying about its length) is cut off as soon as the limit is crossed; the multipart
parser's temporary files are closed (deleted) and nothing reaches the store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["BodyTooLargeError", "SecurityMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: pages: only the portal's own scripts, styles and images
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
#: an evaluation report (nbconvert HTML with inline styles and images): no script at all
REPORT_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


class BodyTooLargeError(Exception):
    """The request body crossed the limit."""


class SecurityMiddleware:
    """Add security headers to every response and cap request bodies.

    Parameters
    ----------
    app
        The wrapped ASGI application.
    upload_limit
        Largest body on upload routes (``/{lang}/submit``, ``/api/submissions``).
    form_limit
        Largest body anywhere else.
    on_too_large
        Makes the 413 response (a page in the request's language).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        upload_limit: int,
        form_limit: int = 256 * 1024,
        on_too_large: Callable[[Scope], tuple[bytes, str]],
    ) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.form_limit = form_limit
        self.on_too_large = on_too_large

    def _limit(self, path: str) -> int:
        if path == "/api/submissions" or path.endswith("/submit"):
            return self.upload_limit
        return self.form_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        started = False
        exceeded = False
        replaced = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started, replaced
            if exceeded and not started:
                # the framework turned the cut-off body into its own error (FastAPI answers 400
                # for any failure while parsing a form): answer 413 instead, once
                started = replaced = True
                await self._refuse(scope, send_plain)
                return
            if replaced:
                return
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                headers += [(k, v) for k, v in extra if k not in names]
                message["headers"] = headers
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = True
            if too_large:
                await self._refuse(scope, send_with_headers)
                return
        seen = 0

        async def send_plain(message: Message) -> None:
            await send(message)

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            if exceeded:
                raise BodyTooLargeError
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise BodyTooLargeError
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except BodyTooLargeError:
            if not started:
                started = True
                await self._refuse(scope, send_plain)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body, content_type = self.on_too_large(scope)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"content-security-policy", PAGE_CSP.encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
