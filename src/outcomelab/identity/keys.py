"""The lab's pseudonymisation key: generating, storing and reading a key file.

A key file holds 32 random bytes written as 64 hexadecimal characters on one line. The lab issues
one key per linkage context; whoever holds it can link files pseudonymised under it, so it is kept
apart from the data (file mode 0600) and never sent with a submission. :func:`key_id` gives a
short fingerprint to record which key a file was made with, without revealing the key.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from pathlib import Path

from outcomelab.errors import InputError, ParameterError, ReadError

__all__ = [
    "KEY_BYTES",
    "MIN_KEY_BYTES",
    "check_key",
    "generate_key",
    "key_file_warning",
    "key_id",
    "read_key",
    "write_key",
]

#: bytes in a key the lab issues (256 bits, the HMAC-SHA256 block-safe size)
KEY_BYTES = 32
#: shortest key accepted when a key is given directly (128 bits)
MIN_KEY_BYTES = 16


def generate_key() -> bytes:
    """Return a new random key of :data:`KEY_BYTES` bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def check_key(key: bytes) -> bytes:
    """Return ``key`` if it is bytes of at least :data:`MIN_KEY_BYTES`; else ParameterError."""
    if not isinstance(key, bytes | bytearray):
        raise ParameterError(
            f"`key` must be bytes (read it with outcomelab.identity.read_key), got "
            f"{type(key).__name__}."
        )
    if len(key) < MIN_KEY_BYTES:
        raise ParameterError(
            f"`key` has {len(key)} bytes; a pseudonymisation key needs at least {MIN_KEY_BYTES} "
            "random bytes. Make one with `outcomelab pseudonymise --new-key FILE`."
        )
    return bytes(key)


def key_id(key: bytes) -> str:
    """A 16-character fingerprint of ``key`` (safe to record beside the data; not reversible)."""
    return hashlib.sha256(b"outcomelab key id\x00" + check_key(key)).hexdigest()[:16]


def write_key(path: str | Path, key: bytes | None = None, *, overwrite: bool = False) -> Path:
    """Write a key file readable only by its owner.

    Parameters
    ----------
    path
        Where to write the key file.
    key
        The key; a new random one when ``None``.
    overwrite
        Replace an existing file. Off by default: losing a key makes earlier pseudonyms unlinkable.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        If the file exists and ``overwrite`` is false.
    ReadError
        If the file cannot be written.
    """
    file = Path(path)
    material = check_key(key if key is not None else generate_key())
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(file, flags, 0o600)
    except FileExistsError as err:
        raise InputError(
            f"Key file {file} already exists; refusing to overwrite it (pseudonyms made with it "
            "could no longer be linked). Choose another file name."
        ) from err
    except OSError as err:
        raise ReadError(f"Key file {file} could not be written: {err.strerror}.") from err
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(material.hex() + "\n")
    return file


def key_file_warning(path: str | Path) -> str | None:
    """A warning when the key file can be read or written by anyone but its owner, else None.

    Whoever can read the key can link every file pseudonymised under it, so a key file must be
    private (mode 0600, as :func:`write_key` makes it).
    """
    file = Path(path)
    try:
        mode = stat.S_IMODE(file.stat().st_mode)
    except OSError:
        return None
    if mode & 0o077 == 0:
        return None
    return (
        f"key file {file} can be read by other users (mode {mode:04o}); anyone who reads it can "
        f"link the pseudonyms made with it. Make it private: chmod 600 {file}"
    )


def read_key(path: str | Path) -> bytes:
    """Read a key file written by :func:`write_key` (hexadecimal text, one line).

    Raises
    ------
    ReadError
        If the file does not exist or cannot be read.
    InputError
        If it does not hold a hexadecimal key of at least :data:`MIN_KEY_BYTES` bytes.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="ascii").strip()
    except FileNotFoundError as err:
        raise ReadError(f"Key file {file} does not exist.") from err
    except UnicodeDecodeError as err:
        raise InputError(
            f"Key file {file} is not a key file (it is not hexadecimal text)."
        ) from err
    except OSError as err:
        raise ReadError(f"Key file {file} could not be read: {err.strerror}.") from err
    try:
        key = bytes.fromhex(text)
    except ValueError as err:
        raise InputError(
            f"Key file {file} is not a key file (expected one line of hexadecimal characters)."
        ) from err
    return check_key(key)
