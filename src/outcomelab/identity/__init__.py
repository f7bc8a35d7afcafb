"""outcomelab.identity: Swedish personal identity numbers and their keyed pseudonyms.

``parse_personnummer`` checks and normalises personnummer and samordningsnummer,
``pseudonymise`` / ``pseudonymise_table`` replace them by HMAC-SHA256 pseudonyms under the lab's
key (``read_key``, ``write_key``), and ``looks_like_personnummer``, ``mentions_personnummer`` and
``numeric_identity_numbers`` find numbers left in clear (:mod:`outcomelab.identity.clear` says
which rule applies where).
"""

from __future__ import annotations

from outcomelab.identity.clear import (
    PNR_IN_TEXT,
    mentions_personnummer,
    numeric_identity_numbers,
    refuse_in_text,
)
from outcomelab.identity.keys import generate_key, key_file_warning, key_id, read_key, write_key
from outcomelab.identity.personnummer import (
    REASONS,
    canonical_personnummer,
    looks_like_personnummer,
    luhn_check_digit,
    parse_personnummer,
)
from outcomelab.identity.pseudonym import PseudonymisedTable, pseudonymise, pseudonymise_table

__all__ = [
    "PNR_IN_TEXT",
    "REASONS",
    "PseudonymisedTable",
    "canonical_personnummer",
    "generate_key",
    "key_file_warning",
    "key_id",
    "looks_like_personnummer",
    "luhn_check_digit",
    "mentions_personnummer",
    "numeric_identity_numbers",
    "parse_personnummer",
    "pseudonymise",
    "pseudonymise_table",
    "read_key",
    "refuse_in_text",
    "write_key",
]
