"""CSRF, session fixation, brute-force sign-in, streaming upload limits, headers, audit log."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outcomelab.portal import audit
from outcomelab.portal.accounts import add_user
from outcomelab.portal.accounts.sessions import COOKIE

from .conftest import PASSWORD, PortalWorld, csrf_of, login


def test_forms_without_the_session_token_are_refused(client_for: Any) -> None:
    client = client_for("adm")
    page = client.get("/en/admin/users")
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": csrf_of(page.text) + "x"}):
        response = client.post("/en/admin/users", data={**data, "username": "mallory"})
        assert response.status_code == 403
    # the token of another session does not work either
    other = csrf_of(client_for("sub_a").get("/en/").text)
    response = client.post(
        "/en/admin/users", data={"csrf_token": other, "username": "m2", "roles": "admin"}
    )
    assert response.status_code == 403
    assert "mallory" not in client.get("/en/admin/users").text
    # a cross-site post with the right token is refused by its origin
    response = client.post(
        "/en/admin/users",
        data={"csrf_token": csrf_of(page.text), "username": "m3", "roles": "admin"},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_session_fixation_and_sign_out(app: Any, world: PortalWorld) -> None:
    from fastapi.testclient import TestClient

    def as_cookie(value: str) -> dict[str, str]:
        return {"cookie": f"{COOKIE}={value}"}

    with TestClient(app, follow_redirects=False, cookies=None) as raw:
        page = raw.get("/en/login")
        planted = page.cookies[COOKIE]
        raw.cookies.clear()
        # the victim signs in with the session the attacker planted in their browser
        answer = raw.post(
            "/en/login",
            data={"username": "sub_a", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
            headers=as_cookie(planted),
        )
        assert answer.status_code == 303
        signed_in = answer.cookies[COOKIE]
        raw.cookies.clear()
        assert signed_in != planted  # a new session at sign-in
        assert raw.get("/en/submissions", headers=as_cookie(planted)).status_code == 303
        assert raw.get("/en/submissions", headers=as_cookie(signed_in)).status_code == 200
        # signing out ends the session on the server, not only in the browser
        home = raw.get("/en/", headers=as_cookie(signed_in))
        raw.cookies.clear()
        raw.post(
            "/en/logout", data={"csrf_token": csrf_of(home.text)}, headers=as_cookie(signed_in)
        )
        raw.cookies.clear()
        assert raw.get("/en/submissions", headers=as_cookie(signed_in)).status_code == 303
    response = TestClient(app).get("/en/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_brute_force_sign_in_is_limited(app: Any, world: PortalWorld) -> None:
    from fastapi.testclient import TestClient

    add_user(world.config.database, "victim", roles=["evaluator"], password=PASSWORD)
    with TestClient(app) as client:
        codes = []
        for i in range(7):
            codes.append(login(client, "victim", f"guess number {i}").status_code)
        assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
        # the right password is refused too while the limit holds, and the page says why
        response = login(client, "victim", PASSWORD)
        assert response.status_code == 429 and "Too many failed sign-ins" in response.text
    entries = audit.read_entries(world.config.home, action="login_failed", actor="anonymous")
    assert sum(e.target == "victim" for e in entries) >= 5


def test_disabled_user_loses_its_session(client_for: Any, world: PortalWorld) -> None:
    add_user(world.config.database, "leaver", roles=["evaluator"], password=PASSWORD)
    client = client_for("leaver")
    assert client.get("/en/submissions").status_code == 200
    admin = client_for("adm")
    token = csrf_of(admin.get("/en/admin/users").text)
    admin.post("/en/admin/users/leaver/disable", data={"csrf_token": token})
    assert "/login" in str(client.get("/en/submissions").url)
    assert login(client, "leaver").status_code == 401


def test_security_headers(client_for: Any) -> None:
    response = client_for(None).get("/en/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_declared_two_gigabytes_is_refused_unread(client_for: Any, world: PortalWorld) -> None:
    client = client_for("sub_a")
    token = csrf_of(client.get("/en/submit").text)
    response = client.post(
        "/en/submit",
        content=b"x" * 10,
        headers={
            "content-length": str(2 * 1024**3),
            "content-type": "multipart/form-data; boundary=b",
            "x-csrf": token,
        },
    )
    assert response.status_code == 413 and "at most 20 MB" in response.text


@pytest.fixture()
def live_server(world: PortalWorld) -> Iterator[str]:
    """The portal under uvicorn on a free localhost port (jobs off)."""
    import uvicorn

    from outcomelab.portal.web import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(
        uvicorn.Config(create_app(world.config, run_jobs=False), port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_streamed_two_gigabyte_upload_is_cut_off(live_server: str, world: PortalWorld) -> None:
    """A chunked 2 GB body (no length given) is refused once it passes the limit (20 MB here)."""
    import httpx

    with httpx.Client(base_url=live_server, follow_redirects=True, timeout=60) as client:
        assert login(client, "sub_a").status_code == 200
        token = csrf_of(client.get("/en/submit").text)
        before = _disk_bytes(world.config.store)
        sent = 0
        boundary = "portalboundary"

        def body() -> Iterator[bytes]:
            nonlocal sent
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="outcomes.csv"\r\nContent-Type: text/csv\r\n\r\n'
            )
            yield head.encode()
            chunk = b"person_id,outcome_code,period,value\n" * 28_000  # about 1 MB
            while sent < 2 * 1024**3:
                sent += len(chunk)
                yield chunk

        try:
            response = client.post(
                "/en/submit",
                content=body(),
                headers={"content-type": f"multipart/form-data; boundary={boundary}"},
            )
            status = response.status_code
        except httpx.HTTPError:  # the server may close the connection while we still send
            status = 413
        assert status == 413
        assert sent < 200 * 1024**2  # the server stopped reading long before 2 GB
        grown = _disk_bytes(world.config.store) - before
        assert grown < 1024**2  # nothing of the body was kept (the audit log may grow a line)
