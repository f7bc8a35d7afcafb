"""An organisation never sees another's submissions, uploads, receipts or reports.

Every route of the application (read from the app itself, so a new route is covered as soon as
it exists) is tried with every role's session and with anonymous requests, for the ids of each
organisation's resources and for guessed ids. Whatever a user may not see answers like an id
that does not exist, and no body names the other organisation's ids or intervention.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute

from outcomelab.portal import intake
from outcomelab.portal.jobs.queue import claim_next, enqueue, finish

from .conftest import USERS, PortalWorld, as_organisation, csrf_of


@dataclass
class Resources:
    """One organisation's ids of every kind, and the words that must not leak."""

    organisation: str
    submission_id: str
    upload_id: str
    receipt_id: str
    job_id: str
    intervention: str

    def ids(self) -> dict[str, str]:
        return {
            "submission_id": self.submission_id,
            "upload_id": self.upload_id,
            "receipt_id": self.receipt_id,
            "job_id": self.job_id,
        }

    def secrets(self) -> list[str]:
        return [self.submission_id, self.upload_id, self.receipt_id, self.intervention]


def _make(world: PortalWorld, tmp_path: Any, code: str, name: str, suffix: str) -> Resources:
    home = world.config.home
    folder = as_organisation(world.example, tmp_path / f"up-{code}", code, name, suffix)
    files = [intake.IncomingFile(p.name, p.open("rb")) for p in sorted(folder.glob("*.csv"))]
    upload = intake.receive(home, files, user_id=None, organisation=code)
    assert upload.ok, upload.report["failures"][:3]
    # a second, still unsubmitted upload keeps its page and error report reachable
    again = [intake.IncomingFile(p.name, p.open("rb")) for p in sorted(folder.glob("*.csv"))]
    pending = intake.receive(home, again, user_id=None, organisation=code)
    from outcomelab.store import Store

    receipt = intake.submit_upload(home, Store(world.config.store), upload, submitted_by="x")
    sid = receipt["submission_id"]
    job = enqueue(
        world.config.database, "evaluate", params={}, created_by="x", submission_id=sid,
        organisation=code,
    )  # fmt: skip
    claim_next(world.config.database)
    out = home / "evaluations" / job.id
    out.mkdir(parents=True)
    (out / "report.html").write_text(f"<html><body>report of {sid}</body></html>")
    finish(world.config.database, job.id, result={"headline": f"effect in {code}"})
    return Resources(code, sid, pending.id, receipt["receipt_id"], job.id, f"{code}-{suffix}")


#: what each user may see of an organisation's submissions (uploads and receipts too) and reports
def _sees_submission(user: str, org: str) -> bool:
    roles, own = USERS[user]
    if "submitter" in roles and own == org:
        return True
    return "evaluator" in roles and own in (None, org)


def _sees_upload(user: str, org: str) -> bool:
    roles, own = USERS[user]
    return "submitter" in roles and own == org


def _sees_report(user: str, org: str) -> bool:
    return _sees_submission(user, org) or "publisher" in USERS[user][0]


def _allowed(user: str | None, params: set[str], org: str) -> bool:
    if user is None:
        return False
    if "upload_id" in params:
        return _sees_upload(user, org)
    if "job_id" in params:
        return _sees_report(user, org)
    return _sees_submission(user, org)


def _fill(path: str, ids: dict[str, str]) -> str:
    for key, value in ids.items():
        path = path.replace("{" + key + "}", value)
    return path.replace("{lang}", "en").replace("{username}", "sub_b").replace("{token_id}", "x")


@pytest.fixture(scope="module")
def resources(world: PortalWorld, tmp_path_factory: Any) -> dict[str, Resources]:
    tmp_path = tmp_path_factory.mktemp("resources")
    return {
        "0581": _make(world, tmp_path, "0581", "Norrköpings kommun", "PA"),
        "0180": _make(world, tmp_path, "0180", "Stockholms kommun", "PB"),
    }


ID_PARAMS = {"submission_id", "upload_id", "receipt_id", "job_id"}


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every endpoint, also inside included routers."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(api_routes(route.original_router.routes))
    return found


