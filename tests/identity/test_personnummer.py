"""Personnummer and samordningsnummer: Luhn, dates, centuries, '+', coordination numbers.

Only synthetic numbers: each is built here from a date and a serial with its own Luhn digit.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomelab.errors import InputError
from outcomelab.identity import (
    canonical_personnummer,
    looks_like_personnummer,
    luhn_check_digit,
    parse_personnummer,
)


def luhn(digits: str) -> int:
    """Independent Luhn: double every other digit from the right of the payload."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def make(year: int, month: int, day: int, serial: int, *, coordination: bool = False) -> str:
    """Synthetic 12-digit number YYYYMMDDNNNC."""
    dd = day + 60 if coordination else day
    body = f"{year % 100:02d}{month:02d}{dd:02d}{serial:03d}"
    return f"{year:04d}{month:02d}{dd:02d}{serial:03d}{luhn(body)}"


def forms(number12: str, plus: bool = False) -> list[str]:
    ten = number12[2:]
    sep = "+" if plus else "-"
    return [number12, number12[:8] + "-" + number12[8:], ten, ten[:6] + sep + ten[6:]]


REF = dt.date(2026, 6, 15)


def test_check_digit_agrees_with_an_independent_luhn():
    rng = np.random.default_rng(7)
    for _ in range(200):
        nine = "".join(str(d) for d in rng.integers(0, 10, 9))
        assert luhn_check_digit(nine) == luhn(nine)
    with pytest.raises(InputError):
        luhn_check_digit("12345")


def test_all_written_forms_give_the_same_canonical_number():
    number = make(1985, 7, 14, 123)
    parsed = parse_personnummer(forms(number), reference_date=REF)
    assert parsed["valid"].all()
    assert set(parsed["canonical"]) == {number}
    assert (parsed["kind"] == "personnummer").all()
    assert (parsed["birth_date"] == "1985-07-14").all()


def test_wrong_check_digit_is_rejected():
    number = make(1990, 1, 2, 456)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    parsed = parse_personnummer([wrong, wrong[2:]], reference_date=REF)
    assert not parsed["valid"].any()
    assert parsed["reason"].tolist() == ["check_digit", "check_digit"]


def test_century_of_ten_digit_numbers_follows_the_reference_date():
    # born 2020-03-01: written 200301-NNNC; before the birthday in 2020 it must be 1920
    number = make(2020, 3, 1, 111)
    ten = number[2:8] + "-" + number[8:]
    assert canonical_personnummer(ten, reference_date="2026-01-01") == number
    assert canonical_personnummer(ten, reference_date="2020-02-29")[:4] == "1920"
    # born 1926-07-01: in mid-2026 the person is 99, written with '-'
    old = make(1926, 7, 1, 222)
    assert canonical_personnummer(old[2:8] + "-" + old[8:], reference_date=REF) == old


def test_plus_separator_means_a_hundred_years_older():
    number = make(1920, 5, 5, 333)
    ten_plus = number[2:8] + "+" + number[8:]
    assert canonical_personnummer(ten_plus, reference_date=REF) == number
    # the same digits with '-' are someone born in 2020
    assert canonical_personnummer(ten_plus.replace("+", "-"), reference_date=REF)[:4] == "2020"
    # a '+' on a 12-digit number changes nothing: the century is written out
    assert canonical_personnummer(number[:8] + "+" + number[8:], reference_date=REF) == number


def test_coordination_numbers_add_sixty_to_the_day():
    number = make(1988, 2, 29, 444, coordination=True)
    assert number[6:8] == "89"
    parsed = parse_personnummer(forms(number), reference_date=REF)
    assert parsed["valid"].all()
    assert set(parsed["kind"]) == {"samordningsnummer"}
    assert set(parsed["canonical"]) == {number}  # keeps day + 60
    assert (parsed["birth_date"] == "1988-02-29").all()


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (make(1990, 1, 1, 1)[:4] + "13" + "01" + "0019", "month"),
        ("", "empty"),
        ("abc", "format"),
        ("12345", "format"),
        ("19900101-00", "format"),
    ],
)
def test_invalid_shapes_and_months(number, reason):
    assert parse_personnummer([number], reference_date=REF)["reason"].tolist() == [reason]


def test_impossible_days_including_february_and_coordination_range():
    def with_digit(body12: str) -> str:
        return body12[:11] + str(luhn(body12[2:11]))

    feb29_2023 = with_digit("202302290010")
    feb29_2024 = with_digit("202402290010")
    day_92 = with_digit("199001920010")  # coordination day 92 - 60 = 32
    parsed = parse_personnummer([feb29_2023, feb29_2024, day_92], reference_date=REF)
    assert parsed["reason"].tolist() == ["day", None, "day"]


def test_birth_date_after_the_reference_date_is_invalid():
    number = make(2026, 12, 24, 555)
    assert parse_personnummer([number], reference_date=REF)["reason"].tolist() == ["future"]


def test_canonical_error_never_repeats_the_number():
    number = make(1970, 10, 10, 101)
    wrong = number[:-1] + str((int(number[-1]) + 5) % 10)
    with pytest.raises(InputError) as info:
        canonical_personnummer(wrong, reference_date=REF)
    assert wrong not in str(info.value) and wrong[2:] not in str(info.value)


def test_looks_like_is_generous_but_not_fooled_by_pseudonyms():
    number = make(1980, 4, 4, 404)
    wrong_digit = number[:-1] + str((int(number[-1]) + 1) % 10)
    values = [number, wrong_digit[2:8] + "-" + wrong_digit[8:], "a" * 64, "2024-01", "", None]
    assert looks_like_personnummer(values).tolist() == [True, True, False, False, False, False]


@settings(max_examples=60, deadline=None)
@given(
    birth=st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2026, 6, 15)),
    serial=st.integers(1, 999),
    coordination=st.booleans(),
)
def test_every_form_of_a_valid_number_parses_to_its_canonical_form(birth, serial, coordination):
    number = make(birth.year, birth.month, birth.day, serial, coordination=coordination)
    parsed = parse_personnummer(forms(number), reference_date=REF)
    assert parsed["valid"].all()
    assert set(parsed["canonical"]) == {number}


@settings(max_examples=30, deadline=None)
@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1926, 6, 15)),
    serial=st.integers(1, 999),
)
def test_centenarians_written_with_plus_parse_to_their_century(birth, serial):
    number = make(birth.year, birth.month, birth.day, serial)
    ten_plus = number[2:8] + "+" + number[8:]
    assert canonical_personnummer(ten_plus, reference_date=REF) == number


def test_space_and_en_dash_serve_as_separator():
    number = make(1977, 3, 3, 303)
    written = [number[2:8] + " " + number[8:], number[:8] + "\u2013" + number[8:]]
    parsed = parse_personnummer(written, reference_date=REF)
    assert parsed["canonical"].tolist() == [number, number]
    assert looks_like_personnummer(written).all()


def test_birth_number_000_is_never_issued():
    body = "850714000"
    number = "19" + body + str(luhn(body))
    assert parse_personnummer([number], reference_date=REF)["reason"].tolist() == ["serial"]
