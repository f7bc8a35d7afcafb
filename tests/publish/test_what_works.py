"""The catalogue's "what works" pages: pooled from the published copies only, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomelab.errors import InputError
from outcomelab.publish.site import build_site
from outcomelab.publish.what_works import what_works_pages
from outcomelab.synthesis.evidence import read_published, studies_from_results, synthesise_outcome
from outcomelab.vocabulary.numbers import show_effect


def test_pages_pool_only_published_numbers(evaluations: Path, tmp_path: Path) -> None:
    info = build_site(evaluations, tmp_path / "site")
    root = info.root
    # the numbers on the page are those of a meta-analysis of the site's published JSON copies
    published = read_published(root / "data" / "results")
    evidence = synthesise_outcome(studies_from_results(published), "employment", 24)
    assert evidence.main is not None and evidence.main.k == 3  # INT-D (40 persons) unpublished
    main = evidence.main
    for lang, words in (("sv", "deltagare"), ("en", "participants")):
        page = (root / lang / "outcomes" / "employment.html").read_text(encoding="utf-8")
        shown = show_effect(main.estimate, main.conf_low, main.conf_high, "rate", lang)
        assert shown.low in page and shown.high in page
        assert f"3 {'utvärderingar' if lang == 'sv' else 'evaluations'}" in page
        assert words in page
        assert "Liten pilot" not in page  # the unpublished evaluation never reaches the page
        assert (root / "assets" / f"whatworks_employment_24_{lang}.png").stat().st_size > 5000
    # sick-leave days: every estimate withheld (45 persons), so no page and no link
    assert not (root / "sv" / "outcomes" / "sick_leave_days.html").exists()
    index = (root / "sv" / "index.html").read_text(encoding="utf-8")
    assert "outcomes/employment.html" in index
    assert "outcomes/sick_leave_days.html" not in index


def test_page_words_follow_the_evidence(evaluations: Path, tmp_path: Path) -> None:
    info = build_site(evaluations, tmp_path / "site")
    published = read_published(info.root / "data" / "results")
    (page,) = what_works_pages(published, "sv")
    context = page.context
    # estimates +0.08, +0.01, -0.07 with SE 0.02: heterogeneous, the interval includes zero
    assert page.evidence.strength == "limited"
    assert "intervallet rymmer noll" in context["strength"]["reasons"]
    assert context["headline"][1].startswith("Skillnaden är inte statistiskt säkerställd")
    assert context["cost"] == "inte publicerad"
    (english,) = what_works_pages(published, "en")
    assert english.context["title"] == "What works? Employment"


def test_unpublished_results_cannot_make_a_page() -> None:
    with pytest.raises(InputError, match="not a published copy"):
        what_works_pages([{"evaluation_id": "x", "outcomes": []}], "sv")


def test_forest_plot_labels_fit_and_speak_swedish(evaluations: Path, tmp_path: Path) -> None:
    """Long names take two lines and nothing is cut; a Swedish axis writes Swedish numbers."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.image import imread

    from outcomelab.publish.what_works import LABEL_WIDTH, what_works_figure

    info = build_site(evaluations, tmp_path / "site")
    published = read_published(info.root / "data" / "results")
    # the published figure holds every label: it is as wide as what is drawn, not cut to a frame
    (page,) = what_works_pages(published, "sv")
    fig = what_works_figure(page.evidence, "sv")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    content = fig.get_tightbbox(canvas.get_renderer())
    png = imread(info.root / "assets" / "whatworks_employment_24_sv.png")
    assert abs(png.shape[1] - content.width * 110) < 0.05 * png.shape[1]
    ticks = [x.get_text() for x in fig.axes[0].get_xticklabels() if x.get_text()]
    assert any("\u2212" in x for x in ticks) and not any("-" in x for x in ticks), ticks
    published[0]["intervention"]["name"] = "Ett mycket långt namn på en social investering i Norden"
    (page,) = what_works_pages(published, "sv")
    labels = [
        x.get_text() for x in what_works_figure(page.evidence, "sv").axes[0].get_yticklabels()
    ]
    assert any("\n" in x for x in labels)
    assert all(len(line) <= LABEL_WIDTH for x in labels for line in x.split("\n"))
    plt.close("all")
