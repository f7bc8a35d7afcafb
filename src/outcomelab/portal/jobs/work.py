"""What a worker process does for one job. Runs in the pool, never in a request."""

from __future__ import annotations

import shutil
import threading
import traceback
from pathlib import Path
from typing import Any

from outcomelab.errors import OutcomelabError
from outcomelab.portal import audit
from outcomelab.portal.jobs.queue import finish, get_job, list_jobs, progress

__all__ = ["run_job"]


def _watch_notebook(db: Path, job_id: str, notebook: Path, stop: threading.Event) -> None:
    """Report the share of report cells finished (Papermill saves the notebook at every cell)."""
    import nbformat

    while not stop.wait(1.0):
        try:
            nb = nbformat.read(notebook, as_version=4)
        except Exception:  # not written yet, or caught mid-write: try again
            continue
        cells = [c for c in nb.cells if c.cell_type == "code"]
        done = sum(1 for c in cells if c.get("metadata", {}).get("papermill", {}).get("end_time"))
        if cells:
            progress(db, job_id, "running the report", 0.1 + 0.8 * done / len(cells))


def _evaluate(db: Path, home: Path, store: Path, job_id: str, params: dict[str, Any]) -> dict:
    from outcomelab.reports import evaluate

    job = get_job(db, job_id)
    assert job is not None and job.submission_id is not None
    out = home / "evaluations" / job_id
    if out.exists():  # a run interrupted by a restart: our own folder, start it again
        shutil.rmtree(out)
    out.mkdir(parents=True)
    values = dict(params)
    lang = values.pop("lang", "sv")
    timeout = float(values.pop("timeout", 900))
    progress(db, job_id, "starting the report kernel", 0.05)
    stop = threading.Event()
    watcher = threading.Thread(
        target=_watch_notebook, args=(db, job_id, out / "report.ipynb", stop), daemon=True
    )
    watcher.start()
    try:
        run = evaluate(
            out=out, submission=job.submission_id, store=store, params=values, lang=lang,
            timeout=timeout,
        )  # fmt: skip
    finally:
        stop.set()
        watcher.join()
    headline = run.results.get("headline", {})
    return {
        "html": str(run.html.relative_to(home)),
        "headline": headline.get("text"),
        "verdict": headline.get("verdict"),
        "outcome": headline.get("outcome"),
        "evaluation_id": run.results.get("evaluation_id"),
        "seconds": round(run.timing.get("total", 0.0), 1),
    }


def _publish(db: Path, home: Path, job_id: str) -> dict:
    from outcomelab.printing import has_chromium
    from outcomelab.publish import build_site

    marked = [j for j in list_jobs(db, "evaluate") if j.marked_by and j.status == "done"]
    if not marked:
        raise OutcomelabError("No evaluation is marked for publication; mark one first.")
    staging = home / "publish-input" / job_id
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        progress(db, job_id, "collecting marked evaluations", 0.1)
        for job in marked:
            source = home / "evaluations" / job.id
            shutil.copytree(
                source, staging / job.id, ignore=shutil.ignore_patterns("*.ipynb", "report.html")
            )
        progress(db, job_id, "disclosure control and site build", 0.4)
        # with a browser on the server each page is also printed to a PDF (publish --pdf)
        info = build_site(staging, home / "site", pdf=has_chromium())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {
        "published": list(info.evaluations),
        "withheld": [list(w) for w in info.withheld],
        "pdfs": len(info.pdfs),
    }


def run_job(db: str, home: str, store: str, job_id: str) -> str:
    """Run one claimed job to its end and record the outcome; returns the final status."""
    db_path, home_path = Path(db), Path(home)
    job = get_job(db_path, job_id)
    if job is None:
        return "missing"
    try:
        if job.kind == "evaluate":
            result = _evaluate(db_path, home_path, Path(store), job_id, job.params)
        else:
            result = _publish(db_path, home_path, job_id)
    except OutcomelabError as err:
        finish(db_path, job_id, error=str(err))
        status = "failed"
    except Exception as err:  # a bug: keep the server alive and say so on the job's page
        detail = "".join(traceback.format_exception_only(type(err), err)).strip()
        finish(db_path, job_id, error=f"Internal error: {detail}. This is a bug in outcomelab.")
        status = "failed"
    else:
        finish(db_path, job_id, result=result)
        status = "done"
    audit.record(
        home_path, actor="worker", action="job_finished" if job.kind == "evaluate" else "publish",
        organisation=job.organisation_code, target=job_id, kind=job.kind, status=status,
        requested_by=job.created_by,
    )  # fmt: skip
    return status
