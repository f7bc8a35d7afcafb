"""Server-side sessions behind a signed cookie, with a CSRF token per session.

The cookie holds a random token signed with the portal's secret (itsdangerous); the database
keeps only the token's SHA-256, the user and the session's CSRF token. A new session (a new
token) is issued at every sign-in, so a token planted before sign-in is worthless afterwards
(session fixation), and signing out or disabling the user deletes the row.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, Signer

from outcomelab.portal.db import connect, now, transaction

__all__ = ["COOKIE", "Session", "check_csrf", "end_session", "load_session", "new_session"]

COOKIE = "outcomelab_session"
#: an anonymous session (only for the sign-in form's CSRF token) lives this long
ANONYMOUS_SECONDS = 3600


@dataclass(frozen=True)
class Session:
    """One browser session: its cookie value, the signed-in user (if any) and the CSRF token."""

    cookie: str
    user_id: int | None
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(db: Path, secret: bytes, user_id: int | None, lifetime: float) -> Session:
    """Start a session (anonymous when ``user_id`` is None) and return its cookie value."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    t = now()
    seconds = lifetime if user_id is not None else ANONYMOUS_SECONDS
    with transaction(db) as con:
        con.execute("DELETE FROM sessions WHERE expires_at < ?", [t])
        con.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
            [_digest(token), user_id, csrf, t, t + seconds],
        )
    cookie = Signer(secret, salt="outcomelab-session").sign(token.encode()).decode()
    return Session(cookie=cookie, user_id=user_id, csrf=csrf)


def load_session(db: Path, secret: bytes, cookie: str | None) -> Session | None:
    """The live session of a cookie value, or None (bad signature, unknown or expired)."""
    if not cookie or len(cookie) > 200:
        return None
    try:
        token = Signer(secret, salt="outcomelab-session").unsign(cookie.encode()).decode()
    except (BadSignature, UnicodeDecodeError):
        return None
    with connect(db) as con:
        row = con.execute(
            "SELECT s.user_id, s.csrf, s.expires_at, u.disabled FROM sessions s "
            "LEFT JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            [_digest(token)],
        ).fetchone()
    if row is None or row["expires_at"] < now() or row["disabled"]:
        return None
    return Session(cookie=cookie, user_id=row["user_id"], csrf=row["csrf"])


def end_session(db: Path, secret: bytes, cookie: str | None) -> None:
    """Delete the session of a cookie value (signing out)."""
    if not cookie:
        return
    try:
        token = Signer(secret, salt="outcomelab-session").unsign(cookie.encode()).decode()
    except (BadSignature, UnicodeDecodeError):
        return
    with transaction(db) as con:
        con.execute("DELETE FROM sessions WHERE token_hash = ?", [_digest(token)])


def check_csrf(session: Session | None, submitted: str | None) -> bool:
    """True if the form's token equals the session's (compared in constant time)."""
    if session is None or not submitted:
        return False
    return hmac.compare_digest(session.csrf.encode(), submitted.encode())
