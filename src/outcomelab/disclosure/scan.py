"""Scan files that are about to be published for anything that identifies a person.

What is looked for: outcomelab pseudonyms (64 lower-case hex characters) and Swedish personal
identity or coordination numbers in clear. Where it is looked for decides whether a number is a
finding, so the scanner reads each file by its structure:

* **text** (HTML, Markdown, a JSON string, a CSV text cell): a run of 10 or 12 digits (with an
  optional ``-``/``+`` before the last four) that is a valid personnummer or samordningsnummer
  -- a real date and a correct check digit -- and is not the fraction of a decimal number
  (``-4263.8807746568`` holds ``8807746568``, a valid coordination number, but is a number the
  tool wrote);
* **numbers** (a JSON number, a CSV number cell): only a whole number that, as written, is a
  valid identity number (:func:`outcomelab.identity.numeric_identity_numbers`); a number with a
  fraction is a measurement, whatever its digits.

Embedded images (base64 ``data:`` URIs) are skipped.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from outcomelab.identity.clear import numeric_identity_numbers
from outcomelab.identity.personnummer import parse_personnummer

__all__ = ["Finding", "scan_file", "scan_text", "scan_tree"]

# 64 lowercase hex characters: an outcomelab pseudonym (HMAC-SHA256)
_PSEUDONYM = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
# (CC)YYMMDD[-+]NNNN, not part of a longer run of digits nor the fraction of a decimal number
_IDENTITY = re.compile(r"(?<!\d)(?<!\d[.,])(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)(?![.,]\d)")
_DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s]+")
_DECIMAL = re.compile(r"[-+\u2212]?\d+[.,]\d+(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Finding:
    """One suspicious string in a published file."""

    path: str
    kind: str
    excerpt: str


def _valid_identity(candidate: str) -> bool:
    return bool(parse_personnummer([candidate])["valid"].iloc[0])


def scan_text(text: str, *, path: str = "<text>", allow: Collection[str] = ()) -> list[Finding]:
    """Find pseudonyms and valid Swedish identity numbers in free text.

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
        The excerpt shows only the first characters, never a whole number.
    """
    body = _DATA_URI.sub("", text)
    allowed = set(allow)
    findings = [
        Finding(path, "pseudonym", m.group(0)[:12] + "...")
        for m in _PSEUDONYM.finditer(body)
        if m.group(0) not in allowed
    ]
    for m in _IDENTITY.finditer(body):
        if _valid_identity(m.group(0)):
            findings.append(Finding(path, "identity number", m.group(0)[:4] + "..."))
    return findings


def _scan_number(value: float | int, path: str) -> list[Finding]:
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        return []
    if abs(value) >= 1e15:
        return []
    if numeric_identity_numbers(pd.Series([str(int(value))]))[0]:
        return [Finding(path, "identity number", str(int(value))[:4] + "...")]
    return []


def _walk_json(node: Any) -> Iterator[str | float | int]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _walk_json(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_json(value)
    elif isinstance(node, str) or (isinstance(node, int | float) and not isinstance(node, bool)):
        yield node


def _scan_values(
    values: Iterator[str | float | int], path: str, allow: Collection[str]
) -> list[Finding]:
    found: list[Finding] = []
    for value in values:
        if isinstance(value, str):
            found.extend(scan_text(value, path=path, allow=allow))
        else:
            found.extend(_scan_number(value, path))
    return found


def _csv_cells(text: str) -> Iterator[str | float | int]:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            stripped = cell.strip()
            if _DECIMAL.fullmatch(stripped):
                yield float(stripped.replace(",", ".").replace("\u2212", "-"))
            elif re.fullmatch(r"[-+]?\d+", stripped):
                yield int(stripped)
            else:
                yield cell


def scan_file(file: Path, allow: Collection[str] = ()) -> list[Finding]:
    """Scan one published file by its structure (JSON values, CSV cells, or text).

    Parameters
    ----------
    file
        The file.
    allow
        64-hex strings known not to identify anyone.

    Returns
    -------
    list of Finding
    """
    text = file.read_text(encoding="utf-8", errors="replace")
    path = str(file)
    if file.suffix == ".json":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return scan_text(text, path=path, allow=allow)
        return _scan_values(_walk_json(data), path, allow)
    if file.suffix == ".csv":
        try:
            return _scan_values(_csv_cells(text), path, allow)
        except csv.Error:
            return scan_text(text, path=path, allow=allow)
    return scan_text(text, path=path, allow=allow)


def scan_tree(
    root: str | Path,
    suffixes: tuple[str, ...] = (".html", ".json", ".csv", ".md", ".js", ".txt"),
    allow: Collection[str] = (),
) -> list[Finding]:
    """Scan every published text file below ``root`` (see :func:`scan_file`).

    Parameters
    ----------
    root
        Folder of published output.
    suffixes
        File endings to read.
    allow
        64-hex strings known not to identify anyone.

    Returns
    -------
    list of Finding
    """
    found: list[Finding] = []
    for file in sorted(Path(root).rglob("*")):
        if file.is_file() and file.suffix in suffixes:
            found.extend(scan_file(file, allow))
    return found
