"""Shared pieces of the portal's browser tests: the live server, chromium and axe."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from outcomelab.portal import PortalConfig

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def live_portal(config: PortalConfig, *, run_jobs: bool) -> Iterator[str]:
    """The portal under uvicorn on a free localhost port; yields its base URL."""
    import uvicorn

    from outcomelab.portal.web import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config, run_jobs=run_jobs), port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@contextmanager
def browser_page(base: str, downloads: Path) -> Iterator[Any]:
    """A chromium page that may reach the portal and nothing else."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, downloads_path=str(downloads)
        )
        context = browser.new_context(accept_downloads=True)

        def only_localhost(route: Any) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", only_localhost)
        # generous: the example's 26 MB upload and its validation on a loaded two-core machine
        context.set_default_timeout(600_000)
        try:
            yield context.new_page()
        finally:
            browser.close()


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page (rule id, impact and the first offending element)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for v in results.response["violations"]:
        target = v["nodes"][0]["target"] if v["nodes"] else "?"
        found.append(f"{v['id']} ({v['impact']}): {target} on {page.url}")
    return found
