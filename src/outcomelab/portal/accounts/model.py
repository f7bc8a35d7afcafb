"""Organisations, users and the four roles."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Literal

from outcomelab.errors import InputError

__all__ = ["LAB_CODE", "ROLES", "Organisation", "Role", "User", "organisation_kind"]

Role = Literal["submitter", "evaluator", "publisher", "admin"]

#: roles and what each may do
ROLES: dict[str, str] = {
    "submitter": "uploads and submits its organisation's tables; sees its own submissions, "
    "receipts and reports",
    "evaluator": "runs the standard evaluation on the submissions it may see (all, or one "
    "organisation's when it belongs to one) and reads the reports",
    "publisher": "the competence centre: marks finished evaluations for publication and builds "
    "the published catalogue",
    "admin": "manages organisations, users and API tokens and reads the audit log",
}

#: organisation code of the lab itself (staff without a municipality or region)
LAB_CODE = "lab"

_MUNICIPALITY = re.compile(r"^[0-2][0-9]{3}$")
_REGION = re.compile(r"^[0-2][0-9]$")


def organisation_kind(code: str) -> Literal["municipality", "region", "lab"]:
    """``municipality`` for a 4-digit official code, ``region`` for a 2-digit one.

    Raises
    ------
    InputError
        If the code is neither (e.g. ``581`` written without its leading zero).
    """
    if code == LAB_CODE:
        return "lab"
    if _MUNICIPALITY.match(code):
        return "municipality"
    if _REGION.match(code):
        return "region"
    raise InputError(
        f"Organisation code {code!r} is not an official code: a municipality has 4 digits "
        "(0581 Norrköping) and a region 2 (05 Östergötland); keep the leading zero."
    )


@dataclass(frozen=True)
class Organisation:
    """A municipality or region (or the lab itself)."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class User:
    """A portal user.

    Attributes
    ----------
    id, username, display_name
        Identity.
    roles
        A subset of :data:`ROLES`.
    organisation_code
        The municipality or region a submitter (or a scoped evaluator) belongs to; None for lab
        staff.
    disabled
        A disabled user cannot sign in and loses every session.
    must_change_password
        Set for a one-time password; the user must choose a new one first.
    """

    id: int
    username: str
    display_name: str
    roles: frozenset[str]
    organisation_code: str | None
    disabled: bool
    must_change_password: bool

    def has(self, role: str) -> bool:
        """True if the user holds ``role``."""
        return role in self.roles

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> User:
        """A user from a ``users`` row."""
        return cls(
            id=int(row["id"]),
            username=row["username"],
            display_name=row["display_name"],
            roles=frozenset(r for r in row["roles"].split(",") if r),
            organisation_code=row["organisation_code"],
            disabled=bool(row["disabled"]),
            must_change_password=bool(row["must_change_password"]),
        )
