"""Headline sentences, verdicts, Holm p-values and number formatting (no kernel)."""

from __future__ import annotations

import pytest

from outcomelab.errors import ParameterError
from outcomelab.evaluation.headline import headline_text
from outcomelab.evaluation.outcomes import holm, verdict
from outcomelab.vocabulary import load_catalogue
from outcomelab.vocabulary.numbers import fmt_int, fmt_num, fmt_p
from outcomelab.vocabulary.texts import texts

OUTCOMES = load_catalogue()


def _result(est: float, low: float, high: float, p: float, v: str) -> dict[str, object]:
    return {"estimate": est, "conf_low": low, "conf_high": high, "p_value": p, "verdict": v}


def test_binary_headline_per_100_in_both_languages() -> None:
    r = _result(0.081, 0.031, 0.131, 0.002, "positive")
    en = headline_text(r, OUTCOMES["employment"], lang="en", follow_up_months=24)
    assert en.startswith("For every 100 participants, 8.1 more were in work after 24 months")
    assert "from 3.1 to 13.1 more" in en
    assert "statistically significant (p = 0.002)" in en
    sv = headline_text(r, OUTCOMES["employment"], lang="sv", follow_up_months=24)
    assert sv.startswith("Per 100 deltagare var 8,1 fler förvärvsarbetande efter 24 månader")
    assert "från 3,1 till 13,1 fler" in sv


def test_lower_is_better_outcome_reads_as_fewer_with_flipped_interval() -> None:
    r = _result(-0.04, -0.07, -0.01, 0.01, "positive")
    en = headline_text(r, OUTCOMES["social_assistance_receipt"], lang="en", follow_up_months=36)
    assert "4.0 fewer were receiving social assistance after 36 months" in en
    assert "from 1.0 to 7.0 fewer" in en


def test_inconclusive_result_uses_the_data_lab_wording() -> None:
    r = _result(0.02, -0.01, 0.05, 0.21, "inconclusive")
    en = headline_text(r, OUTCOMES["employment"], lang="en", follow_up_months=24)
    assert "not statistically significant" in en
    assert "does not mean the programme failed" in en
    assert "more people are needed to tell" in en
    sv = headline_text(r, OUTCOMES["employment"], lang="sv", follow_up_months=24)
    assert "behövs fler deltagare" in sv


def test_aggregate_units_are_named_and_never_called_participants() -> None:
    r = _result(0.02, -0.01, 0.05, 0.21, "inconclusive")
    sv = headline_text(r, OUTCOMES["employment"], lang="sv", follow_up_months=24, unit="state")
    assert "deltagare" not in sv
    assert sv.startswith("Efter 24 månader var i genomsnitt 2,0 fler per 100 invånare")
    assert "i de delstater som hade insatsen än i jämförbara delstater" in sv
    assert "behövs fler delstater" in sv
    en = headline_text(
        r, OUTCOMES["employment"], lang="en", follow_up_months=24, unit="municipality"
    )
    assert "in the municipalities with the intervention than in comparable municipalities" in en
    assert "more municipalities are needed" in en and "participant" not in en
    odd = headline_text(r, OUTCOMES["employment"], lang="sv", follow_up_months=24, unit="ward")
    assert "enheter" in odd


def test_a_follow_up_of_zero_months_reads_the_start_year() -> None:
    r = _result(-0.35, -0.9, 0.2, 0.24, "inconclusive")
    for unit in ("person", "firm"):
        sv = headline_text(r, OUTCOMES["sick_leave_days"], lang="sv", follow_up_months=0, unit=unit)
        assert "0 månader" not in sv and sv.startswith("Under startåret")
    en = headline_text(r, OUTCOMES["employment"], lang="en", follow_up_months=0)
    assert "0 months" not in en and "in the start year" in en


def test_amount_headline_has_unit_and_no_placeholders() -> None:
    r = _result(-1234.4, -2000.0, -400.0, 0.004, "positive")
    for lang in ("sv", "en"):
        text = headline_text(
            r, OUTCOMES["social_assistance_amount"], lang=lang, follow_up_months=24
        )
        assert "{" not in text and "nan" not in text.lower()
    assert "1,234 SEK less in social assistance" in text


def test_failed_estimate_is_stated() -> None:
    r = {"estimate": None, "error": "too few people."}
    text = headline_text(r, OUTCOMES["employment"], lang="en", follow_up_months=24)
    assert "could not be estimated: too few people." in text


@pytest.mark.parametrize(
    ("est", "p", "direction", "expected"),
    [
        (0.1, 0.01, "higher_is_better", "positive"),
        (-0.1, 0.01, "higher_is_better", "negative"),
        (-0.1, 0.01, "higher_is_worse", "positive"),
        (0.1, 0.01, "higher_is_worse", "negative"),
        (0.1, 0.06, "higher_is_better", "inconclusive"),
        (None, None, "higher_is_better", "inconclusive"),
    ],
)
def test_verdict_takes_direction_into_account(
    est: float | None, p: float | None, direction: str, expected: str
) -> None:
    assert verdict(est, p, 0.05, direction) == expected  # type: ignore[arg-type]


def test_holm_matches_hand_computation_and_skips_missing() -> None:
    # sorted 0.01, 0.03, 0.04 -> 3*0.01, max(0.03, 2*0.03), max(0.06, 1*0.04)
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, None, 0.9]) == [pytest.approx(1.0), None, pytest.approx(1.0)]
    assert holm([]) == []


def test_a_direction_outside_the_vocabulary_is_an_error() -> None:
    with pytest.raises(ParameterError, match="did you mean 'higher_is_worse'"):
        verdict(0.1, 0.01, 0.05, "lower_is_better")  # type: ignore[arg-type]


def test_continuous_outcome_is_rounded_to_its_scale_and_may_be_negative() -> None:
    # a castle-doctrine-like effect on a log rate: 0.019 with an interval of about +-0.05 must not
    # read "0.0 fewer"; a continuous outcome says "higher"/"lower" in the units of the measure
    own = [
        {
            "code": "log_homicide_rate",
            "name_sv": "Logaritmerad mordfrekvens",
            "name_en": "Log homicide rate",
            "unit": "log points",
            "kind": "continuous",
            "direction": "higher_is_worse",
            "periodicity": "year",
            "followup_windows_months": "12",
            "definition_en": "Natural log of homicides per 100 000 inhabitants.",
            "definition_sv": "Naturliga logaritmen av antalet mord per 100 000 invånare.",
            "phrase_en": "log homicide rate",
        }
    ]
    info = load_catalogue(extra=own)["log_homicide_rate"]
    r = _result(0.019, -0.031, 0.069, 0.45, "inconclusive")
    en = headline_text(r, info, lang="en", follow_up_months=12)
    assert "log homicide rate was on average 0.019 log points higher" in en
    assert "between 0.031 log points lower and 0.069 log points higher" in en
    sv = headline_text(r | {"estimate": -0.019}, info, lang="sv", follow_up_months=12)
    assert "0,019 log points lägre" in sv


def test_every_text_exists_in_both_languages() -> None:
    for key, entry in texts().items():
        assert set(entry) == {"sv", "en"}, key


def test_number_formats_per_language() -> None:
    assert fmt_num(-1234.56, "sv", 1) == "\u22121\u00a0234,6"
    assert fmt_num(-0.04, "en", 1) == "0.0"
    assert fmt_int(12345, "en") == "12,345"
    assert fmt_p(0.0001, "en") == "< 0.001"
    assert fmt_p(0.0456, "sv") == "0,046"
