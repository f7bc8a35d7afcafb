"""Fixtures of the portal tests: a store with two municipalities, users of every role, a
small synthetic submission per municipality and an in-process client per role."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from outcomelab.example import generate_example
from outcomelab.portal import PortalConfig
from outcomelab.portal.accounts import add_organisation, add_user
from outcomelab.portal.accounts.model import LAB_CODE

PASSWORD = "correct horse battery"

#: user name -> (roles, organisation)
USERS: dict[str, tuple[list[str], str | None]] = {
    "sub_a": (["submitter"], "0581"),
    "sub_b": (["submitter"], "0180"),
    "eval_all": (["evaluator"], None),
    "eval_b": (["evaluator"], "0180"),
    "pub": (["publisher"], None),
    "adm": (["admin"], None),
}


@pytest.fixture(scope="session")
def small_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic submission of Norrköping (0581): 80 participants, 300 candidates."""
    folder = tmp_path_factory.mktemp("example")
    generate_example(folder, n_participants=80, n_pool=300, seed=7)
    (folder / "truth.json").unlink()
    return folder


def as_organisation(source: Path, target: Path, code: str, name: str, suffix: str) -> Path:
    """A copy of a submission folder for another organisation and intervention id."""
    target.mkdir(parents=True, exist_ok=True)
    old = pd.read_csv(source / "interventions.csv", dtype=str)["intervention_id"][0]
    new = f"{code}-{suffix}"
    for f in source.glob("*.csv"):
        text = f.read_text(encoding="utf-8").replace(old, new)
        if f.name == "interventions.csv":
            text = re.sub(r'"0581"', f'"{code}"', text).replace("Norrköpings kommun", name)
        (target / f.name).write_text(text, encoding="utf-8")
    return target


@dataclass
class PortalWorld:
    """A store with users and one stored submission per organisation."""

    config: PortalConfig
    example: Path
    submission_a: str
    submission_b: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, small_example: Path) -> PortalWorld:
    """One store per test module (tests that change accounts use names of their own)."""
    from outcomelab.store import Store

    tmp_path = tmp_path_factory.mktemp("world")
    store = tmp_path / "store"
    config = PortalConfig(store=store, workers=1, login_limit=5, max_upload_bytes=20 * 1024**2)
    db = config.database
    add_organisation(db, "0581", "Norrköpings kommun")
    add_organisation(db, "0180", "Stockholms kommun")
    add_organisation(db, LAB_CODE, "Utfallslabbet")
    for name, (roles, org) in USERS.items():
        add_user(db, name, roles=roles, organisation=org, password=PASSWORD)
    a = as_organisation(small_example, tmp_path / "a", "0581", "Norrköpings kommun", "A")
    b = as_organisation(small_example, tmp_path / "b", "0180", "Stockholms kommun", "B")
    info_a = Store(store).submit(a, intervention_id="0581-A")
    info_b = Store(store).submit(b, intervention_id="0180-B")
    return PortalWorld(config, small_example, info_a.submission_id, info_b.submission_id)


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: Any, username: str, password: str = PASSWORD, lang: str = "en") -> Any:
    """Sign in through the form, as a browser does; returns the final response."""
    page = client.get(f"/{lang}/login")
    return client.post(
        f"/{lang}/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
    )


@pytest.fixture(scope="module")
def app(world: PortalWorld) -> Any:
    from outcomelab.portal.web import create_app

    return create_app(world.config, run_jobs=False)


@pytest.fixture()
def client_for(app: Any) -> Iterator[Any]:
    """``client_for(name)``: a signed-in test client of that user (None = anonymous)."""
    from fastapi.testclient import TestClient

    made: list[TestClient] = []

    def make(username: str | None) -> TestClient:
        client = TestClient(app, follow_redirects=True)
        made.append(client)
        if username is not None:
            response = login(client, username)
            assert response.status_code == 200, response.text[:500]
        return client

    yield make
    for c in made:
        c.close()


def copy_folder(source: Path, target: Path) -> Path:
    """A writable copy of a folder of tables."""
    shutil.copytree(source, target)
    return target
