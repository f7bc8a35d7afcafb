"""The published site in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from outcomelab.publish import build_site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="needs Debian's chromium (.ci/run installs it with apt-get)",
    ),
]


@pytest.fixture()
def page(tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        # the site must work without a network: fail any request that leaves the disk
        context.route("http*://**", lambda route: route.abort())
        yield context.new_page()
        browser.close()


def _visible_rows(page: Any) -> int:
    return int(page.locator("#catalogue tbody tr:visible").count())


def test_index_filters_search_and_evaluation_page(
    evaluations: Path, tmp_path: Path, page: Any
) -> None:
    info = build_site(evaluations, tmp_path / "site")
    page.goto((info.root / "en" / "index.html").as_uri())
    assert _visible_rows(page) == 3
    assert "Showing 3 of 3" in page.locator("#count").inner_text()

    page.select_option("#f-target_group", "unemployed")
    assert _visible_rows(page) == 1
    page.select_option("#f-target_group", "")
    page.select_option("#f-result", "negative")
    assert _visible_rows(page) == 1
    page.select_option("#f-result", "")

    page.fill("#q", "göteborg")
    assert _visible_rows(page) == 1
    page.fill("#q", "no such place")
    assert _visible_rows(page) == 0 and page.locator("#empty").is_visible()
    page.fill("#q", "")

    # keyboard only: type in the search box, then Tab reaches the first filter
    page.focus("#q")
    page.keyboard.type("norrk")
    assert _visible_rows(page) == 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-target_group"
    page.fill("#q", "")

    page.click("text=Vägen till arbete")
    assert "/evaluations/" in page.url
    images = page.locator("main img")
    assert images.count() >= 1
    for i in range(images.count()):
        img = images.nth(i)
        assert img.get_attribute("alt")
        assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())

    page.goto((info.root / "sv" / "outcomes" / "employment.html").as_uri())
    forest = page.locator("main img").first
    assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", forest.element_handle())
    assert page.locator("html").get_attribute("lang") == "sv"


def _axe_violations(page: Any) -> list[str]:
    """axe-core's violations (every rule it runs by default, WCAG 2.1 AA and best practice)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} on {page.url}" for v in found]


def test_every_kind_of_page_passes_axe_in_both_languages(
    evaluations: Path, tmp_path: Path, page: Any
) -> None:
    # axe-core ships inside the axe-playwright-python wheel (a dev dependency): no network here
    info = build_site(evaluations, tmp_path / "site")
    pages = [info.root / "index.html"]
    for lang in ("sv", "en"):
        folder = info.root / lang
        pages += [folder / "index.html", next((folder / "evaluations").glob("*.html"))]
        pages += sorted((folder / "outcomes").glob("*.html"))[:1]
    violations = []
    for path in pages:
        page.goto(path.as_uri())
        lang = path.relative_to(info.root).parts[0]
        if lang in ("sv", "en"):
            assert page.locator("html").get_attribute("lang") == lang, path
        levels = [
            int(h.evaluate("(el) => el.tagName")[1]) for h in page.locator("h1, h2, h3, h4").all()
        ]
        assert levels and levels[0] == 1, path
        assert all(b - a <= 1 for a, b in pairwise(levels)), (path, levels)
        violations += _axe_violations(page)
    assert violations == []


def test_catalogue_filters_work_from_the_keyboard(
    evaluations: Path, tmp_path: Path, page: Any
) -> None:
    info = build_site(evaluations, tmp_path / "site")
    page.goto((info.root / "sv" / "index.html").as_uri())
    every = _visible_rows(page)
    page.focus("#q")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-target_group"
    # a select changes with the arrow keys, and the list follows
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.value")
    assert chosen and 0 < _visible_rows(page) < every
    focus_visible = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle !== 'none'"
        " || getComputedStyle(document.activeElement).boxShadow !== 'none'"
    )
    assert focus_visible  # a keyboard user sees where the focus is


def test_the_catalogue_fits_a_1000_pixel_window_in_both_languages(
    evaluations: Path, tmp_path: Path, page: Any
) -> None:
    """Issue 15: the catalogue table was wider than a 1,000 px window. It fits, with the usual
    evaluations and with one whose names are as long as a submission may make them."""
    from .conftest import make_results, write_evaluation

    long_words = "Arbetsmarknadsintegrationsinsatsen" + "ö" * 120  # one unbroken word
    write_evaluation(
        evaluations,
        make_results(
            "INT-LONG",
            name=f"{long_words} för unga vuxna i {long_words} (pilot)",
            organisation=f"Kommunalförbundet {long_words}",
            code="0581",
            target_group="children_young_people",
            estimate=0.05,
        ),
    )
    info = build_site(evaluations, tmp_path / "site")
    page.set_viewport_size({"width": 1000, "height": 800})
    for lang in ("sv", "en"):
        page.goto((info.root / lang / "index.html").as_uri())
        assert _visible_rows(page) == 4
        widths = page.evaluate(
            """() => [document.documentElement, document.querySelector('#catalogue')]
                .map(e => [e.scrollWidth, e.clientWidth])"""
        )
        for scroll, client in widths:
            assert scroll <= client, (lang, widths)
        right = page.evaluate("document.querySelector('#catalogue').getBoundingClientRect().right")
        assert right <= 1000, (lang, right)
        # the evaluation and "what works" pages, whose tables name the interventions too
        for other in sorted((info.root / lang).glob("*/*.html")):
            page.goto(other.as_uri())
            width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1], (other, width)


def test_a_synthetic_design_page_passes_axe_and_fits_in_both_languages(
    tmp_path: Path, synthetic_block: dict[str, Any], page: Any
) -> None:
    """The municipality-level page (donor weights, yearly series) in Chromium: zero axe
    violations, headings in order, no table wider than a 1,000 px window."""
    from .conftest import make_synthetic_results, write_evaluation

    write_evaluation(tmp_path / "evaluations", make_synthetic_results(synthetic_block))
    info = build_site(tmp_path / "evaluations", tmp_path / "site")
    page.set_viewport_size({"width": 1000, "height": 800})
    violations = []
    for lang in ("sv", "en"):
        (path,) = (info.root / lang / "evaluations").glob("*.html")
        page.goto(path.as_uri())
        assert page.locator("#h-synthetic").count() == 1
        assert page.locator("table.series tbody tr").count() == len(synthetic_block["trajectory"])
        levels = [
            int(h.evaluate("(el) => el.tagName")[1]) for h in page.locator("h1, h2, h3, h4").all()
        ]
        assert all(b - a <= 1 for a, b in pairwise(levels)), (path, levels)
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], (path, width)
        violations += _axe_violations(page)
        shots = os.environ.get("OUTCOMELAB_SCREENSHOTS")
        if shots and lang == "sv":  # the README's picture of a municipality-level page
            page.screenshot(path=str(Path(shots) / "evaluation-synthetic-sv.png"), full_page=True)
    assert violations == []
