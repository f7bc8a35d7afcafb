"""Limits on failed sign-ins, per user name and per client address, kept in the database.

After ``limit`` failures for one user name within the window (or ten times that from one
address), further attempts are refused without checking the password until the oldest failure
leaves the window. Kept in the database so a restart or a second server process does not reset
the count.
"""

from __future__ import annotations

from pathlib import Path

from outcomelab.portal.db import connect, now, transaction

__all__ = ["blocked_for", "clear_failures", "record_failure"]


def _keys(username: str, address: str) -> tuple[str, str]:
    return f"user:{username.strip().lower()}", f"addr:{address}"


def blocked_for(db: Path, username: str, address: str, *, limit: int, window: float) -> float:
    """Seconds until another attempt is allowed (0 when allowed now)."""
    user_key, addr_key = _keys(username, address)
    t = now()
    wait = 0.0
    with connect(db) as con:
        for key, allowed in ((user_key, limit), (addr_key, 10 * limit)):
            rows = con.execute(
                "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                [key, t - window, allowed],
            ).fetchall()
            if len(rows) >= allowed:
                wait = max(wait, rows[-1]["at"] + window - t)
    return wait


def record_failure(db: Path, username: str, address: str, *, window: float) -> None:
    """Count one failed sign-in (and forget failures older than the window)."""
    t = now()
    with transaction(db) as con:
        con.execute("DELETE FROM login_failures WHERE at < ?", [t - window])
        con.executemany(
            "INSERT INTO login_failures VALUES (?, ?)", [(k, t) for k in _keys(username, address)]
        )


def clear_failures(db: Path, username: str) -> None:
    """Forget a user name's failures after a successful sign-in."""
    with transaction(db) as con:
        con.execute("DELETE FROM login_failures WHERE key = ?", [_keys(username, "")[0]])
