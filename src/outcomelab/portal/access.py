"""Who may see which submission, upload, report and receipt.

A submission belongs to the organisation named in its interventions table
(``organisation_code``), the same rule the upload checks before anything is stored, so a
submission made on the command line has an owner too. Rules:

* a submitter sees its own organisation's uploads, submissions, receipts and reports;
* an evaluator sees every submission, or only its organisation's when it belongs to one;
* a publisher (the competence centre) sees evaluations and their reports, not the tables;
* an administrator sees accounts and the audit log, not submissions.

Anything not visible answers 404, as an id that does not exist does, so ids cannot be probed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from outcomelab.errors import OutcomelabError
from outcomelab.portal.accounts.model import User
from outcomelab.store import Store

__all__ = [
    "can_see_report",
    "can_see_submission",
    "owner_of",
    "visible_submissions",
]


@lru_cache(maxsize=4096)
def _owner(store_path: str, submission_id: str) -> str | None:
    path = Path(store_path) / "submissions" / submission_id / "tables" / "interventions.parquet"
    if not path.is_file():
        return None
    codes = pq.read_table(path, columns=["organisation_code"]).column(0).to_pylist()
    found = {str(c) for c in codes if c is not None}
    return found.pop() if len(found) == 1 else None


def owner_of(store: Store, submission_id: str) -> str | None:
    """The organisation that owns a stored submission (None if it cannot be told).

    Stored submissions never change, so the answer is cached.
    """
    if len(submission_id) != 64 or not all(c in "0123456789abcdef" for c in submission_id):
        return None
    return _owner(str(store.path), submission_id)


def can_see_submission(user: User, organisation: str | None) -> bool:
    """True if ``user`` may see a submission (its tables, receipt, versions) of ``organisation``."""
    if organisation is None:
        return False
    if user.has("submitter") and user.organisation_code == organisation:
        return True
    return user.has("evaluator") and user.organisation_code in (None, organisation)


def can_see_report(user: User, organisation: str | None) -> bool:
    """True if ``user`` may read the report of an evaluation of ``organisation``'s submission."""
    return can_see_submission(user, organisation) or user.has("publisher")


def visible_submissions(store: Store, user: User) -> pd.DataFrame:
    """The store's listing (:meth:`Store.list`) limited to what ``user`` may see, with owners."""
    try:
        listing = store.list()
    except OutcomelabError:
        listing = pd.DataFrame()
    if listing.empty:
        return listing.assign(organisation_code=pd.Series([], dtype=object))
    owners = [owner_of(store, str(s)) for s in listing["submission_id"]]
    listing = listing.assign(organisation_code=owners)
    keep = [can_see_submission(user, o) for o in owners]
    return listing[keep].reset_index(drop=True)
