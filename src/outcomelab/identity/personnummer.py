"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

Recognises the written forms ``YYMMDD-NNNC``, ``YYMMDD+NNNC``, ``YYMMDDNNNC``, ``YYYYMMDD-NNNC`` and
``YYYYMMDDNNNC``, checks the date part and the Luhn check digit, and writes every valid number in
the 12-digit canonical form ``YYYYMMDDNNNC`` so that one person has one form whatever was written.

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

_PNR_RE = (
    r"(?P<cc>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})(?P<sep>[-+]?)(?P<nnn>\d{3})(?P<c>\d)"
)
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

#: reason codes of :func:`parse_personnummer` and what they mean
REASONS = {
    "empty": "the cell is empty",
    "format": "not a personal identity number of 10 or 12 digits (YYMMDD-NNNC or YYYYMMDDNNNC)",
    "month": "the month is not 01-12",
    "day": "the day does not exist in that month (or 61-91 for a coordination number)",
    "future": "the birth date is after the reference date",
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


def _parse_unique(text: pd.Series, ref: dt.date) -> pd.DataFrame:
    """Parse distinct stripped strings (index 0..n-1) into the result columns."""
    n = len(text)
    out = pd.DataFrame(
        {
            "canonical": pd.Series([None] * n, dtype=object),
            "valid": np.zeros(n, dtype=bool),
            "kind": pd.Series([None] * n, dtype=object),
            "birth_date": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
            "reason": pd.Series(["format"] * n, dtype=object),
        }
    )
    out.loc[(text == "").to_numpy(), "reason"] = "empty"
    parts = text.str.extract(f"^{_PNR_RE}$")
    shaped = parts["yy"].notna().to_numpy()
    if not shaped.any():
        return out
    p = parts[shaped]
    yy = p["yy"].astype(int).to_numpy()
    mm = p["mm"].astype(int).to_numpy()
    dd = p["dd"].astype(int).to_numpy()
    plus = (p["sep"] == "+").to_numpy()
    has_cc = p["cc"].notna().to_numpy()
    cc = p["cc"].fillna("0").astype(int).to_numpy()
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
    ten_text = (p["yy"] + p["mm"] + p["dd"] + p["nnn"] + p["c"]).to_numpy(dtype=str)
    ten = np.frombuffer("".join(ten_text).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - 48
    luhn_ok = _luhn_ok(ten.astype(np.int64))
    reason = np.full(len(p), None, dtype=object)
    reason[~luhn_ok] = "check_digit"
    reason[day_ok & future] = "future"
    reason[month_ok & ~day_ok] = "day"
    reason[~month_ok] = "month"
    valid = reason == None  # noqa: E711  (elementwise test on an object array)
    idx = np.flatnonzero(shaped)
    out.loc[idx, "reason"] = reason
    out.loc[idx, "valid"] = valid
    canonical = pd.Series(year, dtype=str).str.zfill(4) + (
        p["mm"] + p["dd"] + p["nnn"] + p["c"]
    ).to_numpy(dtype=str)
    out.loc[idx[valid], "canonical"] = canonical.to_numpy(dtype=object)[valid]
    out.loc[idx[valid], "kind"] = np.where(coordination[valid], "samordningsnummer", "personnummer")
    births = pd.to_datetime(
        pd.DataFrame({"year": year[valid], "month": mm[valid], "day": day[valid]})
    )
    out.loc[idx[valid], "birth_date"] = births.to_numpy()
    return out


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
        when valid, else one of ``empty, format, month, day, future, check_digit``; see
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
    text = series.where(series.notna(), "").astype(str).str.strip()
    codes, uniques = pd.factorize(text)
    uniq = pd.Series(uniques, dtype=object).astype(str)
    parts = uniq.str.extract(f"^{_PNR_RE}$")
    shaped = parts["yy"].notna().to_numpy()
    mm = pd.to_numeric(parts["mm"], errors="coerce").to_numpy()
    dd = pd.to_numeric(parts["dd"], errors="coerce").to_numpy()
    with np.errstate(invalid="ignore"):
        plausible = (
            shaped & (mm >= 1) & (mm <= 12) & (((dd >= 1) & (dd <= 31)) | ((dd >= 61) & (dd <= 91)))
        )
    return plausible[codes] if len(codes) else np.zeros(0, dtype=bool)
