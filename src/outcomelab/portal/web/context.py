"""What every page handler needs: the portal's state, the language, the session and the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from outcomelab.portal import audit
from outcomelab.portal.accounts.identity_provider import IdentityProvider
from outcomelab.portal.accounts.model import User
from outcomelab.portal.accounts.sessions import COOKIE, Session, load_session, new_session
from outcomelab.portal.accounts.users import get_user
from outcomelab.portal.config import PortalConfig
from outcomelab.portal.jobs import JobRunner
from outcomelab.portal.words import LANGUAGES, rule_meaning, word
from outcomelab.store import Store
from outcomelab.webpage import environment

__all__ = [
    "Ctx",
    "ForbiddenError",
    "LoginRequiredError",
    "NotVisibleError",
    "PasswordChangeRequiredError",
    "Portal",
]

_HERE = Path(__file__).resolve().parent.parent


class NotVisibleError(Exception):
    """Answer 404: the thing does not exist or the user may not see it (the same answer)."""


class ForbiddenError(Exception):
    """Answer 403 with a message (a failed CSRF check)."""


class LoginRequiredError(Exception):
    """Redirect to the sign-in page."""


class PasswordChangeRequiredError(Exception):
    """Redirect to the page that replaces a one-time password."""


def _environment() -> jinja2.Environment:
    env = environment(jinja2.FileSystemLoader(_HERE / "templates"))
    env.filters["when"] = lambda t: (
        "–" if t is None else dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    )
    env.filters["count"] = lambda n: f"{int(n):,}".replace(",", "\u202f")
    env.filters["urlquote"] = lambda s: quote(str(s), safe="")
    return env


@dataclass
class Portal:
    """The running portal's shared state (one per application)."""

    config: PortalConfig
    provider: IdentityProvider | None = None
    runner: JobRunner | None = None
    env: jinja2.Environment = field(default_factory=_environment)

    @property
    def db(self) -> Path:
        """The portal database."""
        return self.config.database

    @property
    def store(self) -> Store:
        """The lab's store."""
        return Store(self.config.store)


@dataclass
class Ctx:
    """One request's context."""

    request: Request
    portal: Portal
    lang: str
    session: Session | None
    user: User | None
    new_cookie: str | None = None

    @property
    def other(self) -> str:
        """The other language."""
        return "en" if self.lang == "sv" else "sv"

    def t(self, key: str, **values: object) -> str:
        """A word in the page's language."""
        return word(key, self.lang, **values)

    def ensure_session(self) -> Session:
        """The session, started (anonymous) if there is none, so a form can carry a token."""
        if self.session is None:
            cfg = self.portal.config
            self.session = new_session(self.portal.db, cfg.secret, None, cfg.session_seconds)
            self.new_cookie = self.session.cookie
        return self.session

    def require(self, *roles: str) -> User:
        """The signed-in user holding one of ``roles`` (any role when none is named).

        Raises
        ------
        LoginRequiredError
            Nobody is signed in.
        PasswordChangeRequiredError
            The user still has a one-time password.
        NotVisibleError
            The user holds none of the roles (the page is not theirs to know about).
        """
        if self.user is None:
            raise LoginRequiredError
        if self.user.must_change_password:
            raise PasswordChangeRequiredError
        if roles and not any(self.user.has(r) for r in roles):
            raise NotVisibleError
        return self.user

    def audit(self, action: str, target: str | None = None, **detail: Any) -> None:
        """Record an action of the signed-in user in the audit log."""
        actor = self.user.username if self.user else "anonymous"
        org = self.user.organisation_code if self.user else None
        audit.record(
            self.portal.config.home, actor=actor, action=action, organisation=org,
            target=target, **detail,
        )  # fmt: skip

    def url(self, path: str = "", lang: str | None = None) -> str:
        """A portal URL in this (or the other) language."""
        return f"/{lang or self.lang}/{path.lstrip('/')}"

    def set_cookie(self, response: Response, value: str) -> None:
        """Send the session cookie: signed, HttpOnly, SameSite=Lax, Secure behind HTTPS."""
        response.set_cookie(
            COOKIE,
            value,
            max_age=int(self.portal.config.session_seconds),
            httponly=True,
            samesite="lax",
            secure=self.portal.config.secure_cookies,
            path="/",
        )

    def finish(self, response: Response) -> Response:
        """Attach a newly started session's cookie to a response."""
        if self.new_cookie:
            self.set_cookie(response, self.new_cookie)
        return response

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        """Render a page template with the common values and the session cookie."""
        session = self.ensure_session()
        page = self.portal.env.get_template(template).render(
            ctx=self,
            lang=self.lang,
            other=self.other,
            t=self.t,
            rule=lambda check: rule_meaning(check, self.lang),
            user=self.user,
            csrf=session.csrf,
            path_in_other=self.request.url.path.replace(f"/{self.lang}/", f"/{self.other}/", 1),
            **values,
        )
        return self.finish(HTMLResponse(page, status_code=status))

    def redirect(self, path: str) -> Response:
        """A 303 redirect to a portal page in this language."""
        return self.finish(RedirectResponse(self.url(path), status_code=303))


def load_ctx(request: Request, lang: str) -> Ctx:
    """Build the request's context (404 for a language the portal does not speak)."""
    if lang not in LANGUAGES:
        raise NotVisibleError
    portal: Portal = request.app.state.portal
    cfg = portal.config
    session = load_session(portal.db, cfg.secret, request.cookies.get(COOKIE))
    user = None
    if session is not None and session.user_id is not None:
        user = get_user(portal.db, user_id=session.user_id)
        if user is not None and user.disabled:
            user, session = None, None
    return Ctx(request=request, portal=portal, lang=lang, session=session, user=user)
