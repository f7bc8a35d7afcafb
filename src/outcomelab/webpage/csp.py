"""The Content-Security-Policy of every HTML page outcomelab writes.

The policy travels inside the page (``<meta http-equiv>``, the first element of ``<head>``), so it
holds when a report is opened from disk, mailed, or put on any web server:

* ``report`` (the evaluation report, the contract report): no script at all, nothing loaded from
  anywhere but the page itself (figures are inlined as ``data:`` images). The notebook exporter's
  own scripts (MathJax and require.js from a CDN, a Mermaid loader) are removed: a report needs
  none of them, and they would tell a third party who reads which report.
* ``site`` (the published catalogue): scripts only from the site's own files (``'self'``), no
  inline script or event-handler attribute, styles from the site's stylesheet.

A script smuggled into a page through a name that escaped escaping is therefore still not run.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["POLICIES", "PageKind", "policy_of", "with_csp"]

PageKind = Literal["report", "site"]

_COMMON = "default-src 'none'; base-uri 'none'; form-action 'none'; object-src 'none'"

#: the policy of each kind of page
POLICIES: dict[str, str] = {
    "report": f"{_COMMON}; img-src data:; style-src 'unsafe-inline'; font-src data:",
    "site": f"{_COMMON}; script-src 'self'; style-src 'self'; img-src 'self' data:",
}

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_META = re.compile(
    r"<meta\s+http-equiv=[\"']?content-security-policy[\"']?[^>]*>\s*", re.IGNORECASE
)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_POLICY_IN_PAGE = re.compile(
    r"<meta\s+http-equiv=\"Content-Security-Policy\"\s+content=\"([^\"]*)\"", re.IGNORECASE
)


def with_csp(html: str, page: PageKind) -> str:
    """Return ``html`` with its Content-Security-Policy as the first element of ``<head>``.

    Parameters
    ----------
    html
        A complete page.
    page
        ``"report"`` (no script; every ``<script>`` element is removed) or ``"site"``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        The page has no ``<head>`` or ``page`` is unknown.
    """
    if page not in POLICIES:
        raise ValueError(f"page must be one of {sorted(POLICIES)}, got {page!r}")
    body = _META.sub("", html)
    if page == "report":
        body = _SCRIPT.sub("", body)
    head = _HEAD.search(body)
    if head is None:
        raise ValueError("the page has no <head> element to hold its Content-Security-Policy")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICIES[page]}">'
    return body[: head.end()] + "\n" + meta + body[head.end() :]


def policy_of(html: str) -> str | None:
    """The Content-Security-Policy a page declares in its ``<meta>``, or None."""
    found = _POLICY_IN_PAGE.search(html)
    return found.group(1) if found else None
