"""Per-organisation API tokens for system-to-system upload (``POST /api/submissions``).

A token is shown once, when it is made: ``olab_<id>_<secret>``. The database keeps its id, the
SHA-256 of the whole token, its organisation, its scope and whether it was revoked. A token can
only submit for its own organisation; a revoked token is refused at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from outcomelab.errors import InputError
from outcomelab.portal.db import connect, now, transaction

__all__ = ["SCOPES", "ApiToken", "create_token", "list_tokens", "revoke_token", "verify_token"]

#: what a token may do
SCOPES = ("submissions:write",)
_PREFIX = "olab_"


@dataclass(frozen=True)
class ApiToken:
    """A token's record (never the token itself)."""

    id: str
    organisation_code: str
    label: str
    scope: str
    created_by: str
    created_at: float
    revoked_at: float | None
    last_used_at: float | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    db: Path, organisation: str, *, label: str, created_by: str, scope: str = SCOPES[0]
) -> tuple[ApiToken, str]:
    """Make a token for an organisation; return its record and the token (shown only now).

    Raises
    ------
    InputError
        Unknown organisation or scope, or an empty label.
    """
    if scope not in SCOPES:
        raise InputError(f"Unknown token scope {scope!r}; choose from {', '.join(SCOPES)}.")
    if not label.strip():
        raise InputError("Give the token a label saying which system uses it.")
    token_id = secrets.token_hex(6)
    token = f"{_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    with transaction(db) as con:
        if not con.execute("SELECT 1 FROM organisations WHERE code = ?", [organisation]).fetchone():
            raise InputError(f"There is no organisation {organisation!r}.")
        con.execute(
            "INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            [token_id, organisation, _hash(token), label.strip(), scope, created_by, now()],
        )
    record = next(t for t in list_tokens(db) if t.id == token_id)
    return record, token


def list_tokens(db: Path, organisation: str | None = None) -> list[ApiToken]:
    """Tokens (all, or one organisation's), newest first."""
    with connect(db) as con:
        rows = con.execute(
            "SELECT * FROM api_tokens WHERE ? IS NULL OR organisation_code = ? "
            "ORDER BY created_at DESC",
            [organisation, organisation],
        ).fetchall()
    return [
        ApiToken(
            id=r["id"], organisation_code=r["organisation_code"], label=r["label"],
            scope=r["scope"], created_by=r["created_by"], created_at=r["created_at"],
            revoked_at=r["revoked_at"], last_used_at=r["last_used_at"],
        )
        for r in rows
    ]  # fmt: skip


def revoke_token(db: Path, token_id: str) -> None:
    """Revoke a token (it is refused from now on).

    Raises
    ------
    InputError
        If there is no such token.
    """
    with transaction(db) as con:
        cur = con.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [now(), token_id],
        )
        if (
            cur.rowcount == 0
            and not con.execute("SELECT 1 FROM api_tokens WHERE id = ?", [token_id]).fetchone()
        ):
            raise InputError(f"There is no API token {token_id!r}.")


def verify_token(db: Path, token: str, scope: str) -> ApiToken | None:
    """The token's record if it is live and has ``scope``, else None."""
    if not token.startswith(_PREFIX) or len(token) > 200:
        return None
    token_id = token[len(_PREFIX) :].split("_", 1)[0]
    with connect(db) as con:
        row = con.execute("SELECT * FROM api_tokens WHERE id = ?", [token_id]).fetchone()
    if row is None or row["revoked_at"] is not None or row["scope"] != scope:
        return None
    if not hmac.compare_digest(row["token_hash"], _hash(token)):
        return None
    with transaction(db) as con:
        con.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [now(), token_id])
    return next(t for t in list_tokens(db) if t.id == token_id)
