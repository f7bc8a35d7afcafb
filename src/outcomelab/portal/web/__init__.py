"""The portal's ASGI application: routes, pages and the security middleware."""

from __future__ import annotations

from outcomelab.portal.web.app import create_app

__all__ = ["create_app"]
