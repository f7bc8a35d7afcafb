"""The portal's words in Swedish and English: ``portal_*`` and ``rule_*`` in the vocabulary.

Nothing else in the portal holds a sentence a person reads, except the validation messages, which
come from :mod:`outcomelab.schemas` (English; the Swedish meaning of each rule is ``rule_<check>``
in ``vocabulary/words/portal.toml``).
"""

from __future__ import annotations

from typing import Any

from outcomelab._checks import LANGUAGES
from outcomelab.vocabulary.texts import t

__all__ = ["LANGUAGES", "rule_meaning", "word"]


def word(key: str, lang: str, **values: Any) -> str:
    """The portal's word or sentence ``key`` (``portal_<key>`` in the vocabulary) in ``lang``.

    A language the request asks for that the lab does not write in is shown in Swedish.

    Raises
    ------
    TextError
        For an unknown key (a programming error the tests catch).
    """
    key = key.removeprefix("portal_")
    return t(f"portal_{key}", lang if lang in LANGUAGES else "sv", **values)


def rule_meaning(check: str, lang: str) -> str:
    """The meaning of a validation rule in ``lang`` (the rule's name if it is not listed)."""
    return t(f"rule_{check}", lang if lang in LANGUAGES else "sv", default=check)
