"""The identifier scanner looks at identifiers and text, never at the numbers the tool wrote.

Attack (issue 14): ``publish`` refused a whole site because a float in results.json
(-4263.8807746568, whose last ten digits form a valid coordination number) "looked like an
identity number"; about 1 in 7 generated examples was blocked. Rule under test: the scanner reads
a published file by its structure -- a number with a fraction is a measurement; text and whole
numbers are scanned -- and never raises a false alarm on a number the tool produced (property
test over floats as results.json, the site and the CSV write them), while identity numbers and
pseudonyms in text, JSON strings, JSON integers and CSV cells are still found.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from outcomelab.disclosure import scan_text
from outcomelab.disclosure.scan import scan_file
from outcomelab.identity import luhn_check_digit
from outcomelab.publish import build_site
from outcomelab.reports.results_json import canonical, dumps
from outcomelab.vocabulary.numbers import fmt_int, fmt_num

FLOAT = -4263.8807746568


def _personnummer(born: dt.date, serial: int, coordination: bool) -> str:
    nine = f"{born:%y%m}{born.day + (60 if coordination else 0):02d}{serial:03d}"
    return nine + str(luhn_check_digit(nine))


def test_the_float_that_blocked_publishing_is_not_an_identity_number() -> None:
    digits = str(FLOAT).split(".")[1]
    assert len(digits) == 10 and scan_text(f"id {digits} x")  # alone, it would be one
    assert scan_text(json.dumps({"estimate": FLOAT})) == []
    assert scan_text(f"<td>{FLOAT}</td><td>{fmt_num(FLOAT, 'sv', 1)}</td>") == []


def test_a_site_with_that_float_is_published(tmp_path: Path, results_maker) -> None:
    make_results, write_evaluation = results_maker
    results = make_results(
        "INT-F", name="F", organisation="Lund", code="1281", target_group="unemployed",
        estimate=0.05,
    )  # fmt: skip
    results["outcomes"][0]["comparison_mean"] = FLOAT
    results["evidence"]["max_abs_smd"] = 0.8807746568
    write_evaluation(tmp_path / "evals", results)
    info = build_site(tmp_path / "evals", tmp_path / "site")
    assert info.evaluations == (results["evaluation_id"],)


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
@settings(max_examples=500, deadline=None)
def test_no_number_the_tool_writes_is_a_finding(value: float) -> None:
    if value.is_integer() and abs(value) >= 1e9:
        return  # a whole number of 10+ digits is the one shape that may be an identity number
    written = dumps({"x": value, "y": [value, -value]})
    assert scan_text(written) == []
    rounded = canonical(value)
    text = " ".join(
        f"{fmt_num(v, lang, d)} {fmt_int(v, lang) if abs(v) < 1e9 else ''}"
        for v in (value, rounded) for lang in ("sv", "en") for d in (0, 1, 2, 3)
    )  # fmt: skip
    assert scan_text(text) == [], text
    assert scan_text(repr(value)) == [] and scan_text(f"{value:.14g}") == []


def test_identity_numbers_are_still_found_in_every_place(tmp_path: Path) -> None:
    number = _personnummer(dt.date(1981, 12, 18), 987, False)
    twelve = "19" + number
    places = {
        "text.html": f"<p>Kontakt tel.{number}</p>",
        "dashed.html": f"<p>{number[:6]}-{number[6:]}.</p>",
        "string.json": json.dumps({"note": f"person {twelve}"}),
        "integer.json": json.dumps({"value": int(twelve)}),
        "float.json": json.dumps({"value": float(number)}),
        "key.json": json.dumps({number: 1}),
        "cell.csv": f"a,b\n1,{twelve}\n",
        "textcell.csv": f"a,b\n1,ring {number[:6]}-{number[6:]}\n",
        "pseudonym.json": json.dumps({"id": "ab" * 32}),
    }
    for name, content in places.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        found = scan_file(path)
        assert len(found) == 1, (name, found)
        assert number not in found[0].excerpt and twelve not in found[0].excerpt


@given(
    born=st.dates(dt.date(1900, 1, 1), dt.date(2024, 12, 31)),
    serial=st.integers(1, 999),
    coordination=st.booleans(),
    before=st.sampled_from(["", " ", "tel ", "(", "nr:"]),
    after=st.sampled_from(["", " ", ".", ")", ", "]),
)
@settings(max_examples=300, deadline=None)
def test_every_identity_number_in_text_is_found(
    born: dt.date, serial: int, coordination: bool, before: str, after: str
) -> None:
    number = _personnummer(born, serial, coordination)
    for written in (number, f"{number[:6]}-{number[6:]}", f"{born.year // 100}{number}"):
        assert scan_text(f"{before}{written}{after}"), written
