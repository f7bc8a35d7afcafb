"""``outcomelab users add|list|disable``: the portal's accounts, from the command line."""

from __future__ import annotations

from pathlib import Path

import typer

from outcomelab.cli.main import HELP_MARKUP, app

__all__ = ["users_app"]

users_app = typer.Typer(
    rich_markup_mode=HELP_MARKUP,
    name="users",
    help="Add, list and disable users of the submission portal.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")

_STORE_HELP = "Store folder the portal serves (default $OUTCOMELAB_HOME or ~/.outcomelab)."


def _db(store: Path | None) -> Path:
    from outcomelab.store import default_store_path

    return (store or default_store_path()).resolve() / "portal" / "portal.sqlite3"


@users_app.command("add")
def add(
    username: str = typer.Argument(..., help="Sign-in name."),
    role: list[str] = typer.Option(
        ..., "--role", "-r", help="submitter, evaluator, publisher or admin (repeatable)."
    ),
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Official code: municipality 4 digits, region 2."
    ),
    organisation_name: str | None = typer.Option(
        None, "--organisation-name", help="Name of the organisation, to add it if it is new."
    ),
    name: str | None = typer.Option(None, "--name", help="Display name."),
    external_subject: str | None = typer.Option(
        None, "--external-subject", help="The user's subject at the identity provider (OIDC sub)."
    ),
    store: Path | None = typer.Option(None, "--store", help=_STORE_HELP),
) -> None:
    """Add a user; prints a one-time password that must be changed at the first sign-in."""
    from outcomelab.portal import audit
    from outcomelab.portal.accounts import add_organisation, add_user

    db = _db(store)
    if organisation and organisation_name:
        add_organisation(db, organisation, organisation_name)
    user, temporary = add_user(
        db, username, roles=role, organisation=organisation, display_name=name,
        external_subject=external_subject,
    )  # fmt: skip
    audit.record(
        db.parent, actor="cli", action="user_added", target=user.username,
        roles=sorted(user.roles), organisation=organisation,
    )  # fmt: skip
    typer.echo(
        f"Added {user.username} ({', '.join(sorted(user.roles))}"
        f"{', ' + organisation if organisation else ''})."
    )
    if temporary is None:
        typer.echo("Signs in through the identity provider only (no local password).")
    else:
        typer.echo(f"One-time password: {temporary}  (to be changed at the first sign-in)")


@users_app.command("list")
def list_command(store: Path | None = typer.Option(None, "--store", help=_STORE_HELP)) -> None:
    """List the users: name, roles, organisation and whether they are active."""
    from outcomelab.portal.accounts import list_users

    users = list_users(_db(store))
    if not users:
        typer.echo("No users yet; add one with `outcomelab users add NAME --role admin`.")
        return
    width = max(len(u.username) for u in users)
    for u in users:
        state = "disabled" if u.disabled else "active"
        typer.echo(
            f"{u.username:<{width}}  {','.join(sorted(u.roles)):<30} "
            f"{u.organisation_code or '-':<6} {state}"
        )


@users_app.command("disable")
def disable(
    username: str = typer.Argument(..., help="The user to disable."),
    store: Path | None = typer.Option(None, "--store", help=_STORE_HELP),
) -> None:
    """Disable a user: they cannot sign in and every session of theirs ends at once."""
    from outcomelab.portal import audit
    from outcomelab.portal.accounts import disable_user

    db = _db(store)
    user = disable_user(db, username)
    audit.record(db.parent, actor="cli", action="user_disabled", target=user.username)
    typer.echo(f"Disabled {user.username}; their sessions were ended.")
