"""Accounts on the command line and in the database: users, roles, passwords, tokens, audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomelab.cli.main import _register_commands, app
from outcomelab.errors import InputError, StoreError
from outcomelab.portal import audit
from outcomelab.portal.accounts import add_organisation, add_user, authenticate, get_user
from outcomelab.portal.accounts.tokens import create_token, revoke_token, verify_token

_register_commands()


def test_users_add_list_disable_on_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    added = runner.invoke(
        app,
        ["users", "add", "anna", "--role", "submitter", "--organisation", "0581",
         "--organisation-name", "Norrköpings kommun", "--store", store],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    password = added.output.split("One-time password: ")[1].split()[0]
    db = tmp_path / "store" / "portal" / "portal.sqlite3"
    user = authenticate(db, "anna", password)
    assert user is not None and user.must_change_password and user.organisation_code == "0581"
    stored = db.read_bytes()
    assert password.encode() not in stored and b"$argon2id$" in stored
    listed = runner.invoke(app, ["users", "list", "--store", store])
    assert "anna" in listed.output and "submitter" in listed.output and "active" in listed.output
    disabled = runner.invoke(app, ["users", "disable", "anna", "--store", store])
    assert disabled.exit_code == 0 and authenticate(db, "anna", password) is None
    assert "disabled" in runner.invoke(app, ["users", "list", "--store", store]).output
    actions = [e.action for e in audit.read_entries(db.parent)]
    assert actions == ["user_disabled", "user_added"]


def test_bad_accounts_are_refused_with_reasons(tmp_path: Path) -> None:
    db = tmp_path / "portal.sqlite3"
    with pytest.raises(InputError, match="leading zero"):
        add_organisation(db, "581", "Norrköping")
    add_organisation(db, "0581", "Norrköpings kommun")
    with pytest.raises(InputError, match="belongs to a municipality or region"):
        add_user(db, "x", roles=["submitter"])
    with pytest.raises(InputError, match="Unknown role"):
        add_user(db, "x", roles=["root"])
    with pytest.raises(InputError, match="no organisation '0180'"):
        add_user(db, "x", roles=["submitter"], organisation="0180")
    with pytest.raises(InputError, match="at least 12"):
        add_user(db, "x", roles=["evaluator"], password="short")
    add_user(db, "x", roles=["evaluator"], password="long enough password")
    with pytest.raises(InputError, match="taken"):
        add_user(db, "x", roles=["evaluator"])
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "y", "--role", "root", "--store", str(tmp_path)])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_tokens_are_scoped_revocable_and_stored_hashed(tmp_path: Path) -> None:
    db = tmp_path / "portal.sqlite3"
    add_organisation(db, "0581", "Norrköpings kommun")
    record, token = create_token(db, "0581", label="case system", created_by="adm")
    assert verify_token(db, token, "submissions:write").organisation_code == "0581"
    assert verify_token(db, token + "x", "submissions:write") is None
    assert verify_token(db, token, "admin") is None
    assert token.encode() not in db.read_bytes()
    revoke_token(db, record.id)
    assert verify_token(db, token, "submissions:write") is None


def test_audit_log_is_append_only_and_chained(tmp_path: Path) -> None:
    for i in range(3):
        audit.record(tmp_path, actor=f"u{i}", action="login")
    assert audit.verify_chain(tmp_path) == 3
    path = tmp_path / "audit.jsonl"
    lines = path.read_text().splitlines()
    edited = json.loads(lines[1])
    edited["actor"] = "someone else"
    path.write_text("\n".join([lines[0], json.dumps(edited, sort_keys=True), lines[2]]) + "\n")
    with pytest.raises(StoreError, match="broken at line 3"):
        audit.verify_chain(tmp_path)
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    with pytest.raises(StoreError, match="broken at line 2"):
        audit.verify_chain(tmp_path)


def test_one_time_password_must_be_changed(client_for: object, world: object) -> None:
    from fastapi.testclient import TestClient

    from outcomelab.portal.web import create_app

    from .conftest import csrf_of, login

    config = world.config  # type: ignore[attr-defined]
    _, temporary = add_user(config.database, "newcomer", roles=["evaluator"])
    with TestClient(create_app(config, run_jobs=False)) as client:
        page = login(client, "newcomer", temporary)
        assert page.url.path == "/en/password"
        assert "/en/password" in str(client.get("/en/submissions").url)
        token = csrf_of(page.text)
        weak = client.post(
            "/en/password", data={"password": "a", "repeat": "a", "csrf_token": token}
        )
        assert weak.status_code == 400
        new = "a new and long password"
        done = client.post(
            "/en/password", data={"password": new, "repeat": new, "csrf_token": token}
        )
        assert done.url.path == "/en/" and "Welcome" in done.text
    user = get_user(config.database, "newcomer")
    assert user is not None and not user.must_change_password
    assert authenticate(config.database, "newcomer", temporary) is None
