"""outcomelab.identity: Swedish personal identity numbers and their keyed pseudonyms."""

from __future__ import annotations

from outcomelab.identity.personnummer import (
    canonical_personnummer,
    looks_like_personnummer,
    luhn_check_digit,
    parse_personnummer,
)

__all__ = [
    "canonical_personnummer",
    "looks_like_personnummer",
    "luhn_check_digit",
    "parse_personnummer",
]
