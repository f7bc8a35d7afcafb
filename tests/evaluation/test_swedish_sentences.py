"""Each Swedish sentence issue 15 found wrong, rendered as the report renders it (no kernel)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from outcomelab.evaluation.design_choice import choose_design
from outcomelab.evaluation.evidence import BaselineEquivalence, evidence_rating
from outcomelab.evaluation.headline import headline_text, significance_sentence
from outcomelab.vocabulary import load_catalogue
from outcomelab.vocabulary.numbers import fmt_p_relation
from outcomelab.vocabulary.phrases import in_language
from outcomelab.vocabulary.texts import t

OUTCOMES = load_catalogue()


def _result(est: float, low: float, high: float, p: float, verdict: str) -> dict[str, object]:
    return {"estimate": est, "conf_low": low, "conf_high": high, "p_value": p, "verdict": verdict}


def test_per_100_participants_not_of_every_100() -> None:
    r = _result(0.057, 0.011, 0.103, 0.02, "positive")
    sv = headline_text(r, OUTCOMES["employment"], lang="sv", follow_up_months=24)
    assert sv.startswith("Per 100 deltagare var 5,7 fler förvärvsarbetande efter 24 månader")
    assert "Av varje" not in sv


@pytest.mark.parametrize(
    ("code", "est", "low", "high", "sv", "en"),
    [
        # a rate whose interval crosses zero: "between 5.6 fewer and 8.1 more"
        (
            "employment",
            0.012,
            -0.056,
            0.081,
            "95 %-intervallet ligger mellan 5,6 färre och 8,1 fler.",
            "the 95% interval lies between 5.6 fewer and 8.1 more.",
        ),
        # a harmful-when-higher amount that fell: the interval is told from the effect's side
        (
            "social_assistance_amount",
            -4897.0,
            -9910.0,
            115.0,
            "95 %-intervallet ligger mellan 115 kr mer och 9 910 kr mindre.",
            "the 95% interval lies between 115 SEK more and 9,910 SEK less.",
        ),
    ],
)
def test_an_interval_across_zero_is_said_as_a_reader_says_it(
    code: str, est: float, low: float, high: float, sv: str, en: str
) -> None:
    r = _result(est, low, high, 0.5, "inconclusive")
    # thousands are grouped with a no-break space in Swedish; compare with plain spaces
    shown_sv, shown_en = (
        headline_text(r, OUTCOMES[code], lang=lang, follow_up_months=24)
        .replace("\u00a0", " ")
        .replace("\u202f", " ")
        for lang in ("sv", "en")
    )
    assert sv in shown_sv and en in shown_en
    for shown in (shown_sv, shown_en):
        assert not re.search(r"(från|from) [−-]", shown)


def test_an_interval_on_one_side_keeps_from_to() -> None:
    r = _result(-0.04, -0.07, -0.01, 0.01, "positive")
    sv = headline_text(r, OUTCOMES["social_assistance_receipt"], lang="sv", follow_up_months=36)
    assert "95 %-intervallet går från 1,0 till 7,0 färre." in sv


@pytest.mark.parametrize("p", [1e-9, 0.0004, 0.0, 0.0456])
def test_p_values_never_read_p_equals_less_than_or_zero(p: float) -> None:
    sentences = [significance_sentence("positive", p, lang=lang) for lang in ("sv", "en")] + [
        t("dg_pretrend", lang, stat="1", df=2, p=fmt_p_relation(p, lang), verdict="")
        for lang in ("sv", "en")
    ]
    for sentence in sentences:
        assert "p = <" not in sentence and "p = 0,000" not in sentence
        assert "p = 0.000" not in sentence
    assert ("p < 0,001" in sentences[0]) == (p < 0.001)


def test_a_rejected_pretrend_says_the_hypothesis_is_rejected() -> None:
    rating = evidence_rating(
        design="did",
        equivalence=BaselineEquivalence(
            pd.DataFrame(), max_abs_smd=0.01, verdict="satisfied", adjusted=True, worst=None
        ),
        pretrend_p=0.00001,
    )
    reason = in_language(rating.sms_reasons[1], "sv")
    assert reason.startswith("Hypotesen om parallella trender före start förkastas (p < 0,001)")
    assert "Testet" not in " ".join(in_language(r, "sv") for r in rating.sms_reasons)


@pytest.mark.parametrize(
    ("group", "words"),
    [
        ("never_treated", "personer som aldrig fått insatsen"),
        ("not_yet_treated", "personer som ännu inte fått insatsen"),
    ],
)
def test_the_comparison_group_is_named_in_one_plain_phrase(group: str, words: str) -> None:
    choice = choose_design([2019, 2020, 2021], range(2014, 2024), control_group=group)
    reason = in_language(choice.reason, "sv")
    assert reason.endswith(words + ".")
    assert "(" not in reason.split("Sant'Anna)")[-1]
