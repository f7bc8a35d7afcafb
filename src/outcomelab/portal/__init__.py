"""The lab's submission portal: a server-rendered web application on the store.

Municipalities and regions upload their standard tables, read the validation failures and
submit; evaluators run the standard evaluation as a background job; the competence centre marks
evaluations for publication and builds the disclosure-controlled catalogue. ``outcomelab serve``
starts it (see :func:`outcomelab.portal.web.app.create_app`).

Layout: ``db`` (the portal's own SQLite database beside the store's catalogue), ``accounts/``
(organisations, users, roles, passwords, sessions, API tokens, login limits, the identity-provider
hook), ``audit`` (the append-only log), ``intake`` (uploads, validation, receipts), ``jobs/``
(queue and worker pool), ``web/`` (the ASGI application, routes and security middleware),
``words`` (the two languages' words).
"""

from __future__ import annotations

from outcomelab.portal.config import PortalConfig

__all__ = ["PortalConfig"]
