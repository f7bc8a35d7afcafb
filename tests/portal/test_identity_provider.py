"""The identity-provider hook: sign-in through a deployment's provider (a fake one here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from outcomelab.errors import ParameterError
from outcomelab.portal.accounts import add_user
from outcomelab.portal.accounts.identity_provider import (
    ExternalIdentity,
    IdentityProvider,
    load_provider,
)

from .conftest import PortalWorld


class FakeProvider:
    """Says yes to code 'good' for subject 'kc-123' (a real one verifies an ID token)."""

    name = "Test-IdP"

    def login_url(self, state: str, redirect_uri: str) -> str:
        return f"https://idp.example/authorize?state={state}&redirect_uri={redirect_uri}"

    def complete(self, params: Mapping[str, str], redirect_uri: str) -> ExternalIdentity | None:
        return ExternalIdentity("kc-123", "Karin") if params.get("code") == "good" else None


def test_sign_in_through_the_provider(world: PortalWorld) -> None:
    from fastapi.testclient import TestClient

    from outcomelab.portal.web import create_app

    assert isinstance(FakeProvider(), IdentityProvider)
    add_user(world.config.database, "karin", roles=["evaluator"], external_subject="kc-123")
    app = create_app(world.config, provider=FakeProvider(), run_jobs=False)
    with TestClient(app, follow_redirects=False) as client:
        start = client.get("/sv/login")
        assert start.status_code == 303
        target = urlsplit(start.headers["location"])
        assert target.netloc == "idp.example"
        state = parse_qs(target.query)["state"][0]
        forged = client.get("/auth/callback", params={"code": "good", "state": "forged"})
        assert forged.status_code == 400
        refused = client.get("/auth/callback", params={"code": "bad", "state": state})
        assert refused.status_code == 401
        done = client.get("/auth/callback", params={"code": "good", "state": state})
        assert done.status_code == 303 and done.headers["location"] == "/sv/"
        assert client.get("/sv/submissions").status_code == 200


def test_a_bad_provider_spec_is_refused() -> None:
    with pytest.raises(ParameterError, match="could not be loaded"):
        load_provider("no.such.module:Provider")
    with pytest.raises(ParameterError, match="does not implement"):
        load_provider("collections:OrderedDict")


def test_demo_store_users_and_new_passwords(tmp_path: Any) -> None:
    from outcomelab.portal.accounts import authenticate
    from outcomelab.portal.demo import DEMO_USERS, prepare_demo
    from outcomelab.store import Store

    first = prepare_demo(tmp_path / "demo")
    db = tmp_path / "demo" / "portal" / "portal.sqlite3"
    assert [u.username for u, _ in first] == [u.username for u in DEMO_USERS]
    for user, password in first:
        found = authenticate(db, user.username, password)
        assert found is not None and found.must_change_password
    second = prepare_demo(tmp_path / "demo")  # a restart: new one-time passwords, same store
    assert all(a[1] != b[1] for a, b in zip(first, second, strict=True))
    assert authenticate(db, "admin", first[-1][1]) is None
    assert len(Store(tmp_path / "demo").list()) == 1
