"""Finding personal identity numbers left in clear: in numeric cells, in free text, in names.

Two rules, for two kinds of place:

* **Free text** (a note, a name, a comment column, a column header) is searched for anything of
  the written shape of a personnummer or samordningsnummer inside the text, with a possible month
  and day (:data:`PNR_IN_TEXT`); a wrong check digit still counts (a number typed wrongly is still
  someone's number).
* **Numeric cells** (an outcome value, a dosage, a year) hold numbers, and a number can look like
  anything, so there the rule is strict: the cell, as written, must *be* a valid personnummer or
  samordningsnummer -- 10 or 12 digits (a 12-digit one with century 18, 19 or 20), a real date
  (day + 60 for a coordination number), a birth number other than 000 and a correct Luhn check
  digit (:func:`numeric_identity_numbers`). Every real number passes all of these; of all 10-digit
  whole numbers about 0.7 % do, and no number below 10^9, with decimals or of another length ever
  does -- no false alarm on the values the standard tables hold (days, amounts, rates, years).
  Not caught: a 10-digit number of someone born 2000-2009 whose leading zero a spreadsheet
  dropped (9 digits), because 9-digit amounts are legitimate in a costs table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from outcomelab.errors import InputError
from outcomelab.identity.personnummer import parse_personnummer

__all__ = ["PNR_IN_TEXT", "mentions_personnummer", "numeric_identity_numbers", "refuse_in_text"]

#: a personnummer or samordningsnummer inside free text (not part of a longer run of digits)
PNR_IN_TEXT = (
    r"(?:^|[^0-9])(?:[0-9]{2})?[0-9]{2}(?:0[1-9]|1[0-2])"
    r"(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])[-+ \u2013]?[0-9]{4}(?:[^0-9]|$)"
)


def _text(values: pd.Series) -> pd.Series:
    return values.where(values.notna(), "").astype(str)


def mentions_personnummer(values: pd.Series) -> np.ndarray:
    """Mask of the texts that contain something of the shape of an identity number.

    Parameters
    ----------
    values
        Cells of free text (anything else is written as text first; missing cells are empty).

    Returns
    -------
    numpy.ndarray of bool
    """
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    return _text(values).str.contains(PNR_IN_TEXT, regex=True).to_numpy(dtype=bool)


def numeric_identity_numbers(values: pd.Series) -> np.ndarray:
    """Mask of numeric cells that, as written, are a valid personnummer or samordningsnummer.

    Parameters
    ----------
    values
        Cells of a numeric column as text (``"198112189876"``); a trailing ``.0`` from a
        spreadsheet's float is ignored.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> numeric_identity_numbers(pd.Series(["198112189876", "4263.88", "1981121898"])).tolist()
    [True, False, False]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    text = _text(values).str.strip().str.replace(r"\.0+$", "", regex=True)
    shaped = text.str.fullmatch(r"(?:18|19|20)?[0-9]{6}[-+]?[0-9]{4}").to_numpy(dtype=bool)
    found = np.zeros(len(text), dtype=bool)
    if shaped.any():
        parsed = parse_personnummer(text[shaped].reset_index(drop=True))
        found[np.flatnonzero(shaped)] = parsed["valid"].to_numpy(dtype=bool)
    return found


def refuse_in_text(text: str | None, *, what: str) -> None:
    """Raise if free text the user gave holds what looks like a personal identity number.

    Parameters
    ----------
    text
        The text (``None`` is fine).
    what
        How the user gave it (``--note``), for the message; the number itself is never repeated.

    Raises
    ------
    InputError
        The text contains a number of the shape of a personnummer or samordningsnummer.
    """
    if text and mentions_personnummer(pd.Series([text]))[0]:
        raise InputError(
            f"{what} holds what looks like a personal identity number; nothing was stored. "
            "Remove the number (the lab never keeps identity numbers in clear)."
        )
