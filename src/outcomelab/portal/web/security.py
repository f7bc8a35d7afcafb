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
        exchange = _Exchange(self, scope, receive, send, limit)
        if _declared_too_large(scope, limit):
            await self._refuse(scope, exchange.send)
            return
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except BodyTooLargeError:
            if not exchange.started:
                exchange.started = True
                await self._refuse(scope, send)

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


def _declared_too_large(scope: Scope, limit: int) -> bool:
    """Whether the declared ``Content-Length`` is above ``limit`` (or not a number)."""
    declared = dict(scope.get("headers") or []).get(b"content-length")
    if declared is None:
        return False
    try:
        return int(declared) > limit
    except ValueError:
        return True


def _add_security_headers(message: Message) -> None:
    """Add the security headers a response start does not set itself."""
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


class _Exchange:
    """One request: its body counted against the limit, its response given the headers.

    ``started``: the response has begun; ``exceeded``: the body crossed the limit; ``replaced``:
    the framework's answer to a cut-off body was replaced by the 413 page.
    """

    def __init__(
        self, middleware: SecurityMiddleware, scope: Scope, receive: Receive, send: Send, limit: int
    ) -> None:
        self._middleware, self._scope = middleware, scope
        self._receive, self._send, self._limit = receive, send, limit
        self.started = self.exceeded = self.replaced = False
        self.seen = 0

    async def send(self, message: Message) -> None:
        if self.exceeded and not self.started:
            # the framework turned the cut-off body into its own error (FastAPI answers 400
            # for any failure while parsing a form): answer 413 instead, once
            self.started = self.replaced = True
            await self._middleware._refuse(self._scope, self._send)
            return
        if self.replaced:
            return
        if message["type"] == "http.response.start":
            self.started = True
            _add_security_headers(message)
        await self._send(message)

    async def receive(self) -> Message:
        if self.exceeded:
            raise BodyTooLargeError
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self._limit:
                self.exceeded = True
                raise BodyTooLargeError
        return message
