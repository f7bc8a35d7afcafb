"""The lab's terms: the one Swedish and English word for each concept, and the words to avoid.

The list is ``vocabulary/words/terms.csv`` (also shown as ``docs/terms.md``). The text layer uses
it to check every Swedish text: :func:`avoided_words` finds a word the list says not to use
("försörjningsstöd" for ekonomiskt bistånd, "SMS" for the evidence level, ...).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Term", "avoided_words", "load_terms", "terms_markdown"]

_FILE = Path(__file__).resolve().parent / "words" / "terms.csv"


@dataclass(frozen=True)
class Term:
    """One concept: its Swedish and English words, the Swedish words to avoid, and why."""

    concept: str
    sv: str
    en: str
    avoid_sv: tuple[str, ...]
    note: str


@lru_cache(maxsize=1)
def load_terms() -> tuple[Term, ...]:
    """The terms list, read once."""
    with _FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Term(
                r["concept"],
                r["sv"],
                r["en"],
                tuple(w for w in r["avoid_sv"].split(";") if w),
                r["note"],
            )
            for r in csv.DictReader(handle)
        )


def avoided_words(text: str) -> list[tuple[Term, str]]:
    """Every avoided Swedish word in ``text`` (whole words, any case) and its term.

    Examples
    --------
    >>> [(term.sv, word) for term, word in avoided_words("Försörjningsstöd per år")]
    [('ekonomiskt bistånd', 'försörjningsstöd')]
    >>> avoided_words("en syntetisk kontrollgrupp av andra kommuner")
    []
    """
    found = []
    # an avoided word inside one of the lab's own terms is that term ("syntetisk kontrollgrupp")
    for term in load_terms():
        text = re.sub(re.escape(term.sv), " ", text, flags=re.IGNORECASE)
    for term in load_terms():
        for word in term.avoid_sv:
            pattern = rf"(?<![\w-]){re.escape(word)}(?![\w-])"
            if re.search(pattern, text, flags=re.IGNORECASE):
                found.append((term, word))
    return found


def terms_markdown() -> str:
    """The terms list as the Markdown of ``docs/terms.md``."""
    lines = [
        "# The lab's terms",
        "",
        "Generated from `src/outcomelab/vocabulary/words/terms.csv`; every Swedish text of the "
        "reports and the site is checked against the words to avoid (`tests/vocabulary`).",
        "",
        "| Concept | Svenska | English | Not (sv) | Why |",
        "|---|---|---|---|---|",
    ]
    for term in load_terms():
        avoid = ", ".join(term.avoid_sv) or "–"
        lines.append(f"| {term.concept} | {term.sv} | {term.en} | {avoid} | {term.note} |")
    return "\n".join(lines) + "\n"
