"""The words of the published catalogue: labels of the site and reader words for data values.

Both come from the vocabulary (:mod:`outcomelab.vocabulary.texts`, keys ``site_*`` and ``code_*``;
outcome names from the outcome catalogue); this module keeps no words of its own.
"""

from __future__ import annotations

from typing import Any

from outcomelab._checks import LANGUAGES
from outcomelab.vocabulary import lab_catalogue
from outcomelab.vocabulary.texts import code_label, t

__all__ = ["LANGUAGES", "label", "term"]


def label(key: str, lang: str, **values: Any) -> str:
    """The site's label ``key`` (``site_<key>`` in the text table) in ``lang``.

    Raises
    ------
    TextError
        If the site has no label ``key``.
    """
    return t(f"site_{key}", lang, **values)


def term(value: object, lang: str) -> str:
    """A data value as the reader sees it: an outcome code by its name, a code of the standard
    tables or of results.json by its word (first letter upper case), anything else as given."""
    text = str(value)
    outcomes = lab_catalogue()
    if text in outcomes:
        return outcomes[text].name(lang)
    word = code_label(text, lang)
    return word[:1].upper() + word[1:]
