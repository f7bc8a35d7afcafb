"""The catalogue's Swedish page shows the Swedish texts of an evaluation, the English page the
English ones, from the same results.json (``texts.sv`` / ``texts.en``)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema

from outcomelab.disclosure import publishable_results
from outcomelab.publish import build_site
from outcomelab.publish.catalogue import _load_schema

from .conftest import make_results, write_evaluation

SV = {
    "headline": "Per 100 deltagare var 8 fler förvärvsarbetande efter 24 månader.",
    "design_reason": "Deltagarna startade vid 3 olika år; det finns 4 år av uppgifter före start.",
    "sms_reasons": ["Jämförelsegrupp med uppgifter före och efter start: nivå 3."],
    "wwc_reasons": ["Grupperna liknade varandra före start."],
    "dropped_reasons": ["saknar uppgifter om utfall", "start efter slutet", "för kort uppföljning"],
    "robustness_labels": ["Utan bakgrundsvariabler"],
    "outcome_names": {"employment": "Förvärvsarbete"},
    "outcome_units": {"employment": "procentenheter"},
}
EN = {
    "headline": "For every 100 participants, 8 more were in work after 24 months.",
    "design_reason": "Participants started in 3 different years and there are 4 years of data.",
    "sms_reasons": ["Comparison group with data before and after the start: level 3."],
    "wwc_reasons": ["The groups were alike before the start."],
    "dropped_reasons": ["no outcome records", "start after the end", "too short a follow-up"],
    "robustness_labels": ["Without covariates"],
    "outcome_names": {"employment": "Employment"},
    "outcome_units": {"employment": "percentage points"},
}


def _bilingual(language: str = "sv") -> dict[str, Any]:
    results = make_results(
        "INT-L",
        name="Vägen till arbete",
        organisation="Norrköping",
        code="0581",
        target_group="unemployed",
        estimate=0.08,
        analysed=240,
        lang=language,
    )
    results["sample_flow"]["dropped"] = [
        {"stage": "valid", "reason": "x", "count": 40},
        {"stage": "valid", "reason": "y", "count": 3},  # fewer than 5: merged
        {"stage": "eligible", "reason": "z", "count": 25},
    ]
    results["robustness"] = [
        {
            "outcome": "employment",
            "label": "x",
            "method": "att_gt/dr",
            "control_group": "never_treated",
            "covariates": False,
            "estimate": 0.07,
            "std_error": 0.02,
            "conf_low": 0.03,
            "conf_high": 0.11,
            "p_value": 0.01,
            "n_treated": 240,
            "n_control": 2000,
            "error": None,
        }
    ]
    results["texts"] = {"sv": copy.deepcopy(SV), "en": copy.deepcopy(EN)}
    return results


def _visible(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_results_with_texts_in_both_languages_follow_the_schema() -> None:
    jsonschema.validate(_bilingual(), _load_schema())


def test_published_texts_are_built_from_the_allow_list_and_merge_small_reasons() -> None:
    results = _bilingual()
    results["texts"]["sv"]["note"] = "Anna Andersson, 19850101-1234"
    published = publishable_results(results).results["texts"]
    assert "note" not in published["sv"]
    # the small drop-out line (3 persons) is merged: its own words never reach the page
    assert published["sv"]["dropped_reasons"][:2] == [
        "saknar uppgifter om utfall",
        "för kort uppföljning",
    ]
    assert "start efter slutet" not in published["sv"]["dropped_reasons"]
    assert "start after the end" not in published["en"]["dropped_reasons"]
    merged_sv, merged_en = (
        published["sv"]["dropped_reasons"][2],
        published["en"]["dropped_reasons"][2],
    )
    assert "färre än 5" in merged_sv and "fewer than 5" in merged_en
    assert published["en"]["robustness_labels"] == ["Without covariates"]


def test_texts_that_do_not_fit_the_numbers_are_not_published() -> None:
    results = _bilingual()
    results["texts"]["en"]["robustness_labels"] = []
    assert "texts" not in publishable_results(results).results


def test_each_page_shows_its_own_language(tmp_path: Path) -> None:
    root = tmp_path / "evaluations"
    write_evaluation(root, _bilingual("en"))
    site = build_site(root, tmp_path / "site")
    (evaluation,) = site.evaluations
    sv = _visible((site.root / "sv" / "evaluations" / f"{evaluation}.html").read_text("utf-8"))
    en = _visible((site.root / "en" / "evaluations" / f"{evaluation}.html").read_text("utf-8"))
    for words, page, other in ((SV, sv, en), (EN, en, sv)):
        shown = [words["headline"], words["design_reason"], words["sms_reasons"][0]]
        shown += [words["dropped_reasons"][0], words["dropped_reasons"][2]]
        for text in shown:
            assert text in page, text
            assert text not in other, text
    assert "färre än 5" in sv and "fewer than 5" in en


def test_an_older_evaluation_in_one_language_is_marked_as_that_language(tmp_path: Path) -> None:
    root = tmp_path / "evaluations"
    results = _bilingual("en")
    del results["texts"]
    write_evaluation(root, results)
    site = build_site(root, tmp_path / "site")
    page = (site.root / "sv" / "evaluations" / f"{site.evaluations[0]}.html").read_text("utf-8")
    assert re.search(r'<p class="headline[^"]*" lang="en">For every 100', page)
