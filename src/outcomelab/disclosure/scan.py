"""Scan text that is about to be published for anything that identifies a person."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Finding", "scan_text", "scan_tree"]

# 64 lowercase hex characters: an outcomelab pseudonym (HMAC-SHA256)
_PSEUDONYM = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
# Swedish personal identity or coordination number: (CC)YYMMDD[-+]NNNN, or 10/12 digits in a row
_IDENTITY = re.compile(r"(?<!\d)(?:19|20)?\d{2}[01]\d[0-9]\d[-+]?\d{4}(?!\d)")
_DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s]+")


@dataclass(frozen=True)
class Finding:
    """One suspicious string in a published file."""

    path: str
    kind: str
    excerpt: str


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def scan_text(text: str, *, path: str = "<text>", allow: Collection[str] = ()) -> list[Finding]:
    """Find pseudonyms and valid-looking Swedish identity numbers in ``text``.

    Embedded images (base64 data URIs) are skipped. Identity-number candidates count only when
    their last ten digits pass the Luhn check, so ordinary long numbers are not flagged.

    Parameters
    ----------
    text
        Content to scan.
    path
        Name reported with each finding.
    allow
        64-hex strings known not to identify anyone (e.g. a submission's content hash).

    Returns
    -------
    list of Finding
    """
    body = _DATA_URI.sub("", text)
    allowed = set(allow)
    findings = [
        Finding(path, "pseudonym", m.group(0)[:12] + "...")
        for m in _PSEUDONYM.finditer(body)
        if m.group(0) not in allowed
    ]
    for m in _IDENTITY.finditer(body):
        digits = re.sub(r"\D", "", m.group(0))[-10:]
        if _luhn_ok(digits):
            findings.append(Finding(path, "identity number", m.group(0)[:6] + "..."))
    return findings


def scan_tree(
    root: str | Path,
    suffixes: tuple[str, ...] = (".html", ".json", ".csv", ".md", ".js"),
    allow: Collection[str] = (),
) -> list[Finding]:
    """Scan every published text file below ``root``.

    Parameters
    ----------
    root
        Folder of published output.
    suffixes
        File endings to read.
    allow
        64-hex strings known not to identify anyone.
    allow
        64-hex strings known not to identify anyone.

    Returns
    -------
    list of Finding
    """
    found: list[Finding] = []
    for file in sorted(Path(root).rglob("*")):
        if file.is_file() and file.suffix in suffixes:
            text = file.read_text(encoding="utf-8", errors="replace")
            found.extend(scan_text(text, path=str(file), allow=allow))
    return found
