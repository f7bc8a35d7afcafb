"""Keyed pseudonyms of personal identity numbers (HMAC-SHA256 of the canonical 12-digit form).

Policy for numbers that are not valid: they are never passed through in clear. By default the
whole run fails and reports the rows and reasons (``on_invalid="fail"``); with
``on_invalid="withhold"`` the rows are left out of the output and reported. Reports name rows and
reasons only, never the numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab._checks import check_choice, require_columns, rows_preview
from outcomelab.errors import InputError
from outcomelab.identity.keys import check_key, key_id
from outcomelab.identity.personnummer import REASONS, parse_personnummer
from outcomelab.row_numbers import SOURCE_ROWS_ATTR, RowNumbers, source_rows

__all__ = ["PseudonymisedTable", "pseudonymise", "pseudonymise_table"]

OnInvalid = Literal["fail", "withhold"]


def _hmac_hex(canonical: Iterable[str], key: bytes) -> list[str]:
    base = hmac.new(key, digestmod=hashlib.sha256)  # key schedule once, then copy per value
    out = []
    for value in canonical:
        mac = base.copy()
        mac.update(value.encode("ascii"))
        out.append(mac.hexdigest())
    return out


def _digest(canonical: pd.Series, key: bytes) -> pd.Series:
    """HMAC of each canonical number, computed once per distinct number."""
    codes, uniques = pd.factorize(canonical)
    hashed = np.array([*_hmac_hex(np.asarray(uniques, dtype=str), key), None], dtype=object)
    return pd.Series(hashed[codes], index=canonical.index, dtype=object)


def _invalid_message(positions: Iterable[object], reasons: pd.Series, where: str) -> str:
    counts = reasons.value_counts()
    reason_text = "; ".join(f"{REASONS[r]} ({n})" for r, n in counts.items())
    n = int(counts.sum())
    return (
        f"{n} value{'s are' if n != 1 else ' is'} not a valid personal identity or coordination "
        f"number ({where} {rows_preview(positions)}): {reason_text}. Nothing was pseudonymised; "
        "correct them, or withhold those rows (`on_invalid='withhold'`, CLI `--on-invalid "
        "withhold`)."
    )


def pseudonymise(
    values: Iterable[object] | pd.Series,
    key: bytes,
    *,
    reference_date: dt.date | str | None = None,
) -> pd.Series:
    """Replace personal identity numbers by keyed pseudonyms.

    Parameters
    ----------
    values
        Personnummer or samordningsnummer in any written form (10 or 12 digits, ``-``/``+``
        separator or none).
    key
        The lab's secret key (bytes, at least 16; read a key file with
        :func:`~outcomelab.identity.read_key`).
    reference_date
        Date for the century of 10-digit numbers (default today); see
        :func:`~outcomelab.identity.parse_personnummer`.

    Returns
    -------
    pandas.Series
        64 lower-case hexadecimal characters per value, same index as ``values``.

    Raises
    ------
    InputError
        If any value is not a valid number (listing their index labels and reasons, never the
        values).
    ParameterError
        If ``key`` is not bytes of at least 16.

    Notes
    -----
    ``pseudonym = HMAC-SHA256(key, "YYYYMMDDNNNC")`` in hexadecimal, where ``YYYYMMDDNNNC`` is the
    canonical 12-digit form. Normalising first gives one person one pseudonym whatever form was
    written, in every file pseudonymised under the same key; without the key the pseudonym
    cannot be recomputed from a guessed number (unlike a plain hash of a number whose 10^4
    serials per birth date are easy to enumerate).

    References
    ----------
    Krawczyk, Bellare & Canetti (1997). HMAC: Keyed-Hashing for Message Authentication. RFC 2104.

    Examples
    --------
    >>> p = pseudonymise(["811218-9876", "198112189876"], b"k" * 32, reference_date="2026-01-01")
    >>> p.iloc[0] == p.iloc[1], len(p.iloc[0])
    (True, 64)
    """
    secret = check_key(key)
    parsed = parse_personnummer(values, reference_date=reference_date)
    invalid = ~parsed["valid"].to_numpy(dtype=bool)
    if invalid.any():
        positions = np.flatnonzero(invalid)
        raise InputError(
            _invalid_message(parsed.index[positions], parsed["reason"].iloc[positions], "index")
        )
    return _digest(parsed["canonical"], secret).rename("person_id")


@dataclass(frozen=True)
class PseudonymisedTable:
    """A table whose identity column was replaced by pseudonyms.

    Attributes
    ----------
    data
        The table without the original column; the pseudonym column sits where it was. Rows
        with an invalid number are absent when they were withheld.
    invalid
        One row per invalid number: ``row`` (as seen in the file) and ``reason`` (code and text);
        never the number itself.
    key_id
        Fingerprint of the key used (see :func:`~outcomelab.identity.key_id`).
    column, out_column
        The column replaced and the pseudonym column's name.
    """

    data: pd.DataFrame = field(repr=False)
    invalid: pd.DataFrame = field(repr=False)
    key_id: str
    column: str
    out_column: str

    @property
    def n_pseudonymised(self) -> int:
        """Rows written with a pseudonym."""
        return len(self.data)

    @property
    def n_withheld(self) -> int:
        """Rows left out because their number was invalid."""
        return len(self.invalid)


def pseudonymise_table(
    data: pd.DataFrame,
    column: str,
    key: bytes,
    *,
    out_column: str = "person_id",
    on_invalid: OnInvalid = "fail",
    reference_date: dt.date | str | None = None,
) -> PseudonymisedTable:
    """Replace a table's column of personal identity numbers by a pseudonym column.

    Parameters
    ----------
    data
        The table (as read by :func:`outcomelab.schemas.read_table`, so row numbers match the
        file).
    column
        The column holding personnummer/samordningsnummer.
    key
        The lab's secret key.
    out_column
        Name of the pseudonym column (default ``person_id``, the standard tables' name). It takes
        the original column's position; the original column is dropped.
    on_invalid
        ``"fail"`` (default): raise if any number is invalid and produce nothing. ``"withhold"``:
        leave those rows out and list them in ``invalid``.
    reference_date
        Date for the century of 10-digit numbers (default today).

    Returns
    -------
    PseudonymisedTable
        ``data`` (without ``column``), ``invalid`` (``row, reason, explanation``), ``key_id``.

    Raises
    ------
    InputError
        If ``column`` is missing, ``out_column`` would overwrite another column, or (with
        ``on_invalid="fail"``) some numbers are invalid: the message lists file rows and reasons.

    Notes
    -----
    See :func:`pseudonymise` for the pseudonym's formula.
    """
    check_choice("on_invalid", on_invalid, ("fail", "withhold"))
    require_columns(data, column=column)
    secret = check_key(key)
    if out_column != column and out_column in data.columns:
        raise InputError(
            f"The table already has a column {out_column!r}; choose another `out_column` or "
            "remove that column first."
        )
    rows = source_rows(data)
    parsed = parse_personnummer(data[column], reference_date=reference_date)
    valid = parsed["valid"].to_numpy(dtype=bool)
    reasons = parsed["reason"].to_numpy(dtype=object)[~valid]
    invalid = pd.DataFrame(
        {
            "row": rows[~valid],
            "reason": reasons,
            "explanation": [REASONS[r] for r in reasons],
        }
    )
    if len(invalid) and on_invalid == "fail":
        raise InputError(_invalid_message(invalid["row"], invalid["reason"], "rows"))
    position = list(data.columns).index(column)
    kept = data.loc[valid].drop(columns=[column])
    pseudonyms = _digest(parsed["canonical"][valid], secret)
    kept.insert(position, out_column, pseudonyms.to_numpy(dtype=object))
    kept = kept.reset_index(drop=True)
    kept.attrs = {k: v for k, v in data.attrs.items() if k != SOURCE_ROWS_ATTR}
    kept.attrs[SOURCE_ROWS_ATTR] = RowNumbers.from_array(rows[valid])
    return PseudonymisedTable(
        data=kept, invalid=invalid, key_id=key_id(secret), column=column, out_column=out_column
    )
