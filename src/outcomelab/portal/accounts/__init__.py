"""Who may do what: organisations, users and roles, passwords, sessions, API tokens."""

from __future__ import annotations

from outcomelab.portal.accounts.model import ROLES, Organisation, Role, User
from outcomelab.portal.accounts.users import (
    add_organisation,
    add_user,
    authenticate,
    disable_user,
    get_user,
    list_organisations,
    list_users,
    set_password,
)

__all__ = [
    "ROLES",
    "Organisation",
    "Role",
    "User",
    "add_organisation",
    "add_user",
    "authenticate",
    "disable_user",
    "get_user",
    "list_organisations",
    "list_users",
    "set_password",
]
