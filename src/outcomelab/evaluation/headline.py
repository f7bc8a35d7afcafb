"""Plain-language headline sentences in Swedish and English, in the data labs' style.

"For every 100 participants, 8 more were in work after 24 months than in a comparable group; the
95% interval runs from 3 to 13 more." A non-significant result is described as the Justice Data
Lab does: more people are needed to tell, not a failure of the programme.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from outcomelab.vocabulary import OutcomeDefinition
from outcomelab.vocabulary.numbers import (
    MINUS,
    fmt_p_relation,
    fmt_pct,
    format_effect,
    format_interval,
)
from outcomelab.vocabulary.texts import has_text, t

__all__ = [
    "after_words",
    "effect_sentence",
    "effect_words",
    "headline_text",
    "interval_phrase",
    "significance_sentence",
    "unit_word",
    "units_word",
]

#: the sentence each outcome kind's effect is told in
_SENTENCE = {
    "rate": "hl_rate",
    "amount_sek": "hl_amount",
    "continuous": "hl_continuous",
}
#: kinds whose amounts are said with their unit ("4 897 kr mindre")
_WITH_UNIT = frozenset({"amount_sek", "continuous"})
#: "more"/"fewer" words per kind
_WORDS = {
    "amount_sek": ("more_amount", "fewer_amount"),
    "continuous": ("more_continuous", "fewer_continuous"),
}


def units_word(unit: str, lang: str, *, comparison: bool = False) -> str:
    """The plural noun for the units of an evaluation: ``deltagare`` for persons, ``delstater``
    for states, ``enheter`` for a unit the vocabulary does not name.

    ``comparison=True`` gives the word for the comparison group (``personer`` for persons).

    Examples
    --------
    >>> units_word("state", "sv"), units_word("person", "en", comparison=True)
    ('delstater', 'people')
    """
    if comparison and unit == "person":
        return t("comparison_person", lang)
    key = f"units_{unit}"
    return t(key, lang) if has_text(key) else t("units_other", lang)


def after_words(follow_up_months: int, lang: str) -> str:
    """When the effect is read, capitalised: ``Efter 24 månader``, or ``Under startåret`` for a
    follow-up of 0 months (two-period designs read the start year).

    Examples
    --------
    >>> after_words(24, "en"), after_words(0, "sv")
    ('After 24 months', 'Under startåret')
    """
    if int(follow_up_months) == 0:
        return t("after_start", lang)
    return t("after_months", lang, months=follow_up_months)


def unit_word(info: OutcomeDefinition, lang: str) -> str:
    """The unit an effect on ``info`` is given in: the kind's word, else the catalogue's unit."""
    key = f"unit_{info.kind}"
    return t(key, lang) if has_text(key) else info.unit


def effect_sentence(
    result: Mapping[str, Any],
    info: OutcomeDefinition,
    *,
    lang: str,
    follow_up_months: int,
    unit: str = "person",
) -> str:
    """One sentence with the size of the effect and its interval.

    Parameters
    ----------
    result
        An entry of ``results["outcomes"]`` (``estimate``, ``conf_low``, ``conf_high``, ``alpha``
        or the level taken from ``alpha`` in the design).
    info
        The outcome's catalogue entry (kind, sentence phrase).
    lang
        ``"sv"`` or ``"en"``.
    follow_up_months
        The follow-up at which the effect is read (0: the start year).
    unit
        The unit of analysis (``person``, or an aggregate unit such as ``state``: the sentence
        then speaks of those units, not of participants).

    Returns
    -------
    str
    """
    est = float(result["estimate"])
    low, high = float(result["conf_low"]), float(result["conf_high"])
    alpha = float(result.get("alpha", 0.05))
    more = est >= 0
    if not more:
        est, low, high = -est, -high, -low
    words = effect_words(info.kind, more)
    after = after_words(follow_up_months, lang)
    if unit == "person":
        key = _SENTENCE.get(info.kind, "hl_count")
    else:
        key = "hl_rate_units" if info.kind == "rate" else "hl_level_units"
    return t(
        key,
        lang,
        After=after,
        after=after[:1].lower() + after[1:],
        units=units_word(unit, lang),
        n=format_effect(est, info.kind, lang, conf_low=low, conf_high=high),
        more=t(words[0], lang),
        state=info.phrase(lang),
        unit=unit_word(info, lang),
        months=follow_up_months,
        interval=interval_phrase(
            low, high, info, lang, level=fmt_pct(1 - alpha, lang), words=words
        ),
    )


def effect_words(kind: str, more: bool) -> tuple[str, str]:
    """The text keys of the effect's direction and the other one ("fler", "färre"; "mer",
    "mindre" for amounts), the effect's first.

    Examples
    --------
    >>> effect_words("amount_sek", more=False)
    ('fewer_amount', 'more_amount')
    """
    words = _WORDS.get(kind, ("more", "fewer"))
    return words if more else (words[1], words[0])


def interval_phrase(
    low: float,
    high: float,
    info: OutcomeDefinition,
    lang: str,
    *,
    level: str,
    words: tuple[str, str],
) -> str:
    """The interval as a reader says it, on the side of zero of the effect it belongs to.

    ``low``/``high`` are already turned so that the effect is positive (``words[0]`` names its
    direction, "fler"; ``words[1]`` the other, "färre"). Both ends on the effect's side: "from 3
    to 13 more"; one end across zero: "between 5.6 fewer and 8.1 more" (never "from -5.6 to 8.1
    more").

    Examples
    --------
    >>> from outcomelab.vocabulary import lab_catalogue
    >>> info = lab_catalogue()["employment"]
    >>> interval_phrase(-0.056, 0.081, info, "sv", level="95", words=("more", "fewer"))
    '95 %-intervallet ligger mellan 5,6 färre och 8,1 fler'
    """
    shown_low, shown_high = format_interval(low, high, info.kind, lang)
    unit = unit_word(info, lang) if info.kind in _WITH_UNIT else ""

    def amount(text: str) -> str:
        return f"{text.lstrip(MINUS + '-')} {unit}".strip()

    if low < 0 < high:
        return t(
            "hl_interval_across",
            lang,
            level=level,
            low=amount(shown_low),
            less=t(words[1], lang),
            high=amount(shown_high),
            more=t(words[0], lang),
        )
    return t(
        "hl_interval_same",
        lang,
        level=level,
        low=shown_low,
        high=amount(shown_high),
        more=t(words[0], lang),
    )


def significance_sentence(verdict: str, p_value: float, *, lang: str, unit: str = "person") -> str:
    """The verdict in words: significant and good, significant and bad, or needs more people
    (more units of the evaluation's kind for aggregate units)."""
    need = (
        t("need_person", lang)
        if unit == "person"
        else t("need_units", lang, units=units_word(unit, lang))
    )
    return t(f"sig_{verdict}", lang, p=fmt_p_relation(p_value, lang), need=need)


def headline_text(
    result: Mapping[str, Any],
    info: OutcomeDefinition,
    *,
    lang: str,
    follow_up_months: int,
    unit: str = "person",
) -> str:
    """The full headline of one outcome: effect sentence plus significance sentence.

    When the effect could not be estimated (``result["error"]``) the sentence says so.

    Examples
    --------
    >>> from outcomelab.vocabulary import lab_catalogue
    >>> r = {"estimate": 0.08, "conf_low": 0.03, "conf_high": 0.13, "p_value": 0.002,
    ...      "verdict": "positive", "alpha": 0.05}
    >>> headline_text(r, lab_catalogue()["employment"], lang="en", follow_up_months=24)[:61]
    'For every 100 participants, 8.0 more were in work after 24 mo'
    """
    if result.get("error") or result.get("estimate") is None:
        return t("hl_failed", lang, name=info.name(lang).lower(), error=result.get("error", ""))
    p = result.get("p_value_holm", result.get("p_value"))
    return (
        effect_sentence(result, info, lang=lang, follow_up_months=follow_up_months, unit=unit)
        + " "
        + significance_sentence(str(result["verdict"]), float(p), lang=lang, unit=unit)
    )
