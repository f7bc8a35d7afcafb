"""The words of the published catalogue: labels of the site and reader words for data values.

Both come from the vocabulary (:mod:`outcomelab.vocabulary.texts`, keys ``site_*`` and ``code_*``;
outcome names from the outcome catalogue); this module keeps no words of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from outcomelab._checks import LANGUAGES
from outcomelab.vocabulary import lab_catalogue
from outcomelab.vocabulary.texts import code_label, t

__all__ = ["LANGUAGES", "label", "local_outcome_names", "term"]


def label(key: str, lang: str, **values: Any) -> str:
    """The site's label ``key`` (``site_<key>`` in the text table) in ``lang``.

    Raises
    ------
    TextError
        If the site has no label ``key``.
    """
    return t(f"site_{key}", lang, **values)


def local_outcome_names(results: Iterable[Mapping[str, Any]], lang: str) -> dict[str, str]:
    """The names in ``lang`` of the outcomes in ``results`` that the lab's catalogue does not
    hold (a submission's local outcomes), keyed by code.

    The names come from results.json's ``texts.<lang>.outcome_names`` (the submission's own
    ``name_sv``/``name_en``); a result written before it held both languages gives its
    outcomes' ``name`` in its own language. Where two evaluations give one local code two
    names, the first evaluation's name is kept.

    Examples
    --------
    >>> r = {"texts": {"sv": {"outcome_names": {"local_score": "Godkända betyg"}}},
    ...      "outcomes": [{"code": "local_score", "name": "Passing grades"}]}
    >>> local_outcome_names([r], "sv")
    {'local_score': 'Godkända betyg'}
    >>> local_outcome_names([r], "en")
    {'local_score': 'Passing grades'}
    """
    lab = lab_catalogue()
    names: dict[str, str] = {}
    for result in results:
        given = ((result.get("texts") or {}).get(lang) or {}).get("outcome_names") or {}
        for outcome in result.get("outcomes") or []:
            code = str(outcome.get("code"))
            name = given.get(code) or outcome.get("name")
            if code not in lab and name:
                names.setdefault(code, str(name))
    return names


def term(value: object, lang: str, names: Mapping[str, str] | None = None) -> str:
    """A data value as the reader sees it: an outcome code by its name (the lab's catalogue, then
    ``names``: the local outcomes' names, see :func:`local_outcome_names`), a code of the
    standard tables or of results.json by its word (first letter upper case), anything else as
    given."""
    text = str(value)
    outcomes = lab_catalogue()
    if text in outcomes:
        return outcomes[text].name(lang)
    if names and text in names:
        return names[text]
    word = code_label(text, lang)
    return word[:1].upper() + word[1:]
