"""A submission's local outcome (one the lab's catalogue does not hold) is named on the site as
the submission names it, in the page's language: never by its code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from outcomelab.publish import build_site
from outcomelab.publish.i18n import local_outcome_names, term

from .conftest import make_results, write_evaluation

CODE = "local_score"
NAMES = {"sv": "Andel elever med godkända betyg", "en": "Share of pupils with passing grades"}


def _with_local_primary() -> dict[str, Any]:
    results = make_results(
        "INT-LOCAL",
        name="Läxhjälp i Ystad",
        organisation="Ystad",
        code="1286",
        target_group="children_young_people",
        estimate=0.08,
        analysed=240,
        lang="sv",
    )
    local = results["outcomes"][0]
    local["code"] = CODE
    local["name"] = NAMES["sv"]
    results["headline"]["outcome"] = CODE
    results["texts"] = {
        lang: {
            "headline": "Per 100 ... / For every 100 ...",
            "design_reason": "-",
            "sms_reasons": [],
            "wwc_reasons": [],
            "dropped_reasons": ["-"] * len(results["sample_flow"]["dropped"]),
            "robustness_labels": [],
            "outcome_names": {CODE: NAMES[lang], "sick_leave_days": "x"},
            "outcome_units": {CODE: "-", "sick_leave_days": "-"},
        }
        for lang in ("sv", "en")
    }
    return results


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_local_outcome_names_come_from_the_results_in_each_language() -> None:
    results = _with_local_primary()
    for lang in ("sv", "en"):
        names = local_outcome_names([results], lang)
        assert names == {CODE: NAMES[lang]}  # the lab's sick_leave_days keeps the lab's name
        assert term(CODE, lang, names) == NAMES[lang]
        assert term("sick_leave_days", lang, names) != "x"
    # an older one-language result: its outcomes' own names
    del results["texts"]
    assert local_outcome_names([results], "en") == {CODE: NAMES["sv"]}


def test_the_site_names_a_local_outcome_never_by_its_code(tmp_path: Path) -> None:
    write_evaluation(tmp_path / "evaluations", _with_local_primary())
    info = build_site(tmp_path / "evaluations", tmp_path / "site")
    assert CODE in info.outcomes
    for lang in ("sv", "en"):
        index = (info.root / lang / "index.html").read_text(encoding="utf-8")
        (evaluation,) = (info.root / lang / "evaluations").glob("*.html")
        what_works = info.root / lang / "outcomes" / f"{CODE}.html"
        pages = {
            "index": index,
            "evaluation": evaluation.read_text(encoding="utf-8"),
            "what works": what_works.read_text(encoding="utf-8"),
        }
        for where, html in pages.items():
            shown = _text(html)
            assert NAMES[lang] in shown or NAMES[lang].lower() in shown, (lang, where)
            # the code is in links and data attributes (file names, filter values), never text
            assert CODE not in shown and "Local_score" not in shown, (lang, where)
            other = NAMES["en" if lang == "sv" else "sv"]
            assert other not in shown, (lang, where)
        # the filter's option reads the name; its value stays the code the script filters on
        assert f'<option value="{CODE}">{NAMES[lang]}</option>' in index
