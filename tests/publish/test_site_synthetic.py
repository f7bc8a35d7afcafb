"""A municipality-level evaluation's page shows its synthetic design: the headline, which
municipalities make up the synthetic comparison group and their weights, the estimates of
synthetic DiD and synthetic control, the placebo and HonestDiD sentences, and the treated
municipality against the synthetic comparison year by year — in the page's language, from the
published (disclosure-controlled) numbers."""

from __future__ import annotations

import copy
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from outcomelab.publish import build_site
from outcomelab.publish.synthetic import TOP_DONORS, synthetic_section
from outcomelab.vocabulary.numbers import fmt_num
from outcomelab.vocabulary.texts import t

from .conftest import make_results, make_synthetic_results, write_evaluation


def _rows(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table with ``caption`` (cells as text)."""
    tables = re.findall(r"<table[^>]*>(.*?)</table>", html, flags=re.S)
    (found,) = [tb for tb in tables if caption in unescape(tb)]
    body = re.search(r"<tbody>(.*?)</tbody>", found, flags=re.S)
    assert body is not None
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), flags=re.S)
    ]


@pytest.fixture()
def site(tmp_path: Path, synthetic_block: dict[str, Any]) -> Path:
    root = tmp_path / "evaluations"
    write_evaluation(root, make_synthetic_results(copy.deepcopy(synthetic_block)))
    write_evaluation(
        root,
        make_results(
            "INT-P",
            name="Vägen till arbete",
            organisation="Norrköping",
            code="0581",
            target_group="unemployed",
            estimate=0.08,
        ),
    )
    return build_site(root, tmp_path / "site").root


def _page(site: Path, lang: str, stem: str) -> str:
    (path,) = (site / lang / "evaluations").glob(f"{stem}*.html")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_synthetic_design_is_on_the_page_in_its_language(
    site: Path, synthetic_block: dict[str, Any], lang: str
) -> None:
    other = "en" if lang == "sv" else "sv"
    html = _page(site, lang, "0581-SYNT")
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert t("h_synthetic", lang) in text and t("h_synthetic", other) not in text

    # the donors: the ten largest synthetic DiD weights, by name, largest first, in per cent
    donors = sorted(synthetic_block["donors"], key=lambda d: -d["weight"])[:TOP_DONORS]
    caption = t("site_sy_weights_caption", lang, top=TOP_DONORS)
    rows = _rows(html, caption)
    assert [r[0] for r in rows] == [d["name"] for d in donors]
    for row, donor in zip(rows, donors, strict=True):
        assert row[1] == f"{fmt_num(100 * donor['weight'], lang, 1)} %"
    share = fmt_num(100 * sum(d["weight"] for d in donors), lang, 0)
    assert f"{share} %" in text  # "the 10 largest weights together make up NN %"

    # the series: one row per year, treated and synthetic per 100 persons, before/after marked
    series = _rows(html, t("site_sy_caption", lang, treated="Norrköping"))
    trajectory = synthetic_block["trajectory"]
    assert [r[0] for r in series] == [str(p["period"]) for p in trajectory]
    for row, point in zip(series, trajectory, strict=True):
        when = t("site_sy_after" if point["post"] else "site_sy_before", lang)
        assert row[1:] == [
            when,
            fmt_num(100 * point["treated"], lang, 1),
            fmt_num(100 * point["synthetic"], lang, 1),
            fmt_num(100 * point["gap"], lang, 1),
        ]

    # the estimates: synthetic DiD's as the headline table shows it, synthetic control's beside
    section = synthetic_section(make_synthetic_results(synthetic_block), lang)
    assert section is not None
    for key in ("weights", "estimates", "placebo", "honest"):
        assert section[key] and section[key] in text, key
    assert "HonestDiD" in section["honest"]
    assert t("site_n_treated_units", lang, units=t("units_municipality", lang)) in text
    assert fmt_num(24_000, lang, 0) in text  # the persons the treated municipality covers


def test_a_person_level_page_has_no_synthetic_section(site: Path) -> None:
    for lang in ("sv", "en"):
        # the catalogue's footnote says what a municipality-level effect is per
        index = unescape((site / lang / "index.html").read_text(encoding="utf-8"))
        assert t("site_effect_units_also_aggregate", lang) in index
        html = _page(site, lang, "INT-P")
        assert t("h_synthetic", lang) not in html and "h-synthetic" not in html
        assert t("site_submitted", lang) in html  # the persons' sample flow as before


def test_an_interrupted_time_series_shows_the_extended_trend(
    synthetic_block: dict[str, Any],
) -> None:
    block = copy.deepcopy(synthetic_block)
    block["design"] = "its"
    block["trajectory"] = [
        {
            "cohort": p["cohort"],
            "period": p["period"],
            "post": p["post"],
            "observed": p["treated"],
            "counterfactual": p["synthetic"] + 0.01,
        }
        for p in synthetic_block["trajectory"]
    ]
    for key in ("donors", "synthetic_control", "honest_did"):
        block.pop(key, None)
    section = synthetic_section(make_synthetic_results(block), "sv")
    assert section is not None
    assert section["heading"] == t("h_its", "sv") and section["weights"] is None
    assert section["series_header"][-2] == t("site_sy_trend", "sv")
    first = block["trajectory"][0]
    assert section["series_rows"][0][-1] == fmt_num(
        100 * (first["observed"] - first["counterfactual"]), "sv", 1
    )


def test_what_works_counts_the_persons_behind_a_municipality(site: Path) -> None:
    """The municipality's n_treated counts one municipality: the what-works page shows the
    persons its estimate covers, and adds them to the participants of the other evaluations."""
    for lang in ("sv", "en"):
        html = (site / lang / "outcomes" / "employment.html").read_text(encoding="utf-8")
        rows = _rows(html, t("site_ww_evaluations", lang))
        participants = {r[0].split(" (")[0]: r[1] for r in rows}
        assert participants["Kommunal ungdomsgaranti"] == fmt_num(24_000, lang, 0)
        assert participants["Vägen till arbete"] == fmt_num(240, lang, 0)
        assert f">{fmt_num(24_240, lang, 0)}<" in html  # the facts box's total
