"""Organisations and users in the portal database."""

from __future__ import annotations

from pathlib import Path

from outcomelab.errors import InputError
from outcomelab.portal.accounts.model import (
    LAB_CODE,
    ROLES,
    Organisation,
    User,
    organisation_kind,
)
from outcomelab.portal.accounts.passwords import (
    check_strength,
    hash_password,
    one_time_password,
    verify,
)
from outcomelab.portal.db import connect, now, transaction

__all__ = [
    "add_organisation",
    "add_user",
    "authenticate",
    "disable_user",
    "get_user",
    "list_organisations",
    "list_users",
    "reset_password",
    "set_password",
    "user_by_subject",
]


def add_organisation(db: Path, code: str, name: str) -> Organisation:
    """Add a municipality or region by official code (or return it if it exists).

    Raises
    ------
    InputError
        If the code is not an official code or the name is empty.
    """
    kind = organisation_kind(code)
    if not name.strip():
        raise InputError(f"Give the name of organisation {code} (e.g. 'Norrköpings kommun').")
    with transaction(db) as con:
        row = con.execute("SELECT * FROM organisations WHERE code = ?", [code]).fetchone()
        if row is None:
            con.execute(
                "INSERT INTO organisations VALUES (?, ?, ?, ?)", [code, name.strip(), kind, now()]
            )
            return Organisation(code, name.strip(), kind)
    return Organisation(row["code"], row["name"], row["kind"])


def list_organisations(db: Path) -> list[Organisation]:
    """Every organisation, by code."""
    with connect(db) as con:
        rows = con.execute("SELECT code, name, kind FROM organisations ORDER BY code").fetchall()
    return [Organisation(r["code"], r["name"], r["kind"]) for r in rows]


def _check_roles(roles: list[str], organisation: str | None) -> None:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise InputError(
            f"Unknown role(s) {', '.join(unknown) or '(none given)'}; choose from "
            f"{', '.join(ROLES)}."
        )
    if "submitter" in roles and (organisation is None or organisation == LAB_CODE):
        raise InputError(
            "A submitter belongs to a municipality or region: give its official code "
            "(--organisation 0581)."
        )


def add_user(
    db: Path,
    username: str,
    *,
    roles: list[str],
    organisation: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
    external_subject: str | None = None,
) -> tuple[User, str | None]:
    """Add a user; without a password a one-time password is made and returned.

    Parameters
    ----------
    db
        The portal database.
    username
        Unique sign-in name (letters, digits, ``.-_@``).
    roles
        Some of ``submitter, evaluator, publisher, admin``.
    organisation
        Official code of the user's municipality or region (it must exist); required for a
        submitter, optional for an evaluator (who then sees only that organisation).
    display_name
        Name shown in the portal and the audit log.
    password
        A chosen password (checked for length); None makes a one-time password that must be
        changed at the first sign-in.
    external_subject
        The user's subject (``sub``) at the deployment's identity provider, when one is used;
        without a password such a user has no local password at all.

    Returns
    -------
    tuple of User and str or None
        The user and the one-time password (None when a password was given or the user signs in
        through the identity provider).

    Raises
    ------
    InputError
        Unknown role or organisation, a taken or malformed user name, a weak password.
    """
    name = username.strip()
    if not name or not all(c.isalnum() or c in ".-_@" for c in name) or len(name) > 64:
        raise InputError(
            f"User name {username!r} is not usable: use 1-64 letters, digits and . - _ @."
        )
    _check_roles(roles, organisation)
    temporary = None
    hashed: str | None
    if password is None and external_subject:
        hashed = None  # signs in through the identity provider only: no local password
    elif password is None:
        temporary = one_time_password()
        hashed = hash_password(temporary)
    else:
        check_strength(password, name)
        hashed = hash_password(password)
    with transaction(db) as con:
        if (
            organisation is not None
            and not con.execute(
                "SELECT 1 FROM organisations WHERE code = ?", [organisation]
            ).fetchone()
        ):
            raise InputError(
                f"There is no organisation {organisation!r}; add it first "
                "(`outcomelab users add ... --organisation CODE --organisation-name NAME`)."
            )
        if con.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
            raise InputError(f"User name {name!r} is taken; choose another.")
        con.execute(
            "INSERT INTO users (username, display_name, password_hash, roles, organisation_code, "
            "disabled, must_change_password, external_subject, created_at) "
            "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
            [name, display_name or name, hashed, ",".join(sorted(set(roles))), organisation,
             int(temporary is not None), external_subject, now()],
        )  # fmt: skip
    user = get_user(db, name)
    assert user is not None  # just inserted in this function
    return user, temporary


def get_user(db: Path, username: str | None = None, *, user_id: int | None = None) -> User | None:
    """The user with this name or id, or None."""
    with connect(db) as con:
        if user_id is not None:
            row = con.execute("SELECT * FROM users WHERE id = ?", [user_id]).fetchone()
        else:
            row = con.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    return None if row is None else User.from_row(row)


def user_by_subject(db: Path, subject: str) -> User | None:
    """The enabled user linked to an identity provider's subject, or None."""
    with connect(db) as con:
        row = con.execute("SELECT * FROM users WHERE external_subject = ?", [subject]).fetchone()
    user = None if row is None else User.from_row(row)
    return None if user is None or user.disabled else user


def list_users(db: Path) -> list[User]:
    """Every user, by name."""
    with connect(db) as con:
        rows = con.execute("SELECT * FROM users ORDER BY username").fetchall()
    return [User.from_row(r) for r in rows]


def disable_user(db: Path, username: str) -> User:
    """Disable a user and end every session of theirs.

    Raises
    ------
    InputError
        If there is no such user.
    """
    with transaction(db) as con:
        row = con.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()
        if row is None:
            raise InputError(f"There is no user {username!r}; `outcomelab users list` shows them.")
        con.execute("UPDATE users SET disabled = 1 WHERE id = ?", [row["id"]])
        con.execute("DELETE FROM sessions WHERE user_id = ?", [row["id"]])
    user = get_user(db, username)
    assert user is not None
    return user


def set_password(db: Path, user: User, password: str) -> None:
    """Set a user's new password (checked for strength) and clear the one-time flag.

    Raises
    ------
    InputError
        If the password is too weak.
    """
    check_strength(password, user.username)
    with transaction(db) as con:
        con.execute(
            "UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?",
            [hash_password(password), user.id],
        )


def reset_password(db: Path, username: str) -> str:
    """Give a user a new one-time password (to be changed at the next sign-in); return it.

    Raises
    ------
    InputError
        If there is no such user.
    """
    temporary = one_time_password()
    with transaction(db) as con:
        cur = con.execute(
            "UPDATE users SET password_hash = ?, must_change_password = 1, disabled = 0 "
            "WHERE username = ?",
            [hash_password(temporary), username],
        )
        if cur.rowcount == 0:
            raise InputError(f"There is no user {username!r}.")
        con.execute(
            "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)",
            [username],
        )
    return temporary


def authenticate(db: Path, username: str, password: str) -> User | None:
    """The user if the name and password match and the user is enabled, else None.

    An unknown name costs one Argon2 verification too, so timing does not tell which names exist.
    """
    with connect(db) as con:
        row = con.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    ok = verify(None if row is None else row["password_hash"], password)
    if row is None or not ok:
        return None
    user = User.from_row(row)
    return None if user.disabled else user
