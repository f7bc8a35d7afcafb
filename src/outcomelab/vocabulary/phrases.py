"""Texts kept language-neutral until they are shown: a text key and its values.

An evaluation step that explains a choice (why this design, why this evidence level, why an
outcome could not be estimated) keeps a :class:`Phrase` rather than a sentence in one language, so
that one estimation can be shown in Swedish and in English. The sentence is written when a page
is rendered: ``phrase.text("sv")``.

A phrase's values are language-neutral (a count, a list of years), other phrases, or
:class:`Localised` values already written in every language (an outcome's name, a number with
Swedish or English decimals). :class:`Joined` puts several texts one after the other.

Examples
--------
>>> p = phrase("d_requested", design="did")
>>> p.text("en")
'The design (did) was fixed in the parameters.'
>>> in_language(Joined((p, phrase("d_both"))), "sv")[:34]
'Designen (did) var förvald i param'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from outcomelab._checks import LANGUAGES, check_lang
from outcomelab.vocabulary.texts import TextError, has_text, t

__all__ = [
    "Joined",
    "Localised",
    "Phrase",
    "Text",
    "each_language",
    "in_language",
    "in_languages",
    "phrase",
]


@dataclass(frozen=True)
class Localised:
    """A value already written in every language (``{"sv": ..., "en": ...}``)."""

    texts: Mapping[str, str]

    def text(self, lang: str) -> str:
        """The value in ``lang``."""
        return self.texts[check_lang(lang)]


@dataclass(frozen=True)
class Phrase:
    """The text ``key`` of the vocabulary with its values, written in a language when shown.

    Raises
    ------
    TextError
        When ``key`` is not in the text table (at once, not when the page is rendered).
    """

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not has_text(self.key):
            raise TextError(
                f"There is no text {self.key!r} in outcomelab/vocabulary/words; add it."
            )
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def text(self, lang: str) -> str:
        """The sentence in ``lang`` with every value written in ``lang``."""
        return t(self.key, lang, **{k: in_language(v, lang) for k, v in self.values.items()})


@dataclass(frozen=True)
class Joined:
    """Several texts shown one after the other (with ``separator`` between them)."""

    parts: tuple[Any, ...]
    separator: str = " "

    def text(self, lang: str) -> str:
        """The parts in ``lang``, joined."""
        return self.separator.join(in_language(p, lang) for p in self.parts)


#: what an evaluation step keeps where a reader will see words: a phrase, phrases joined, a value
#: written in every language, or a language-neutral string (a code, an estimator's own message)
Text = Phrase | Joined | Localised | str


def phrase(key: str, **values: Any) -> Phrase:
    """The text ``key`` with ``values`` (see :class:`Phrase`)."""
    return Phrase(key, values)


def each_language(write: Callable[[str], str]) -> Localised:
    """``write(lang)`` for every language, kept as one value.

    Examples
    --------
    >>> from outcomelab.vocabulary.numbers import fmt_num
    >>> each_language(lambda lang: fmt_num(0.125, lang, 3)).text("sv")
    '0,125'
    """
    return Localised(MappingProxyType({lang: write(lang) for lang in LANGUAGES}))


def in_language(value: Any, lang: str) -> Any:
    """``value`` written in ``lang`` (texts); anything else is returned as it is."""
    if isinstance(value, Phrase | Joined | Localised):
        return value.text(lang)
    return value


def in_languages(value: Any) -> dict[str, Any]:
    """``value`` in every language, ``{"sv": ..., "en": ...}``."""
    return {lang: in_language(value, lang) for lang in LANGUAGES}
