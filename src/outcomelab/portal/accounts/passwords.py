"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106's second recommendation)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from outcomelab.errors import InputError

__all__ = ["MIN_LENGTH", "check_strength", "hash_password", "one_time_password", "verify"]

MIN_LENGTH = 12
_HASHER = PasswordHasher()
#: a hash verified when the user does not exist, so both paths cost the same time
_DUMMY = _HASHER.hash("outcomelab-no-such-user")


def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` (salted, with its parameters in the string)."""
    return _HASHER.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """True if ``password`` matches ``stored``; a missing hash costs one verification too."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def check_strength(password: str, username: str) -> None:
    """Refuse a short password or one that contains the user name.

    Raises
    ------
    InputError
        Saying what the password needs.
    """
    if len(password) < MIN_LENGTH:
        raise InputError(f"The password needs at least {MIN_LENGTH} characters.")
    if username.lower() in password.lower():
        raise InputError("The password must not contain the user name.")


def one_time_password() -> str:
    """A random one-time password (about 95 bits), to be changed at the first sign-in."""
    return secrets.token_urlsafe(12)
