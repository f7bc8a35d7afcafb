"""Language-neutral phrases: one explanation kept once, written in the language of each page."""

from __future__ import annotations

import pytest

from outcomelab.errors import ParameterError
from outcomelab.evaluation.design_choice import choose_design
from outcomelab.vocabulary.numbers import fmt_num
from outcomelab.vocabulary.phrases import (
    Joined,
    each_language,
    in_language,
    in_languages,
    phrase,
)
from outcomelab.vocabulary.texts import TextError


def test_a_phrase_is_written_in_each_language_with_its_values_in_that_language() -> None:
    p = phrase("wwc_reason_satisfied", d=each_language(lambda lang: fmt_num(0.031, lang, 3)))
    both = in_languages(p)
    assert "0,031" in both["sv"] and "0.031" not in both["sv"]
    assert "0.031" in both["en"] and "0,031" not in both["en"]
    assert both["sv"] != both["en"]


def test_nested_and_joined_phrases_follow_the_language() -> None:
    reason = Joined(
        (phrase("d_requested", design="both"), phrase("cg_never_treated"), "(kod)"), " | "
    )
    sv, en = in_language(reason, "sv"), in_language(reason, "en")
    assert sv.startswith("Designen (both) var förvald") and sv.endswith(" | (kod)")
    assert en.startswith("The design (both) was fixed") and en.endswith(" | (kod)")
    assert sv.count(" | ") == en.count(" | ") == 2


def test_an_unknown_key_fails_when_the_phrase_is_made_not_when_it_is_shown() -> None:
    with pytest.raises(TextError, match="no_such_text"):
        phrase("no_such_text", n=1)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ParameterError):
        in_language(phrase("d_both"), "de")


def test_values_that_are_not_texts_pass_through() -> None:
    assert in_language(3, "sv") == 3
    assert in_language("Norrköping", "en") == "Norrköping"
    assert in_language(None, "sv") is None


def test_the_design_reason_is_one_choice_in_two_languages() -> None:
    choice = choose_design([2019, 2020], range(2014, 2024), control_group="not_yet_treated")
    sv, en = in_languages(choice.reason).values()
    assert "ännu inte fått insatsen" in sv and "not yet" not in sv
    assert "not yet" in en and "ännu" not in en
