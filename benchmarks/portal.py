"""Benchmark and bounded load test of the submission portal on localhost.

Three figures, from one portal under uvicorn in this process (jobs in its worker pool):

1. **Validation page latency** for the bundled example submission (600 participants, 6,000
   comparison candidates; ``outcomes.csv`` 26 MB): a signed-in submitter posts the four files
   and follows the redirect to the page that lists the failures (upload, sniffing, reading,
   ``validate_package``, the upload's record and the page). The peer, in the same run, is the
   command line's work on the same folder: ``validate_package(folder)``; the ratio is the
   portal's cost on top of validation.
2. **Concurrent uploads**: ``--uploads`` distinct small submissions (and ``--duplicates`` repeats
   of one of them) posted at once through ``POST /api/submissions`` with an organisation's
   token. Checked: no 5xx, every distinct submission stored exactly once, every repeat answered
   "already stored" (200), one receipt per request.
3. **Concurrent evaluations**: ``--evaluations`` evaluation jobs queued at once on one stored
   submission; checked: every job ends ``done``, none lost; the wall time and the status page's
   latency while they run.

Absolute seconds on a shared, loaded machine are pessimistic; the script prints ``uptime``.

Usage::

    .venv/bin/python benchmarks/portal.py                       # 50 uploads, 10 evaluations
    flock /work/wt/bench.lock .venv/bin/python benchmarks/portal.py --repeats 5
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import re
import resource
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

TABLES = ("interventions", "participants", "outcomes", "costs")
PASSWORD = "benchmark password 1"


@contextmanager
def serve(store: Path, *, workers: int) -> Iterator[str]:
    """The portal on a free localhost port, with its worker pool; yields the base URL."""
    import uvicorn

    from outcomelab.portal import PortalConfig
    from outcomelab.portal.web import create_app

    config = PortalConfig(store=store, workers=workers)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), port=port, log_level="error", limit_concurrency=200)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(60)


def prepare(store: Path) -> str:
    """Norrköping, a submitter, an evaluator; returns an API token of Norrköping."""
    from outcomelab.portal.accounts import add_organisation, add_user
    from outcomelab.portal.accounts.tokens import create_token

    db = store / "portal" / "portal.sqlite3"
    add_organisation(db, "0581", "Norrköpings kommun")
    add_user(db, "bench_sub", roles=["submitter"], organisation="0581", password=PASSWORD)
    add_user(db, "bench_eval", roles=["evaluator"], password=PASSWORD)
    return create_token(db, "0581", label="benchmark", created_by="benchmark")[1]


def login(client: httpx.Client, user: str) -> None:
    page = client.get("/en/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/en/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
    )
    response.raise_for_status()


def csrf(client: httpx.Client, path: str) -> str:
    text = client.get(path).text
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)  # type: ignore[union-attr]


def validation_latency(base: str, folder: Path, repeats: int) -> dict[str, Any]:
    """Median seconds of the validation page against validate_package in this process."""
    from outcomelab.schemas import validate_package

    portal, peer = [], []
    with httpx.Client(base_url=base, follow_redirects=True, timeout=600) as client:
        login(client, "bench_sub")
        for _ in range(repeats):
            token = csrf(client, "/en/submit")
            files = [("files", (f"{t}.csv", (folder / f"{t}.csv").read_bytes())) for t in TABLES]
            t0 = time.perf_counter()
            page = client.post("/en/submit", data={"csrf_token": token}, files=files)
            portal.append(time.perf_counter() - t0)
            assert page.status_code == 200 and 'id="verdict"' in page.text
            t0 = time.perf_counter()
            validate_package(folder)
            peer.append(time.perf_counter() - t0)
    return {"portal": statistics.median(portal), "peer": statistics.median(peer)}


def small_submissions(root: Path, n: int) -> list[Path]:
    """``n`` distinct small submissions of Norrköping (intervention ids 0581-L000, ...)."""
    from outcomelab.example import generate_example

    base = root / "base"
    generate_example(base, n_participants=60, n_pool=60, seed=11)
    old = pd.read_csv(base / "interventions.csv", dtype=str)["intervention_id"][0]
    folders = []
    for i in range(n):
        target = root / f"s{i:03d}"
        target.mkdir()
        for t in TABLES:
            text = (base / f"{t}.csv").read_text(encoding="utf-8")
            (target / f"{t}.csv").write_text(text.replace(old, f"0581-L{i:03d}"), "utf-8")
        folders.append(target)
    return folders


@dataclass
class LoadResult:
    """What the concurrent uploads gave."""

    seconds: float
    statuses: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    stored: int = 0
    distinct: int = 0
    folders: int = 0


def concurrent_uploads(
    base: str, token: str, folders: list[Path], duplicates: int, store: Path
) -> LoadResult:
    """Post every folder (and ``duplicates`` repeats of the first) at once via the API."""
    from outcomelab.store import Store

    jobs = folders + [folders[0]] * duplicates

    def post(folder: Path) -> tuple[int, float]:
        files = [("files", (f"{t}.csv", (folder / f"{t}.csv").read_bytes())) for t in TABLES]
        t0 = time.perf_counter()
        with httpx.Client(base_url=base, timeout=900) as client:
            response = client.post(
                "/api/submissions", files=files, headers={"authorization": f"Bearer {token}"}
            )
        return response.status_code, time.perf_counter() - t0

    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(post, jobs))
    result = LoadResult(seconds=time.perf_counter() - t0)
    result.statuses = [a[0] for a in answers]
    result.latencies = [a[1] for a in answers]
    listing = Store(store).list()
    result.stored = len(listing)
    result.distinct = listing["submission_id"].nunique()
    result.folders = sum(1 for _ in (store / "submissions").iterdir())
    return result


def concurrent_evaluations(
    base: str, store: Path, submission_id: str, n: int, timeout: float
) -> dict[str, Any]:
    """Queue ``n`` evaluations at once through the form; wait until every one has ended."""
    from outcomelab.portal.jobs import get_job

    db = store / "portal" / "portal.sqlite3"
    with httpx.Client(base_url=base, follow_redirects=True, timeout=600) as client:
        login(client, "bench_eval")
        token = csrf(client, f"/en/submissions/{submission_id}/evaluate")

        def start(_: int) -> str:
            response = client.post(
                f"/en/submissions/{submission_id}/evaluate",
                data={"csrf_token": token, "report_lang": "en"},
            )
            response.raise_for_status()
            return str(response.url).rsplit("/", 1)[1]

        t0 = time.perf_counter()
        with cf.ThreadPoolExecutor(max_workers=n) as pool:
            ids = list(pool.map(start, range(n)))
        queued = time.perf_counter() - t0
        status_latency = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            t1 = time.perf_counter()
            client.get(f"/en/jobs/{ids[0]}/status").raise_for_status()
            status_latency.append(time.perf_counter() - t1)
            jobs = [get_job(db, i) for i in ids]
            if all(j is not None and j.finished for j in jobs):
                break
            time.sleep(2)
        wall = time.perf_counter() - t0
    final = [get_job(db, i) for i in ids]
    return {
        "ids": ids,
        "queued_seconds": queued,
        "wall": wall,
        "status": [j.status if j else "lost" for j in final],
        "errors": [j.error for j in final if j and j.error],
        "status_latency": statistics.median(status_latency) if status_latency else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--duplicates", type=int, default=10)
    parser.add_argument("--evaluations", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from outcomelab.example import EXAMPLE_INTERVENTION_ID, example_dir
    from outcomelab.store import Store

    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    try:
        store = work / "store"
        token = prepare(store)
        folders = small_submissions(work / "small", args.uploads)
        example = example_dir()
        with serve(store, workers=args.workers) as base:
            latency = validation_latency(base, example, args.repeats)
            load = concurrent_uploads(base, token, folders, args.duplicates, store)
            info = Store(store).submit(example, intervention_id=EXAMPLE_INTERVENTION_ID)
            evaluations = concurrent_evaluations(
                base, store, info.submission_id, args.evaluations, timeout=3600
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        print("\nValidation page, bundled example (26 MB outcomes), median of", args.repeats)
        print(f"{'what':<44}{'seconds':>10}")
        print(f"{'portal: upload + validate + page':<44}{latency['portal']:>10.2f}")
        print(f"{'peer: validate_package(folder) (the CLI)':<44}{latency['peer']:>10.2f}")
        print(f"{'ratio portal / peer':<44}{latency['portal'] / latency['peer']:>10.2f}")
        s = load.statuses
        print(f"\n{args.uploads} distinct + {args.duplicates} repeated uploads at once (API)")
        print(f"  wall {load.seconds:.1f} s; latency median {statistics.median(load.latencies):.1f}"
              f" s, max {max(load.latencies):.1f} s")  # fmt: skip
        errors = sum(c >= 500 for c in s)
        other = sum(c not in (200, 201) and c < 500 for c in s)
        print(
            f"  statuses: 201 x{s.count(201)}, 200 x{s.count(200)}, 5xx x{errors}, other x{other}"
        )
        print(f"  stored {load.stored} submissions ({load.distinct} distinct ids, "
              f"{load.folders} folders) for {args.uploads} distinct contents")  # fmt: skip
        st = evaluations["status"]
        print(f"\n{args.evaluations} evaluations queued at once ({args.workers} workers)")
        print(f"  queued in {evaluations['queued_seconds']:.2f} s; all ended after "
              f"{evaluations['wall']:.0f} s; done x{st.count('done')}, failed "
              f"x{st.count('failed')}, lost x{st.count('lost')}")  # fmt: skip
        print(f"  status page median latency while running: "
              f"{evaluations['status_latency'] * 1000:.0f} ms")  # fmt: skip
        for err in evaluations["errors"][:3]:
            print("  error:", err[:200])
        print(f"\npeak memory of the server process: {peak:.0f} MB (workers not counted)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
