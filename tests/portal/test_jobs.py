"""Evaluations and site builds as background jobs: parameters checked as ``evaluate`` checks
them, the work done in worker processes, and no job lost when the server restarts."""

from __future__ import annotations

import time
from typing import Any

import pytest

from outcomelab.portal.jobs import get_job, list_jobs
from outcomelab.portal.jobs.queue import claim_next, enqueue

from .conftest import PortalWorld, csrf_of, login


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("alpha", "0.7", "between 0 and 0.5"),
        ("follow_up_months", "13", "whole years"),
        ("design", "regression", "must be one of"),
        ("alpha", "many", "must be of type float"),
    ],
)
def test_bad_parameters_are_refused_before_a_job_starts(
    client_for: Any, world: PortalWorld, field: str, value: str, message: str
) -> None:
    client = client_for("eval_all")
    page = client.get(f"/en/submissions/{world.submission_a}/evaluate")
    before = len(list_jobs(world.config.database))
    response = client.post(
        f"/en/submissions/{world.submission_a}/evaluate",
        data={"csrf_token": csrf_of(page.text), field: value},
    )
    assert response.status_code == 400 and message in response.text
    assert len(list_jobs(world.config.database)) == before


def test_a_request_only_queues(client_for: Any, world: PortalWorld) -> None:
    client = client_for("eval_b")
    page = client.get(f"/sv/submissions/{world.submission_b}/evaluate")
    response = client.post(
        f"/sv/submissions/{world.submission_b}/evaluate",
        data={"csrf_token": csrf_of(page.text), "alpha": "0.1", "report_lang": "en"},
    )
    job_id = response.url.path.rsplit("/", 1)[1]
    job = get_job(world.config.database, job_id)
    assert job is not None and job.status == "queued"  # the app was made without workers
    assert job.params["alpha"] == 0.1 and job.params["lang"] == "en"
    assert "i kö" in response.text and f'<a href="/sv/jobs/{job_id}">Uppdatera</a>' in response.text
    status = client.get(f"/sv/jobs/{job_id}/status").json()
    assert status["status"] == "queued" and status["status_text"] == "i kö"


@pytest.mark.slow
@pytest.mark.notebook
def test_interrupted_job_runs_after_a_restart_and_publishes(world: PortalWorld) -> None:
    """A job a stopped server left 'running' is run by the next server; then publish it."""
    from fastapi.testclient import TestClient

    from outcomelab.example import EXAMPLE_INTERVENTION_ID, example_dir
    from outcomelab.portal.db import transaction
    from outcomelab.portal.web import create_app
    from outcomelab.store import Store

    # the bundled example (600 participants): the small fixture is too small for the DR-DiD
    info = Store(world.config.store).submit(example_dir(), intervention_id=EXAMPLE_INTERVENTION_ID)
    db = world.config.database
    with transaction(db) as con:  # earlier tests of this module queued jobs; not this test's
        con.execute("UPDATE jobs SET status = 'failed', error = 'not run' WHERE status = 'queued'")
    job = enqueue(
        db, "evaluate", params={"lang": "en", "timeout": 600}, created_by="eval_all",
        submission_id=info.submission_id, organisation="0581",
    )  # fmt: skip
    claimed = claim_next(db)  # the server that claimed it stopped here
    assert claimed is not None and claimed.id == job.id and claimed.status == "running"
    with TestClient(create_app(world.config)) as client:  # a new server: runner starts
        deadline = time.time() + 600
        while time.time() < deadline:
            current = get_job(db, job.id)
            assert current is not None
            if current.finished:
                break
            time.sleep(1)
        assert current.status == "done", current.error
        assert current.attempts == 2 and current.result and current.result["headline"]
        assert login(client, "sub_a").status_code == 200
        report = client.get(f"/en/jobs/{job.id}/report")
        assert report.status_code == 200 and "sandbox" in report.headers["content-security-policy"]
        # the centre marks it and builds the site in the pool
        publisher = TestClient(client.app)
        login(publisher, "pub")
        page = publisher.get("/en/publishing")
        publisher.post(f"/en/jobs/{job.id}/mark", data={"csrf_token": csrf_of(page.text)})
        built = publisher.post("/en/publishing/build", data={"csrf_token": csrf_of(page.text)})
        build_id = built.url.path.rsplit("/", 1)[1]
        while time.time() < deadline and not get_job(db, build_id).finished:  # type: ignore[union-attr]
            time.sleep(0.5)
        assert get_job(db, build_id).status == "done", get_job(db, build_id).error  # type: ignore[union-attr]
        site = client.get("/site/en/index.html")
        assert site.status_code == 200 and "Norrköping" in site.text
        # with a browser on the server each published page is also a PDF, served beside it
        from outcomelab.printing import has_chromium

        result = get_job(db, build_id).result  # type: ignore[union-attr]
        assert result is not None and result["pdfs"] == (2 if has_chromium() else 0)
        if has_chromium():
            (evaluation_id,) = result["published"]
            pdf = client.get(f"/site/sv/evaluations/{evaluation_id}.pdf")
            assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
            assert pdf.headers["content-type"] == "application/pdf"
