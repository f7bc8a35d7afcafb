"""Disclosure control: nothing is published that reveals a person.

A policy (minimum analysed cohort, minimum cell, rounding, secondary suppression), table suppression
with a log of every hidden cell, and a scanner for identifiers in published files.
"""

from outcomelab.disclosure.policy import DisclosurePolicy, load_policy
from outcomelab.disclosure.results import PublishedResults, publishable_results
from outcomelab.disclosure.scan import Finding, scan_text, scan_tree
from outcomelab.disclosure.suppression import (
    SuppressedTable,
    Suppression,
    round_count,
    suppress_counts,
    suppress_derived,
)

__all__ = [
    "DisclosurePolicy",
    "Finding",
    "PublishedResults",
    "SuppressedTable",
    "Suppression",
    "load_policy",
    "publishable_results",
    "round_count",
    "scan_text",
    "scan_tree",
    "suppress_counts",
    "suppress_derived",
]