def test_every_route_every_role_every_id(app: Any, client_for: Any, resources: Any) -> None:
    routes = api_routes(app.routes)
    assert len(routes) > 25
    guessed = {
        "submission_id": secrets.token_hex(32),
        "upload_id": secrets.token_urlsafe(16),
        "receipt_id": secrets.token_urlsafe(12),
        "job_id": secrets.token_hex(8),
    }
    tried = 0
    for user in [None, *USERS]:
        client = client_for(user)
        token = csrf_of(client.get("/en/login").text)
        if user is not None:
            token = csrf_of(client.get("/en/").text)
        for route in routes:
            params = set(route.param_convertors) & ID_PARAMS
            if not params:
                continue
            for method in route.methods - {"HEAD"}:
                cases = [(org, res.ids()) for org, res in resources.items()] + [(None, guessed)]
                for org, ids in cases:
                    url = _fill(route.path, ids)
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, data={"csrf_token": token, "on": "1"})
                    tried += 1
                    ok = org is not None and _allowed(user, params, org)
                    where = f"{method} {url} as {user}"
                    if not ok:
                        assert response.status_code in (404, 401) or (
                            user is None and "/login" in str(response.url)
                        ), f"{where}: {response.status_code}"
                    # the page may echo the address that was asked for (the sign-in page's return
                    # address, the other language's link); anything else of theirs is a leak
                    body = response.text
                    for echo in (url, url.replace("/en/", "/sv/", 1), quote(url, safe="")):
                        body = body.replace(echo, "")
                    others = [r for o, r in resources.items() if not _allowed(user, params, o)]
                    for res in others:
                        for secret in res.secrets():
                            if "job_id" in params and user and _sees_report(user, res.organisation):
                                continue
                            assert secret not in body, f"{where} shows {secret}"
    id_routes = [r for r in routes if set(r.param_convertors) & ID_PARAMS]
    assert len(id_routes) >= 12
    assert tried == sum(len(r.methods - {"HEAD"}) for r in id_routes) * (1 + len(USERS)) * 3


def test_listings_show_only_own_organisation(
    client_for: Any, resources: dict[str, Resources], world: PortalWorld
) -> None:
    a, b = resources["0581"], resources["0180"]
    for path in ("/en/submissions", "/en/jobs", "/sv/submissions", "/sv/jobs"):
        page = client_for("sub_a").get(path).text
        assert a.submission_id[:12] in page or a.job_id in page
        assert b.submission_id[:12] not in page and b.job_id not in page and "0180-PB" not in page
    scoped = client_for("eval_b").get("/en/submissions").text
    assert b.submission_id[:12] in scoped and a.submission_id[:12] not in scoped
    everyone = client_for("eval_all").get("/en/submissions").text
    assert a.submission_id[:12] in everyone and b.submission_id[:12] in everyone
    for user in ("pub", "adm"):
        assert client_for(user).get("/en/submissions").status_code == 404


def test_owner_reaches_its_own_pages(client_for: Any, resources: dict[str, Resources]) -> None:
    a = resources["0581"]
    client = client_for("sub_a")
    for path in (
        f"/en/submissions/{a.submission_id}",
        f"/en/receipts/{a.receipt_id}",
        f"/en/uploads/{a.upload_id}",
        f"/en/jobs/{a.job_id}",
        f"/en/jobs/{a.job_id}/report",
    ):
        assert client.get(path).status_code == 200, path
    receipt = client.get(f"/en/receipts/{a.receipt_id}/receipt.json").json()
    assert receipt["submission_id"] == a.submission_id


def test_api_token_cannot_reach_pages_or_other_organisations(
    app: Any, world: PortalWorld, resources: dict[str, Resources]
) -> None:
    from fastapi.testclient import TestClient

    from outcomelab.portal.accounts.tokens import create_token

    _, token = create_token(world.config.database, "0581", label="system", created_by="adm")
    headers = {"authorization": f"Bearer {token}"}
    with TestClient(app, follow_redirects=False) as client:
        for path in (f"/en/submissions/{resources['0581'].submission_id}", "/en/submissions"):
            response = client.get(path, headers=headers)
            assert response.status_code == 303 and "/login" in response.headers["location"]
        status = client.get(f"/en/jobs/{resources['0180'].job_id}/status", headers=headers)
        assert status.status_code == 303
        assert json.dumps(resources["0180"].submission_id) not in status.text
