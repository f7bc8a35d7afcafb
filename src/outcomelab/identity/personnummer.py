"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

Recognises the written forms ``YYMMDD-NNNC``, ``YYMMDD+NNNC``, ``YYMMDDNNNC``, ``YYYYMMDD-NNNC`` and
``YYYYMMDDNNNC`` (a space or an en dash also serve as ``-``), checks the date part and the Luhn
check digit, and writes every valid number in the 12-digit canonical form ``YYYYMMDDNNNC`` so that
one person has one form whatever was written.

Century of a 10-digit number (Skatteverket's rule): the birth year is the latest year ending in
``YY`` whose birth date is not after the reference date; a ``+`` separator (used from the year the
person turns 100) moves it back one more century. A 12-digit number carries its century.

A coordination number is a personnummer whose day is increased by 60 (day 61-91); it keeps its
day + 60 in the canonical form, because it is a different number from the person's later
personnummer.

References
----------
Skatteverket (2021). *Personnummer*, SKV 704 utgåva 8; *Samordningsnummer*, SKV 707.
Folkbokföringslagen (1991:481) 18 § (personnummer), 18 a § (samordningsnummer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from outcomelab.errors import InputError

__all__ = [
    "canonical_personnummer",
    "looks_like_personnummer",
    "luhn_check_digit",
    "parse_personnummer",
]

#: accepted separators before the last four digits ('+' = aged 100 or more; a space or an en dash
#: as word processors write them count as '-')
_SEPARATORS = ["-", "+", " ", "\u2013"]
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

#: reason codes of :func:`parse_personnummer` and what they mean
REASONS = {
    "empty": "the cell is empty",
    "format": "not a personal identity number of 10 or 12 digits (YYMMDD-NNNC or YYYYMMDDNNNC)",
    "month": "the month is not 01-12",
    "day": "the day does not exist in that month (or 61-91 for a coordination number)",
    "future": "the birth date is after the reference date",
    "serial": "the birth number (digits 7-9 of YYMMDDNNNC) is 000, which is never issued",
    "check_digit": "the last (Luhn check) digit is wrong",
}


def luhn_check_digit(nine_digits: str) -> int:
    """Return the Luhn check digit of the first nine digits ``YYMMDDNNN`` of a personnummer.

    Parameters
    ----------
    nine_digits
        Exactly nine decimal digits.

    Returns
    -------
    int
        The check digit 0-9.

    Raises
    ------
    InputError
        If ``nine_digits`` is not nine digits.

    Notes
    -----
    Digits are multiplied alternately by 2 and 1 from the left, the digits of the products summed,
    and the check digit is ``(10 - sum mod 10) mod 10``.

    Examples
    --------
    >>> luhn_check_digit("811218987")
    6
    """
    if len(nine_digits) != 9 or not nine_digits.isdigit():
        raise InputError(f"Expected nine digits YYMMDDNNN, got {len(nine_digits)} characters.")
    total = 0
    for i, ch in enumerate(nine_digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _luhn_ok(ten: np.ndarray) -> np.ndarray:
    """Vectorised Luhn test of an (n, 10) array of digits."""
    weights = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
    products = ten[:, :9] * weights
    total = (products // 10 + products % 10).sum(axis=1)
    return (10 - total % 10) % 10 == ten[:, 9]


def _reference(reference_date: dt.date | str | None) -> dt.date:
    if reference_date is None:
        return dt.date.today()
    if isinstance(reference_date, str):
        return dt.date.fromisoformat(reference_date)
    if isinstance(reference_date, dt.datetime):
        return reference_date.date()
    return reference_date


def _as_series(values: Iterable[object] | str) -> pd.Series:
    if isinstance(values, str):
        return pd.Series([values], dtype=object)
    if isinstance(values, pd.Series):
        return values.astype(object)
    return pd.Series(list(values), dtype=object)


def _digit_matrix(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shape test and digits of each string.

    Returns ``shaped`` (10 or 12 digits, optionally ``-``/``+`` before the last four), ``plus``,
    ``has_cc`` and an (n, 12) digit matrix (10-digit numbers left-padded with zeros).
    """
    n = len(text)
    length = text.str.len().to_numpy(dtype=np.int64, na_value=0)
    sep_char = text.str.slice(-5, -4)
    has_sep = np.isin(length, (11, 13)) & sep_char.isin(_SEPARATORS).to_numpy(dtype=bool)
    plus = has_sep & (sep_char == "+").to_numpy(dtype=bool)
    digits = text.where(~has_sep, text.str.slice(0, -5) + text.str.slice(-4))
    digit_len = np.where(has_sep, length - 1, length)
    shaped = np.isin(digit_len, (10, 12)) & digits.str.fullmatch(r"[0-9]+").to_numpy(
        dtype=bool, na_value=False
    )
    has_cc = shaped & (digit_len == 12)
    padded = digits.where(pd.Series(~shaped | has_cc, index=digits.index), "00" + digits)
    padded = padded.where(pd.Series(shaped, index=digits.index), "000000000000")
    raw = np.asarray(padded.to_numpy(dtype=object), dtype="S12")
    matrix = raw.view(np.uint8).reshape(n, 12).astype(np.int64) - 48
    return shaped, plus, has_cc, matrix


def _parse_unique(text: pd.Series, ref: dt.date) -> pd.DataFrame:
    """Parse distinct stripped strings (index 0..n-1) into the result columns."""
    n = len(text)
    shaped, plus, has_cc, m = _digit_matrix(text)
    cc = m[:, 0] * 10 + m[:, 1]
    yy = m[:, 2] * 10 + m[:, 3]
    mm = m[:, 4] * 10 + m[:, 5]
    dd = m[:, 6] * 10 + m[:, 7]
    coordination = dd > 60
    day = np.where(coordination, dd - 60, dd)
    ref_key = ref.year * 10000 + ref.month * 100 + ref.day
    year = (ref.year // 100) * 100 + yy
    year = np.where(year * 10000 + mm * 100 + day > ref_key, year - 100, year)
    year = np.where(plus, year - 100, year)
    year = np.where(has_cc, cc * 100 + yy, year)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_ok = (mm >= 1) & (mm <= 12)
    dim = _DAYS_IN_MONTH[np.clip(mm, 0, 12)] + ((mm == 2) & leap)
    day_ok = month_ok & (day >= 1) & (day <= dim)
    future = year * 10000 + mm * 100 + day > ref_key
    luhn_ok = _luhn_ok(m[:, 2:12])
    reason = np.full(n, "format", dtype=object)
    serial_ok = (m[:, 8] + m[:, 9] + m[:, 10]) > 0
    reason[shaped & ~luhn_ok] = "check_digit"
    reason[shaped & luhn_ok] = None
    reason[shaped & ~serial_ok] = "serial"
    reason[shaped & day_ok & future] = "future"
    reason[shaped & month_ok & ~day_ok] = "day"
    reason[shaped & ~month_ok] = "month"
    reason[(text == "").to_numpy(dtype=bool)] = "empty"
    valid = shaped & luhn_ok & serial_ok & day_ok & ~future
    canonical_digits = np.concatenate(
        [
            np.stack([year // 1000 % 10, year // 100 % 10, year // 10 % 10, year % 10], axis=1),
            m[:, 4:12],
        ],
        axis=1,
    )
    canonical = (canonical_digits + 48).astype(np.uint8).view("S12").ravel().astype(str)
    canonical_col = np.full(n, None, dtype=object)
    canonical_col[valid] = canonical[valid]
    kind = np.full(n, None, dtype=object)
    kind[valid & coordination] = "samordningsnummer"
    kind[valid & ~coordination] = "personnummer"
    births = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if valid.any():
        births[valid] = pd.to_datetime(
            pd.DataFrame({"year": year[valid], "month": mm[valid], "day": day[valid]})
        ).to_numpy(dtype="datetime64[ns]")
    return pd.DataFrame(
        {
            "canonical": pd.Series(canonical_col, dtype=object),
            "valid": valid,
            "kind": pd.Series(kind, dtype=object),
            "birth_date": births,
            "reason": pd.Series(reason, dtype=object),
        }
    )


def parse_personnummer(
    values: Iterable[object] | str, *, reference_date: dt.date | str | None = None
) -> pd.DataFrame:
    """Check and normalise personal identity and coordination numbers.

    Parameters
    ----------
    values
        One number or a column of them, in any written form (10 or 12 digits, with ``-``, ``+``
        or no separator; surrounding spaces ignored).
    reference_date
        The date centuries of 10-digit numbers are inferred against (default: today). Pass the
        date the list was extracted, so a re-run next year gives the same result.

    Returns
    -------
    pandas.DataFrame
        One row per value, same index as ``values`` (if a Series), with columns
        ``canonical`` (``YYYYMMDDNNNC`` or None), ``valid`` (bool), ``kind``
        (``"personnummer"``/``"samordningsnummer"``/None), ``birth_date`` and ``reason`` (None
        when valid, else one of ``empty, format, month, day, future, serial, check_digit``; see
        ``REASONS``).

    Notes
    -----
    The canonical form is what :func:`~outcomelab.identity.pseudonymise` hashes, so
    ``"811218-9876"``, ``"8112189876"`` and ``"198112189876"`` give the same pseudonym.

    Examples
    --------
    >>> parse_personnummer(["811218-9876", "19811218-9875"], reference_date="2026-01-01")[
    ...     ["canonical", "reason"]].values.tolist()
    [['198112189876', None], [None, 'check_digit']]
    """
    ref = _reference(reference_date)
    series = _as_series(values)
    missing = series.isna().to_numpy()
    text = series.where(~missing, "").astype(str).str.strip()
    codes, uniques = pd.factorize(text)
    parsed = _parse_unique(pd.Series(uniques, dtype=object).astype(str), ref)
    result = parsed.iloc[codes].reset_index(drop=True)
    result.index = series.index
    return result


def canonical_personnummer(value: str, *, reference_date: dt.date | str | None = None) -> str:
    """Return the 12-digit canonical form of one number.

    Raises
    ------
    InputError
        If ``value`` is not a valid personnummer or samordningsnummer (the message gives the
        reason but never repeats the number).
    """
    row = parse_personnummer([value], reference_date=reference_date).iloc[0]
    if not row["valid"]:
        raise InputError(f"Not a valid personal identity number: {REASONS[row['reason']]}.")
    return str(row["canonical"])


def looks_like_personnummer(values: Iterable[object] | str) -> np.ndarray:
    """Mask of the values that look like a personal identity or coordination number in clear.

    Deliberately generous (a number with a wrong check digit is still someone's number, typed
    wrongly): it asks for the 10- or 12-digit shape and a possible month and day (day 1-31 or
    61-91), not for a correct check digit.

    Parameters
    ----------
    values
        A column of cells (any type; non-strings are written as text first).

    Returns
    -------
    numpy.ndarray of bool
        True where the value looks like an identity number.
    """
    series = _as_series(values)
    codes, uniques = pd.factorize(series)
    if len(uniques) == 0:
        return np.zeros(len(series), dtype=bool)
    uniq = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str).str.strip()
    shaped, _plus, _cc, m = _digit_matrix(uniq)
    mm = m[:, 4] * 10 + m[:, 5]
    dd = m[:, 6] * 10 + m[:, 7]
    plausible = (
        shaped & (mm >= 1) & (mm <= 12) & (((dd >= 1) & (dd <= 31)) | ((dd >= 61) & (dd <= 91)))
    )
    plausible = np.append(plausible, False)  # code -1: a missing cell
    return plausible[codes]
