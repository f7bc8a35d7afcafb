"""outcomelab.identity: Swedish personal identity numbers and their keyed pseudonyms.

``parse_personnummer`` checks and normalises personnummer and samordningsnummer,
``pseudonymise`` / ``pseudonymise_table`` replace them by HMAC-SHA256 pseudonyms under the lab's
key (``read_key``, ``write_key``), and ``looks_like_personnummer`` finds numbers left in clear.
"""

from __future__ import annotations

from outcomelab.identity.keys import generate_key, key_id, read_key, write_key
from outcomelab.identity.personnummer import (
    REASONS,
    canonical_personnummer,
    looks_like_personnummer,
    luhn_check_digit,
    parse_personnummer,
)
from outcomelab.identity.pseudonym import PseudonymisedTable, pseudonymise, pseudonymise_table

__all__ = [
    "REASONS",
    "PseudonymisedTable",
    "canonical_personnummer",
    "generate_key",
    "key_id",
    "looks_like_personnummer",
    "luhn_check_digit",
    "parse_personnummer",
    "pseudonymise",
    "pseudonymise_table",
    "read_key",
    "write_key",
]
