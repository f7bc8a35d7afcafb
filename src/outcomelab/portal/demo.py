"""``outcomelab serve --demo``: the portal on a demo store with the example submission and users."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outcomelab.portal.accounts import add_organisation, add_user, get_user
from outcomelab.portal.accounts.model import LAB_CODE
from outcomelab.portal.accounts.users import reset_password

__all__ = ["DEMO_USERS", "DemoUser", "prepare_demo"]


@dataclass(frozen=True)
class DemoUser:
    """A demo account and what it is for."""

    username: str
    roles: tuple[str, ...]
    organisation: str | None
    name: str


#: the demo's users: a municipality's submitter, an evaluator, the centre's publisher, an admin
DEMO_USERS = (
    DemoUser("norrkoping", ("submitter",), "0581", "Norrköpings kommun, utvecklingsenheten"),
    DemoUser("evaluator", ("evaluator",), None, "Utfallslabbet, utvärderare"),
    DemoUser("publisher", ("publisher",), None, "Kompetenscentret, publicering"),
    DemoUser("admin", ("admin",), None, "Utfallslabbet, administratör"),
)


def prepare_demo(store: Path) -> list[tuple[DemoUser, str]]:
    """Fill a demo store: the example submission, Norrköping and the demo users.

    Every call gives each demo user a new one-time password (printed by ``serve --demo``), so
    the demo can be started again at any time.

    Returns
    -------
    list of (DemoUser, str)
        Each demo user with its one-time password.
    """
    from outcomelab.example import EXAMPLE_INTERVENTION_ID, example_dir
    from outcomelab.store import Store

    target = Store(store)
    if target.list(EXAMPLE_INTERVENTION_ID).empty:
        target.submit(
            example_dir(), intervention_id=EXAMPLE_INTERVENTION_ID, submitted_by="demo",
            note="the bundled synthetic example",
        )  # fmt: skip
    db = Path(store).resolve() / "portal" / "portal.sqlite3"
    add_organisation(db, "0581", "Norrköpings kommun")
    add_organisation(db, "0180", "Stockholms kommun")
    add_organisation(db, LAB_CODE, "Utfallslabbet")
    out = []
    for user in DEMO_USERS:
        if get_user(db, user.username) is None:
            _, password = add_user(
                db, user.username, roles=list(user.roles), organisation=user.organisation,
                display_name=user.name,
            )  # fmt: skip
            assert password is not None
        else:
            password = reset_password(db, user.username)
        out.append((user, password))
    return out
