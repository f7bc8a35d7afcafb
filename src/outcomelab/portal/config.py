"""Settings of one running portal: the store it serves and the limits it enforces."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PortalConfig"]

#: default largest upload (all files of one request together)
DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024


def _secret_file(folder: Path) -> bytes:
    """The portal's signing secret, kept in ``<store>/portal/secret.key`` (made on first use)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


@dataclass(frozen=True)
class PortalConfig:
    """Settings of a portal instance.

    Attributes
    ----------
    store
        The lab's store folder; the portal keeps its own files in ``<store>/portal/``.
    max_upload_bytes
        Largest request body accepted on the upload routes; counted while the body streams in.
    workers
        Processes in the evaluation worker pool.
    secure_cookies
        Send cookies with ``Secure`` (behind HTTPS; off for a plain-HTTP localhost demo).
    login_limit, login_window_seconds
        Failed log-ins allowed per user name (and ten times that per address) in the window.
    session_seconds
        Lifetime of a signed-in session.
    secret
        Signing secret of cookies; read from ``<store>/portal/secret.key`` when not given.
    job_timeout
        Seconds one report cell may run.
    """

    store: Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    workers: int = 2
    secure_cookies: bool = False
    login_limit: int = 5
    login_window_seconds: int = 900
    session_seconds: int = 8 * 3600
    secret: bytes = field(default=b"", repr=False)
    job_timeout: float = 900.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", Path(self.store).resolve())
        if not self.secret:
            object.__setattr__(self, "secret", _secret_file(self.home))

    @property
    def home(self) -> Path:
        """The portal's own folder inside the store."""
        return Path(self.store) / "portal"

    @property
    def database(self) -> Path:
        """The portal's SQLite database."""
        return self.home / "portal.sqlite3"

    @property
    def uploads(self) -> Path:
        """Uploads being checked (not yet submitted)."""
        return self.home / "uploads"

    @property
    def evaluations(self) -> Path:
        """Output folders of evaluation jobs."""
        return self.home / "evaluations"

    @property
    def site(self) -> Path:
        """The published catalogue built from the evaluations marked for publication."""
        return self.home / "site"
