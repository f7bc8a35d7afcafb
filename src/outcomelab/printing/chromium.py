"""Print an HTML file to PDF with a headless Chromium (its own print engine, no extra package).

Chromium lays out the CSS paged media of the lab's pages (:func:`~outcomelab.printing.page_rules`):
page-margin boxes for the running header and the page numbers, ``break-inside: avoid`` for figures.
The browser runs with a throw-away profile and with every host name unresolvable, so printing a
report never reaches a network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from outcomelab.errors import ReportError

__all__ = ["CHROMIUM_ENV", "find_chromium", "has_chromium", "print_pdf"]

#: environment variable naming the Chromium (or Chrome) executable to print with
CHROMIUM_ENV = "OUTCOMELAB_CHROMIUM"

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> Path:
    """The Chromium executable: ``$OUTCOMELAB_CHROMIUM`` or the first browser on ``PATH``.

    Raises
    ------
    ReportError
        No browser was found; the message says how to install one.
    """
    given = os.environ.get(CHROMIUM_ENV)
    if given:
        path = Path(given)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise ReportError(
            f"{CHROMIUM_ENV} is set to {given!r}, which is not an executable file; point it at "
            "Chromium or Google Chrome, or unset it to use the one on PATH."
        )
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ReportError(
        "Printing a PDF needs Chromium or Google Chrome, and neither was found on PATH. Install "
        f"it (Debian/Ubuntu: apt-get install chromium) or set {CHROMIUM_ENV} to its path."
    )


def has_chromium() -> bool:
    """Whether :func:`find_chromium` finds a browser (for steps that print only when they can)."""
    try:
        find_chromium()
    except ReportError:
        return False
    return True


def _command(browser: Path, profile: str, pdf: Path, url: str) -> list[str]:
    command = [
        str(browser),
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        # nothing a page names may be fetched: every host resolves to nothing
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        url,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root inside its sandbox
    return command


def print_pdf(html: str | Path, pdf: str | Path, *, timeout: float = 300) -> Path:
    """Print the page ``html`` to ``pdf``.

    Parameters
    ----------
    html
        An HTML file on disk (its images inlined or next to it).
    pdf
        Where to write the PDF; written to a temporary sibling first and moved into place, so a
        failed print leaves no half-written file.
    timeout
        Seconds the browser may take.

    Returns
    -------
    pathlib.Path
        ``pdf``.

    Raises
    ------
    ReportError
        No browser, or the browser failed or wrote no PDF (the message quotes its last words).
    """
    source = Path(html).resolve()
    if not source.is_file():
        raise ReportError(f"Cannot print {source}: there is no such file.")
    target = Path(pdf).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    browser = find_chromium()
    partial = target.with_name(f".{target.name}.printing")
    with tempfile.TemporaryDirectory(prefix="outcomelab-chromium-") as profile:
        try:
            done = subprocess.run(
                _command(browser, profile, partial, source.as_uri()),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise ReportError(
                f"Chromium did not finish printing {source.name} within {timeout:.0f} s; try "
                "again when the machine is less busy."
            ) from None
    ok = partial.is_file() and partial.read_bytes()[:5] == b"%PDF-"
    if done.returncode != 0 or not ok:
        partial.unlink(missing_ok=True)
        last = [line for line in (done.stderr or "").splitlines() if line.strip()][-3:]
        raise ReportError(
            f"Chromium ({browser}) could not print {source.name} to PDF (exit code "
            f"{done.returncode}): {' / '.join(last) or 'no message'}."
        )
    partial.replace(target)
    return target
